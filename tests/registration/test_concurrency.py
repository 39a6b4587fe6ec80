"""Many people racing for the last seats, through the real app, on both engines."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from festival.extensions import db
from festival.programme.models import Event
from festival.registration.models import Booking, BookingStatus

THREADS = 12
REQUESTS = 200
LAST_SEATS = 10


def _body(event_id: int, n: int) -> dict:
    return {
        "contact": {"name": f"Person {n}", "email": f"p{n}@example.org"},
        "attendees": [{"name": f"Person {n}"}],
        "bookings": [event_id],
        "consent": True,
    }


def test_200_racing_for_the_last_10_seats(app, make_event, register):
    event = make_event(capacity=LAST_SEATS + 5)
    register([event.id], people=("A", "B", "C", "D", "E"))  # 10 seats left
    event_id = event.id
    db.session.commit()
    barrier = threading.Barrier(THREADS)
    numbers = iter(range(REQUESTS))
    lock = threading.Lock()

    def worker():
        client = app.test_client()
        barrier.wait()
        answers = []
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                return answers
            answers.append(client.post("/api/v1/registrations", json=_body(event_id, n)))

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for f in [pool.submit(worker) for _ in range(THREADS)] for r in f.result()]

    assert [r.status_code for r in results] == [201] * REQUESTS
    statuses = [r.json["registration"]["attendees"][0]["bookings"][0] for r in results]
    assert sum(s["status"] == "confirmed" for s in statuses) == LAST_SEATS
    db.session.expire_all()
    assert db.session.get(Event, event_id).seats_taken == LAST_SEATS + 5
    positions = db.session.scalars(
        select(Booking.waitlist_position)
        .where(Booking.event_id == event_id, Booking.status == BookingStatus.WAITLISTED)
        .order_by(Booking.waitlist_position)
    ).all()
    assert positions == list(range(1, REQUESTS - LAST_SEATS + 1))
    assert sorted(s["position"] for s in statuses if s["status"] == "waitlisted") == positions


def test_concurrent_cancellations_keep_the_list_gapless(app, make_event, register, now):
    from festival.registration import services

    event = make_event(capacity=1)
    event_id = event.id
    register([event.id])
    waiting = [register([event.id]) for _ in range(24)]
    leaving = [w.id for w in waiting[::2]]
    db.session.commit()
    barrier = threading.Barrier(len(leaving))

    def leave(registration_id):
        with app.app_context():
            from festival.registration.models import Registration

            barrier.wait()
            services.cancel_registration(db.session.get(Registration, registration_id), now)
            db.session.commit()

    with ThreadPoolExecutor(len(leaving)) as pool:
        list(pool.map(leave, leaving))
    db.session.expire_all()
    positions = db.session.scalars(
        select(Booking.waitlist_position)
        .where(Booking.event_id == event_id, Booking.status == BookingStatus.WAITLISTED)
        .order_by(Booking.waitlist_position)
    ).all()
    assert positions == list(range(1, 13))


def _same_form_sent_at_once(app, event_id: int, times: int) -> list:
    """``times`` clients send one family's registration at the same moment (a double tap)."""
    barrier = threading.Barrier(times)

    def send(_):
        client = app.test_client()
        barrier.wait()
        return client.post("/api/v1/registrations", json=_body(event_id, 1))

    with ThreadPoolExecutor(times) as pool:
        return list(pool.map(send, range(times)))


def test_a_form_sent_several_times_at_once_registers_once(app, make_event):
    event_id = make_event(capacity=50).id
    db.session.commit()
    answers = _same_form_sent_at_once(app, event_id, THREADS)
    assert sorted(r.status_code for r in answers) == [201] + [409] * (THREADS - 1)
    assert {r.json["error"]["code"] for r in answers if r.status_code == 409} == {
        "already_registered"
    }
    db.session.expire_all()
    assert db.session.get(Event, event_id).seats_taken == 1


def test_a_form_sent_several_times_at_once_waits_in_line_once(app, make_event, register):
    event = make_event(capacity=1)
    register([event.id])  # full: the form joins the waiting list
    event_id = event.id
    db.session.commit()
    answers = _same_form_sent_at_once(app, event_id, THREADS)
    assert sorted(r.status_code for r in answers) == [201] + [409] * (THREADS - 1)
    positions = db.session.scalars(
        select(Booking.waitlist_position).where(Booking.status == BookingStatus.WAITLISTED)
    ).all()
    assert positions == [1]


def test_book_more_sent_several_times_at_once_books_once(app, make_event, register):
    first = make_event(capacity=50)
    more = make_event(capacity=50, starts_at=first.ends_at + timedelta(hours=2))
    more_id = more.id
    token = register([first.id]).manage_token
    db.session.commit()
    barrier = threading.Barrier(THREADS)

    def send(_):
        client = app.test_client()
        barrier.wait()
        return client.post(
            f"/fr/inscription/gerer/{token}/reserver", data={"events": [str(more_id)]}
        ).status_code

    with ThreadPoolExecutor(THREADS) as pool:
        codes = sorted(pool.map(send, range(THREADS)))
    assert codes == [302] + [409] * (THREADS - 1)
    db.session.expire_all()
    assert db.session.get(Event, more_id).seats_taken == 1
