"""The edition's signing keys: created on first use, rotated, retired."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import bindparam, select

from festival.db import utcnow
from festival.extensions import db
from festival.tickets.models import SigningKey

_RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


def create_signing_key(edition_id: int, session=None) -> SigningKey:
    """Make a new key for the edition; it signs every code issued from now on."""
    session = session or db.session()
    private = Ed25519PrivateKey.generate()
    key = SigningKey(
        edition_id=edition_id,
        private_key=private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        ),
        public_key=private.public_key().public_bytes(**_RAW),
    )
    session.add(key)
    session.flush()
    return key


# Loaded private keys, per process, by (key id, public key): the public key names the private
# one, so a database that was reset or restored (ids reused) can never get a stale key, and
# rotation is seen because every call asks which key is active.
_loaded: dict[tuple[int, bytes], Ed25519PrivateKey] = {}


def active_signing_key(edition_id: int, session=None) -> tuple[int, Ed25519PrivateKey]:
    """Give the newest unretired key of the edition, creating the first one on first use.

    Costs one indexed query (id and 32-byte public key); the private key is loaded once per
    process (an ORM load and an Ed25519 key load cost ~3.6 ms per call, measured here). A
    caller that signs several codes asks once and hands the key to ``code_for``.

    ``session``: the caller's, when not Flask-SQLAlchemy's (the mail worker's own session).
    """
    session = session or db.session()  # the scoped session's current Session
    found = existing_signing_key(edition_id, session)
    if found is not None:
        return found
    key = create_signing_key(edition_id, session)
    _loaded[(key.id, bytes(key.public_key))] = private = Ed25519PrivateKey.from_private_bytes(
        key.private_key
    )
    return key.id, private


_ACTIVE_KEY = (
    select(SigningKey.id, SigningKey.public_key)
    .where(SigningKey.edition_id == bindparam("edition_id"), SigningKey.retired_at.is_(None))
    .order_by(SigningKey.id.desc())
    .limit(1)
)


def existing_signing_key(edition_id: int, session=None) -> tuple[int, Ed25519PrivateKey] | None:
    """``active_signing_key`` without its first-use write: None when the edition has none."""
    session = session or db.session()
    # Plain columns: the session's connection runs it without the ORM's execution steps.
    active = session.connection().execute(_ACTIVE_KEY, {"edition_id": edition_id}).first()
    if active is None:
        return None
    active = (active[0], bytes(active[1]))
    if active not in _loaded:
        private = session.scalar(select(SigningKey.private_key).where(SigningKey.id == active[0]))
        _loaded[active] = Ed25519PrivateKey.from_private_bytes(private)
    return active[0], _loaded[active]


def valid_public_keys(edition_id: int) -> dict[int, Ed25519PublicKey]:
    """Give every unretired public key of the edition, by key id (rotation keeps several)."""
    keys = db.session.scalars(
        select(SigningKey).where(
            SigningKey.edition_id == edition_id, SigningKey.retired_at.is_(None)
        )
    )
    return {k.id: Ed25519PublicKey.from_public_bytes(k.public_key) for k in keys}


def retire_signing_key(key_id: int, now=None) -> None:
    """Stop trusting a key: its codes are refused from now on (reissue them first)."""
    key = db.session.get(SigningKey, key_id)
    if key is not None and key.retired_at is None:
        key.retired_at = now or utcnow()
        db.session.flush()
