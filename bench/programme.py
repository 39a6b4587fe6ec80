"""Programme page and events API latency with a 200-item programme and 5,000 attendees.

gunicorn (2 sync workers) on SQLite (a temp file), 4 concurrent clients; GET /fr/programme,
GET /ar/programme and GET /api/v1/events. Prints requests/s and latency percentiles.

    python bench/programme.py [--quick]
"""

import http.client
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import free_port, start_server, stop_server  # noqa: E402

ITEMS = 200
ATTENDEES = 5000
CLIENTS = 4
PATHS = ("/fr/programme", "/ar/programme", "/api/v1/events")


def prepare(env: dict) -> None:
    """A two-day edition of 200 items at 4 venues in 6 languages; 5,000 attendees booked."""
    from festival import create_app
    from festival.extensions import db
    from festival.programme.models import Edition, Event, EventTranslation, Language, Venue
    from festival.registration.models import Attendee, Booking, Registration

    app = create_app(
        {
            "DATABASE_URL": env["FESTIVAL_DATABASE_URL"],
            "SECRET_KEY": env["FESTIVAL_SECRET_KEY"],
            "INSTANCE_PATH": env["FESTIVAL_INSTANCE_PATH"],
        }
    )
    now = datetime.now(UTC)
    start = datetime.combine(now.date() + timedelta(days=30), datetime.min.time(), UTC)
    with app.app_context():
        db.create_all()
        edition = Edition(
            slug="bench", name="Bench", starts_on=start.date(), ends_on=start.date() + timedelta(1)
        )
        venues = [Venue(slug=f"lieu-{n}", name=f"Lieu {n}") for n in range(4)]
        codes = ("pl", "ar", "pt", "tr", "uk", "es")
        languages = [Language(code=c, native_name=c, name_fr=c, name_en=c) for c in codes]
        events = []
        for n in range(ITEMS):
            at = start + timedelta(days=n % 2, hours=9 + (n // 8) % 12, minutes=15 * (n % 4))
            event = Event(
                edition=edition,
                venue=venues[n % 4],
                slug=f"item-{n}",
                kind=("mini_course", "talk", "reading", "animation")[n % 4],
                title=f"Activité {n}",
                description="Une description. " * 10,
                starts_at=at,
                ends_at=at + timedelta(minutes=45),
                capacity=60,
                booking_required=n % 2 == 0,
            )
            event.languages = [languages[n % 6], languages[(n + 1) % 6]]
            event.translations = [
                EventTranslation(locale=loc, title=f"Item {n} {loc}", description="Text. " * 10)
                for loc in ("en", "ar")
            ]
            events.append(event)
        db.session.add_all(events)
        db.session.flush()
        bookable = [e for e in events if e.booking_required]
        waiting: dict[int, int] = {}
        for n in range(ATTENDEES):
            event = bookable[n % len(bookable)]
            status = "confirmed" if event.seats_taken < event.capacity else "waitlisted"
            registration = Registration(
                edition_id=edition.id,
                contact_name=f"P {n}",
                contact_email=f"p{n}@example.org",
                manage_token=secrets.token_urlsafe(32),
                consent_at=now,
            )
            attendee = Attendee(registration=registration, name=f"P {n}")
            booking = Booking(attendee=attendee, event=event, seats=1, status=status)
            if status == "confirmed":
                event.seats_taken += 1
                booking.confirmed_at = now
            else:
                waiting[event.id] = booking.waitlist_position = waiting.get(event.id, 0) + 1
            db.session.add(registration)
        db.session.commit()
        db.engine.dispose()


def drive(port: int, path: str, total: int) -> tuple[list[float], int]:
    latencies, errors, lock = [], [0], threading.Lock()
    counter = iter(range(total))

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors[0] += response.status != 200
            if response.getheader("Connection") == "close" or response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def bench_env(tmp: str) -> dict:
    return {
        **os.environ,
        "FESTIVAL_INSTANCE_PATH": tmp,
        "FESTIVAL_SECRET_KEY": "bench" * 8,
        "FESTIVAL_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        "FESTIVAL_RATELIMIT_ENABLED": "false",
        "FESTIVAL_PUBLIC_BASE_URL": "http://bench.invalid",
    }


def run(quick: bool) -> dict:
    total = 60 if quick else 600
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(tmp)
        prepare(env)
        port = free_port()
        server = start_server(env, port)
        try:
            for path in PATHS:
                drive(port, path, 2 * CLIENTS)  # warm both workers
                started = time.perf_counter()
                latencies, errors = drive(port, path, total)
                elapsed = time.perf_counter() - started
                ms = sorted(x * 1000 for x in latencies)
                q = statistics.quantiles(ms, n=100)
                figures[f"GET {path} req/s"] = {
                    "value": round(len(ms) / elapsed, 1),
                    "unit": "req/s",
                    "budget": None,
                }
                figures[f"GET {path} p50"] = {
                    "value": round(q[49], 1),
                    "unit": "ms",
                    "budget": None,
                }
                figures[f"GET {path} p99"] = {
                    "value": round(q[98], 1),
                    "unit": "ms",
                    "budget": "< 300",
                }
                figures[f"GET {path} errors"] = {"value": errors, "unit": "requests", "budget": "0"}
        finally:
            stop_server(server)
    figures["load average"] = {"value": round(os.getloadavg()[0], 2), "unit": "", "budget": None}
    return figures


if __name__ == "__main__":
    for name, figure in run("--quick" in sys.argv).items():
        print(f"{name:<40} {figure['value']:>10} {figure['unit']:<8} {figure['budget'] or ''}")
