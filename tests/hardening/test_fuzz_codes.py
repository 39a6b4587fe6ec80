"""The ticket-code parser under random and mutated input: it never raises, never forges."""

import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from festival.tickets.codes import (
    CODE_LENGTH,
    CodeError,
    TicketClaim,
    decode,
    encode,
    looks_like_code,
)
from festival.tickets.services import normalise_short_code

EXAMPLES = int(os.environ.get("FESTIVAL_SCHEMATHESIS_EXAMPLES", "100")) * 2
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
KEYS = {3: PRIVATE.public_key()}
CLAIM = TicketClaim(key_id=3, edition_id=1, ticket_id=4242, ticket_version=1, valid_days=0b11)
VALID = encode(CLAIM, PRIVATE)
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _decode_safely(text) -> TicketClaim | CodeError:
    result = decode(text, KEYS)
    assert isinstance(result, TicketClaim | CodeError)
    return result


def test_the_valid_code_decodes():
    assert len(VALID) == CODE_LENGTH
    assert decode(VALID, KEYS) == CLAIM
    assert decode(f"  {VALID}\n", KEYS) == CLAIM
    # Only the canonical spelling holds: a re-encoded code is not a second valid code.
    assert decode(VALID.lower(), KEYS) == CodeError.MALFORMED


@FUZZ
@given(st.one_of(st.text(), st.text(alphabet=BASE32 + "=01 -", min_size=118, max_size=122)))
def test_random_text_never_raises(text):
    assert _decode_safely(text) != CLAIM or text.strip() == VALID
    looks_like_code(text)
    normalise_short_code(text)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data):
    _decode_safely(data)
    _decode_safely(data.decode("latin-1"))
    _decode_safely(data.decode("utf-8", "replace"))


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, CODE_LENGTH - 1), st.sampled_from(BASE32 + "a1=é")),
        min_size=1,
        max_size=4,
    )
)
def test_a_mutated_code_is_never_accepted(changes):
    code = list(VALID)
    for position, character in changes:
        code[position] = character
    mutated = "".join(code)
    result = _decode_safely(mutated)
    if mutated.upper() != VALID:
        assert isinstance(result, CodeError)


@FUZZ
@given(
    st.integers(0, 255),
    st.integers(0, 2**16 - 1),
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**16 - 1),
    st.integers(0, 255),
)
def test_a_well_formed_code_signed_by_another_key_is_refused(
    key_id, edition, ticket, version, days
):
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    claim = TicketClaim(key_id or 3, edition, ticket, version, days)
    forged = encode(claim, other)
    assert _decode_safely(forged) in (CodeError.BAD_SIGNATURE, CodeError.UNKNOWN_KEY)
