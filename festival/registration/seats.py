"""Seats and waiting lists: the only code that changes ``event.seats_taken`` and
``event.waitlisted_seats`` (the seats its waiting list asks for).

Taking seats is ONE conditional UPDATE (DESIGN.md §3): it never oversells, on SQLite or
PostgreSQL, whatever the concurrency. Everything that touches a waiting list first locks the
event row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already
serialises writers), so positions stay unique and gapless.

Waiting-list policy (also in README.md, "Registration rules"):

- An *entry* is everything one registration waits for on one event: a family of three is one
  entry (three bookings on consecutive positions), a group is one entry of ``size`` seats.
  Entries are promoted whole, never split.
- While an event has a waiting list, newcomers join its end even if seats are free: the people
  waiting come first.
- Promotion walks the list in order and promotes every entry that fits in the free seats.
  An entry that does not fit does not block the ones behind it (they may pass it) — but only
  once: an entry that has been passed over holds every seat freed afterwards, nobody passes
  it again, and it is promoted as soon as enough seats are free. A big group is thus neither
  starved (it waits for at most one overtaking round) nor blocking (small entries behind it
  use the seats it cannot use yet, once).
"""

from datetime import datetime
from itertools import groupby

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

from festival.extensions import db
from festival.loaded_inserts import insert_as_loaded
from festival.programme.models import Event, EventStatus
from festival.registration.models import Attendee, Booking, BookingStatus

_SEATS_FREE = (
    "UPDATE event SET seats_taken = seats_taken + :n "
    "WHERE id = :id AND status = 'scheduled' AND capacity IS NOT NULL "
    "AND seats_taken + :n <= capacity"
)
_TAKE_SEATS = text(_SEATS_FREE)
# Newcomers do not take seats while people wait (the waiting list comes first).
_TAKE_SEATS_IF_NOBODY_WAITS = text(_SEATS_FREE + " AND waitlisted_seats = 0")
_ADD_WAITING = text("UPDATE event SET waitlisted_seats = waitlisted_seats + :n WHERE id = :id")
_LOCK_EVENT = (
    select(Event)
    .where(Event.id == bindparam("id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
_LAST_POSITION = select(func.coalesce(func.max(Booking.waitlist_position), 0)).where(
    Booking.event_id == bindparam("id")
)


def _refresh_seats(event_id: int, column: str = "seats_taken") -> None:
    event = db.session.identity_map.get(db.session.identity_key(Event, event_id))
    if event is not None:
        db.session.expire(event, [column])


def _add_waiting(event_id: int, n: int) -> None:
    """Count ``n`` seats into (or, negative, out of) the event's waiting list, atomically."""
    db.session.connection().execute(_ADD_WAITING, {"n": n, "id": event_id})
    _refresh_seats(event_id, "waitlisted_seats")


def take_seats(event_id: int, n: int, *, respect_waiting_list: bool = True) -> bool:
    """Take ``n`` seats atomically; False when they are not free (or people are waiting)."""
    statement = _TAKE_SEATS_IF_NOBODY_WAITS if respect_waiting_list else _TAKE_SEATS
    # On the session's connection, not through session.execute: these plain statements need
    # none of the ORM's execution steps (~0.1 ms each inside the write lock).
    taken = db.session.connection().execute(statement, {"n": n, "id": event_id}).rowcount == 1
    _refresh_seats(event_id)
    return taken


def write_bookings(
    attendees: list[Attendee], event_id: int, now: datetime, *, after_position: int | None = None
) -> list[Booking]:
    """Write the bookings of seats just taken, or (``after_position``: the last position of the
    event's list) of one waiting-list entry; they are loaded and in ``attendee.bookings``.

    An attendee holds one booking per item (a unique constraint): one who cancelled this item
    and books it again gets that booking back, as new, instead of a second one.
    """
    confirmed = after_position is None
    fresh, taken_back, bookings = [], [], []
    for offset, attendee in enumerate(attendees, start=1):
        values = {
            "seats": attendee.group_size,
            "status": BookingStatus.CONFIRMED if confirmed else BookingStatus.WAITLISTED,
            "waitlist_position": None if confirmed else after_position + offset,
            "passed_over_at": None,
            "created_at": now,
            "confirmed_at": now if confirmed else None,
            "cancelled_at": None,
        }
        booking = next((b for b in attendee.bookings if b.event_id == event_id), None)
        if booking is None:
            booking = Booking(attendee_id=attendee.id, event_id=event_id, **values)
            fresh.append((attendee, booking))
        else:
            for name, value in values.items():
                setattr(booking, name, value)
            taken_back.append(booking)
        bookings.append(booking)
    insert_as_loaded(db.session(), [booking for _, booking in fresh])
    for attendee, booking in fresh:
        set_committed_value(booking, "attendee", attendee)
        set_committed_value(attendee, "bookings", [*attendee.bookings, booking])
    if taken_back:
        # Written now: the statements after this one run on the connection, which does not
        # flush the session first.
        db.session.flush()
    return bookings


def release_seats(event_id: int, n: int) -> None:
    db.session.execute(
        update(Event)
        .where(Event.id == event_id)
        .values(seats_taken=Event.seats_taken - n)
        .execution_options(synchronize_session=False)
    )
    _refresh_seats(event_id)


def lock_event(event_id: int) -> Event:
    """Lock the event row until commit and give it fresh (serialises its waiting list)."""
    return db.session.scalars(_LOCK_EVENT, {"id": event_id}).one()


def join_waiting_list(attendees: list[Attendee], event: Event, now: datetime) -> list[Booking]:
    """Put one entry (these attendees' bookings) at the end of the list, then promote.

    ``event``: as ``lock_event`` gave it (the caller holds the lock).
    """
    event_id = event.id
    last = db.session.connection().execute(_LAST_POSITION, {"id": event_id}).scalar()
    bookings = write_bookings(attendees, event_id, now, after_position=last)
    _add_waiting(event_id, sum(b.seats for b in bookings))
    # Seats may have freed since our UPDATE failed, or the list may let this entry pass.
    promote(event_id, now, locked=event)
    return bookings


def _waiting_entries(event_id: int) -> list[list[Booking]]:
    bookings = db.session.scalars(
        select(Booking)
        .join(Attendee)
        .where(Booking.event_id == event_id, Booking.status == BookingStatus.WAITLISTED)
        .order_by(Booking.waitlist_position)
        .execution_options(populate_existing=True)
    ).all()
    return [list(g) for _, g in groupby(bookings, key=lambda b: b.attendee.registration_id)]


def promote(event_id: int, now: datetime, locked: Event | None = None) -> list[Booking]:
    """Promote the waiting entries that fit, by the policy above; give the promoted bookings.

    The caller holds the event lock (``lock_event``); ``locked``: the event it gave, still
    fresh (nothing changed its seats since), which saves locking it a second time.
    """
    event = locked if locked is not None else lock_event(event_id)
    if event.status != EventStatus.SCHEDULED or event.capacity is None or event.starts_at <= now:
        return []
    free = event.capacity - event.seats_taken
    if free <= 0:
        return []
    promoted, passed = [], []
    for entry in _waiting_entries(event_id):
        need = sum(b.seats for b in entry)
        if need > free:
            if entry[0].passed_over_at is not None:
                break  # it was passed once already: the free seats are held for it
            passed.append(entry)
            continue
        if not take_seats(event_id, need, respect_waiting_list=False):
            break  # cannot happen under the lock; never oversell if it does
        free -= need
        for booking in entry:
            booking.status = BookingStatus.CONFIRMED
            booking.waitlist_position = None
            booking.confirmed_at = now
            promoted.append(booking)
        for waiting in passed:
            for booking in waiting:
                booking.passed_over_at = booking.passed_over_at or now
        if free == 0:
            break
    if promoted:
        _add_waiting(event_id, -sum(b.seats for b in promoted))
        compact_waiting_list(event_id)
    return promoted


def leave_waiting_list(booking: Booking) -> None:
    """Take a (cancelled) booking out of its event's waiting list."""
    booking.waitlist_position = None
    _add_waiting(booking.event_id, -booking.seats)
    compact_waiting_list(booking.event_id)


def compact_waiting_list(event_id: int) -> None:
    """Renumber the list 1..n in its order (after people left it or were promoted)."""
    db.session.flush()
    rows = db.session.execute(
        select(Booking.id, Booking.waitlist_position)
        .where(Booking.event_id == event_id, Booking.waitlist_position.is_not(None))
        .order_by(Booking.waitlist_position)
    ).all()
    moves = [
        {"id": row.id, "p": new}
        for new, row in enumerate(rows, start=1)
        if row.waitlist_position != new
    ]
    if not moves:
        return
    # Unique (event, position) is checked row by row: park the moved rows on negative
    # positions first so that no intermediate state collides.
    moved = [m["id"] for m in moves]
    db.session.execute(
        update(Booking)
        .where(Booking.id.in_(moved))
        .values(waitlist_position=-Booking.waitlist_position)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(text("UPDATE booking SET waitlist_position = :p WHERE id = :id"), moves)
    for booking in db.session.identity_map.values():
        if isinstance(booking, Booking) and booking.id in moved:
            db.session.expire(booking, ["waitlist_position"])
