"""The doors of an edition: each venue's entrance and each item that takes bookings."""

from sqlalchemy import select

from festival.checkin.models import Checkpoint, CheckpointKind
from festival.extensions import db
from festival.programme.models import Event, Venue


def ensure_checkpoints(edition_id: int) -> list[Checkpoint]:
    """Create the missing checkpoints of the edition; keep the existing ones."""
    existing = db.session.scalars(
        select(Checkpoint).where(Checkpoint.edition_id == edition_id)
    ).all()
    venue_ids = {c.venue_id for c in existing if c.kind == CheckpointKind.VENUE}
    event_ids = {c.event_id for c in existing if c.kind == CheckpointKind.EVENT}
    events = db.session.scalars(select(Event).where(Event.edition_id == edition_id)).all()
    created = []
    for venue_id in sorted({e.venue_id for e in events} - venue_ids):
        venue = db.session.get(Venue, venue_id)
        name = f"Entrée – {venue.name}"  # data, not interface text: organisers rename it
        created.append(
            Checkpoint(
                edition_id=edition_id, name=name, kind=CheckpointKind.VENUE, venue_id=venue_id
            )
        )
    for event in events:
        if event.capacity is not None and event.id not in event_ids:
            created.append(
                Checkpoint(
                    edition_id=edition_id,
                    name=event.title,
                    kind=CheckpointKind.EVENT,
                    venue_id=event.venue_id,
                    event_id=event.id,
                )
            )
    db.session.add_all(created)
    db.session.flush()
    return existing + created
