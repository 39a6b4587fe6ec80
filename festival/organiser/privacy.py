"""RGPD: give a registration's data, erase it (counts kept), purge after the edition."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from festival.checkin.models import Scan, WalkIn
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.programme.models import Edition
from festival.registration.models import Registration
from festival.tickets.models import Ticket
from festival.tickets.pdf_cache import purge_pdf_cache

ERASED_NAME = "(effacé)"


def _iso(value):
    return value.isoformat() if value else None


def registration_data(registration: Registration) -> dict:
    """Everything the festival holds about one registration, as JSON-ready data."""
    return {
        "registration": {
            "id": registration.id,
            "contact_name": registration.contact_name,
            "contact_email": registration.contact_email,
            "contact_phone": registration.contact_phone,
            "postal_code": registration.postal_code,
            "locale": registration.locale,
            "group_name": registration.group_name,
            "consent_at": _iso(registration.consent_at),
            "created_at": _iso(registration.created_at),
            "cancelled_at": _iso(registration.cancelled_at),
        },
        "attendees": [
            {
                "name": a.name,
                "group_size": a.group_size,
                "ticket": {"short_code": a.ticket.short_code, "status": a.ticket.status}
                if a.ticket
                else None,
                "bookings": [
                    {
                        "event_id": b.event_id,
                        "status": b.status,
                        "seats": b.seats,
                        "created_at": _iso(b.created_at),
                    }
                    for b in a.bookings
                ],
                "scans": [
                    {"at": _iso(s.scanned_at), "checkpoint_id": s.checkpoint_id, "result": s.result}
                    for s in _scans_of([a.ticket.id] if a.ticket else [])
                ],
            }
            for a in registration.attendees
        ],
    }


def _scans_of(ticket_ids: list[int]) -> list[Scan]:
    if not ticket_ids:
        return []
    return list(db.session.scalars(select(Scan).where(Scan.ticket_id.in_(ticket_ids))))


def erase_registration(registration: Registration, now: datetime) -> Registration:
    """Anonymise a registration; bookings, admissions and counts stay as they were."""
    email = registration.contact_email
    ticket_ids = [a.ticket.id for a in registration.attendees if a.ticket]
    registration.contact_name = ERASED_NAME
    registration.contact_email = f"erased-{registration.id}@invalid"
    registration.contact_phone = None
    registration.manage_token = secrets.token_urlsafe(32)
    if registration.group_name is not None:
        registration.group_name = ERASED_NAME
    registration.anonymised_at = now
    for attendee in registration.attendees:
        attendee.name = ERASED_NAME
        if attendee.ticket is not None:
            attendee.ticket.pdf_token = secrets.token_urlsafe(32)
    # The replayed answers of scans carry the name shown at the door.
    for scan in _scans_of(ticket_ids):
        scan.response_json = "{}"
    db.session.execute(
        delete(OutboxMessage).where(
            or_(
                OutboxMessage.recipient == email,
                OutboxMessage.payload_json.contains(f'"registration_id": {registration.id},'),
                OutboxMessage.payload_json.contains(f'"registration_id": {registration.id}}}'),
            )
        )
    )
    _purge_pdf_cache(ticket_ids)
    db.session.flush()
    return registration


def _purge_pdf_cache(ticket_ids: list[int] | None) -> None:
    """Drop cached ticket PDFs through the tickets feature (None = all of them)."""
    if ticket_ids is None:
        purge_pdf_cache(None)
    for ticket_id in ticket_ids or ():
        purge_pdf_cache(ticket_id)


def purge_personal_data(now: datetime, after_days: int) -> int:
    """Erase every registration of editions ended more than ``after_days`` ago; give how many."""
    cutoff = (now - timedelta(days=after_days)).date()
    editions = db.session.scalars(select(Edition.id).where(Edition.ends_on < cutoff)).all()
    if not editions:
        return 0
    registrations = db.session.scalars(
        select(Registration).where(
            Registration.edition_id.in_(editions), Registration.anonymised_at.is_(None)
        )
    ).all()
    for registration in registrations:
        erase_registration(registration, now)
    # Walk-ins keep only their head count; outbox rows of the editions' time go entirely.
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.created_at < now - timedelta(days=after_days))
    )
    _purge_pdf_cache(None)
    db.session.flush()
    return len(registrations)


__all__ = ["Ticket", "WalkIn"]
