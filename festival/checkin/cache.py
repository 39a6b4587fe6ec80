"""Small per-app caches of what the hot scan path reads on every request but rarely changes.

Checkpoints, editions and public keys change a few times per festival; reading them on each of
thousands of scans cost more than the decision itself. Entries live ``TTL`` seconds, so a
renamed checkpoint or a retired key takes effect within that delay in every worker.
"""

import time
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from festival.checkin.models import Checkpoint
from festival.extensions import db
from festival.programme.models import Edition
from festival.tickets.keys import valid_public_keys

TTL = 10.0


@dataclass(frozen=True)
class CheckpointInfo:
    id: int
    edition_id: int
    kind: str
    venue_id: int
    event_id: int | None


@dataclass(frozen=True)
class EditionInfo:
    id: int
    starts_on: date
    ends_on: date
    tz: ZoneInfo


def cached(kind: str, key, load, ttl: float = TTL):
    """Give ``load()``, kept ``ttl`` seconds per app under (kind, key); None is not kept."""
    store = current_app.extensions.setdefault("checkin_cache", {})
    hit = store.get((kind, key))
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    value = load()
    if value is not None:
        store[(kind, key)] = (time.monotonic() + ttl, value)
    return value


def checkpoint_info(checkpoint_id: int) -> CheckpointInfo | None:
    def load():
        row = db.session.execute(
            select(
                Checkpoint.id,
                Checkpoint.edition_id,
                Checkpoint.kind,
                Checkpoint.venue_id,
                Checkpoint.event_id,
            ).where(Checkpoint.id == checkpoint_id)
        ).first()
        return CheckpointInfo(*row) if row else None

    return cached("checkpoint", checkpoint_id, load)


def edition_info(edition_id: int) -> EditionInfo:
    def load():
        row = db.session.execute(
            select(Edition.id, Edition.starts_on, Edition.ends_on, Edition.timezone).where(
                Edition.id == edition_id
            )
        ).one()
        return EditionInfo(row[0], row[1], row[2], ZoneInfo(row[3]))

    return cached("edition", edition_id, load)


def public_keys(edition_id: int) -> dict:
    return cached("keys", edition_id, lambda: valid_public_keys(edition_id))


def device_id(public_id: str, load) -> int:
    """Give the device's row id; ``load`` upserts it (and its last-seen time) once per TTL.

    A device created by this request is not cached: its row would vanish if the request rolled
    back, and a cached id of a missing row would break the next scans.
    """
    found = cached("device", public_id, lambda: None)
    if found is not None:
        return found
    row_id, is_new = load()
    if not is_new:
        cached("device", public_id, lambda: row_id)
    return row_id
