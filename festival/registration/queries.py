"""Read-only views of the programme that the registration pages show."""

from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from festival.extensions import db
from festival.programme.models import Edition, Event, EventStatus, current_edition_query


def open_items(now: datetime, locale: str) -> list[dict]:
    """Items that take bookings, by local day: [{day, items: [{id, title, …}]}]."""
    edition = db.session.scalar(current_edition_query())
    if edition is None:
        return []
    events = db.session.scalars(
        select(Event)
        .where(
            Event.edition_id == edition.id,
            Event.capacity.is_not(None),
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at > now,
        )
        .options(selectinload(Event.translations), selectinload(Event.venue))
        .order_by(Event.starts_at, Event.id)
    ).all()
    zone = ZoneInfo(edition.timezone)
    items = [
        {
            "id": e.id,
            "title": e.text(locale)[0],
            "starts_at": e.starts_at,
            "ends_at": e.ends_at,
            "venue": e.venue.name,
            "seats_left": e.seats_left,
            "capacity": e.capacity,
            "day": e.starts_at.astimezone(zone).date(),
        }
        for e in events
    ]
    return [
        {"day": day, "items": list(group)} for day, group in groupby(items, key=lambda i: i["day"])
    ]


def is_registration_open() -> bool:
    edition: Edition | None = db.session.scalar(current_edition_query())
    return edition is not None and edition.is_registration_open
