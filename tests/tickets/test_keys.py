"""The per-process cache of loaded signing keys: one cheap query per use, never a stale key."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from festival.extensions import db
from festival.tickets import codes
from festival.tickets.keys import active_signing_key, create_signing_key, valid_public_keys
from festival.tickets.models import SigningKey
from festival.tickets.services import code_for
from tests.sql_statements import recorded_statements


def test_the_private_key_is_loaded_once_then_one_query_per_use(edition):
    edition_id = edition.id
    first_id, first = active_signing_key(edition_id)
    db.session.commit()
    with recorded_statements() as statements:
        again_id, again = active_signing_key(edition_id)
    assert (again_id, again) == (first_id, first)
    (query,) = [s for s in statements if "signing_key" in s]
    assert "private_key" not in query


def test_a_rotation_is_seen_at_once(edition):
    old_id, _ = active_signing_key(edition.id)
    new = create_signing_key(edition.id)
    db.session.commit()
    assert active_signing_key(edition.id)[0] == new.id != old_id


def test_a_reused_key_id_with_other_bytes_is_not_served_from_the_cache(make_ticket):
    # A database reset or restored from a backup can give an id the cache knows another key.
    ticket = make_ticket()
    key_id, cached = active_signing_key(ticket.edition_id)
    other = Ed25519PrivateKey.generate()
    raw = {"encoding": serialization.Encoding.Raw}
    db.session.execute(
        update(SigningKey)
        .where(SigningKey.id == key_id)
        .values(
            private_key=other.private_bytes(
                **raw,
                format=serialization.PrivateFormat.Raw,
                encryption_algorithm=serialization.NoEncryption(),
            ),
            public_key=other.public_key().public_bytes(
                **raw, format=serialization.PublicFormat.Raw
            ),
        )
    )
    db.session.commit()
    db.session.expire_all()
    assert active_signing_key(ticket.edition_id)[1] is not cached
    claim = codes.decode(code_for(ticket), valid_public_keys(ticket.edition_id))
    assert claim.ticket_id == ticket.id


def test_a_rotation_inside_a_transaction_is_seen(edition):
    edition_id = edition.id
    first_id, _ = active_signing_key(edition_id)
    new = create_signing_key(edition_id)  # same transaction, nothing committed
    assert active_signing_key(edition_id)[0] == new.id != first_id
