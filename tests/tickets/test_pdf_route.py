"""GET /tickets/<token>.pdf: the PDF behind the secret link, never cached by others."""

from festival.extensions import db
from festival.tickets.services import cancel_ticket, code_for, reissue_ticket


def test_the_pdf_link_serves_the_ticket_in_the_attendee_s_language(
    client, make_ticket, pdf_text, read_qr
):
    ticket = make_ticket(name="Jane Doe", locale="en")
    response = client.get(f"/tickets/{ticket.pdf_token}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="meltingpotch-ticket-{ticket.id}.pdf"'
    )
    assert "Your bookings" in pdf_text(response.data)[0]
    assert read_qr(response.data) == [[code_for(ticket)]]


def test_the_url_is_built_from_the_token(app, make_ticket):
    from flask import url_for

    ticket = make_ticket()
    with app.test_request_context():
        assert url_for("tickets.pdf", token=ticket.pdf_token) == f"/tickets/{ticket.pdf_token}.pdf"
    assert len(ticket.pdf_token) >= 43  # token_urlsafe(32): 256 bits


def test_unknown_cancelled_and_superseded_links_are_not_found(client, make_ticket):
    ticket = make_ticket()
    assert client.get("/tickets/nope.pdf").status_code == 404
    assert client.get(f"/tickets/{'x' * 300}.pdf").status_code == 404
    old_token = ticket.pdf_token
    reissue_ticket(ticket)
    db.session.commit()
    assert client.get(f"/tickets/{old_token}.pdf").status_code == 404
    cancel_ticket(ticket)
    db.session.commit()
    assert client.get(f"/tickets/{ticket.pdf_token}.pdf").status_code == 404
