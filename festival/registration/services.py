"""Registration rules: register, book more, cancel, promote the waiting list, change language.

Every entry point that takes or frees a seat calls these functions (HTML form, API, manage
page, organiser pages). They only flush; the caller commits once (on SQLite, ``register``
ends its first, read-only transaction itself: ``festival.db.reads_before_write_lock``).
Seats and waiting lists are in ``seats`` (policy documented there and in README.md).
"""

import secrets
from collections.abc import Callable
from datetime import datetime
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from festival.db import reads_before_write_lock
from festival.errors import ConflictError, NotFoundError, ValidationError
from festival.extensions import db
from festival.loaded_inserts import insert_as_loaded
from festival.programme.models import Event, EventStatus
from festival.registration import notices, seats
from festival.registration.clashes import check_clashes
from festival.registration.inputs import (
    RegistrationInput,
    check_event_ids,
    check_input,
    check_locale,
)
from festival.registration.models import Attendee, Booking, BookingStatus, Registration
from festival.tickets.keys import active_signing_key, existing_signing_key
from festival.tickets.services import cancel_ticket, code_for, new_ticket

ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)


@cache
def _bookable_statement():
    # Built once: building and cache-keying it anew cost more than running it. Built at first
    # use, not at import: joinedload configures every mapper, which needs all models imported.
    return (
        select(Event)
        .where(Event.id.in_(bindparam("ids", expanding=True)))
        .options(joinedload(Event.edition))
        .order_by(Event.id)
    )


def bookable_events(event_ids: list[int], now: datetime) -> list[Event]:
    """Load the items to book, in id order (the lock order), refusing any that cannot be.

    :raises NotFoundError: ``unknown_event``.
    :raises ConflictError: ``event_cancelled``, ``event_past``, ``registration_closed``.
    :raises ValidationError: ``not_bookable``, ``several_editions``.
    """
    events = db.session.scalars(_bookable_statement(), {"ids": list(event_ids)}).all()
    if len(events) != len(set(event_ids)):
        raise NotFoundError(
            _l("Une des activités choisies n'existe pas."), code="unknown_event", field="bookings"
        )
    for event in events:
        refuse_unbookable(event, now)
    if len({e.edition_id for e in events}) > 1:
        raise ValidationError(code="several_editions", field="bookings")
    if not events[0].edition.is_registration_open:
        raise ConflictError(_l("Les inscriptions sont fermées."), code="registration_closed")
    return list(events)


def refuse_unbookable(event: Event, now: datetime) -> None:
    """:raises: ``event_cancelled``, ``not_bookable`` or ``event_past`` for such an item."""
    if event.status == EventStatus.CANCELLED:
        raise ConflictError(
            _l("« %(t)s » est annulé.", t=event.title), code="event_cancelled", field="bookings"
        )
    if event.capacity is None:
        raise ValidationError(
            _l("« %(t)s » est en accès libre : pas besoin de réserver.", t=event.title),
            code="not_bookable",
            field="bookings",
        )
    if event.starts_at <= now:
        raise ConflictError(
            _l("« %(t)s » a déjà commencé.", t=event.title), code="event_past", field="bookings"
        )


_REPEAT = (
    select(Event.title)
    .join(Booking, Booking.event_id == Event.id)
    .join(Attendee, Attendee.id == Booking.attendee_id)
    .join(Registration, Registration.id == Attendee.registration_id)
    .where(
        Registration.contact_email == bindparam("email"),
        Booking.event_id == bindparam("event_id"),
        Booking.status.in_(ACTIVE),
    )
    .limit(1)
)


def _refuse_repeat(email: str, event_id: int) -> None:
    """One email, one registration per item: the second one is explained, not duplicated."""
    title = (
        db.session.connection().execute(_REPEAT, {"email": email, "event_id": event_id}).scalar()
    )
    if title is not None:
        raise ConflictError(
            _l(
                "Cette adresse e-mail est déjà inscrite à « %(t)s ». Pour ajouter des personnes "
                "ou changer l'inscription, utilisez le lien « Gérer mon inscription » reçu par "
                "e-mail.",
                t=title,
            ),
            code="already_registered",
            field="contact.email",
        )


_HELD = (
    select(Booking.id)
    .where(
        Booking.event_id == bindparam("event_id"),
        Booking.attendee_id.in_(bindparam("attendee_ids", expanding=True)),
        Booking.status.in_(ACTIVE),
    )
    .limit(1)
)


def _already_booked(event: Event, locale: str) -> ConflictError:
    return ConflictError(
        _l("Vous êtes déjà inscrit·e à « %(t)s ».", t=event.text(locale)[0]),
        code="already_booked",
        field="bookings",
    )


def _refuse_held(attendees: list[Attendee], event: Event, registration: Registration) -> None:
    """One booking per person and item: booking an item again is explained, not a 500."""
    held = (
        db.session.connection()
        .execute(_HELD, {"event_id": event.id, "attendee_ids": [a.id for a in attendees]})
        .scalar()
    )
    if held is not None:
        raise _already_booked(event, registration.locale)


def _book(
    attendees: list[Attendee],
    event: Event,
    now: datetime,
    waitlist: bool,
    refuse_double: Callable[[Event], None],
) -> None:
    """Book ``event`` for every attendee at once: all confirmed, or one waiting-list entry.

    ``refuse_double(event)`` raises when these people hold the item already (the same email
    for a new registration, the same attendees for more bookings).
    """
    taken = seats.take_seats(event.id, sum(a.group_size for a in attendees))
    if not taken:
        # Locked, and read again: register checked the item before taking the write lock,
        # and it may have been cancelled or made open-entry since.
        event = seats.lock_event(event.id)
    # Only now that the item is locked (PostgreSQL: its row, by the seat UPDATE or
    # lock_event; SQLite: the write lock, since the first write): the same form sent
    # twice at once waits for the first sending to commit, then sees it.
    refuse_double(event)
    if taken:
        seats.write_bookings(attendees, event.id, now)
        return
    refuse_unbookable(event, now)
    if not waitlist:
        raise ConflictError(
            _l("« %(t)s » est complet.", t=event.title), code="event_full", field="bookings"
        )
    seats.join_waiting_list(attendees, event, now)


def _attendees(data: RegistrationInput) -> list[Attendee]:
    # ``bookings=[]``: the collection is known empty, no lazy SELECT once they are written.
    if data.group is not None:
        g = data.group
        return [Attendee(name=g.name, group_size=g.size, adults=g.adults, bookings=[])]
    return [Attendee(name=name, bookings=[]) for name in data.attendees]


def register(data: RegistrationInput, now: datetime, *, waitlist: bool = True) -> Registration:
    """Register people (or a group) for items; one ticket each; confirm or waiting list.

    ``waitlist=False`` refuses a full item instead of joining its waiting list.
    ``registration.warnings`` lists what the attendee should know (tight walks).

    :raises ValidationError: a field is missing or malformed (``field`` names it).
    :raises ConflictError: ``clash``, ``already_registered``, ``event_full`` and those of
        ``bookable_events``.
    """
    data = check_input(data)
    # On SQLite these reads keep out of the write lock that every registration queues for.
    # What could change before the writes and matters is decided again under it, in _book:
    # seats by their UPDATE, a cancelled item, a registration of the same email. Registration
    # closed by an organiser in between is not: what was checked just before is accepted.
    with reads_before_write_lock(db.session()):
        events = bookable_events(data.event_ids, now)
        warnings = check_clashes(events, data.locale)
        edition_id = events[0].edition_id
        # A key retired in the next milliseconds would leave this answer's codes refused; the
        # emailed PDF and the manage page sign with the key active when they are made.
        key = existing_signing_key(edition_id)
    registration = Registration(
        edition_id=edition_id,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        contact_phone=data.contact_phone,
        postal_code=data.postal_code,
        locale=data.locale,
        manage_token=secrets.token_urlsafe(32),
        group_name=data.group.name if data.group else None,
        consent_at=now,
        created_at=now,
        attendees=_attendees(data),
    )
    tickets = [new_ticket(a, edition_id, now) for a in registration.attendees]
    # From here on, SQLite's write lock is held until the caller commits.
    # The edition's first registration creates its key, in this write transaction: GETs
    # showing codes never write.
    key = key or active_signing_key(edition_id)
    insert_as_loaded(db.session(), [registration], registration.attendees, tickets)
    notices.queue_confirmation(registration, now)
    # Signed before the seat UPDATE, which locks the event row on PostgreSQL until commit.
    registration.ticket_codes = {t.id: code_for(t, key) for t in tickets}
    email = data.contact_email
    for event in events:
        _book(registration.attendees, event, now, waitlist, lambda e: _refuse_repeat(email, e.id))
    registration.warnings = tuple(warnings)
    return registration


def active_attendees(registration: Registration) -> list[Attendee]:
    return [a for a in registration.attendees if a.cancelled_at is None]


def book_more(
    registration: Registration, event_ids: list[int], now: datetime, *, waitlist: bool = True
) -> Registration:
    """Book more items for every (remaining) attendee of the registration.

    :raises ConflictError: ``registration_cancelled``, ``already_booked`` and as ``register``.
    """
    attendees = active_attendees(registration)
    if registration.cancelled_at is not None or not attendees:
        raise ConflictError(_l("Cette inscription est annulée."), code="registration_cancelled")
    events = bookable_events(check_event_ids(event_ids), now)
    booked = {b.event_id: b.event for a in attendees for b in a.bookings if b.status in ACTIVE}
    for event in events:  # the early answer; _refuse_held decides under the lock
        if event.id in booked:
            raise _already_booked(event, registration.locale)
    warnings = check_clashes([*booked.values(), *events], registration.locale)
    for event in events:
        _book(attendees, event, now, waitlist, lambda e: _refuse_held(attendees, e, registration))
    db.session.flush()
    db.session.expire(registration)
    notices.queue_confirmation(registration, now)
    registration.warnings = tuple(warnings)
    return registration


def _cancel(booking: Booking, now: datetime) -> None:
    """Cancel one booking, free its seat or its place in line; promote who can come."""
    if booking.status == BookingStatus.CANCELLED:
        return
    seats.lock_event(booking.event_id)
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    if was_confirmed:
        db.session.flush()
        seats.release_seats(booking.event_id, booking.seats)
    else:
        seats.leave_waiting_list(booking)
    _promote_and_notify(booking.event_id, now)


def _promote_and_notify(event_id: int, now: datetime) -> list[Booking]:
    promoted = seats.promote(event_id, now)
    db.session.flush()
    notices.queue_promotions(promoted, now)
    return promoted


def cancel_booking(booking: Booking, now: datetime) -> None:
    """Cancel one attendee's booking of one item (idempotent)."""
    _cancel(booking, now)
    db.session.flush()


def cancel_event_bookings(registration: Registration, event_id: int, now: datetime) -> None:
    """Cancel an item for everybody of the registration (the manage page's "cancel").

    :raises NotFoundError: the registration has no booking for this item.
    """
    bookings = [
        b
        for a in registration.attendees
        for b in a.bookings
        if b.event_id == event_id and b.status in ACTIVE
    ]
    if not bookings:
        raise NotFoundError(
            _l("Vous n'avez pas de réservation pour cette activité."), code="booking_not_found"
        )
    _cancel_all(bookings, now)
    db.session.flush()


def _close_attendee(attendee: Attendee, now: datetime) -> None:
    attendee.cancelled_at = attendee.cancelled_at or now
    if attendee.ticket is not None and attendee.ticket.status != "cancelled":
        cancel_ticket(attendee.ticket)


def _cancel_all(bookings: list[Booking], now: datetime) -> None:
    # Always lock events in id order, like register does: no deadlock between the two.
    for booking in sorted(bookings, key=lambda b: (b.event_id, b.id)):
        _cancel(booking, now)


def cancel_attendee(attendee: Attendee, now: datetime) -> None:
    """Cancel one person (or group): every booking, and the ticket."""
    _cancel_all(attendee.bookings, now)
    _close_attendee(attendee, now)
    db.session.flush()


def cancel_registration(registration: Registration, now: datetime) -> None:
    """Cancel everything of a registration: bookings, tickets; the waiting lists move up."""
    _cancel_all([b for a in registration.attendees for b in a.bookings], now)
    for attendee in registration.attendees:
        _close_attendee(attendee, now)
    registration.cancelled_at = registration.cancelled_at or now
    db.session.flush()


def promote_waiting_list(event_id: int, now: datetime) -> list[Booking]:
    """Promote who fits on ``event_id`` (after a capacity change, say) and email them."""
    seats.lock_event(event_id)
    return _promote_and_notify(event_id, now)


def change_locale(registration: Registration, locale: str) -> Registration:
    """Send future emails and tickets in ``locale``."""
    registration.locale = check_locale(locale)
    db.session.flush()
    return registration


def registration_by_token(token: str) -> Registration:
    """Find the registration of a manage link.

    :raises NotFoundError: unknown link.
    """
    registration = None
    if token and len(token) <= 64:
        registration = db.session.scalar(
            select(Registration).where(Registration.manage_token == token)
        )
    if registration is None:
        raise NotFoundError(
            _l("Ce lien n'est pas valable. Vérifiez qu'il est complet."),
            code="registration_not_found",
        )
    return registration
