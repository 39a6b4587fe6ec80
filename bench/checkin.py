"""Benchmark POST /api/v1/checkins under gunicorn (2 sync workers), SQLite and PostgreSQL.

Closed loop: 1, 8, 10 and 50 concurrent scanners, each sending its next scan as soon as the
previous answer arrives (scans/s, p50/p99). Open loop: 100 door scanners each scanning once a
second; latency is counted from the scheduled send time, so a slow server cannot hide behind a
slow client (coordinated omission). The load comes from a separate process (threads with
keep-alive http.client connections), so the client does not share the workers' GIL.

    python bench/checkin.py [--quick]            # SQLite; PostgreSQL too when
    FESTIVAL_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_checkin python ...

Writes bench/results/checkin.json. Budget: open loop p99 <= 25 ms and no error on SQLite;
closed loop >= 600 scans/s at 8 connections on SQLite, >= 250/s on PostgreSQL.
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "checkin.json"
CLOSED_LEVELS = (1, 8, 10, 50)
DOOR_SCANNERS = 100


# ---------------------------------------------------------------- client (separate process)
def _client_main(spec: dict) -> None:
    """Run one load phase and print its raw figures as JSON (runs in a subprocess)."""
    codes = json.loads(Path(spec["codes"]).read_text())
    lock, cursor = threading.Lock(), [spec["offset"]]

    def next_code():
        with lock:
            cursor[0] += 1
            return codes[cursor[0] % len(codes)]

    headers = {"Authorization": f"Bearer {spec['token']}", "Content-Type": "application/json"}

    def send(conn, device):
        body = json.dumps(
            {
                "code": next_code(),
                "checkpoint_id": spec["checkpoint_id"],
                "nonce": uuid.uuid4().hex,
                "device": device,
            }
        )
        conn.request("POST", "/api/v1/checkins", body, headers)
        response = conn.getresponse()
        data = response.read()
        ok = response.status == 200 and json.loads(data)["result"] in ("ok", "already_checked_in")
        return ok

    latencies, errors = [], [0]
    stop_at = time.perf_counter() + spec["seconds"]

    def closed(i):
        conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
        device = {"id": f"bench-device-{i:04d}", "name": f"Bench {i}"}
        mine = []
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                ok = send(conn, device)
            except (OSError, http.client.HTTPException):
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
            mine.append(time.perf_counter() - start)
            if not ok:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    def opened(i, t0):
        conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
        device = {"id": f"door-device-{i:04d}", "name": f"Porte {i}"}
        mine, k = [], 0
        while True:
            scheduled = t0 + i / DOOR_SCANNERS + k  # spread evenly over each second
            if scheduled > t0 + spec["seconds"]:
                break
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                ok = send(conn, device)
            except (OSError, http.client.HTTPException):
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
            mine.append(time.perf_counter() - scheduled)
            if not ok:
                errors[0] += 1
            k += 1
        with lock:
            latencies.extend(mine)

    t0 = time.perf_counter() + 0.5
    if spec["mode"] == "closed":
        threads = [threading.Thread(target=closed, args=(i,)) for i in range(spec["n"])]
    else:
        threads = [threading.Thread(target=opened, args=(i, t0)) for i in range(spec["n"])]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - (began if spec["mode"] == "closed" else t0)
    print(json.dumps({"latencies": latencies, "errors": errors[0], "elapsed": elapsed}))


# ---------------------------------------------------------------- server side
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(database_url: str, instance: Path, tickets: int) -> dict:
    """Create an edition running today, its doors, N tickets and a volunteer token."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert, text

    from festival import create_app
    from festival.accounts.services import create_api_token, create_user
    from festival.checkin.checkpoints import ensure_checkpoints
    from festival.checkin.models import CheckpointKind
    from festival.extensions import db
    from festival.programme.models import Edition, Event, Venue
    from festival.registration.models import Attendee, Registration
    from festival.tickets import codes
    from festival.tickets.keys import active_signing_key
    from festival.tickets.models import Ticket

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(instance)}
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        db.create_all()
        today = datetime.now(ZoneInfo("Europe/Paris")).date()
        edition = Edition(slug="bench", name="Bench", starts_on=today, ends_on=today)
        venue = Venue(slug="escapade", name="L'Escapade")
        now = datetime.now(UTC)
        event = Event(
            edition=edition,
            venue=venue,
            slug="e",
            kind="talk",
            title="Talk",
            starts_at=now,
            ends_at=now.replace(year=now.year + 1),
            capacity=None,
        )
        db.session.add_all([edition, venue, event])
        db.session.flush()
        entrance = next(c for c in ensure_checkpoints(edition.id) if c.kind == CheckpointKind.VENUE)
        key_id, private = active_signing_key(edition.id)
        db.session.execute(
            insert(Registration),
            [
                {
                    "id": i,
                    "edition_id": edition.id,
                    "contact_name": f"Contact {i}",
                    "contact_email": f"c{i}@example.org",
                    "manage_token": secrets.token_urlsafe(32),
                    "created_at": now,
                }
                for i in range(1, tickets + 1)
            ],
        )
        db.session.execute(
            insert(Attendee),
            [
                {"id": i, "registration_id": i, "name": f"Personne {i}", "group_size": 1}
                for i in range(1, tickets + 1)
            ],
        )
        db.session.execute(
            insert(Ticket),
            [
                {
                    "id": i,
                    "attendee_id": i,
                    "edition_id": edition.id,
                    "version": 1,
                    "status": "valid",
                    "short_code": f"B{i:08d}",
                    "pdf_token": secrets.token_hex(16),
                    "issued_at": now,
                }
                for i in range(1, tickets + 1)
            ],
        )
        user = create_user("bench@example.org", "volunteer", "bench password!", now)
        token = create_api_token(user.email, now)
        all_codes = [
            codes.encode(codes.TicketClaim(key_id, edition.id, i, 1, 1), private)
            for i in range(1, tickets + 1)
        ]
        checkpoint_id = entrance.id
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for seq in ("registration", "attendee", "ticket"):
                db.session.execute(
                    text(f"SELECT setval('{seq}_id_seq', (SELECT max(id) FROM \"{seq}\"))")
                )
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()
    codes_file = instance / "codes.json"
    codes_file.write_text(json.dumps(all_codes))
    return {"token": token, "checkpoint_id": checkpoint_id, "codes": str(codes_file)}


def _start_gunicorn(database_url: str, instance: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "FESTIVAL_DATABASE_URL": database_url,
        "FESTIVAL_SECRET_KEY": "bench",
        "FESTIVAL_INSTANCE_PATH": str(instance),
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "2",
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "festival:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def _phase(spec: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--client", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
    )
    raw = json.loads(out.stdout)
    lat = sorted(raw["latencies"]) or [0.0]

    def pct(p):
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2)

    return {
        "scans": len(raw["latencies"]),
        "errors": raw["errors"],
        "scans_per_s": round(len(raw["latencies"]) / raw["elapsed"], 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(lat[-1] * 1000, 2),
    }


def bench_engine(name: str, database_url: str | None, quick: bool) -> dict:
    tickets = 5_000 if quick else 30_000
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        url = database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
        seeded = _seed(url, instance, tickets)
        port = _free_port()
        server = _start_gunicorn(url, instance, port)
        try:
            base = {**seeded, "port": port, "offset": 0}
            _phase({**base, "mode": "closed", "n": 4, "seconds": 1})  # warm up both workers
            figures = {"closed": {}}
            for i, n in enumerate(CLOSED_LEVELS):
                spec = {
                    **base,
                    "mode": "closed",
                    "n": n,
                    "seconds": 3 if quick else 8,
                    "offset": (i + 1) * tickets // 6,
                }
                figures["closed"][str(n)] = _phase(spec)
            figures["open_100_doors"] = _phase(
                {**base, "mode": "open", "n": DOOR_SCANNERS, "seconds": 5 if quick else 20}
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    return figures


def run(quick: bool = False) -> dict:
    """Measure on SQLite (and PostgreSQL when FESTIVAL_BENCH_PG_URL is set); print and save."""
    engines = {"sqlite": None}
    pg = os.environ.get("FESTIVAL_BENCH_PG_URL") or os.environ.get("FESTIVAL_BENCH_DATABASE_URL")
    if pg:
        engines["postgresql"] = pg
    results = {name: bench_engine(name, url, quick) for name, url in engines.items()}
    print(f"{'engine':<11}{'load':<16}{'scans/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, figures in results.items():
        rows = [(f"closed x{n}", f) for n, f in figures["closed"].items()]
        rows.append(("open 100 doors", figures["open_100_doors"]))
        for label, f in rows:
            print(
                f"{name:<11}{label:<16}{f['scans_per_s']:>9}{f['p50_ms']:>9}{f['p99_ms']:>9}"
                f"{f['errors']:>8}"
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"quick": quick, "results": results}, indent=2) + "\n")
    return _figures(results)


BUDGETS = {
    ("sqlite", "closed x8 scans/s"): ">= 600",
    ("postgresql", "closed x8 scans/s"): ">= 250",
    ("sqlite", "open 100 doors p99"): "<= 25 ms",
    ("sqlite", "open 100 doors errors"): "0",
}


def _figures(results: dict) -> dict:
    """Flatten the results into run_all's {figure: {value, unit, budget}}."""
    figures = {}
    for engine, data in results.items():
        for n, f in data["closed"].items():
            figures[f"{engine} closed x{n} scans/s"] = {"value": f["scans_per_s"], "unit": "1/s"}
            figures[f"{engine} closed x{n} p99"] = {"value": f["p99_ms"], "unit": "ms"}
        door = data["open_100_doors"]
        figures[f"{engine} open 100 doors p50"] = {"value": door["p50_ms"], "unit": "ms"}
        figures[f"{engine} open 100 doors p99"] = {"value": door["p99_ms"], "unit": "ms"}
        figures[f"{engine} open 100 doors errors"] = {"value": door["errors"], "unit": ""}
    for (engine, name), budget in BUDGETS.items():
        if f"{engine} {name}" in figures:
            figures[f"{engine} {name}"]["budget"] = budget
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--client":
        _client_main(json.loads(sys.argv[2]))
    else:
        run(quick="--quick" in sys.argv)
