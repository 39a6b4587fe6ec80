"""Registration under load: gunicorn (2 sync workers), 8 concurrent clients, one hot mini-course.

Drives ``POST /api/v1/registrations`` on SQLite (a temp file) and on PostgreSQL when
``FESTIVAL_BENCH_DATABASE_URL`` (or ``FESTIVAL_TEST_DATABASE_URL``; the database is WIPED) is
set. The course has fewer seats than requests, so both paths are measured: seats taken, then
the waiting list. Prints registrations/s, latency percentiles and the oversell count (must be
0: confirmed seats never exceed capacity, waiting-list positions are 1..n without gaps).

Mail: with Redis reachable (``FESTIVAL_BENCH_REDIS_URL``, else ``FESTIVAL_TEST_REDIS_URL``,
else redis://127.0.0.1:6379/0) messages go to the RQ queue, production's setup; no RQ worker
runs during the bench (it would take the same two cores) and the queue is emptied afterwards.
Without Redis, or with ``--no-redis``, each gunicorn worker delivers on its background mail
thread (``MAIL_DELIVERY=thread``) as .eml files: the figures then include that CPU, and the
bench says how many emails had left by the end of the run.

``--profile`` measures CPU and SQL statements per registration instead (see ``profile_cpu``).

    python bench/registration.py [--quick] [--no-redis] [--profile [--top N]]
"""

import json
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    drive_posts,
    free_port,
    fresh_schema,
    on_each_engine,
    percentiles_ms,
    start_server,
    stop_server,
)

CLIENTS = 8
WARM_UP = 40


def _prepare(env: dict, capacity: int) -> int:
    """Create the schema and one hot mini-course; give its id."""
    sys.path.insert(0, str(ROOT))

    from festival import create_app
    from festival.extensions import db
    from festival.programme.models import Edition, Event, Venue

    app = create_app(
        {
            "DATABASE_URL": env["FESTIVAL_DATABASE_URL"],
            "SECRET_KEY": "bench" * 8,
            "INSTANCE_PATH": env["FESTIVAL_INSTANCE_PATH"],
        }
    )
    with app.app_context():
        fresh_schema(db)
        start = datetime.now(UTC) + timedelta(days=30)
        edition = Edition(
            slug="bench",
            name="Bench",
            starts_on=start.date(),
            ends_on=start.date() + timedelta(days=1),
        )
        event = Event(
            edition=edition,
            venue=Venue(slug="escapade", name="L'Escapade"),
            slug="polonais",
            kind="mini_course",
            title="Premiers pas en polonais",
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            capacity=capacity,
            booking_required=True,
        )
        db.session.add(event)
        db.session.commit()
        event_id = event.id
        db.engine.dispose()
    return event_id


def _drive(
    port: int, event_id: int, total: int, prefix: str
) -> tuple[list[float], list[dict], int]:
    latencies, responses = drive_posts(
        port,
        "/api/v1/registrations",
        lambda n: _registration_body(n, event_id, prefix),
        total,
        CLIENTS,
    )
    answers, errors = [], 0
    for status, data in responses:
        if status == 201:
            answers.append(json.loads(data)["registration"]["attendees"][0]["bookings"][0])
        else:
            errors += 1
            if errors <= 2:
                print("error", status, data[:300], file=sys.stderr)
    return latencies, answers, errors


def _oversold(answers: list[dict], capacity: int) -> int:
    confirmed = sum(a["status"] == "confirmed" for a in answers)
    positions = sorted(a["position"] for a in answers if a["status"] == "waitlisted")
    gaps = 0 if positions == list(range(1, len(positions) + 1)) else 1
    return max(confirmed - capacity, 0) + gaps


def reachable_redis() -> str | None:
    """The Redis URL to use, if a server answers there (and --no-redis was not given)."""
    if "--no-redis" in sys.argv:
        return None
    url = (
        os.environ.get("FESTIVAL_BENCH_REDIS_URL")
        or os.environ.get("FESTIVAL_TEST_REDIS_URL")
        or "redis://127.0.0.1:6379/0"
    )
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except RedisError:
        return None
    return url


def _mail_sent(database_url: str) -> tuple[int, int]:
    """(sent, total) emails of the outbox, read after the run."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT status, count(*) FROM outbox_message GROUP BY 1"))
        counts = dict(rows.all())
    engine.dispose()
    return counts.get("sent", 0), sum(counts.values())


def bench_engine(name: str, database_url: str | None, quick: bool) -> dict:
    total = 400 if quick else 3000
    capacity = total // 2
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "FESTIVAL_INSTANCE_PATH": tmp,
            "FESTIVAL_SECRET_KEY": "bench" * 8,
            "FESTIVAL_DATABASE_URL": database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "FESTIVAL_RATELIMIT_ENABLED": "false",  # one client IP sends everything
            "FESTIVAL_PUBLIC_BASE_URL": "http://bench.invalid",
        }
        redis_url = reachable_redis()
        if redis_url:
            env["FESTIVAL_REDIS_URL"] = redis_url
            mail_mode = f"RQ queue 'mail' on {redis_url} (no worker during the run)"
        else:
            env["FESTIVAL_MAIL_DELIVERY"] = "thread"
            mail_mode = "in-process background thread per worker (no Redis)"
        event_id = _prepare(env, capacity)
        print(
            f"{name}: gunicorn 2 sync workers, {CLIENTS} clients, {WARM_UP} warm-up + {total} "
            f"registrations, 1 item of {capacity} seats (the rest waitlisted), "
            f"{os.cpu_count()} CPUs; mail: {mail_mode}",
            flush=True,
        )
        port = free_port()
        server = start_server(env, port)
        try:
            _drive(port, event_id, WARM_UP, "warm")  # connections, caches; these take seats too
            started = time.perf_counter()
            latencies, answers, errors = _drive(port, event_id, total, "v")
            elapsed = time.perf_counter() - started
            load = os.getloadavg()[0]  # the machine is shared: say how busy it was
            mail_at_end = _mail_sent(env["FESTIVAL_DATABASE_URL"])
        finally:
            stop_server(server)
        if redis_url:
            from redis import Redis

            Redis.from_url(redis_url).delete("rq:queue:mail", "festival:mail:drain-queued")
    p = percentiles_ms(latencies)
    return {
        f"{name} registrations/s": {
            "value": round(len(latencies) / elapsed, 1),
            "unit": "req/s",
            "budget": ">= 300" if name == "sqlite" else ">= 150",
        },
        f"{name} p50": {"value": p[50], "unit": "ms", "budget": None},
        f"{name} p95": {"value": p[95], "unit": "ms", "budget": None},
        f"{name} p99": {"value": p[99], "unit": "ms", "budget": "< 100"},
        f"{name} errors": {"value": errors, "unit": "requests", "budget": "0"},
        f"{name} load average during run": {"value": round(load, 2), "unit": "", "budget": None},
        f"{name} emails sent by the end": {
            "value": f"{mail_at_end[0]}/{mail_at_end[1]}",
            "unit": "(RQ: none)" if redis_url else "",
            "budget": None,
        },
        f"{name} oversold": {
            "value": _oversold(answers, capacity - WARM_UP),
            "unit": "seats",
            "budget": "0",
        },
    }


def _registration_body(n: int, event_id: int, prefix: str) -> str:
    return json.dumps(
        {
            "contact": {"name": f"Visiteur {n}", "email": f"{prefix}{n}@example.org"},
            "locale": "fr",
            "attendees": [{"name": f"Visiteur {n}"}],
            "bookings": [event_id],
            "consent": True,
        }
    )


def profile_cpu(redis_url: str | None, count: int = 60, top: int = 0) -> dict:
    """CPU and SQL statements per registration, in one process with Flask's test client.

    The throughput bench is at the mercy of a shared machine; CPU time is not. Half the
    requests take a seat, half join the waiting list; each half is measured on its own.
    ``request CPU`` is the request thread's (time.thread_time, cProfile's overhead included);
    ``process CPU`` adds what a background mail thread spent for those requests
    (time.process_time). ``Python calls``: function calls cProfile saw in the request thread
    per registration, the same on any machine under any load.
    """
    import cProfile
    import pstats

    from sqlalchemy import event as sa_event

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "FESTIVAL_DATABASE_URL": f"sqlite:///{tmp}/profile.sqlite3",
            "FESTIVAL_INSTANCE_PATH": tmp,
        }
        event_id = _prepare(env, capacity=WARM_UP // 2 + count // 2)
        from festival import create_app
        from festival.extensions import db

        config = {
            "DATABASE_URL": env["FESTIVAL_DATABASE_URL"],
            "SECRET_KEY": "bench" * 8,
            "INSTANCE_PATH": tmp,
            "RATELIMIT_ENABLED": False,
            "PUBLIC_BASE_URL": "http://bench.invalid",
        }
        if redis_url:
            config["REDIS_URL"] = redis_url
        app = create_app(config)
        client = app.test_client()
        headers = {"Content-Type": "application/json"}
        statements = [0]
        with app.app_context():
            request_thread = threading.get_ident()
            sa_event.listen(
                db.engine, "before_cursor_execute", lambda *a: _count(statements, request_thread)
            )

        def post(n, prefix):
            response = client.post(
                "/api/v1/registrations",
                data=_registration_body(n, event_id, prefix),
                headers=headers,
            )
            assert response.status_code == 201, response.data[:300]
            return response.get_json()["registration"]["attendees"][0]["bookings"][0]["status"]

        for n in range(WARM_UP // 2):
            post(n, "warm")
        _settle_mail()
        figures, profiles = {}, []
        for half in ("confirmed", "waitlisted"):
            thread_cpu, statements[0] = 0.0, 0
            profiler = cProfile.Profile()
            profiles.append(profiler)
            process_started = time.process_time()
            for n in range(count // 2):
                started = time.thread_time()
                profiler.enable()
                status = post(n, f"{half}-")
                profiler.disable()
                thread_cpu += time.thread_time() - started
                assert status == half, status
            _settle_mail()
            process_cpu = time.process_time() - process_started
            figures[half] = {
                "request CPU ms": round(thread_cpu * 1000 / (count // 2), 2),
                "process CPU ms": round(process_cpu * 1000 / (count // 2), 2),
                "SQL statements": round(statements[0] / (count // 2), 1),
                # Deterministic, unlike CPU time on a shared machine: what the code asks for.
                "Python calls": round(pstats.Stats(profiler).total_calls / (count // 2)),
            }
        if top:
            pstats.Stats(*profiles).sort_stats("cumulative").print_stats(top)
        if redis_url:
            from redis import Redis

            Redis.from_url(redis_url).delete("rq:queue:mail", "festival:mail:drain-queued")
        with app.app_context():
            db.engine.dispose()
    return figures


def _count(statements: list[int], request_thread: int) -> None:
    # Only the request's own statements: a mail thread's are not on the visitor's clock.
    if threading.get_ident() == request_thread:
        statements[0] += 1


def _settle_mail() -> None:
    """Wait for an in-process mail thread, if any, so its CPU lands in the right half."""
    from festival.mail import background

    background.wait_idle(timeout=60)


def run(quick: bool) -> dict:
    return on_each_engine(bench_engine, quick, "registration")


def _print_profile() -> None:
    redis_url = reachable_redis()
    modes = [("without Redis", None)] + ([("with Redis (RQ)", redis_url)] if redis_url else [])
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 0
    for label, url in modes:
        for half, figures in profile_cpu(url, top=top).items():
            line = ", ".join(f"{k} {v}" for k, v in figures.items())
            print(f"SQLite {label}, {half}: {line}")


if __name__ == "__main__":
    if "--profile" in sys.argv:
        _print_profile()
        sys.exit(0)
    for figure, data in run(quick="--quick" in sys.argv).items():
        print(f"{figure:<32} {data['value']:>10} {data['unit']:<9} {data['budget'] or ''}")
