"""Organisers look after attendees and volunteer accounts."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from festival.accounts.models import ApiToken, Role, User
from festival.checkin.models import Device
from festival.errors import ValidationError
from festival.extensions import db
from festival.registration.models import Attendee, Registration
from festival.tickets.models import Ticket
from festival.tickets.services import normalise_short_code, reissue_ticket

SEARCH_LIMIT = 50


def search_registrations(edition_id: int, query: str) -> list[Registration]:
    """Find registrations by contact, attendee name, email or short code (2 characters or more)."""
    query = query.strip()
    if len(query) < 2:
        return []
    pattern = f"%{query.lower().replace('%', '').replace('_', '')}%"
    code = normalise_short_code(query)
    matches = (
        select(Registration.id)
        .join(Attendee, Attendee.registration_id == Registration.id)
        .outerjoin(Ticket, Ticket.attendee_id == Attendee.id)
        .where(Registration.edition_id == edition_id)
        .where(
            or_(
                func.lower(Registration.contact_name).like(pattern),
                func.lower(Registration.contact_email).like(pattern),
                func.lower(Attendee.name).like(pattern),
                Ticket.short_code == code,
            )
        )
    )
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.id.in_(matches))
            .order_by(Registration.contact_name)
            .limit(SEARCH_LIMIT)
        )
    )


def correct_name(attendee: Attendee, name: str) -> Attendee:
    """Correct an attendee's name; the ticket is reissued since its code shows the name.

    :raises ValidationError: ``name_required``.
    """
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ValidationError(_("Indiquez un nom (120 caractères au plus)."), code="name_required")
    attendee.name = name
    if attendee.ticket is not None:
        reissue_ticket(attendee.ticket)
    db.session.flush()
    return attendee


def volunteers_with_devices() -> list[tuple[User, list[Device]]]:
    """Every volunteer account with its devices, last synced first."""
    users = db.session.scalars(
        select(User).where(User.role == Role.VOLUNTEER).order_by(User.email)
    ).all()
    devices = db.session.scalars(
        select(Device)
        .where(Device.user_id.in_([u.id for u in users]))
        .order_by(Device.last_sync_at.desc())
    ).all()
    by_user: dict[int, list[Device]] = {}
    for device in devices:
        by_user.setdefault(device.user_id, []).append(device)
    return [(user, by_user.get(user.id, [])) for user in users]


def disable_user(user: User, now: datetime) -> User:
    """Disable an account: its sessions end and its API tokens stop working."""
    user.is_enabled = False
    user.session_version += 1
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    db.session.flush()
    return user


def enable_user(user: User) -> User:
    user.is_enabled = True
    db.session.flush()
    return user


__all__ = ["ApiToken"]
