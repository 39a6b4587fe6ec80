"""Issue, reissue and revoke tickets; produce the code a ticket's QR carries."""

import secrets
from datetime import datetime

from festival.extensions import db
from festival.programme.models import Edition
from festival.tickets import codes
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


def issue_ticket(attendee, edition_id: int, now: datetime) -> Ticket:
    """Give ``attendee`` its ticket (one per attendee or group)."""
    ticket = Ticket(
        attendee=attendee,
        edition_id=edition_id,
        version=1,
        status=TicketStatus.VALID,
        short_code=new_short_code(),
        pdf_token=secrets.token_urlsafe(32),
        issued_at=now,
    )
    db.session.add(ticket)
    db.session.flush()
    return ticket


def reissue_ticket(ticket: Ticket) -> Ticket:
    """Bump the version after a change to what it admits: every older code is revoked."""
    ticket.version += 1
    ticket.pdf_token = secrets.token_urlsafe(32)
    db.session.flush()
    return ticket


def cancel_ticket(ticket: Ticket) -> Ticket:
    """Cancel the ticket; its code is revoked (the version bump lists it as revoked)."""
    ticket.status = TicketStatus.CANCELLED
    ticket.version += 1
    db.session.flush()
    return ticket


def valid_days_mask(edition) -> int:
    """A ticket admits on every day of its edition (bit i = day i)."""
    days = (edition.ends_on - edition.starts_on).days + 1
    return (1 << min(days, 8)) - 1


def code_for(ticket: Ticket) -> str:
    """Sign the ticket's current version into the code its QR carries."""
    key_id, private_key = active_signing_key(ticket.edition_id)
    edition = db.session.get(Edition, ticket.edition_id)
    claim = codes.TicketClaim(
        key_id=key_id,
        edition_id=ticket.edition_id,
        ticket_id=ticket.id,
        ticket_version=ticket.version,
        valid_days=valid_days_mask(edition),
    )
    return codes.encode(claim, private_key)
