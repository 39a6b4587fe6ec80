"""The code format: round trip, QR size, and nothing but genuine codes accepted."""

import base64
import string

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qrcode.util import MODE_ALPHA_NUM

from festival.tickets import codes
from festival.tickets.qr import qr_matrix, qr_svg

KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()
KEYS = {7: KEY.public_key()}
CLAIM = codes.TicketClaim(
    key_id=7, edition_id=3, ticket_id=123_456, ticket_version=2, valid_days=0b11
)
CODE = codes.encode(CLAIM, KEY)


def test_a_code_round_trips_and_is_120_characters_of_base32():
    assert len(CODE) == codes.CODE_LENGTH == 120
    assert set(CODE) <= set(string.ascii_uppercase + "234567")
    assert codes.decode(CODE, KEYS) == CLAIM
    assert codes.decode(f"  {CODE}\n", KEYS) == CLAIM  # a scanner's trailing newline


def test_a_claim_says_which_days_it_admits():
    assert CLAIM.is_valid_on(0) and CLAIM.is_valid_on(1)
    assert not CLAIM.is_valid_on(2) and not CLAIM.is_valid_on(-1) and not CLAIM.is_valid_on(8)


@pytest.mark.parametrize("ticket_id", [1, 99_999, 2**32 - 1])
def test_the_qr_is_alphanumeric_and_version_6_or_less_at_level_m(ticket_id):
    claim = codes.TicketClaim(255, 65_535, ticket_id, 65_535, 0xFF)
    qr = qr_matrix(codes.encode(claim, KEY))
    assert qr.error_correction == 0  # qrcode's ERROR_CORRECT_M
    assert qr.data_list[0].mode == MODE_ALPHA_NUM
    assert qr.version <= 6  # the brief allows 8; 120 alphanumeric characters fit version 5
    assert "<path" in qr_svg(codes.encode(claim, KEY))


def test_decode_never_raises_on_odd_input():
    for junk in (None, 42, b"bytes", "", "é" * 120, "\x00" * 120, "ß" * 60):
        assert isinstance(codes.decode(junk, KEYS), codes.CodeError)


def test_a_retired_or_unknown_key_is_refused():
    assert codes.decode(CODE, {}) is codes.CodeError.UNKNOWN_KEY
    assert codes.decode(CODE, {8: KEY.public_key()}) is codes.CodeError.UNKNOWN_KEY


def test_a_code_signed_by_a_foreign_key_under_a_valid_key_id_is_refused():
    forged = codes.encode(CLAIM, OTHER_KEY)
    assert codes.decode(forged, KEYS) is codes.CodeError.BAD_SIGNATURE


def test_re_encoded_spellings_of_a_valid_code_are_refused():
    raw = base64.b32decode(CODE)
    for spelling in (
        CODE.lower(),
        CODE[:60] + CODE[60:].lower(),
        base64.b32encode(raw).decode() + "====",  # same bytes, padded
        base64.urlsafe_b64encode(raw).decode(),
        base64.b64encode(raw).decode(),
        raw.hex().upper(),
        base64.b32hexencode(raw).decode(),
        CODE[:40] + " " + CODE[40:],
    ):
        assert codes.decode(spelling, KEYS) is codes.CodeError.MALFORMED, spelling


def _raw():
    return bytearray(base64.b32decode(CODE))


def _b32(raw) -> str:
    return base64.b32encode(bytes(raw)).decode()


def mutate(kind: str, position: int, value: int) -> str:
    """Make one altered code; every kind must be refused."""
    raw = _raw()
    if kind == "bit":  # one bit flipped anywhere: header or signature
        raw[position % 75] ^= 1 << (value % 8)
        return _b32(raw)
    if kind == "byte":
        raw[position % 75] = (raw[position % 75] + 1 + value % 255) % 256
        return _b32(raw)
    if kind == "char":  # one character replaced by another base32 one
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        i = position % 120
        new = alphabet[(alphabet.index(CODE[i]) + 1 + value % 31) % 32]
        return CODE[:i] + new + CODE[i + 1 :]
    if kind == "truncate":
        return CODE[: position % 120]
    if kind == "extend":
        return CODE + "A" * (1 + value % 8)
    if kind == "swap":  # two different characters exchanged
        i, j = position % 120, (position + 1 + value % 119) % 120
        if CODE[i] == CODE[j]:
            return CODE[:-1]
        chars = list(CODE)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    if kind == "claim":  # a field changed, the old signature kept
        claim = codes.TicketClaim(
            CLAIM.key_id,
            CLAIM.edition_id,
            (CLAIM.ticket_id + 1 + value) % 2**32,
            CLAIM.ticket_version,
            CLAIM.valid_days,
        )
        forged = base64.b32decode(codes.encode(claim, OTHER_KEY))
        return _b32(forged[:11] + raw[11:])
    if kind == "foreign":  # a well-formed code signed with a key the scanner does not trust
        claim = codes.TicketClaim(7, 3, position, value % 65_536, 0xFF)
        return codes.encode(claim, OTHER_KEY)
    raise AssertionError(kind)


KINDS = ["bit", "byte", "char", "truncate", "extend", "swap", "claim", "foreign"]
mutations = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 10_000), st.integers(0, 2**16)),
    min_size=100,
    max_size=100,
)
checked = []


@settings(
    max_examples=110,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutations)
def test_no_mutated_truncated_or_forged_code_is_accepted(batch):
    for kind, position, value in batch:
        result = codes.decode(mutate(kind, position, value), KEYS)
        assert isinstance(result, codes.CodeError), (kind, position, value)
        checked.append(kind)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=120, max_size=120))
def test_random_well_formed_strings_are_refused(text):
    assert isinstance(codes.decode(text, KEYS), codes.CodeError)
    checked.append("random")


def test_at_least_ten_thousand_bad_codes_were_checked():
    # Runs after the two property tests above (pytest keeps file order).
    if len(checked) < 10_000:
        pytest.skip("run with the property tests above to count them")
    assert len(checked) >= 10_000
    assert set(KINDS) <= set(checked)


def test_the_qr_strokes_cover_exactly_the_dark_modules():
    """Rasterize the SVG path back to modules: every dark one drawn, no light one touched."""
    import re

    code = CODE
    matrix = qr_matrix(code).get_matrix()
    drawn = set()
    path = re.search(r' d="([^"]+)"', qr_svg(code)).group(1)
    for x, y, kind, length in re.findall(r"M(\d+(?:\.5)?) (\d+(?:\.5)?)([hv])(\d+)", path):
        if kind == "h":
            drawn |= {(int(x) + i, int(float(y))) for i in range(int(length))}
        else:
            drawn |= {(int(float(x)), int(y) + j) for j in range(int(length))}
    dark = {(x, y) for y, row in enumerate(matrix) for x, value in enumerate(row) if value}
    assert drawn == dark
    assert len(re.findall("M", path)) < sum(
        1 for row in matrix for a, b in zip([False, *row], row, strict=False) if b and not a
    )  # fewer strokes than horizontal runs


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=string.ascii_uppercase + "234567", min_size=1, max_size=200))
def test_the_faster_encoder_draws_qrcodes_own_matrix_with_its_mask_scores(code):
    """qr._QRCode lays out and scores masks its own way (speed): same scores, same matrix."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.util import lost_point

    from festival.tickets.qr import QUIET_ZONE, _grid_penalty

    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    reference.add_data(code, optimize=0)
    reference.make(fit=True)
    for mask_pattern in range(8):
        reference.makeImpl(True, mask_pattern)
        grid = bytes(value for row in reference.modules for value in row)
        assert _grid_penalty(grid, len(reference.modules)) == lost_point(reference.modules)
    reference.makeImpl(False, reference.best_mask_pattern())
    assert qr_matrix(code).get_matrix() == reference.get_matrix()
