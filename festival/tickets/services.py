"""Issue, reissue and revoke tickets; produce the code a ticket's QR carries."""

import secrets
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import object_session

from festival.errors import ConflictError, NotFoundError
from festival.extensions import db
from festival.programme.models import Edition
from festival.tickets import codes, pdf_cache
from festival.tickets.keys import active_signing_key
from festival.tickets.models import Ticket, TicketStatus

# No 0/O, 1/I/L: a volunteer reads this off a cracked screen and types it.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 9


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def normalise_short_code(text: str) -> str:
    """Accept what people type: lower case, spaces or dashes between the groups."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def group_short_code(short_code: str) -> str:
    """Write a short code in groups of three (ABC-DEF-GHJ), easier to read out and type."""
    return "-".join(short_code[i : i + 3] for i in range(0, len(short_code), 3))


def new_ticket(attendee, edition_id: int, now: datetime) -> Ticket:
    """A new ticket for ``attendee`` (one per attendee or group), not yet in any session.

    The edition's signing key must exist by the time it is written, in the same transaction
    (``active_signing_key``), so that GET requests showing the code (manage page, PDF) never
    have to write."""
    return Ticket(
        attendee=attendee,
        edition_id=edition_id,
        version=1,
        status=TicketStatus.VALID,
        short_code=new_short_code(),
        pdf_token=secrets.token_urlsafe(32),
        issued_at=now,
    )


def issue_ticket(attendee, edition_id: int, now: datetime) -> Ticket:
    """Give ``attendee`` its ticket, flushed (its id is set); create the edition's first key."""
    active_signing_key(edition_id)
    ticket = new_ticket(attendee, edition_id, now)
    db.session.add(ticket)
    db.session.flush()
    return ticket


def reissue_ticket(ticket: Ticket) -> Ticket:
    """Bump the version after a change to what it admits: every older code is revoked.

    :raises ConflictError: ``ticket_cancelled``.
    """
    if ticket.status == TicketStatus.CANCELLED:
        raise ConflictError(_l("Ce billet est annulé."), code="ticket_cancelled")
    ticket.version += 1
    ticket.pdf_token = secrets.token_urlsafe(32)
    db.session.flush()
    # The old PDFs carry a revoked code: never serve them again.
    pdf_cache.purge_pdf_cache(ticket.id)
    return ticket


def cancel_ticket(ticket: Ticket) -> Ticket:
    """Cancel the ticket; its code is revoked (the version bump lists it as revoked)."""
    if ticket.status == TicketStatus.CANCELLED:
        return ticket  # already revoked: cancelling twice changes nothing
    ticket.status = TicketStatus.CANCELLED
    ticket.version += 1
    db.session.flush()
    pdf_cache.purge_pdf_cache(ticket.id)
    return ticket


def valid_days_mask(edition) -> int:
    """A ticket admits on every day of its edition (bit i = day i)."""
    days = (edition.ends_on - edition.starts_on).days + 1
    return (1 << min(days, 8)) - 1


def code_for(ticket: Ticket, key: tuple[int, Ed25519PrivateKey] | None = None) -> str:
    """Sign the ticket's current version into the code its QR carries.

    ``key``: the edition's ``active_signing_key``, when the caller has it already (one query
    for all the codes it signs); asked for here otherwise.
    """
    # The ticket's own session: the mail worker renders tickets outside db.session.
    session = object_session(ticket) or db.session
    key_id, private_key = key or active_signing_key(ticket.edition_id, session)
    edition = session.get(Edition, ticket.edition_id)
    claim = codes.TicketClaim(
        key_id=key_id,
        edition_id=ticket.edition_id,
        ticket_id=ticket.id,
        ticket_version=ticket.version,
        valid_days=valid_days_mask(edition),
    )
    return codes.encode(claim, private_key)


def ticket_by_pdf_token(token: str) -> Ticket:
    """Find the valid ticket a PDF link names.

    :raises NotFoundError: ``not_found`` for an unknown token or a cancelled ticket (the link
        of a cancelled ticket is dead, as its code).
    """
    ticket = None
    if isinstance(token, str) and 0 < len(token) <= 64:
        ticket = db.session.scalar(select(Ticket).where(Ticket.pdf_token == token))
    if ticket is None or ticket.status == TicketStatus.CANCELLED:
        raise NotFoundError()
    return ticket


def ticket_locale(ticket: Ticket, locales) -> str:
    """The language of the ticket's registration, if the site offers it, else French."""
    locale = ticket.attendee.registration.locale
    return locale if locale in locales else "fr"
