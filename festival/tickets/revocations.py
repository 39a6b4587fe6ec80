"""Which codes still hold: the one rule for revoked and cancelled tickets, online and offline."""

import enum

from sqlalchemy import or_, select

from festival.extensions import db
from festival.tickets import codes
from festival.tickets.keys import valid_public_keys
from festival.tickets.models import Ticket, TicketStatus


class ClaimStatus(enum.StrEnum):
    """Values match the check-in results of the public contract (DESIGN §4)."""

    OK = "ok"
    REVOKED = "revoked"  # an older version of the ticket: reissued since
    CANCELLED = "cancelled"
    INVALID = "invalid"  # no such ticket, or not of the edition the code claims


def revocation_list(edition_id: int) -> list[dict]:
    """List the edition's tickets whose older codes are revoked (``valid_version`` None: cancelled).

    A code is revoked when its ticket appears here and ``ticket_version != valid_version``;
    tickets still at version 1 and valid need no entry, which keeps the offline pack small.
    """
    rows = db.session.execute(
        select(Ticket.id, Ticket.version, Ticket.status)
        .where(
            Ticket.edition_id == edition_id,
            or_(Ticket.version > 1, Ticket.status == TicketStatus.CANCELLED),
        )
        .order_by(Ticket.id)
    )
    return [
        {
            "ticket_id": ticket_id,
            "valid_version": None if status == TicketStatus.CANCELLED else version,
        }
        for ticket_id, version, status in rows
    ]


def claim_status(claim: codes.TicketClaim, ticket) -> ClaimStatus:
    """Say whether a verified claim holds for ``ticket`` (a Ticket or a row with its
    ``edition_id``, ``version`` and ``status``; None when there is no such ticket)."""
    if ticket is None or ticket.edition_id != claim.edition_id:
        return ClaimStatus.INVALID
    if ticket.status == TicketStatus.CANCELLED:
        return ClaimStatus.CANCELLED
    if claim.ticket_version != ticket.version:
        return ClaimStatus.REVOKED
    return ClaimStatus.OK


def ticket_from_claim(claim: codes.TicketClaim) -> tuple[Ticket | None, ClaimStatus]:
    """Find the ticket a verified claim names and say whether the claim still holds."""
    ticket = db.session.get(Ticket, claim.ticket_id)
    status = claim_status(claim, ticket)
    if status == ClaimStatus.INVALID:
        return None, status
    attendee = ticket.attendee
    if status == ClaimStatus.OK and attendee is not None and attendee.cancelled_at is not None:
        return ticket, ClaimStatus.CANCELLED
    return ticket, status


def ticket_from_code(
    code: str, edition_id: int
) -> tuple[Ticket | None, ClaimStatus | codes.CodeError, codes.TicketClaim | None]:
    """Verify a scanned code with the edition's valid keys, then apply ``ticket_from_claim``.

    Never raises: a bad code gives ``(None, CodeError…, None)``.
    """
    claim = codes.decode(code, valid_public_keys(edition_id))
    if isinstance(claim, codes.CodeError):
        return None, claim, None
    ticket, status = ticket_from_claim(claim)
    return ticket, status, claim
