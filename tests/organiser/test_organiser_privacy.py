"""RGPD: export one registration's data, erase it (counts kept), purge after the edition."""

import json
from datetime import UTC, datetime

from sqlalchemy import String, Text, func, select, text

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.organiser import privacy, stats
from festival.registration import notices

CANARY_NAME = "Canari Zybrowski"
CANARY_EMAIL = "canari.zybrowski@example.org"


def _text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text) or "JSON" in str(column.type).upper():
                yield table, column


def _traces(*needles) -> list[str]:
    found = []
    for table, column in _text_columns():
        for needle in needles:
            count = db.session.scalar(
                select(func.count())
                .select_from(table)
                .where(func.lower(column).contains(needle.lower()))
            )
            if count:
                found.append(f"{table.name}.{column.name} has {needle!r}")
    return found


def _canary(f):
    person = f.register(CANARY_NAME, CANARY_EMAIL, "62110", [f.bookable[0]])
    f.admit(person.ticket, f.venue_door[f.bookable[0].venue_id], f.now)
    notices.queue_confirmation(person.registration, f.now)
    db.session.commit()
    return person


def test_the_data_export_holds_the_registration_and_is_logged(seeded, organiser, client):
    person = seeded.people[0]
    response = client.post(f"/organisateur/inscriptions/{person.registration.id}/donnees.json")
    data = json.loads(response.get_data())
    assert data["registration"]["contact_email"] == "ana@example.org"
    assert data["attendees"][0]["bookings"][0]["status"] == "confirmed"
    assert data["attendees"][0]["scans"]
    assert db.session.execute(text("SELECT what FROM export_log")).scalar() == (
        f"json:registration={person.registration.id}"
    )


def _cached_pdf(ticket_id):
    """A cached PDF of the ticket where the tickets feature keeps them (once it is merged)."""
    try:
        from festival.tickets.pdf_cache import cache_directory
    except ImportError:
        return None
    directory = cache_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{ticket_id}-1-fr-canary.pdf"
    path.write_bytes(b"%PDF " + CANARY_NAME.encode())
    return path


def test_erasure_leaves_no_trace_of_the_canary_and_keeps_the_counts(seeded, organiser, client):
    person = _canary(seeded)
    cached = _cached_pdf(person.ticket.id)
    assert _traces(CANARY_NAME, CANARY_EMAIL)  # the scan really looks (negative control)
    before = stats.compute_dashboard(seeded.edition, seeded.now)
    response = client.post(f"/organisateur/inscriptions/{person.registration.id}/effacer")
    assert response.status_code == 302
    db.session.expire_all()
    assert _traces(CANARY_NAME, CANARY_EMAIL, "Zybrowski") == []
    assert cached is None or not cached.exists()
    after = stats.compute_dashboard(seeded.edition, seeded.now)
    assert after["totals"] == before["totals"]
    assert after["postal_codes"] == before["postal_codes"]


def test_purge_erases_editions_ended_long_ago_only(seeded, runner, app):
    _canary(seeded)
    app.config["PURGE_AFTER_DAYS"] = 30
    assert privacy.purge_personal_data(datetime(2031, 6, 1, tzinfo=UTC), 30) == 0
    result = runner.invoke(args=["purge-personal-data", "--as-of", "2031-06-20"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _traces(CANARY_NAME, CANARY_EMAIL, "ana@example.org") == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_every_text_column_is_scanned():
    names = {f"{t.name}.{c.name}" for t, c in _text_columns()}
    assert {
        "registration.contact_email",
        "attendee.name",
        "scan.response_json",
        "outbox_message.payload_json",
        "outbox_message.recipient",
    } <= names
