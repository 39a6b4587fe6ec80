"""Where tickets go: the confirmation email carries the PDFs; the manage page shows the QR."""

from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from festival.extensions import db
from festival.registration.inputs import RegistrationInput
from festival.registration.services import register
from festival.tickets.services import code_for

NOW = datetime(2031, 5, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAIL_SERVER": None}  # messages become .eml files


@pytest.fixture
def registered(app, make_event, edition, venue):
    def run(people, locale="fr"):
        event = make_event(edition=edition, venue=venue, title="Premiers pas en polonais")
        data = RegistrationInput(
            contact_name=people[0],
            contact_email="family@example.org",
            event_ids=[event.id],
            consent=True,
            locale=locale,
            attendees=list(people),
        )
        registration = register(data, NOW)
        db.session.commit()
        return registration

    return run


def test_the_confirmation_email_carries_one_pdf_per_ticket(app, registered, read_qr, pdf_text):
    registration = registered(["Ana Kowalska", "Piotr Kowalski"], locale="en")
    (path,) = (Path(app.instance_path) / "mail").glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    parts = list(message.iter_attachments())
    assert [p.get_content_type() for p in parts] == ["application/pdf"] * 2
    tickets = [a.ticket for a in registration.attendees]
    for part, ticket in zip(parts, tickets, strict=True):
        data = part.get_content()
        assert read_qr(data) == [[code_for(ticket)]]
        assert "Your bookings" in pdf_text(data)[0]
        assert part.get_filename() == f"meltingpotch-ticket-{ticket.id}.pdf"


def test_the_manage_page_shows_each_qr_and_the_pdf_link(client, registered):
    registration = registered(["Ana Kowalska", "Piotr Kowalski"])
    page = client.get(f"/fr/inscription/gerer/{registration.manage_token}").get_data(as_text=True)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    for attendee in registration.attendees:
        assert f"/tickets/{attendee.ticket.pdf_token}.pdf" in page
    assert "css/tickets.css" in page
    assert "style=" not in page.split("<main", 1)[1]  # strict CSP: no inline styles
