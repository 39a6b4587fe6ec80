"""Figures organisers watch live: bookings from counters, entries from admissions.

Booking figures read ``Event.seats_taken`` (a counter kept by registration.services) and the
``ix_booking_event_status`` index, never a scan of every booking. The whole dashboard is
computed at most once per ``DASHBOARD_CACHE_SECONDS`` per process (see ``dashboard``), so an
organiser polling every 2 s costs the door scanners one set of queries per period, not per poll.
"""

import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, func, select

from festival.checkin.models import Admission, Checkpoint, CheckpointKind, WalkIn
from festival.extensions import db
from festival.programme.models import Edition, Event, EventStatus, Language, event_language
from festival.registration.models import Booking, BookingStatus, Registration

BUCKET_MINUTES = 15
_cache: dict[int, tuple[float, dict]] = {}


def local_day_bounds(edition: Edition, day: date) -> tuple[datetime, datetime]:
    """Give the UTC instants that start and end ``day`` in the edition's time zone."""
    zone = ZoneInfo(edition.timezone)
    start = datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
    return start, start + timedelta(days=1)


def festival_day(edition: Edition, now: datetime) -> date:
    """The edition's day shown live: today if inside the edition, else its first day."""
    today = now.astimezone(ZoneInfo(edition.timezone)).date()
    return today if edition.starts_on <= today <= edition.ends_on else edition.starts_on


def event_figures(edition_id: int, now: datetime) -> list[dict]:
    """Registered, waitlisted, admitted, fill rate and no-shows for each item."""
    waiting = dict(
        db.session.execute(
            select(Booking.event_id, func.coalesce(func.sum(Booking.seats), 0))
            .join(Event, Event.id == Booking.event_id)
            .where(Event.edition_id == edition_id, Booking.status == BookingStatus.WAITLISTED)
            .group_by(Booking.event_id)
        ).all()
    )
    admitted = dict(
        db.session.execute(
            select(Checkpoint.event_id, func.coalesce(func.sum(Admission.people), 0))
            .join(Admission, Admission.checkpoint_id == Checkpoint.id)
            .where(Checkpoint.edition_id == edition_id, Checkpoint.kind == CheckpointKind.EVENT)
            .group_by(Checkpoint.event_id)
        ).all()
    )
    rows = db.session.execute(
        select(
            Event.id,
            Event.title,
            Event.starts_at,
            Event.ends_at,
            Event.capacity,
            Event.seats_taken,
            Event.status,
            Event.venue_id,
            Event.kind,
        )
        .where(Event.edition_id == edition_id)
        .order_by(Event.starts_at, Event.id)
    ).all()
    result = []
    for row in rows:
        registered = row.seats_taken if row.capacity is not None else 0
        came = int(admitted.get(row.id, 0))
        ended = row.ends_at <= now
        result.append(
            {
                "event_id": row.id,
                "title": row.title,
                "kind": row.kind,
                "venue_id": row.venue_id,
                "starts_at": row.starts_at.isoformat(),
                "is_cancelled": row.status == EventStatus.CANCELLED,
                "capacity": row.capacity,
                "registered": registered,
                "waitlisted": int(waiting.get(row.id, 0)),
                "admitted": came,
                "fill_rate": round(registered / row.capacity, 3) if row.capacity else None,
                "no_shows": max(registered - came, 0) if ended and row.capacity else None,
            }
        )
    return result


def inside_now(edition_id: int, day: date) -> dict[int, int]:
    """People inside each venue now: admitted today at its entrance and not gone out."""
    rows = db.session.execute(
        select(Checkpoint.venue_id, func.coalesce(func.sum(Admission.people), 0))
        .join(Admission, Admission.checkpoint_id == Checkpoint.id)
        .where(
            Checkpoint.edition_id == edition_id,
            Checkpoint.kind == CheckpointKind.VENUE,
            Admission.day == day,
            Admission.is_inside.is_(True),
        )
        .group_by(Checkpoint.venue_id)
    ).all()
    return {venue_id: int(n) for venue_id, n in rows}


def _utc_quarter(column):
    """SQL for the minute of the UTC day a timestamp falls in, rounded down to a quarter."""
    if db.engine.dialect.name == "sqlite":  # stored as text "YYYY-MM-DD HH:MM:SS[.ffffff]"
        hour = func.cast(func.substr(column, 12, 2), Integer)
        minute = func.cast(func.substr(column, 15, 2), Integer)
        return hour * 60 + minute // BUCKET_MINUTES * BUCKET_MINUTES
    hour = func.cast(func.extract("hour", column), Integer)
    minute = func.cast(func.extract("minute", column), Integer)
    return hour * 60 + minute // BUCKET_MINUTES * BUCKET_MINUTES


def _venue_doors(edition_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Checkpoint.id).where(
                Checkpoint.edition_id == edition_id, Checkpoint.kind == CheckpointKind.VENUE
            )
        )
    )


def entries_per_quarter(edition: Edition, day: date) -> list[dict]:
    """Entries (ticket admissions at venue doors and walk-ins) per 15 minutes of ``day``.

    Grouped in SQL by UTC quarter (read from the covering indexes), shifted to local time here:
    the edition's UTC offset is a whole number of quarters.
    """
    start, end = local_day_bounds(edition, day)
    doors = _venue_doors(edition.id)
    bucket_a = _utc_quarter(Admission.first_at).label("q")
    bucket_w = _utc_quarter(WalkIn.at).label("q")
    rows = [
        *db.session.execute(
            select(bucket_a, func.sum(Admission.people))
            .where(Admission.checkpoint_id.in_(doors), Admission.day == day)
            .group_by(bucket_a)
        ),
        *db.session.execute(
            select(bucket_w, func.sum(WalkIn.people))
            .where(WalkIn.checkpoint_id.in_(doors), WalkIn.at >= start, WalkIn.at < end)
            .group_by(bucket_w)
        ),
    ]
    offset = ZoneInfo(edition.timezone).utcoffset(datetime.combine(day, datetime.min.time()))
    shift = int(offset.total_seconds() // 60)
    buckets: Counter = Counter()
    for minute, people in rows:
        buckets[(int(minute) + shift) % (24 * 60)] += int(people)
    if not buckets:
        return []
    first, last = min(buckets), max(buckets)
    return [
        {"time": f"{m // 60:02d}:{m % 60:02d}", "entries": buckets.get(m, 0)}
        for m in range(first, last + 1, BUCKET_MINUTES)
    ]


def walk_in_totals(edition_id: int) -> dict[int, int]:
    """Walk-in people per venue over the whole edition."""
    rows = db.session.execute(
        select(Checkpoint.venue_id, func.coalesce(func.sum(WalkIn.people), 0))
        .join(WalkIn, WalkIn.checkpoint_id == Checkpoint.id)
        .where(Checkpoint.edition_id == edition_id)
        .group_by(Checkpoint.venue_id)
    ).all()
    return {venue_id: int(n) for venue_id, n in rows}


def booked_languages(edition_id: int) -> list[dict]:
    """Confirmed seats per language of the items booked, most booked first."""
    rows = db.session.execute(
        select(Language.code, Language.name_fr, func.coalesce(func.sum(Event.seats_taken), 0))
        .join(event_language, event_language.c.language_code == Language.code)
        .join(Event, Event.id == event_language.c.event_id)
        .where(Event.edition_id == edition_id)
        .group_by(Language.code, Language.name_fr)
    ).all()
    result = [{"code": c, "name": n, "seats": int(s)} for c, n, s in rows]
    return sorted(result, key=lambda r: (-r["seats"], r["code"]))


def registrations_by_postal_code(edition_id: int) -> list[dict]:
    """Registrations (walk-ins with a postal code included) per postal code."""
    rows = db.session.execute(
        select(Registration.postal_code, func.count())
        .where(
            Registration.edition_id == edition_id,
            Registration.postal_code.is_not(None),
            Registration.postal_code != "",
        )
        .group_by(Registration.postal_code)
    ).all()
    result = [{"postal_code": pc, "registrations": int(n)} for pc, n in rows]
    return sorted(result, key=lambda r: (-r["registrations"], r["postal_code"]))


def double_entries(edition_id: int) -> list[dict]:
    """Admissions flagged by offline sync as made on two devices."""
    rows = db.session.execute(
        select(Admission.ticket_id, Admission.first_at, Checkpoint.name)
        .join(Checkpoint, Checkpoint.id == Admission.checkpoint_id)
        .where(Checkpoint.edition_id == edition_id, Admission.is_double_entry.is_(True))
        .order_by(Admission.first_at)
    ).all()
    return [{"ticket_id": t, "at": at.isoformat(), "checkpoint": name} for t, at, name in rows]


def compute_dashboard(edition: Edition, now: datetime) -> dict:
    """Every figure of the live dashboard, as plain JSON-ready data."""
    from festival.programme.models import Venue

    day = festival_day(edition, now)
    events = event_figures(edition.id, now)
    inside = inside_now(edition.id, day)
    walk_ins = walk_in_totals(edition.id)
    venues = db.session.execute(
        select(Venue.id, Venue.name)
        .where(Venue.id.in_(select(Event.venue_id).where(Event.edition_id == edition.id)))
        .order_by(Venue.name)
    ).all()
    return {
        "generated_at": now.isoformat(),
        "day": day.isoformat(),
        "totals": {
            "registered": sum(e["registered"] for e in events),
            "admitted": sum(e["admitted"] for e in events),
            "waitlisted": sum(e["waitlisted"] for e in events),
            "walk_ins": sum(walk_ins.values()),
            "inside_now": sum(inside.values()),
        },
        "events": events,
        "venues": [
            {
                "venue_id": vid,
                "name": name,
                "inside_now": inside.get(vid, 0),
                "walk_ins": walk_ins.get(vid, 0),
            }
            for vid, name in venues
        ],
        "entries_per_quarter": entries_per_quarter(edition, day),
        "languages": booked_languages(edition.id),
        "postal_codes": registrations_by_postal_code(edition.id),
        "double_entries": double_entries(edition.id),
    }


def dashboard(edition: Edition, now: datetime, max_age: float) -> dict:
    """Give the dashboard figures, recomputed at most every ``max_age`` seconds per process."""
    cached = _cache.get(edition.id)
    clock = time.monotonic()
    if cached and max_age > 0 and clock - cached[0] < max_age:
        return cached[1]
    figures = compute_dashboard(edition, now)
    _cache[edition.id] = (clock, figures)
    return figures
