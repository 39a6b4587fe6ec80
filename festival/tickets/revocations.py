"""Which codes still hold: the one rule turning a verified claim into a ticket, and its list form.

A code names a ticket and a ticket version. Cancelling or reissuing bumps the ticket's version,
so a code holds only while its version is the ticket's current one and the ticket is valid.
Scanners offline apply the same rule from ``revocation_list``.
"""

import enum

from sqlalchemy import select

from festival.extensions import db
from festival.tickets.codes import TicketClaim
from festival.tickets.models import Ticket, TicketStatus


class ClaimStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"  # an older version, or a cancelled ticket
    UNKNOWN = "unknown"  # no such ticket in that edition


def claim_status(claim: TicketClaim, ticket) -> ClaimStatus:
    """Say whether a verified claim still holds for ``ticket`` (a Ticket or a row with its
    ``edition_id``, ``version`` and ``status``; None when no such ticket)."""
    if ticket is None or ticket.edition_id != claim.edition_id:
        return ClaimStatus.UNKNOWN
    if ticket.status != TicketStatus.VALID or ticket.version != claim.ticket_version:
        return ClaimStatus.REVOKED
    return ClaimStatus.VALID


def ticket_from_claim(claim: TicketClaim) -> tuple[Ticket | None, ClaimStatus]:
    """Give the ticket a verified claim names, and whether the claim still holds."""
    ticket = db.session.get(Ticket, claim.ticket_id)
    status = claim_status(claim, ticket)
    return (None if status == ClaimStatus.UNKNOWN else ticket), status


def revocation_list(edition_id: int) -> list[dict]:
    """List tickets with revoked codes: only ``valid_version`` holds (None: none does)."""
    rows = db.session.execute(
        select(Ticket.id, Ticket.version, Ticket.status).where(
            Ticket.edition_id == edition_id,
            (Ticket.version > 1) | (Ticket.status != TicketStatus.VALID),
        )
    )
    return [
        {
            "ticket_id": ticket_id,
            "valid_version": version if status == TicketStatus.VALID else None,
        }
        for ticket_id, version, status in rows
    ]
