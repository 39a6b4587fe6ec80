"""Attendees and volunteers, as organisers handle them."""

from flask import g
from sqlalchemy import select

from festival.accounts.models import User
from festival.extensions import db
from festival.mail.models import OutboxMessage


def test_search_finds_by_name_email_and_short_code(seeded, organiser, client):
    ticket = seeded.people[1].ticket
    for q in ("karim", "KARIM@example", ticket.short_code.lower()):
        html = client.get("/organisateur/participants", query_string={"q": q}).get_data(
            as_text=True
        )
        assert "Karim B." in html, q
    assert "Aucun résultat" in client.get("/organisateur/participants?q=zz").get_data(as_text=True)


def test_correcting_a_name_reissues_the_ticket(seeded, organiser, client):
    person = seeded.people[0]
    version = person.ticket.version
    response = client.post(
        f"/organisateur/participants/{person.attendee.id}/nom", data={"name": "Anna  Nowak"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert person.attendee.name == "Anna Nowak"
    assert person.ticket.version == version + 1


def test_cancel_a_booking_and_resend_the_email(seeded, organiser, client):
    person = seeded.people[1]
    booking = person.attendee.bookings[0]
    taken = booking.event.seats_taken
    assert client.post(f"/organisateur/reservations/{booking.id}/annuler").status_code == 302
    db.session.expire_all()
    assert booking.status == "cancelled" and booking.event.seats_taken == taken - 1
    client.post(f"/organisateur/inscriptions/{person.registration.id}/renvoyer")
    assert db.session.scalar(select(OutboxMessage.recipient)) == "karim@example.org"


def test_disabling_a_volunteer_ends_their_session(make_user, login_as, client, app):
    volunteer = make_user("door@example.org", "volunteer")
    boss = make_user("boss@example.org", "organiser")
    login_as(boss)
    response = client.post(f"/organisateur/benevoles/{volunteer.id}/desactiver")
    assert response.status_code == 302
    user = db.session.get(User, volunteer.id)
    assert not user.is_enabled and user.session_version == 2
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = f"{volunteer.id}:1"
    g.pop("_login_user", None)  # the test's app context outlives requests: forget the boss
    response = other.get("/organisateur/")
    assert response.status_code in (401, 302)


def test_create_a_volunteer_and_list_it(organiser, client):
    response = client.post(
        "/organisateur/benevoles",
        data={"email": "new@example.org", "name": "Nina", "password": "long enough pw"},
    )
    assert response.status_code == 302
    assert "new@example.org" in client.get("/organisateur/benevoles").get_data(as_text=True)
    assert db.session.scalar(select(User.role).where(User.email == "new@example.org")) == (
        "volunteer"
    )


def test_manual_check_in_goes_through_the_check_in_service(seeded, organiser, client):

    from festival.checkin.models import Scan

    person = seeded.people[1]
    door = seeded.event_door[seeded.bookable[0].id]
    url = f"/organisateur/billets/{person.ticket.id}/entree"
    assert client.post(url, data={"checkpoint_id": door.id}).status_code == 302
    # The service decided and logged the scan (its verdict depends on today's date, which the
    # seeded edition need not contain).
    assert db.session.scalar(
        select(Scan.result).where(Scan.ticket_id == person.ticket.id, Scan.checkpoint_id == door.id)
    )
