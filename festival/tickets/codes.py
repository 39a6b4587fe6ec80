"""Ticket codes: a small signed payload that an offline scanner verifies with public keys only.

Format, version 1 (all integers big-endian)::

    offset size field
    0      1    format version (1)
    1      1    key id: which of the edition's Ed25519 keys signed (1-255)
    2      2    edition id
    4      4    ticket id
    8      2    ticket version (bumped on cancel/reissue; older versions are revoked)
    10     1    valid days: bit i set = day i of the edition (day 0 = its first day)
    11     64   Ed25519 signature over bytes 0-10
    = 75 bytes, written in RFC 4648 base32 without padding: exactly 120 characters from
    A-Z2-7, which QR's alphanumeric mode packs at 5.5 bits each (QR version 6 at level M).

Nothing secret is inside: the signature makes a code unforgeable without the private key, and
the scanner needs only the public keys. Parsing never raises: it returns a ``CodeError`` with a
reason for anything that is not a well-formed, correctly signed code.

Exactly one spelling is valid per code: the 120 upper-case characters (surrounding whitespace
from a scanner is ignored). Lower case, padding, other alphabets are refused as malformed, so a
code cannot be "re-encoded" into a second string that a log or a nonce would see as different.
The key id is inside the signed bytes, so a signature cannot be moved under another key; key ids
are global (``SigningKey.id``), and ``tickets.revocations.ticket_from_claim`` also checks that
the claimed edition is the ticket's.
"""

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT_VERSION = 1
_HEADER = struct.Struct(">BBHIHB")
SIGNATURE_SIZE = 64
CODE_SIZE = _HEADER.size + SIGNATURE_SIZE
CODE_LENGTH = 120  # base32 characters
_CANONICAL = re.compile(r"[A-Z2-7]+", re.ASCII)


class CodeError(StrEnum):
    MALFORMED = "malformed"
    UNKNOWN_FORMAT = "unknown_format"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"


@dataclass(frozen=True)
class TicketClaim:
    """What a valid code asserts; whether it still holds is for the check-in rules."""

    key_id: int
    edition_id: int
    ticket_id: int
    ticket_version: int
    valid_days: int  # bitmask, bit i = edition day i

    def is_valid_on(self, day_index: int) -> bool:
        return 0 <= day_index < 8 and bool(self.valid_days >> day_index & 1)


def encode(claim: TicketClaim, private_key: Ed25519PrivateKey) -> str:
    """Sign ``claim`` and write it as the 120-character code printed in the QR.

    :raises struct.error: a field does not fit its size (a programming error, not input).
    """
    header = _HEADER.pack(
        FORMAT_VERSION,
        claim.key_id,
        claim.edition_id,
        claim.ticket_id,
        claim.ticket_version,
        claim.valid_days,
    )
    raw = header + private_key.sign(header)
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def decode(code: str, public_keys: dict[int, Ed25519PublicKey]) -> TicketClaim | CodeError:
    """Check a scanned code against the valid public keys; never raises."""
    if not isinstance(code, str):
        return CodeError.MALFORMED
    text = code.strip()
    if len(text) != CODE_LENGTH or not _CANONICAL.fullmatch(text):
        return CodeError.MALFORMED
    try:
        # 120 characters are exactly 600 bits = 75 bytes: no padding, no spare bits.
        raw = base64.b32decode(text)
    except (binascii.Error, ValueError):
        return CodeError.MALFORMED
    header, signature = raw[: _HEADER.size], raw[_HEADER.size :]
    fmt, key_id, edition_id, ticket_id, ticket_version, valid_days = _HEADER.unpack(header)
    if fmt != FORMAT_VERSION:
        return CodeError.UNKNOWN_FORMAT
    public_key = public_keys.get(key_id)
    if public_key is None:
        return CodeError.UNKNOWN_KEY
    try:
        public_key.verify(signature, header)
    except InvalidSignature:
        return CodeError.BAD_SIGNATURE
    return TicketClaim(key_id, edition_id, ticket_id, ticket_version, valid_days)


def looks_like_code(text: str) -> bool:
    """Tell a full QR code from a typed short code, before any lookup."""
    return len(text.strip()) == CODE_LENGTH
