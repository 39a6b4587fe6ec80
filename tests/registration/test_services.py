"""Registration rules, one per test, at the service level."""

from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func as sa_func
from sqlalchemy import select as sa_select
from sqlalchemy import text as sa_text

from festival.errors import ConflictError, NotFoundError, ValidationError
from festival.extensions import db
from festival.registration import services
from festival.registration.models import Booking, BookingStatus
from festival.tickets.models import Ticket
from tests.sql_statements import recorded_statements


def statuses(registration):
    return [(b.status, b.waitlist_position) for a in registration.attendees for b in a.bookings]


def test_a_free_seat_is_confirmed_and_counted(register, make_event):
    event = make_event(capacity=5)
    registration = register([event.id])
    assert statuses(registration) == [("confirmed", None)]
    assert db.session.get(type(event), event.id).seats_taken == 1


def test_each_attendee_gets_one_ticket(register, make_event):
    event = make_event()
    registration = register([event.id], people=("Ana", "Bo", "Cy"))
    assert db.session.query(Ticket).count() == 3
    assert all(a.ticket is not None for a in registration.attendees)


def test_each_booking_is_for_every_attendee(register, make_event):
    a, b = make_event(), make_event(starts_at=make_event().ends_at + timedelta(hours=2))
    registration = register([a.id, b.id], people=("Ana", "Bo"))
    assert sorted(bk.event_id for at in registration.attendees for bk in at.bookings) == sorted(
        [a.id, a.id, b.id, b.id]
    )


def test_a_group_takes_its_head_count_on_one_ticket(register, make_event):
    event = make_event(capacity=30)
    registration = register([event.id], group=("CM2 Jaurès", 25, 3))
    (attendee,) = registration.attendees
    assert (attendee.group_size, attendee.adults, attendee.bookings[0].seats) == (25, 3, 25)
    assert event.seats_taken == 25
    assert registration.group_name == "CM2 Jaurès"


def test_full_item_puts_the_family_on_the_waiting_list_as_one_entry(register, make_event):
    event = make_event(capacity=3)
    register([event.id], people=("A", "B"))
    family = register([event.id], people=("C", "D"))
    assert statuses(family) == [("waitlisted", 1), ("waitlisted", 2)]
    assert event.seats_taken == 2  # the family is never split over the last seat


def test_full_item_refused_when_the_waiting_list_is_declined(register, make_event):
    event = make_event(capacity=1)
    register([event.id])
    with pytest.raises(ConflictError) as error:
        register([event.id], waitlist=False)
    assert error.value.code == "event_full"


def test_a_refusal_after_a_confirmed_item_leaves_the_session_usable(register, make_event):
    # The first item's bookings were written before the second item was refused; after the
    # rollback their ids are free again (SQLite reuses them) and the next registration takes
    # them without clashing with what the session saw.
    free = make_event(capacity=5)
    full = make_event(capacity=1, starts_at=free.ends_at + timedelta(hours=2))
    register([full.id])
    with pytest.raises(ConflictError):
        register([free.id, full.id], waitlist=False, people=("Ana", "Bo"))
    db.session.rollback()
    registration = register([free.id], people=("Cy", "Di"))
    assert statuses(registration) == [("confirmed", None), ("confirmed", None)]
    assert db.session.get(type(free), free.id).seats_taken == 2


def test_newcomers_queue_behind_people_already_waiting(register, make_event):
    event = make_event(capacity=2)
    register([event.id], people=("A", "B"))
    group = register([event.id], group=("Classe", 2, 1))
    cancel = register([event.id])
    services.cancel_booking(db.session.get(Booking, 1), now=group.created_at)
    db.session.commit()
    # one seat freed: the group (2) does not fit; the single behind it passes, once
    assert statuses(cancel) == [("confirmed", None)]
    assert statuses(group) == [("waitlisted", 1)]


def test_a_passed_over_group_holds_freed_seats_until_it_fits(register, make_event, now):
    event = make_event(capacity=2)
    first = register([event.id], people=("A", "B"))
    group = register([event.id], group=("Classe", 2, 1))
    single = register([event.id])
    later = register([event.id])
    services.cancel_booking(first.attendees[0].bookings[0], now)  # 1 free: single passes
    db.session.commit()
    assert statuses(single) == [("confirmed", None)]
    services.cancel_booking(single.attendees[0].bookings[0], now)  # 1 free: held for group
    db.session.commit()
    assert statuses(later) == [("waitlisted", 2)]
    assert statuses(group) == [("waitlisted", 1)]
    services.cancel_booking(first.attendees[1].bookings[0], now)  # 2 free: group promoted
    db.session.commit()
    assert statuses(group) == [("confirmed", None)]
    assert statuses(later) == [("waitlisted", 1)]


def test_cancelling_a_confirmed_booking_promotes_the_head_of_the_list(register, make_event, now):
    event = make_event(capacity=1)
    first = register([event.id])
    second = register([event.id])
    services.cancel_booking(first.attendees[0].bookings[0], now)
    db.session.commit()
    assert statuses(second) == [("confirmed", None)]
    assert event.seats_taken == 1


def test_leaving_the_waiting_list_closes_the_gap(register, make_event, now):
    event = make_event(capacity=1)
    register([event.id])
    waiting = [register([event.id]) for _ in range(3)]
    services.cancel_booking(waiting[0].attendees[0].bookings[0], now)
    db.session.commit()
    assert [statuses(w)[0] for w in waiting[1:]] == [("waitlisted", 1), ("waitlisted", 2)]


def test_waitlisted_seats_follow_joins_departures_and_promotions(register, make_event, now):
    from festival.integrity import broken_invariants

    event = make_event(capacity=2)

    def waiting():
        db.session.refresh(event)
        return event.waitlisted_seats

    first = register([event.id], people=("A", "B"))
    register([event.id], group=("Classe", 3, 1))
    single = register([event.id])
    assert waiting() == 4
    services.cancel_booking(single.attendees[0].bookings[0], now)  # leaves the list
    db.session.commit()
    assert waiting() == 3
    services.cancel_booking(first.attendees[0].bookings[0], now)  # 1 free: the group waits
    db.session.commit()
    assert waiting() == 3
    event.capacity = 4
    services.promote_waiting_list(event.id, now)  # 3 free: the group is promoted
    db.session.commit()
    assert waiting() == 0
    assert broken_invariants() == []


def test_raised_capacity_promotes_in_order(register, make_event, now):
    event = make_event(capacity=1)
    register([event.id])
    waiting = [register([event.id]) for _ in range(3)]
    event.capacity = 3
    promoted = services.promote_waiting_list(event.id, now)
    db.session.commit()
    assert [b.attendee.registration_id for b in promoted] == [waiting[0].id, waiting[1].id]
    assert statuses(waiting[2]) == [("waitlisted", 1)]


def test_promotion_emails_the_promoted_person(register, make_event, now):
    from festival.mail.models import OutboxMessage

    event = make_event(capacity=1)
    first = register([event.id])
    second = register([event.id], contact_email="second@example.org", locale="ar")
    services.cancel_booking(first.attendees[0].bookings[0], now)
    db.session.commit()
    message = db.session.query(OutboxMessage).filter_by(kind="waitlist_promoted").one()
    assert (message.recipient, message.locale) == ("second@example.org", "ar")
    assert second.id


def test_registering_queues_a_confirmation_in_the_same_transaction(register, make_event):
    from festival.mail.models import OutboxMessage

    register([make_event().id], contact_email="ana@example.org")
    message = db.session.query(OutboxMessage).one()
    assert (message.kind, message.recipient) == ("registration_confirmed", "ana@example.org")


def test_overlapping_items_are_refused(register, make_event):
    a = make_event()
    b = make_event(starts_at=a.starts_at + timedelta(minutes=15))
    with pytest.raises(ConflictError) as error:
        register([a.id, b.id])
    assert error.value.code == "clash"
    assert db.session.query(Booking).count() == 0


def test_a_tight_walk_between_venues_gives_a_warning(register, make_event):
    a = make_event()
    b = make_event(starts_at=a.ends_at + timedelta(minutes=5))
    registration = register([a.id, b.id])
    assert len(registration.warnings) == 1
    assert statuses(registration) == [("confirmed", None), ("confirmed", None)]


def test_same_venue_back_to_back_gives_no_warning(register, make_event):
    a = make_event()
    b = make_event(venue=a.venue, starts_at=a.ends_at)
    assert register([a.id, b.id]).warnings == ()


def test_the_same_email_twice_for_an_item_is_explained(register, make_event):
    event = make_event()
    register([event.id], contact_email="ana@example.org")
    with pytest.raises(ConflictError) as error:
        register([event.id], contact_email="ANA@example.org")
    assert error.value.code == "already_registered"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": "cancelled"}, "event_cancelled"),
        ({"capacity": None, "booking_required": False}, "not_bookable"),
    ],
)
def test_items_that_cannot_be_booked_are_refused(register, make_event, fields, code):
    event = make_event(**fields)
    with pytest.raises((ConflictError, ValidationError)) as error:
        register([event.id])
    assert error.value.code == code
    assert db.session.query(Booking).count() == 0


def test_an_unknown_item_is_refused(register, make_event):
    with pytest.raises(NotFoundError):
        register([make_event().id, 9999])


def test_a_past_item_is_refused(register, make_event, now):
    event = make_event()
    with pytest.raises(ConflictError) as error:
        register([event.id], when=event.starts_at + timedelta(minutes=1))
    assert error.value.code == "event_past"


def test_closed_registration_is_refused(register, make_event):
    event = make_event()
    event.edition.is_registration_open = False
    with pytest.raises(ConflictError) as error:
        register([event.id])
    assert error.value.code == "registration_closed"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"contact_name": " "}, "contact.name"),
        ({"contact_name": "x" * 121}, "contact.name"),
        ({"contact_email": "not-an-email"}, "contact.email"),
        ({"contact_phone": "call me"}, "contact.phone"),
        ({"postal_code": "62110<script>"}, "contact.postal_code"),
        ({"locale": "de"}, "locale"),
        ({"consent": False}, "consent"),
        ({"people": ()}, "attendees"),
        ({"people": ["A"] * 11}, "attendees"),
        ({"group": ("Classe", 61, 2)}, "group.size"),
        ({"group": ("Classe", 20, 0)}, "group.adults"),
        ({"group": ("Classe", 20, 21)}, "group.adults"),
    ],
)
def test_invalid_fields_are_refused_by_name(register, make_event, fields, field):
    with pytest.raises(ValidationError) as error:
        register([make_event().id], **fields)
    assert error.value.field == field
    assert db.session.query(Booking).count() == 0


def test_book_more_books_every_remaining_attendee(register, make_event, now):
    a = make_event()
    b = make_event(starts_at=a.ends_at + timedelta(hours=1))
    registration = register([a.id], people=("Ana", "Bo"))
    services.book_more(registration, [b.id], now)
    db.session.commit()
    assert sum(1 for at in registration.attendees for bk in at.bookings if bk.event_id == b.id) == 2


def test_book_more_refuses_an_item_already_booked(register, make_event, now):
    a = make_event()
    registration = register([a.id])
    with pytest.raises(ConflictError) as error:
        services.book_more(registration, [a.id], now)
    assert error.value.code == "already_booked"


def test_book_more_refuses_a_clash_with_existing_bookings(register, make_event, now):
    a = make_event()
    b = make_event(starts_at=a.starts_at + timedelta(minutes=10))
    registration = register([a.id])
    with pytest.raises(ConflictError) as error:
        services.book_more(registration, [b.id], now)
    assert error.value.code == "clash"


def test_cancelling_a_registration_frees_seats_and_cancels_tickets(register, make_event, now):
    event = make_event(capacity=5)
    registration = register([event.id], people=("Ana", "Bo"))
    services.cancel_registration(registration, now)
    db.session.commit()
    assert event.seats_taken == 0
    assert {a.ticket.status for a in registration.attendees} == {"cancelled"}
    assert {b.status for a in registration.attendees for b in a.bookings} == {
        BookingStatus.CANCELLED
    }


def test_cancelling_twice_changes_nothing(register, make_event, now):
    event = make_event(capacity=5)
    registration = register([event.id])
    services.cancel_registration(registration, now)
    services.cancel_registration(registration, now)
    db.session.commit()
    assert event.seats_taken == 0


def test_change_locale_checks_the_language(register, make_event):
    registration = register([make_event().id])
    services.change_locale(registration, "ar")
    assert registration.locale == "ar"
    with pytest.raises(ValidationError):
        services.change_locale(registration, "xx")


def test_manage_token_carries_256_bits_and_unknown_ones_are_refused(register, make_event):
    registration = register([make_event().id])
    assert len(registration.manage_token) >= 43
    assert services.registration_by_token(registration.manage_token) is registration
    with pytest.raises(NotFoundError):
        services.registration_by_token("nope")


def _runs(statements):
    """The statements, INSERTs by table only, each run of repeats counted once."""
    shapes = [" ".join(s.split()[:3]) if s.startswith("INSERT") else s for s in statements]
    return [s for i, s in enumerate(shapes) if i == 0 or s != shapes[i - 1]]


def test_a_family_costs_the_sql_of_one_person_and_one_key_lookup(
    register, make_input, make_event, now
):
    from festival.tickets import codes
    from festival.tickets.keys import valid_public_keys

    event = make_event(capacity=10)
    register([event.id])  # the edition's first key is created here

    def write(people):
        registration = services.register(make_input([event.id], people=people), now)
        db.session.flush()  # the bookings too
        return registration

    with recorded_statements() as alone:
        write(("Ana",))
    db.session.commit()
    flushes = []

    def flushed(*args):
        flushes.append(1)

    sa_event.listen(db.session, "after_flush", flushed)
    try:
        with recorded_statements() as statements:
            family = write(("Ana", "Bo", "Cy"))
    finally:
        sa_event.remove(db.session, "after_flush", flushed)
    # No unit of work at all: each table's new rows are one INSERT (festival.loaded_inserts),
    # and the objects come back clean (the flush above finds nothing to write).
    assert flushes == []
    # The same statements whatever the head count: rows of one table go in one batch
    # (PostgreSQL) or one after the other (SQLite), never in a unit of work each.
    assert _runs(statements) == _runs(alone)
    assert len([s for s in statements if "signing_key" in s]) == 1
    keys = valid_public_keys(event.edition_id)
    signed = [
        codes.decode(family.ticket_codes[a.ticket.id], keys).ticket_id for a in family.attendees
    ]
    assert signed == [a.ticket.id for a in family.attendees] and len(set(signed)) == 3


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL has no such lock
def test_the_first_checks_leave_the_write_lock_to_others(
    register, make_event, during_the_first_reads, write_elsewhere
):
    event_id = make_event(capacity=5).id
    db.session.commit()
    during_the_first_reads(write_elsewhere)  # "database is locked" if register held the lock
    register([event_id])


def test_an_item_cancelled_during_the_first_checks_is_refused_under_the_lock(
    make_input, make_event, now, during_the_first_reads
):
    event_id = make_event(capacity=5).id
    db.session.commit()

    def cancel_elsewhere():
        with db.engine.begin() as other:
            other.execute(
                sa_text("UPDATE event SET status = 'cancelled' WHERE id = :id"), {"id": event_id}
            )

    during_the_first_reads(cancel_elsewhere)
    with pytest.raises(ConflictError) as error:
        services.register(make_input([event_id]), now)
    assert error.value.code == "event_cancelled"
    db.session.rollback()
    assert db.session.scalar(sa_select(sa_func.count()).select_from(Booking)) == 0
    assert db.session.query(Ticket).count() == 0


def test_an_item_cancelled_can_be_booked_again(register, make_event, now):
    event = make_event(capacity=5)
    registration = register([event.id], people=("Ana", "Bo"))
    services.cancel_event_bookings(registration, event.id, now)
    db.session.commit()
    services.book_more(registration, [event.id], now)
    db.session.commit()
    # The same bookings, taken back (one per attendee and item), not a second one each.
    assert statuses(registration) == [("confirmed", None)] * 2
    assert db.session.get(type(event), event.id).seats_taken == 2


def test_an_item_cancelled_then_full_is_waited_for_again(register, make_event, now):
    event = make_event(capacity=1)
    registration = register([event.id])
    services.cancel_event_bookings(registration, event.id, now)
    db.session.commit()
    register([event.id])  # takes the freed seat
    services.book_more(registration, [event.id], now)
    db.session.commit()
    assert statuses(registration) == [("waitlisted", 1)]
