"""Do door scans slow down while an organiser watches the dashboard? (gunicorn, 2 sync workers)

The database holds the dashboard bench's festival (bench/dashboard.py: 50,000 tickets, 100,000
scans), its edition running today so that scans are accepted. Door scanners (``--doors=N``,
default 40) each scan once a second (bench/checkin.py's open loop: latency counted from the
scheduled send time), in short phases alternating without and with one organiser polling
GET /organisateur/tableau-de-bord.json every 2 s from this process; alternating spreads the drift
of a shared machine's load over both modes. Printed: scanners' p50/p99 both ways and the ratio
(budget: polling raises p99 by at most 20 %), and the polls' own latencies.

    python bench/dashboard_polling.py [--quick]        # SQLite; PostgreSQL too when
    FESTIVAL_BENCH_DATABASE_URL=postgresql+psycopg://... python bench/dashboard_polling.py

(or FESTIVAL_TEST_DATABASE_URL, bench.common.postgresql_url): that database is WIPED.

Writes bench/results/dashboard_polling.json.
"""

import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import checkin  # noqa: E402  (its open loop, gunicorn start and phase runner)
from bench.common import engines, free_port, fresh_schema, stop_server  # noqa: E402
from bench.dashboard import populate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "dashboard_polling.json"
SECRET_KEY = "bench"  # what bench/checkin.py's gunicorn is started with
POLL_EVERY_S = 2.0
# Door scanners, each scanning once a second. bench/checkin.py's 100 saturate 2 sync workers on a
# shared 2-core machine (p50 in seconds: queueing, whatever the dashboard does); 40 leaves the
# headroom a real door has, so that what is measured is the dashboard's effect.
DOORS = 40
DASHBOARD = "/organisateur/tableau-de-bord.json"


def _seed(database_url: str, instance: Path, tickets: int, scans: int) -> dict:
    """Fill the database; give what the scanners and the organiser need to authenticate."""
    from sqlalchemy import select, text

    from festival import create_app
    from festival.accounts.services import create_api_token, create_user
    from festival.checkin.models import Checkpoint, CheckpointKind
    from festival.extensions import db
    from festival.tickets import codes
    from festival.tickets.keys import active_signing_key

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "INSTANCE_PATH": str(instance)}
    )
    with app.app_context():
        fresh_schema(db)
        today = datetime.now(ZoneInfo("Europe/Paris")).date()
        edition_id = populate(tickets, scans, first_day=today)
        now = datetime.now(UTC)
        key_id, private = active_signing_key(edition_id)
        volunteer = create_user("door@example.org", "volunteer", "bench password!", now)
        token = create_api_token(volunteer.email, now)
        organiser = create_user("orga@example.org", "organiser", "bench password!", now)
        entrance = db.session.scalar(
            select(Checkpoint.id)
            .where(Checkpoint.edition_id == edition_id, Checkpoint.kind == CheckpointKind.VENUE)
            .order_by(Checkpoint.id)
        )
        # Valid on both days of the edition (bit i = day i).
        all_codes = [
            codes.encode(codes.TicketClaim(key_id, edition_id, i, 1, 0b11), private)
            for i in range(1, tickets + 1)
        ]
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
        cookie = (
            f"{cookie_name}={serializer.dumps({'_user_id': organiser.get_id(), '_fresh': True})}"
        )
        if db.engine.dialect.name == "postgresql":
            # Rows were inserted with explicit ids: move the sequences past them, then let the
            # planner see the tables as autovacuum would within a minute.
            for table in ("registration", "attendee", "ticket", "scan"):
                db.session.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM \"{table}\"))")
                )
            db.session.commit()
            db.session.close()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()
    codes_file = instance / "codes.json"
    codes_file.write_text(json.dumps(all_codes))
    return {"token": token, "checkpoint_id": entrance, "codes": str(codes_file), "cookie": cookie}


class Poller(threading.Thread):
    """One organiser's dashboard tab: a GET every ``POLL_EVERY_S``, latencies kept."""

    def __init__(self, port: int, cookie: str):
        super().__init__(daemon=True)
        self.port, self.cookie = port, cookie
        self.latencies: list[float] = []
        self.errors = 0
        self.stopping = threading.Event()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stopping.is_set():
            started = time.perf_counter()
            try:
                conn.request("GET", DASHBOARD, headers={"Cookie": self.cookie})
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and "totals" in json.loads(body)
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.latencies.append(time.perf_counter() - started)
            self.errors += 0 if ok else 1
            self.stopping.wait(max(0.0, POLL_EVERY_S - (time.perf_counter() - started)))


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values) or [0.0]
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)


def bench_engine(database_url: str | None, quick: bool, doors: int) -> dict:
    tickets, scans = (5_000, 10_000) if quick else (50_000, 100_000)
    rounds, seconds = (1, 5) if quick else (4, 5)
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        url = database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
        seeded = _seed(url, instance, tickets, scans)
        cookie = seeded.pop("cookie")
        port = free_port()
        server = checkin._start_gunicorn(url, instance, port, access_log=None)
        phases = {"without": [], "with": []}
        polls, poll_errors = [], 0
        try:
            base = {**seeded, "port": port, "offset": 0}
            # Warm both workers and the database's caches: the first phases after seeding were
            # 10-30x slower than the later ones, whichever the mode.
            checkin._phase({**base, "mode": "closed", "n": 4, "seconds": 1})
            checkin._phase({**base, "mode": "open", "n": doors, "seconds": 2 * seconds})
            step = tickets // (2 * rounds + 2)
            for r in range(rounds):
                for i, mode in enumerate(("without", "with")):
                    poller = Poller(port, cookie) if mode == "with" else None
                    if poller:
                        poller.start()
                    spec = {
                        **base,
                        "mode": "open",
                        "n": doors,
                        "seconds": seconds,
                        "offset": (2 * r + i + 2) * step,  # tickets not yet scanned today
                    }
                    phases[mode].append(checkin._phase(spec))
                    if poller:
                        poller.stopping.set()
                        poller.join()
                        polls += poller.latencies
                        poll_errors += poller.errors
        finally:
            stop_server(server)
    # bench/checkin.py's phase runner gives each phase's percentiles; a mode's figure is their
    # mean over the alternating phases.
    result = {}
    for mode, runs in phases.items():
        result[mode] = {
            "scans": sum(run["scans"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
            "p50_ms": round(statistics.mean(run["p50_ms"] for run in runs), 2),
            "p99_ms": round(statistics.mean(run["p99_ms"] for run in runs), 2),
            "per_phase_p99_ms": [run["p99_ms"] for run in runs],
        }
    result["p99_ratio"] = round(
        result["with"]["p99_ms"] / max(result["without"]["p99_ms"], 1e-9), 2
    )
    result["polls"] = {
        "n": len(polls),
        "errors": poll_errors,
        "p50_ms": _pct(polls, 0.50),
        "max_ms": _pct(polls, 1.0),
    }
    return result


def run(quick: bool = False, doors: int = DOORS) -> dict:
    results = {name: bench_engine(url, quick, doors) for name, url in engines().items()}
    load = os.getloadavg()
    print(f"{doors} doors scanning once a second; load average {load[0]:.2f} {load[1]:.2f}")
    print(f"{'engine':<11}{'organiser':<11}{'scans':>7}{'errors':>7}{'p50 ms':>9}{'p99 ms':>9}")
    for name, r in results.items():
        for mode in ("without", "with"):
            f = r[mode]
            print(
                f"{name:<11}{mode:<11}{f['scans']:>7}{f['errors']:>7}{f['p50_ms']:>9}"
                f"{f['p99_ms']:>9}"
            )
        p = r["polls"]
        print(
            f"{name:<11}p99 per phase without {r['without']['per_phase_p99_ms']}, with "
            f"{r['with']['per_phase_p99_ms']}\n"
            f"{name:<11}p99 with/without = {r['p99_ratio']} (budget <= 1.2); dashboard polls: "
            f"{p['n']}, p50 {p['p50_ms']} ms, max {p['max_ms']} ms, errors {p['errors']}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {"quick": quick, "doors": doors, "load": load, "results": results}
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    return {
        f"{name} scanner p99 ratio with/without dashboard polling": {
            "value": r["p99_ratio"],
            "unit": "",
            "budget": "<= 1.2",
        }
        for name, r in results.items()
    }


if __name__ == "__main__":
    wanted = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--doors=")]
    run(quick="--quick" in sys.argv, doors=int(wanted[0]) if wanted else DOORS)
