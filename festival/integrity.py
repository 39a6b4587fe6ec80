"""Invariants the data must always satisfy, checked after faults, restores and load runs."""

from sqlalchemy import func, select

from festival.checkin.models import Admission
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
    rows = db.session.execute(
        select(
            Event.id, Event.seats_taken, Event.capacity, func.coalesce(confirmed.c.seats, 0)
        ).outerjoin(confirmed, confirmed.c.event_id == Event.id)
    )
    for event_id, seats_taken, capacity, confirmed_seats in rows:
        if seats_taken != confirmed_seats:
            problems.append(
                f"event {event_id}: seats_taken={seats_taken} but confirmed seats={confirmed_seats}"
            )
        if capacity is not None and seats_taken > capacity:
            problems.append(f"event {event_id}: {seats_taken} seats taken of {capacity}")
    positions = db.session.execute(
        select(Booking.event_id, func.count(), func.max(Booking.waitlist_position))
        .where(Booking.status == BookingStatus.WAITLISTED)
        .group_by(Booking.event_id)
    )
    for event_id, count, highest in positions:
        if highest != count:
            problems.append(
                f"event {event_id}: waiting list of {count} has positions up to {highest}"
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
    return problems
