"""Invariants the data must always satisfy, checked after faults, restores and load runs."""

from sqlalchemy import func, select

from festival.checkin.models import Admission, CheckpointTally, QuarterTally
from festival.extensions import db
from festival.programme.models import Event
from festival.registration.models import Booking, BookingStatus


def broken_invariants() -> list[str]:
    """List every invariant the database breaks (empty when all hold)."""
    problems = []
    confirmed = (
        select(Booking.event_id, func.coalesce(func.sum(Booking.seats), 0).label("seats"))
        .where(Booking.status == BookingStatus.CONFIRMED)
        .group_by(Booking.event_id)
        .subquery()
    )
    waiting = {
        event_id: (count, highest, seats)
        for event_id, count, highest, seats in db.session.execute(
            select(
                Booking.event_id,
                func.count(),
                func.max(Booking.waitlist_position),
                func.sum(Booking.seats),
            )
            .where(Booking.status == BookingStatus.WAITLISTED)
            .group_by(Booking.event_id)
        )
    }
    rows = db.session.execute(
        select(
            Event.id,
            Event.seats_taken,
            Event.capacity,
            Event.waitlisted_seats,
            func.coalesce(confirmed.c.seats, 0),
        ).outerjoin(confirmed, confirmed.c.event_id == Event.id)
    )
    for event_id, seats_taken, capacity, waitlisted_seats, confirmed_seats in rows:
        if seats_taken != confirmed_seats:
            problems.append(
                f"event {event_id}: seats_taken={seats_taken} but confirmed seats={confirmed_seats}"
            )
        if capacity is not None and seats_taken > capacity:
            problems.append(f"event {event_id}: {seats_taken} seats taken of {capacity}")
        count, highest, waiting_seats = waiting.get(event_id, (0, 0, 0))
        if highest != count:
            problems.append(
                f"event {event_id}: waiting list of {count} has positions up to {highest}"
            )
        if waitlisted_seats != waiting_seats:
            problems.append(
                f"event {event_id}: waitlisted_seats={waitlisted_seats} "
                f"but waiting seats={waiting_seats}"
            )
    duplicates = db.session.execute(
        select(Admission.ticket_id, Admission.checkpoint_id, Admission.day, func.count())
        .group_by(Admission.ticket_id, Admission.checkpoint_id, Admission.day)
        .having(func.count() > 1)
    ).all()
    for ticket_id, checkpoint_id, day, count in duplicates:
        problems.append(
            f"ticket {ticket_id}: {count} first entries at checkpoint {checkpoint_id} on {day}"
        )
    return problems + _quarter_tally_drift()


def _quarter_tally_drift() -> list[str]:
    """Quarter-hour tallies that disagree with the admissions or with the day's tallies."""
    quarters = {
        (c, d, q): (a, w)
        for c, d, q, a, w in db.session.execute(
            select(
                QuarterTally.checkpoint_id,
                QuarterTally.day,
                QuarterTally.quarter,
                QuarterTally.admitted,
                QuarterTally.walk_ins,
            )
        )
    }
    admissions = {
        (c, d, q): n
        for c, d, q, n in db.session.execute(
            select(
                Admission.checkpoint_id,
                Admission.day,
                Admission.first_quarter,
                func.sum(Admission.people),
            ).group_by(Admission.checkpoint_id, Admission.day, Admission.first_quarter)
        )
    }
    problems = [
        f"checkpoint {c} on {d}, quarter {q}: admitted={quarters.get((c, d, q), (0, 0))[0]} "
        f"but admissions={admissions.get((c, d, q), 0)}"
        for c, d, q in sorted(set(quarters) | set(admissions))
        if quarters.get((c, d, q), (0, 0))[0] != admissions.get((c, d, q), 0)
    ]
    days: dict = {}
    for (c, d, _), (a, w) in quarters.items():
        total = days.setdefault((c, d), [0, 0])
        total[0] += a
        total[1] += w
    for c, d, a, w in db.session.execute(
        select(
            CheckpointTally.checkpoint_id,
            CheckpointTally.day,
            CheckpointTally.admitted,
            CheckpointTally.walk_ins,
        )
    ):
        if days.pop((c, d), [0, 0]) != [a, w]:
            problems.append(f"checkpoint {c} on {d}: quarter tallies do not add up to the day's")
    problems += [f"checkpoint {c} on {d}: quarter tallies without a day's tally" for c, d in days]
    return problems
