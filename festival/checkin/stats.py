"""Attendance figures, read from the tally table and covering indexes (cheap at 100k scans)."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, false, func, select

from festival.checkin import cache
from festival.checkin.models import (
    QUARTER_SECONDS,
    Admission,
    Checkpoint,
    CheckpointKind,
    CheckpointTally,
    QuarterTally,
)
from festival.extensions import db
from festival.programme.models import Edition, Event
from festival.registration.models import Attendee
from festival.tickets.models import Ticket, TicketStatus


@dataclass(frozen=True)
class CheckpointSums:
    """One checkpoint's tallies, summed over the edition and on one day."""

    checkpoint_id: int
    venue_id: int
    event_id: int | None
    kind: str
    admitted: int
    walk_ins: int
    counted_on_day: bool  # it has a tally row on the day
    inside_on_day: int
    walk_ins_on_day: int


def checkpoint_sums(edition_id: int, day: date | None = None) -> list[CheckpointSums]:
    """Every checkpoint's tallies in one read; the figures below are computed from it.

    A dashboard refresh needs several of them: reading the tallies once instead of once per
    figure saves a round trip and its statement overhead per figure.
    """
    t = CheckpointTally
    on_day = t.day == day if day is not None else false()
    rows = db.session.execute(
        select(
            Checkpoint.id,
            Checkpoint.venue_id,
            Checkpoint.event_id,
            Checkpoint.kind,
            func.sum(t.admitted),
            func.sum(t.walk_ins),
            func.sum(case((on_day, 1), else_=0)),
            func.sum(case((on_day, t.inside), else_=0)),
            func.sum(case((on_day, t.walk_ins), else_=0)),
        )
        .join(t, t.checkpoint_id == Checkpoint.id)
        .where(Checkpoint.edition_id == edition_id)
        .group_by(Checkpoint.id, Checkpoint.venue_id, Checkpoint.event_id, Checkpoint.kind)
        .order_by(Checkpoint.id)
    )
    return [
        CheckpointSums(c, v, e, k, int(a or 0), int(w or 0), bool(n), int(i or 0), int(wd or 0))
        for c, v, e, k, a, w, n, i, wd in rows
    ]


def registered_people(edition_id: int) -> int:
    """People holding a valid ticket (groups by head count), cached a few seconds.

    Summing 50k tickets took ~100 ms here; the dashboard polls every few seconds and the figure
    moves slowly, so a 10-second-old value is fine and keeps the dashboard JSON fast.
    """

    def load():
        return int(
            db.session.scalar(
                select(func.coalesce(func.sum(Attendee.group_size), 0))
                .join(Ticket, Ticket.attendee_id == Attendee.id)
                .where(Ticket.edition_id == edition_id, Ticket.status == TicketStatus.VALID)
            )
        )

    return cache.cached("registered", edition_id, load)


def attendance_totals(edition_id: int, sums: list[CheckpointSums] | None = None) -> dict:
    """People registered (valid tickets, groups by head count), admitted at entrances, walk-ins."""
    sums = checkpoint_sums(edition_id) if sums is None else sums
    registered = registered_people(edition_id)
    admitted = sum(s.admitted for s in sums if s.kind == CheckpointKind.VENUE)
    walk_ins = sum(walk_ins_per_venue(edition_id, sums).values())
    return {"registered": int(registered), "admitted": admitted, "walk_ins": walk_ins}


def walk_ins_per_venue(edition_id: int, sums: list[CheckpointSums] | None = None) -> dict[int, int]:
    """People without a ticket counted at any door of each venue, over the whole edition."""
    totals: Counter = Counter()
    for s in checkpoint_sums(edition_id) if sums is None else sums:
        totals[s.venue_id] += s.walk_ins
    return dict(totals)


def admitted_by_event(edition_id: int, sums: list[CheckpointSums] | None = None) -> dict[int, int]:
    """People admitted at each bookable item's door, over the whole edition."""
    sums = checkpoint_sums(edition_id) if sums is None else sums
    return {s.event_id: s.admitted for s in sums if s.kind == CheckpointKind.EVENT}


def per_day(edition_id: int) -> dict[date, dict]:
    """Per day: first entries at venue entrances and walk-ins at any door (from the tallies)."""
    days: dict[date, dict] = {}
    for day, kind, admitted, walk_ins in db.session.execute(
        select(
            CheckpointTally.day,
            Checkpoint.kind,
            func.sum(CheckpointTally.admitted),
            func.sum(CheckpointTally.walk_ins),
        )
        .join(Checkpoint, Checkpoint.id == CheckpointTally.checkpoint_id)
        .where(Checkpoint.edition_id == edition_id)
        .group_by(CheckpointTally.day, Checkpoint.kind)
    ):
        figures = days.setdefault(day, {"entries": 0, "walk_ins": 0})
        if kind == CheckpointKind.VENUE:
            figures["entries"] += int(admitted or 0)
        figures["walk_ins"] += int(walk_ins or 0)
    return days


def admitted_per_event(edition_id: int, sums: list[CheckpointSums] | None = None) -> list[dict]:
    """Per bookable item: confirmed seats and people admitted at its door."""
    admitted = admitted_by_event(edition_id, sums)
    events = db.session.execute(
        select(Event.id, Event.seats_taken)
        .where(Event.edition_id == edition_id, Event.capacity.is_not(None))
        .order_by(Event.starts_at, Event.id)
    )
    return [
        {"event_id": eid, "registered": seats, "admitted": admitted.get(eid, 0)}
        for eid, seats in events
    ]


def inside_now_per_venue(
    edition_id: int, day: date, sums: list[CheckpointSums] | None = None
) -> list[dict]:
    """People with a ticket inside each venue (entries minus exits), and today's walk-ins.

    ``sums`` must have been read for ``day``.
    """
    sums = checkpoint_sums(edition_id, day) if sums is None else sums
    return [
        {"venue_id": s.venue_id, "inside_now": s.inside_on_day, "walk_ins_today": s.walk_ins_on_day}
        for s in sums
        if s.kind == CheckpointKind.VENUE and s.counted_on_day
    ]


def entries_per_quarter_hour(edition_id: int, day: date, walk_ins: bool = False) -> list[dict]:
    """First entries at venue entrances per quarter hour of ``day`` (local time).

    With ``walk_ins``, people counted without a ticket at those entrances are added: everyone
    who came in (the organisers' dashboard). Read from the quarter-hour tallies kept with each
    scan and walk-in: a few rows per entrance, whatever the number of scans.
    """
    tz = ZoneInfo(db.session.get(Edition, edition_id).timezone)
    # Quarters are counted since the epoch (UTC offsets here are whole hours, so these are
    # local quarter hours too).
    entrances = select(Checkpoint.id).where(
        Checkpoint.edition_id == edition_id, Checkpoint.kind == CheckpointKind.VENUE
    )
    people_column = QuarterTally.admitted
    if walk_ins:
        people_column = people_column + QuarterTally.walk_ins
    rows = db.session.execute(
        select(QuarterTally.quarter, func.sum(people_column))
        .where(QuarterTally.day == day, QuarterTally.checkpoint_id.in_(entrances))
        .group_by(QuarterTally.quarter)
        .order_by(QuarterTally.quarter)
    ).all()
    return [
        {
            "starts_at": datetime.fromtimestamp(q * QUARTER_SECONDS, UTC)
            .astimezone(tz)
            .isoformat(),
            "people": int(n),
        }
        for q, n in rows
        if n
    ]


def double_entries(edition_id: int) -> list[dict]:
    """Tickets admitted on two devices (revealed by offline sync), for organisers to check."""
    rows = db.session.execute(
        select(
            Admission.ticket_id,
            Admission.checkpoint_id,
            Admission.day,
            Admission.first_at,
            Attendee.name,
            Checkpoint.name,
        )
        .join(Checkpoint, Checkpoint.id == Admission.checkpoint_id)
        .join(Ticket, Ticket.id == Admission.ticket_id)
        .join(Attendee, Attendee.id == Ticket.attendee_id)
        .where(Admission.is_double_entry.is_(True), Checkpoint.edition_id == edition_id)
        .order_by(Admission.first_at)
    )
    return [
        {
            "ticket_id": t,
            "checkpoint_id": c,
            "day": d.isoformat(),
            "first_at": f.isoformat(),
            "name": n,
            "checkpoint_name": door,
        }
        for t, c, d, f, n, door in rows
    ]


def attendance(edition_id: int, now: datetime) -> dict:
    """The figures of GET /api/v1/stats/attendance (DESIGN §4)."""
    tz = ZoneInfo(db.session.get(Edition, edition_id).timezone)
    today = now.astimezone(tz).date()
    sums = checkpoint_sums(edition_id, today)
    return {
        "generated_at": now.astimezone(UTC).isoformat(),
        "totals": attendance_totals(edition_id, sums),
        "events": admitted_per_event(edition_id, sums),
        "venues": inside_now_per_venue(edition_id, today, sums),
    }
