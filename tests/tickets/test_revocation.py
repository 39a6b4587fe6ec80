"""Key rotation and revocation: which issued codes still hold."""

from datetime import UTC, datetime

import pytest

from festival.errors import ConflictError
from festival.extensions import db
from festival.tickets import codes
from festival.tickets.keys import create_signing_key, retire_signing_key, valid_public_keys
from festival.tickets.revocations import (
    ClaimStatus,
    revocation_list,
    ticket_from_claim,
    ticket_from_code,
)
from festival.tickets.services import cancel_ticket, code_for, reissue_ticket

NOW = datetime(2031, 5, 2, tzinfo=UTC)


def verify(code, edition_id):
    return codes.decode(code, valid_public_keys(edition_id))


def test_an_issued_code_verifies_and_names_its_ticket(make_ticket):
    ticket = make_ticket()
    found, status, claim = ticket_from_code(code_for(ticket), ticket.edition_id)
    assert (found, status) == (ticket, ClaimStatus.OK)
    assert (claim.ticket_id, claim.ticket_version) == (ticket.id, 1)
    assert claim.valid_days == 0b11  # the edition's two days


def test_after_rotation_codes_of_both_keys_verify(make_ticket):
    ticket = make_ticket()
    old_code = code_for(ticket)
    new_key = create_signing_key(ticket.edition_id)
    db.session.commit()
    new_code = code_for(ticket)
    assert old_code != new_code
    assert verify(new_code, ticket.edition_id).key_id == new_key.id
    assert verify(old_code, ticket.edition_id).key_id != new_key.id
    assert len(valid_public_keys(ticket.edition_id)) == 2


def test_codes_of_a_retired_key_are_refused(make_ticket):
    ticket = make_ticket()
    old_code = code_for(ticket)
    old_key_id = verify(old_code, ticket.edition_id).key_id
    create_signing_key(ticket.edition_id)
    retire_signing_key(old_key_id, NOW)
    db.session.commit()
    assert verify(old_code, ticket.edition_id) is codes.CodeError.UNKNOWN_KEY
    assert ticket_from_code(old_code, ticket.edition_id)[1] is codes.CodeError.UNKNOWN_KEY
    assert ticket_from_code(code_for(ticket), ticket.edition_id)[1] is ClaimStatus.OK


def test_a_code_of_another_edition_is_refused(make_ticket, make_edition):
    ticket = make_ticket()
    other = make_edition(slug="other", starts_on=ticket.issued_at.date())
    valid_public_keys(other.id)  # no key yet
    assert ticket_from_code(code_for(ticket), other.id)[1] is codes.CodeError.UNKNOWN_KEY
    # A genuine claim naming another edition than its ticket's (never issued) is invalid.
    claim = verify(code_for(ticket), ticket.edition_id)
    moved = codes.TicketClaim(claim.key_id, other.id, claim.ticket_id, 1, claim.valid_days)
    assert ticket_from_claim(moved) == (None, ClaimStatus.INVALID)


def test_a_claim_for_an_unknown_ticket_is_invalid(make_ticket):
    ticket = make_ticket()
    claim = codes.TicketClaim(1, ticket.edition_id, ticket.id + 1000, 1, 1)
    assert ticket_from_claim(claim) == (None, ClaimStatus.INVALID)


def test_reissue_bumps_the_version_and_revokes_the_old_code(make_ticket):
    ticket = make_ticket()
    old_code, old_token = code_for(ticket), ticket.pdf_token
    reissue_ticket(ticket)
    db.session.commit()
    assert ticket.version == 2 and ticket.pdf_token != old_token
    assert ticket_from_code(old_code, ticket.edition_id)[:2] == (ticket, ClaimStatus.REVOKED)
    assert ticket_from_code(code_for(ticket), ticket.edition_id)[:2] == (ticket, ClaimStatus.OK)
    assert revocation_list(ticket.edition_id) == [{"ticket_id": ticket.id, "valid_version": 2}]


def test_cancel_bumps_the_version_and_every_code_is_cancelled(make_ticket):
    ticket, untouched = make_ticket(), make_ticket(name="Ana")
    old_code = code_for(ticket)
    cancel_ticket(ticket)
    cancel_ticket(ticket)  # twice: no second bump
    db.session.commit()
    assert ticket.version == 2
    assert ticket_from_code(old_code, ticket.edition_id)[1] is ClaimStatus.CANCELLED
    assert ticket_from_code(code_for(ticket), ticket.edition_id)[1] is ClaimStatus.CANCELLED
    assert revocation_list(ticket.edition_id) == [{"ticket_id": ticket.id, "valid_version": None}]
    assert ticket_from_code(code_for(untouched), ticket.edition_id)[1] is ClaimStatus.OK
    with pytest.raises(ConflictError):
        reissue_ticket(ticket)


def test_a_cancelled_attendee_cancels_the_claim(make_ticket):
    ticket = make_ticket()
    ticket.attendee.cancelled_at = NOW
    db.session.commit()
    assert ticket_from_code(code_for(ticket), ticket.edition_id)[1] is ClaimStatus.CANCELLED


def test_the_revocation_list_covers_one_edition_only(make_ticket, make_edition):
    ticket = make_ticket()
    reissue_ticket(ticket)
    db.session.commit()
    other = make_edition(slug="other")
    assert revocation_list(other.id) == []
