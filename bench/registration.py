"""Registration under load: gunicorn (2 sync workers), 8 concurrent clients, one hot mini-course.

Drives ``POST /api/v1/registrations`` on SQLite (a temp file) and on PostgreSQL when
``FESTIVAL_BENCH_DATABASE_URL`` (or ``FESTIVAL_TEST_DATABASE_URL``; the database is WIPED) is
set. The course has fewer seats than requests, so both paths are measured: seats taken, then
the waiting list. Prints registrations/s, latency percentiles and the oversell count (must be
0: confirmed seats never exceed capacity, waiting-list positions are 1..n without gaps).

Mail goes to RQ when ``FESTIVAL_BENCH_REDIS_URL`` is set (production's setup; the queue is
emptied afterwards), otherwise it is delivered inline as .eml files (the newcomer's setup).

    python bench/registration.py [--quick]
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLIENTS = 8
WARM_UP = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(env: dict, capacity: int) -> int:
    """Create the schema and one hot mini-course; give its id."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text

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
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        db.create_all()
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


def _start_server(env: dict, port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        "wsgi:app",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode()[-2000:])


def _drive(
    port: int, event_id: int, total: int, prefix: str
) -> tuple[list[float], list[dict], int]:
    counter = iter(range(total))
    lock = threading.Lock()
    latencies, answers, errors = [], [], [0]
    barrier = threading.Barrier(CLIENTS)

    def client():
        barrier.wait()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            body = json.dumps(
                {
                    "contact": {"name": f"Visiteur {n}", "email": f"{prefix}{n}@example.org"},
                    "locale": "fr",
                    "attendees": [{"name": f"Visiteur {n}"}],
                    "bookings": [event_id],
                    "consent": True,
                }
            )
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(
                "POST", "/api/v1/registrations", body, {"Content-Type": "application/json"}
            )
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
            conn.close()
            with lock:
                latencies.append(elapsed)
                if response.status == 201:
                    answers.append(json.loads(data)["registration"]["attendees"][0]["bookings"][0])
                else:
                    errors[0] += 1
                    if errors[0] <= 2:
                        print("error", response.status, data[:300], file=sys.stderr)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, answers, errors[0]


def _oversold(answers: list[dict], capacity: int) -> int:
    confirmed = sum(a["status"] == "confirmed" for a in answers)
    positions = sorted(a["position"] for a in answers if a["status"] == "waitlisted")
    gaps = 0 if positions == list(range(1, len(positions) + 1)) else 1
    return max(confirmed - capacity, 0) + gaps


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
        redis_url = os.environ.get("FESTIVAL_BENCH_REDIS_URL")
        if redis_url:
            env["FESTIVAL_REDIS_URL"] = redis_url
        event_id = _prepare(env, capacity)
        port = _free_port()
        server = _start_server(env, port)
        try:
            _drive(port, event_id, WARM_UP, "warm")  # connections, caches; these take seats too
            started = time.perf_counter()
            latencies, answers, errors = _drive(port, event_id, total, "v")
            elapsed = time.perf_counter() - started
            load = os.getloadavg()[0]  # the machine is shared: say how busy it was
        finally:
            server.terminate()
            server.wait(timeout=20)
            log = server.stderr.read().decode()
            if "Traceback" in log:
                print(log[-3000:], file=sys.stderr)
        if redis_url:
            from redis import Redis

            Redis.from_url(redis_url).delete("rq:queue:mail", "festival:mail:drain-queued")
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    return {
        f"{name} registrations/s": {
            "value": round(len(ms) / elapsed, 1),
            "unit": "req/s",
            "budget": ">= 300" if name == "sqlite" else ">= 150",
        },
        f"{name} p50": {"value": round(q[49], 1), "unit": "ms", "budget": None},
        f"{name} p95": {"value": round(q[94], 1), "unit": "ms", "budget": None},
        f"{name} p99": {"value": round(q[98], 1), "unit": "ms", "budget": "< 100"},
        f"{name} errors": {"value": errors, "unit": "requests", "budget": "0"},
        f"{name} load average during run": {"value": round(load, 2), "unit": "", "budget": None},
        f"{name} oversold": {
            "value": _oversold(answers, capacity - WARM_UP),
            "unit": "seats",
            "budget": "0",
        },
    }


def run(quick: bool) -> dict:
    figures = bench_engine("sqlite", None, quick)
    pg = os.environ.get("FESTIVAL_BENCH_DATABASE_URL") or os.environ.get(
        "FESTIVAL_TEST_DATABASE_URL"
    )
    if pg:
        figures.update(bench_engine("postgresql", pg, quick))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "registration.json").write_text(json.dumps(figures, indent=1))
    return figures


if __name__ == "__main__":
    for figure, data in run(quick="--quick" in sys.argv).items():
        print(f"{figure:<32} {data['value']:>10} {data['unit']:<9} {data['budget'] or ''}")
