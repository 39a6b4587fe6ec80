"""How fast is this machine? A bare Flask endpoint doing registration's seat UPDATE only.

Issue 3 sets the registration budget against "a bare Flask endpoint doing the same conditional
update" (970/s on SQLite, 235-394/s on PostgreSQL where the issue was written). This serves
such an endpoint under bench/registration.py's setup (gunicorn with production's settings, 2
sync workers, 8 concurrent clients, one connection per request) and prints requests/s and p99:
the ratio to the issue's figures says how this machine (and its current load) compares. The
endpoint runs the seat-taking statement of ``festival.registration.seats`` on one event in its
own transaction, on an engine with the app's connection settings (``festival.db``: SQLite WAL,
BEGIN IMMEDIATE behind the write gate); no ORM, no validation, no Flask extension.

SQLite always (a temp file); PostgreSQL too when ``FESTIVAL_BENCH_DATABASE_URL`` (or
``FESTIVAL_TEST_DATABASE_URL``; the database is WIPED) is set.

    python bench/calibration.py [--quick]
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import (  # noqa: E402
    drive_posts,
    free_port,
    on_each_engine,
    percentiles_ms,
    start_server,
    stop_server,
)

CLIENTS = 8
WARM_UP = 40
# What the issue measured on its machine, per engine.
REFERENCE = {"sqlite": "970", "postgresql": "235-394"}


def create_app():
    """The bare app gunicorn serves (``bench.calibration:create_app()``)."""
    from flask import Flask
    from sqlalchemy import create_engine

    import festival.db  # noqa: F401  (the app's SQLite connection and BEGIN settings)
    from festival.registration.seats import _TAKE_SEATS

    app = Flask(__name__)
    engine = create_engine(os.environ["CALIBRATION_DATABASE_URL"])
    event_id = int(os.environ["CALIBRATION_EVENT_ID"])

    @app.post("/take")
    def take():
        with engine.begin() as connection:
            taken = connection.execute(_TAKE_SEATS, {"n": 1, "id": event_id}).rowcount == 1
        return {"taken": taken}

    return app


def bench_engine(name: str, database_url: str | None, quick: bool) -> dict:
    from bench.registration import _prepare

    total = 400 if quick else 3000
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{tmp}/calibration.sqlite3"
        env = {**os.environ, "FESTIVAL_DATABASE_URL": url, "FESTIVAL_INSTANCE_PATH": tmp}
        # Seats for every request: each UPDATE takes one (a full event would cost the same).
        event_id = _prepare(env, capacity=WARM_UP + total)
        env.update(CALIBRATION_DATABASE_URL=url, CALIBRATION_EVENT_ID=str(event_id))
        port = free_port()
        server = start_server(
            env, port, app="bench.calibration:create_app()", config=HERE / "gunicorn_bare.conf.py"
        )
        try:
            drive_posts(port, "/take", lambda n: "{}", WARM_UP, CLIENTS)
            started = time.perf_counter()
            latencies, answers = drive_posts(port, "/take", lambda n: "{}", total, CLIENTS)
            elapsed = time.perf_counter() - started
            load = os.getloadavg()[0]
        finally:
            stop_server(server)
    errors = sum(status != 200 or not json.loads(data)["taken"] for status, data in answers)
    p = percentiles_ms(latencies)
    return {
        f"{name} bare UPDATE requests/s": {
            "value": round(len(latencies) / elapsed, 1),
            "unit": "req/s",
            "budget": f"issue: {REFERENCE[name]}",
        },
        f"{name} bare UPDATE p99": {"value": p[99], "unit": "ms", "budget": None},
        f"{name} bare UPDATE errors": {"value": errors, "unit": "requests", "budget": "0"},
        f"{name} bare UPDATE load average": {"value": round(load, 2), "unit": "", "budget": None},
    }


def run(quick: bool) -> dict:
    return on_each_engine(bench_engine, quick, "calibration")


if __name__ == "__main__":
    print(f"{CLIENTS} clients, gunicorn 2 sync workers, {os.cpu_count()} CPUs", flush=True)
    for figure, data in run(quick="--quick" in sys.argv).items():
        print(f"{figure:<36} {data['value']:>10} {data['unit']:<9} {data['budget'] or ''}")
