"""Figures organisers watch live: bookings from counters, entries from check-in's figures.

Every check-in figure (admitted, inside now, walk-ins, entries per quarter hour, double entries)
comes from festival/checkin/stats.py, which reads the CheckpointTally counters kept in each
scan's transaction: one code per figure, shared with GET /api/v1/stats/attendance. Booking
figures read ``Event.seats_taken`` and ``Event.waitlisted_seats`` (counters kept by
registration.seats), never a scan of every booking. The whole dashboard is computed at
most once per ``DASHBOARD_CACHE_SECONDS`` per process (see ``dashboard``), so an organiser polling
every 2 s costs the door scanners one set of queries per period, not per poll; visitors per
postal code, slow to move and the dearest to count, at most once a minute.
"""

import time
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from festival.checkin import cache
from festival.checkin import stats as checkin_stats
from festival.extensions import db
from festival.programme.models import Edition, Event, EventStatus, Language, event_language
from festival.registration.models import Registration

BUCKET = timedelta(minutes=15)
POSTAL_CODES_SECONDS = 60.0
_cache: dict[int, tuple[float, dict]] = {}


def festival_day(edition: Edition, now: datetime) -> date:
    """The edition's day shown live: today if inside the edition, else its first day."""
    today = now.astimezone(ZoneInfo(edition.timezone)).date()
    return today if edition.starts_on <= today <= edition.ends_on else edition.starts_on


def event_figures(edition_id: int, now: datetime, sums=None) -> list[dict]:
    """Registered, waitlisted, admitted, fill rate and no-shows for each item.

    ``sums``: check-in's ``checkpoint_sums`` when the caller already read them.
    """
    admitted = checkin_stats.admitted_by_event(edition_id, sums)
    rows = db.session.execute(
        select(
            Event.id,
            Event.title,
            Event.starts_at,
            Event.ends_at,
            Event.capacity,
            Event.seats_taken,
            Event.waitlisted_seats,
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
                "waitlisted": row.waitlisted_seats,
                "admitted": came,
                "fill_rate": round(registered / row.capacity, 3) if row.capacity else None,
                "no_shows": max(registered - came, 0) if ended and row.capacity else None,
            }
        )
    return result


def inside_now(edition_id: int, day: date, sums=None) -> dict[int, int]:
    """People with a ticket inside each venue now (check-in's per-entrance counters, summed)."""
    inside: Counter = Counter()
    for row in checkin_stats.inside_now_per_venue(edition_id, day, sums):
        inside[row["venue_id"]] += row["inside_now"]
    return dict(inside)


def entries_per_quarter(edition: Edition, day: date) -> list[dict]:
    """Everyone who came in (tickets and walk-ins) per 15 minutes of ``day``, local time.

    The figure is check-in's; here it is only laid out for the chart, empty quarters included.
    """
    rows = checkin_stats.entries_per_quarter_hour(edition.id, day, walk_ins=True)
    people = {datetime.fromisoformat(r["starts_at"]): r["people"] for r in rows}
    if not people:
        return []
    result, at, last = [], min(people), max(people)
    while at <= last:
        result.append({"time": at.strftime("%H:%M"), "entries": people.get(at, 0)})
        at += BUCKET
    return result


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
    """Registrations (walk-ins with a postal code included) per postal code, a minute old at most.

    Counting 50k registrations through ix_registration_postal_code_dashboard took 7-11 ms of CPU
    here, the most expensive part of a cold dashboard. Where visitors come from is a figure for
    funders that a few hundred registrations barely move, so it is cached for
    ``POSTAL_CODES_SECONDS`` rather than counted in a table: a counter would add a statement to
    every registration (the path furthest from its budget) for a chart nobody reads live.
    """

    def load():
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

    return cache.cached("postal_codes", edition_id, load, ttl=POSTAL_CODES_SECONDS)


def double_entries(edition_id: int) -> list[dict]:
    """Admissions flagged by offline sync as made on two devices, with the door's name."""
    return [
        {"ticket_id": d["ticket_id"], "at": d["first_at"], "checkpoint": d["checkpoint_name"]}
        for d in checkin_stats.double_entries(edition_id)
    ]


def compute_dashboard(edition: Edition, now: datetime) -> dict:
    """Every figure of the live dashboard, as plain JSON-ready data."""
    from festival.programme.models import Venue

    day = festival_day(edition, now)
    sums = checkin_stats.checkpoint_sums(edition.id, day)  # read once for three figures
    events = event_figures(edition.id, now, sums)
    inside = inside_now(edition.id, day, sums)
    walk_ins = checkin_stats.walk_ins_per_venue(edition.id, sums)
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
