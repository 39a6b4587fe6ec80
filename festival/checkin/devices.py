"""Scanning devices: the scanner page names each phone with a uuid it keeps."""

from datetime import datetime

from festival.checkin.models import Device
from festival.checkin.sql import insert_for
from festival.extensions import db


def device_for(public_id: str, name: str, user_id: int | None, now: datetime) -> tuple[int, bool]:
    """Upsert the device by its public id; give its row id and whether it is new (one statement)."""
    stmt = insert_for(Device).values(
        public_id=public_id, name=name, user_id=user_id, created_at=now, last_seen_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Device.public_id],
        set_={"last_seen_at": stmt.excluded.last_seen_at, "name": stmt.excluded.name},
    ).returning(Device.id, Device.created_at)
    device_id, created_at = db.session.execute(stmt).one()
    return device_id, created_at == now
