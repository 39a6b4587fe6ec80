"""What a scanner reads: checkpoints, name search, and the pack it needs to work offline.

Volunteers see names, never emails or phones: nothing here selects a contact column.
"""

import base64
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.checkin.models import Admission, Checkpoint, CheckpointKind
from festival.errors import NotFoundError, ValidationError
from festival.extensions import db
from festival.programme.models import Edition, Event, current_edition_query
from festival.registration.models import Attendee, Booking
from festival.tickets.models import SigningKey, Ticket, TicketStatus
from festival.tickets.revocations import revocation_list

MIN_SEARCH_LENGTH = 2
SEARCH_LIMIT = 20


def checkpoint_dict(c: Checkpoint) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "venue_id": c.venue_id,
        "event_id": c.event_id,
    }


def list_checkpoints() -> list[dict]:
    """Give the current edition's checkpoints, entrances first."""
    edition = db.session.scalar(current_edition_query())
    if edition is None:
        return []
    rows = db.session.scalars(
        select(Checkpoint)
        .where(Checkpoint.edition_id == edition.id)
        .order_by(Checkpoint.kind.desc(), Checkpoint.venue_id, Checkpoint.id)
    )
    return [checkpoint_dict(c) for c in rows]


def get_checkpoint(checkpoint_id) -> Checkpoint:
    """:raises: unknown_checkpoint (404)"""
    checkpoint = db.session.get(Checkpoint, checkpoint_id) if checkpoint_id else None
    if checkpoint is None:
        raise NotFoundError(_l("Ce point de contrôle n'existe pas."), code="unknown_checkpoint")
    return checkpoint


def _bookings_by_attendee(attendee_ids) -> dict[int, list[dict]]:
    found = defaultdict(list)
    for attendee_id, event_id, status in db.session.execute(
        select(Booking.attendee_id, Booking.event_id, Booking.status)
        .where(Booking.attendee_id.in_(attendee_ids))
        .order_by(Booking.id)
    ):
        found[attendee_id].append({"event_id": event_id, "status": status})
    return found


def search_attendees(q: str, edition_id: int) -> list[dict]:
    """Find ticket holders by name (at least two characters).

    :raises: validation_error (too short)
    """
    q = (q or "").strip()
    if len(q) < MIN_SEARCH_LENGTH:
        raise ValidationError(_l("Tapez au moins deux lettres du nom."), field="q")
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = db.session.execute(
        select(Attendee.id, Attendee.name, Attendee.group_size, Ticket.short_code)
        .join(Ticket, Ticket.attendee_id == Attendee.id)
        .where(
            Ticket.edition_id == edition_id,
            Ticket.status == TicketStatus.VALID,
            Attendee.name.ilike(pattern, escape="\\"),
        )
        .order_by(Attendee.name)
        .limit(SEARCH_LIMIT)
    ).all()
    bookings = _bookings_by_attendee([r.id for r in rows])
    return [
        {
            "name": r.name,
            "group_size": r.group_size,
            "short_code": r.short_code,
            "bookings": bookings[r.id],
        }
        for r in rows
    ]


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def offline_pack(checkpoint: Checkpoint, now: datetime) -> dict:
    """Give a scanner what it needs to decide offline at ``checkpoint`` (names, no contacts)."""
    edition = db.session.get(Edition, checkpoint.edition_id)
    keys = db.session.execute(
        select(SigningKey.id, SigningKey.public_key).where(
            SigningKey.edition_id == edition.id, SigningKey.retired_at.is_(None)
        )
    )
    tickets = (
        select(
            Ticket.id,
            Ticket.version,
            Ticket.short_code,
            Attendee.id.label("aid"),
            Attendee.name,
            Attendee.group_size,
        )
        .join(Attendee)
        .where(
            Ticket.edition_id == edition.id,
            Ticket.status == TicketStatus.VALID,
            Attendee.cancelled_at.is_(None),
        )
    )
    if checkpoint.kind == CheckpointKind.EVENT:
        tickets = tickets.join(Booking, Booking.attendee_id == Attendee.id).where(
            Booking.event_id == checkpoint.event_id
        )
    rows = db.session.execute(tickets).all()
    bookings = _bookings_by_attendee([r.aid for r in rows])
    tz = ZoneInfo(edition.timezone)
    today = now.astimezone(tz).date()
    admissions = db.session.execute(
        select(Admission.ticket_id, Admission.day, Admission.first_at, Admission.is_inside).where(
            Admission.checkpoint_id == checkpoint.id, Admission.day == today
        )
    )
    door = checkpoint_dict(checkpoint)
    if checkpoint.kind == CheckpointKind.EVENT:
        # The item's day: offline, as on the server, a scan on another day is wrong_day.
        starts_at = db.session.scalar(
            select(Event.starts_at).where(Event.id == checkpoint.event_id)
        )
        door["event_day"] = starts_at.astimezone(tz).date().isoformat()
    return {
        "generated_at": now.isoformat(),
        "edition": {
            "id": edition.id,
            "starts_on": edition.starts_on.isoformat(),
            "ends_on": edition.ends_on.isoformat(),
            "timezone": edition.timezone,
        },
        "checkpoint": door,
        "public_keys": [{"key_id": k, "public_key": _b64url(pk)} for k, pk in keys],
        "revocations": revocation_list(edition.id),
        "tickets": [
            {
                "ticket_id": r.id,
                "version": r.version,
                "name": r.name,
                "group_size": r.group_size,
                "short_code": r.short_code,
                "bookings": bookings[r.aid],
            }
            for r in rows
        ],
        "unbooked": _unbooked_tickets(checkpoint, edition.id),
        "admissions": [
            {"ticket_id": t, "day": d.isoformat(), "first_at": f.isoformat(), "is_inside": i}
            for t, d, f, i in admissions
        ],
    }


def _unbooked_tickets(checkpoint: Checkpoint, edition_id: int) -> list[dict]:
    """At an item's door, the other valid tickets (no names): a typed short code of one of
    them is refused offline as not_booked/wrong_day, like the server does, not as invalid."""
    if checkpoint.kind != CheckpointKind.EVENT:
        return []
    booked_here = select(Booking.attendee_id).where(Booking.event_id == checkpoint.event_id)
    rows = db.session.execute(
        select(Ticket.id, Ticket.version, Ticket.short_code)
        .join(Attendee)
        .where(
            Ticket.edition_id == edition_id,
            Ticket.status == TicketStatus.VALID,
            Attendee.cancelled_at.is_(None),
            Attendee.id.not_in(booked_here),
        )
    )
    return [{"ticket_id": i, "version": v, "short_code": c} for i, v, c in rows]
