"""Dashboard JSON under load: 50,000 tickets and 100,000 scans, on SQLite (and PostgreSQL).

Rows are bulk-inserted straight into the tables (this measures reading, not registering).
Figures: p50/p99 of ``GET /organisateur/tableau-de-bord.json`` as an organiser polls it
(served from the per-process cache most of the time) and of a cold computation (cache off),
which is what one poll costs every DASHBOARD_CACHE_SECONDS.
PostgreSQL too when bench.common.postgresql_url() gives a database (FESTIVAL_BENCH_DATABASE_URL,
else FESTIVAL_TEST_DATABASE_URL): that database is WIPED.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import engines, fresh_schema  # noqa: E402

FIRST_DAY = date(2031, 5, 17)
START = datetime(2031, 5, 17, 7, 0, tzinfo=UTC)


def _bulk(table, rows):
    from festival.extensions import db

    for i in range(0, len(rows), 5000):
        db.session.execute(table.insert(), rows[i : i + 5000])


def populate(tickets: int, scans: int, first_day: date = FIRST_DAY) -> int:
    """Fill the database with a two-day edition from ``first_day``; give the edition id.

    Admissions and walk-ins also go into check-in's per-checkpoint, per-day counters
    (CheckpointTally), as the scan and walk-in services keep them: the dashboard reads those.
    """
    from festival.checkin.checkpoints import ensure_checkpoints
    from festival.checkin.models import (
        Admission,
        Checkpoint,
        CheckpointTally,
        QuarterTally,
        Scan,
        WalkIn,
        quarter_of,
    )
    from festival.extensions import db
    from festival.programme.demo import seed_demo
    from festival.programme.models import Event
    from festival.registration.models import Attendee, Booking, Registration
    from festival.tickets.models import Ticket

    rnd = random.Random(7)
    start = datetime.combine(first_day, START.timetz())
    edition = seed_demo(first_day)
    checkpoints = ensure_checkpoints(edition.id)
    db.session.commit()
    events = db.session.scalars(db.select(Event).where(Event.capacity.is_not(None))).all()
    venue_doors = [c for c in checkpoints if c.kind == "venue"]
    event_doors = {c.event_id: c for c in checkpoints if c.kind == "event"}
    now = start
    codes = ["62110", "62300", "62590", "62950", "59000", "62000"]
    _bulk(
        Registration.__table__,
        [
            {
                "id": i,
                "edition_id": edition.id,
                "contact_name": f"Contact {i}",
                "contact_email": f"c{i}@example.org",
                "postal_code": rnd.choice(codes),
                "locale": "fr",
                "manage_token": f"t{i:040d}",
                "is_walk_in": False,
                "created_at": now,
            }
            for i in range(1, tickets + 1)
        ],
    )
    _bulk(
        Attendee.__table__,
        [
            {"id": i, "registration_id": i, "name": f"Personne {i}", "group_size": 1}
            for i in range(1, tickets + 1)
        ],
    )
    _bulk(
        Ticket.__table__,
        [
            {
                "id": i,
                "attendee_id": i,
                "edition_id": edition.id,
                "version": 1,
                "status": "valid",
                "short_code": f"S{i:08d}",
                "pdf_token": f"p{i:040d}",
                "issued_at": now,
            }
            for i in range(1, tickets + 1)
        ],
    )
    bookings, taken, waiting = [], {e.id: 0 for e in events}, {e.id: 0 for e in events}
    for i in range(1, tickets + 1):
        event = rnd.choice(events)
        full = taken[event.id] >= event.capacity
        taken[event.id] += 0 if full else 1
        waiting[event.id] += 1 if full else 0
        bookings.append(
            {
                "attendee_id": i,
                "event_id": event.id,
                "seats": 1,
                "status": "waitlisted" if full else "confirmed",
                "waitlist_position": i if full else None,
                "created_at": now,
            }
        )
    _bulk(Booking.__table__, bookings)
    for event in events:
        event.seats_taken = taken[event.id]
        event.waitlisted_seats = waiting[event.id]
    scan_rows, admissions, seen = [], [], set()
    for n in range(1, scans + 1):
        ticket = rnd.randint(1, tickets)
        door = rnd.choice(venue_doors) if n % 3 else event_doors[bookings[ticket - 1]["event_id"]]
        at = start + timedelta(
            minutes=rnd.randint(0, 2 * 24 * 60 - 1) % (11 * 60) + (24 * 60 if n % 2 else 0)
        )
        key = (ticket, door.id, at.date())
        scan_rows.append(
            {
                "id": n,
                "nonce": f"n{n}",
                "checkpoint_id": door.id,
                "ticket_id": ticket,
                "direction": "in",
                "result": "already_checked_in" if key in seen else "ok",
                "scanned_at": at,
                "recorded_at": at,
                "is_offline": n % 50 == 0,
                "response_json": "{}",
            }
        )
        if key not in seen:
            seen.add(key)
            admissions.append(
                {
                    "ticket_id": ticket,
                    "checkpoint_id": door.id,
                    "day": at.date(),
                    "first_scan_id": n,
                    "first_at": at,
                    "first_quarter": quarter_of(at),
                    "people": 1,
                    "is_inside": n % 4 != 0,
                    "is_double_entry": n % 997 == 0,
                }
            )
    walk_ins = [
        {
            "nonce": f"w{n}",
            "checkpoint_id": rnd.choice(venue_doors).id,
            "people": 1,
            "at": start + timedelta(minutes=rnd.randint(0, 600)),
        }
        for n in range(2000)
    ]
    _bulk(Scan.__table__, scan_rows)
    _bulk(Admission.__table__, admissions)
    _bulk(WalkIn.__table__, walk_ins)
    _bulk(CheckpointTally.__table__, _tallies(admissions, walk_ins))
    _bulk(QuarterTally.__table__, _quarter_tallies(admissions, walk_ins))
    db.session.commit()
    assert Checkpoint
    return edition.id


def _tallies(admissions: list[dict], walk_ins: list[dict]) -> list[dict]:
    """The counters the check-in services would have kept for these rows (Paris days)."""
    zone = ZoneInfo("Europe/Paris")
    tally: dict = {}

    def row(checkpoint_id, day):
        key = (checkpoint_id, day)
        empty = {"checkpoint_id": checkpoint_id, "day": day, "admitted": 0, "inside": 0}
        return tally.setdefault(key, {**empty, "walk_ins": 0})

    for a in admissions:
        counts = row(a["checkpoint_id"], a["day"])
        counts["admitted"] += a["people"]
        counts["inside"] += a["people"] if a["is_inside"] else 0
    for w in walk_ins:
        row(w["checkpoint_id"], w["at"].astimezone(zone).date())["walk_ins"] += w["people"]
    return list(tally.values())


def _quarter_tallies(admissions: list[dict], walk_ins: list[dict]) -> list[dict]:
    """The quarter-hour counters the check-in services would have kept for these rows."""
    from festival.checkin.models import quarter_of

    zone = ZoneInfo("Europe/Paris")
    tally: dict = {}

    def row(checkpoint_id, day, quarter):
        empty = {"checkpoint_id": checkpoint_id, "day": day, "quarter": quarter, "admitted": 0}
        return tally.setdefault((checkpoint_id, day, quarter), {**empty, "walk_ins": 0})

    for a in admissions:
        row(a["checkpoint_id"], a["day"], a["first_quarter"])["admitted"] += a["people"]
    for w in walk_ins:
        day = w["at"].astimezone(zone).date()
        row(w["checkpoint_id"], day, quarter_of(w["at"]))["walk_ins"] += w["people"]
    return list(tally.values())


def _time(client, url: str, n: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``n`` GETs (in-process client: CPU is the server's work,
    which, unlike wall time, the other users of a shared machine do not inflate)."""
    times, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, response.status_code
    return times, cpu


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(database_url: str, tickets: int, scans: int, polls: int) -> dict:
    from festival import create_app
    from festival.accounts.services import create_user
    from festival.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        config = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "b" * 40,
            "INSTANCE_PATH": tmp,
            "RATELIMIT_ENABLED": False,
            "DASHBOARD_CACHE_SECONDS": 5,
        }
        app = create_app(config)
        with app.app_context():
            fresh_schema(db)
            started = time.perf_counter()
            populate(tickets, scans)
            if db.engine.dialect.name == "postgresql":  # what autovacuum does within a minute
                db.session.close()
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(db.text("VACUUM ANALYZE"))
            fill_s = time.perf_counter() - started
            user = create_user("bench@example.org", "organiser", "bench password", START)
            db.session.commit()
            user_id = user.get_id()
        url = "/organisateur/tableau-de-bord.json"
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
        polled, _ = _time(client, url, polls)
        app.config["DASHBOARD_CACHE_SECONDS"] = 0
        cold, cold_cpu = _time(client, url, max(5, polls // 10))
        with app.app_context():
            db.engine.dispose()
    return {
        "fill_s": fill_s,
        "polled": _percentiles(polled),
        "cold": _percentiles(cold),
        "cold_cpu": _percentiles(cold_cpu),
    }


def run(quick: bool = False) -> dict:
    tickets, scans, polls = (5_000, 10_000, 50) if quick else (50_000, 100_000, 300)
    figures, raw = {}, {"tickets": tickets, "scans": scans}
    for engine, url in engines().items():
        with tempfile.TemporaryDirectory() as tmp:
            result = measure(url or f"sqlite:///{tmp}/bench.sqlite3", tickets, scans, polls)
        raw[engine] = result
        for kind in ("polled", "cold", "cold_cpu"):
            p50, p99 = result[kind]
            budget = "<= 20 ms" if kind == "polled" else None
            figures[f"{engine}_{kind}_p50_ms"] = {
                "value": round(p50, 2),
                "unit": "ms",
                "budget": budget,
            }
            figures[f"{engine}_{kind}_p99_ms"] = {
                "value": round(p99, 2),
                "unit": "ms",
                "budget": None,
            }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "dashboard.json").write_text(
        json.dumps({"figures": figures, "raw": raw}, indent=2)
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run(quick=os.environ.get("BENCH_QUICK") == "1"), indent=2))
