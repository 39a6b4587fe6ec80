"""Benchmark POST /api/v1/checkins under gunicorn (2 sync workers), SQLite and PostgreSQL.

Closed loop: 1, 8, 10, 50 and 100 concurrent scanners, each sending its next scan as soon as
the previous answer arrives (scans/s, p50/p99). Open loop: 100 door scanners each scanning once a
second; latency is counted from the scheduled send time, so a slow server cannot hide behind a
slow client (coordinated omission). The load comes from separate processes (threads with
keep-alive http.client connections, at most CLIENT_THREADS_PER_PROCESS each), so the client
shares neither the workers' GIL nor, past that many threads, one GIL of its own.

``--server-times`` also has gunicorn log each request's duration and prints the server's p50/p99
beside the client's: when they differ much, the time is spent in the client or in the queue.

``--profile`` measures one scan in process instead (see ``profile_scans``): Python calls, SQL
statements, CPU and write-transaction time per request, figures a busy machine does not move.

    python bench/checkin.py [--quick] [--server-times] [--profile]   # SQLite; PostgreSQL too when
    FESTIVAL_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python ...

(or FESTIVAL_TEST_DATABASE_URL, bench.common.postgresql_url): that database is WIPED.

Writes bench/results/checkin.json. Budget: open loop p99 <= 25 ms and no error on SQLite;
closed loop >= 600 scans/s at 8 connections on SQLite, >= 250/s on PostgreSQL.
"""

import http.client
import json
import os
import secrets
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
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    engines,
    free_port,
    fresh_schema,
    start_server,
    stop_server,
)

RESULTS = ROOT / "bench" / "results" / "checkin.json"
CLOSED_LEVELS = (1, 8, 10, 50, 100)
DOOR_SCANNERS = 100
# 100 threads in one Python process queue on its GIL; past this many, split them.
CLIENT_THREADS_PER_PROCESS = 25


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
    t0 = time.perf_counter() + (spec["t0"] - time.time())  # the shared start, on this clock
    stop_at = t0 + spec["seconds"]

    def closed(i):
        conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
        device = {"id": f"bench-device-{i:04d}", "name": f"Bench {i}"}
        mine = []
        time.sleep(max(0.0, t0 - time.perf_counter()))
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

    mine = range(spec["first"], spec["first"] + spec["count"])
    if spec["mode"] == "closed":
        threads = [threading.Thread(target=closed, args=(i,)) for i in mine]
    else:
        threads = [threading.Thread(target=opened, args=(i, t0)) for i in mine]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    print(json.dumps({"latencies": latencies, "errors": errors[0], "elapsed": elapsed}))


# ---------------------------------------------------------------- server side
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
        fresh_schema(db)
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


def _start_gunicorn(
    database_url: str, instance: Path, port: int, access_log: Path | None
) -> subprocess.Popen:
    env = {
        **os.environ,
        "FESTIVAL_DATABASE_URL": database_url,
        "FESTIVAL_SECRET_KEY": "bench",
        "FESTIVAL_INSTANCE_PATH": str(instance),
    }
    # The production settings (access log, worker recycling, warm-up), 2 sync workers; the
    # log goes to a file, as a real deployment's does, rather than nowhere.
    log = (instance / "gunicorn.log").open("w")  # noqa: SIM115  (the server's, till it ends)
    access = ("--access-logfile", str(access_log), "--access-logformat", "%(U)s %(D)s")
    return start_server(
        env,
        port,
        app="festival:create_app()",
        options=("--log-level", "warning", *(access if access_log else ())),
        log=log,
    )


def _pct(sorted_values: list, p: float) -> float:
    values = sorted_values or [0.0]
    return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 2)


def _server_durations(access_log: Path | None, offset: int) -> tuple[list, int]:
    """Give the durations (s) gunicorn logged for check-ins past ``offset``, and the new offset."""
    if access_log is None or not access_log.exists():
        return [], offset
    with access_log.open() as log:
        log.seek(offset)
        lines = log.read().splitlines()
        offset = log.tell()
    return [int(d) / 1e6 for u, d in (line.split() for line in lines) if u == "/api/v1/checkins"], (
        offset
    )


def _phase(spec: dict, access_log: Path | None = None) -> dict:
    """Run one load phase from enough client processes; merge their figures."""
    log_offset = access_log.stat().st_size if access_log and access_log.exists() else 0
    # Every process starts sending at the same wall-clock time, late enough for all to be up.
    t0 = time.time() + 1.0
    starts = range(0, spec["n"], CLIENT_THREADS_PER_PROCESS)
    clients = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--client",
                json.dumps(
                    {
                        **spec,
                        "first": first,
                        "count": min(CLIENT_THREADS_PER_PROCESS, spec["n"] - first),
                        "t0": t0,
                        "offset": spec["offset"] + first * 1000,
                    }
                ),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for first in starts
    ]
    raws = []
    for client in clients:
        out, _ = client.communicate()
        if client.returncode:
            raise RuntimeError(f"bench client failed ({client.returncode})")
        raws.append(json.loads(out))
    lat = sorted(x for raw in raws for x in raw["latencies"])
    server, _ = _server_durations(access_log, log_offset)
    server.sort()
    elapsed = max(raw["elapsed"] for raw in raws)
    return {
        "scans": len(lat),
        "errors": sum(raw["errors"] for raw in raws),
        "scans_per_s": round(len(lat) / elapsed, 1),
        "p50_ms": _pct(lat, 0.50),
        "p99_ms": _pct(lat, 0.99),
        "max_ms": _pct(lat, 1.0),
        "client_processes": len(clients),
        "load1": round(os.getloadavg()[0], 1),
        **(
            {"server_p50_ms": _pct(server, 0.50), "server_p99_ms": _pct(server, 0.99)}
            if server
            else {}
        ),
    }


def bench_engine(name: str, database_url: str | None, quick: bool, server_times: bool) -> dict:
    tickets = 5_000 if quick else 30_000
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        url = database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
        seeded = _seed(url, instance, tickets)
        port = free_port()
        access_log = instance / "access.log" if server_times else None
        server = _start_gunicorn(url, instance, port, access_log)
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
                figures["closed"][str(n)] = _phase(spec, access_log)
            figures["open_100_doors"] = _phase(
                {**base, "mode": "open", "n": DOOR_SCANNERS, "seconds": 5 if quick else 20},
                access_log,
            )
        finally:
            stop_server(server)
    return figures


def _print_table(results: dict) -> None:
    """One line per point; the machine's 1-minute load beside it (figures move with it)."""
    print(
        f"{'engine':<11}{'load':<16}{'scans/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'srv p50':>9}{'srv p99':>9}{'clients':>8}{'load1':>7}"
    )
    for name, figures in results.items():
        rows = [(f"closed x{n}", f) for n, f in figures["closed"].items()]
        rows.append(("open 100 doors", figures["open_100_doors"]))
        for label, f in rows:
            print(
                f"{name:<11}{label:<16}{f['scans_per_s']:>9}{f['p50_ms']:>9}{f['p99_ms']:>9}"
                f"{f['errors']:>8}{f.get('server_p50_ms', '-'):>9}{f.get('server_p99_ms', '-'):>9}"
                f"{f['client_processes']:>8}{f['load1']:>7}"
            )


def run(quick: bool = False, server_times: bool = False) -> dict:
    """Measure on each engine (``common.engines``); print and save."""
    results = {
        name: bench_engine(name, url, quick, server_times) for name, url in engines().items()
    }
    _print_table(results)
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


# ---------------------------------------------------------------- in-process profile
PROFILE_SCANS = 200


def profile_scans(name: str, database_url: str | None) -> dict:
    """Per request, for a first entry, a repeat of an admitted ticket and a replayed nonce.

    The app is called as gunicorn calls it (WSGI, no test client around it), caches warm.
    ``Python calls``: what cProfile saw in one request, the same on any machine under any
    load. ``SQL statements``: what the engine sent; neither BEGIN (SQLite's goes straight to
    the driver, PostgreSQL's is the driver's own) nor COMMIT is one. ``CPU ms``: median
    process time of a request. ``transaction ms``: median time from the transaction's BEGIN
    to its COMMIT, on SQLite the time the write lock is held.
    """
    import cProfile
    import pstats
    import statistics

    from sqlalchemy import event as sa_event
    from werkzeug.test import EnvironBuilder

    from festival import create_app
    from festival.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        url = database_url or f"sqlite:///{instance / 'profile.sqlite3'}"
        seeded = _seed(url, instance, PROFILE_SCANS + 20)
        codes = json.loads(Path(seeded["codes"]).read_text())
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": tmp})
        statements, began = [0], [0.0]
        transactions: list[float] = []
        with app.app_context():
            engine = db.engine
        sa_event.listen(engine, "before_cursor_execute", lambda *a: _add_one(statements))
        sa_event.listen(engine, "begin", lambda c: began.__setitem__(0, time.perf_counter()))
        sa_event.listen(
            engine, "commit", lambda c: transactions.append(time.perf_counter() - began[0])
        )
        headers = {"Authorization": f"Bearer {seeded['token']}", "Content-Type": "application/json"}
        device = {"id": "profile-device-0001", "name": "Profil"}

        def scan(code, nonce=None):
            body = json.dumps(
                {
                    "code": code,
                    "checkpoint_id": seeded["checkpoint_id"],
                    "nonce": nonce or uuid.uuid4().hex,
                    "device": device,
                }
            )
            environ = EnvironBuilder(
                path="/api/v1/checkins", method="POST", data=body, headers=headers
            ).get_environ()
            status = []
            answer = b"".join(app(environ, lambda s, h, *a: status.append(s)))
            assert status[0].startswith("200"), answer[:300]
            return json.loads(answer)["result"]

        admitted = codes[-1]
        scan(admitted, nonce="profile-replayed-0001")
        for code in codes[-10:-1]:  # warm: token, device, checkpoint and key caches
            scan(code)
        kinds = {
            "first entry": ("ok", lambda i: scan(codes[i])),
            "repeat": ("already_checked_in", lambda i: scan(admitted)),
            "replayed nonce": ("ok", lambda i: scan(admitted, "profile-replayed-0001")),
        }
        figures = {}
        for k, (kind, (expected, send)) in enumerate(kinds.items()):
            cpu, profiler = [], cProfile.Profile()
            statements[0] = 0
            transactions.clear()
            for i in range(k * PROFILE_SCANS, (k + 1) * PROFILE_SCANS):
                started = time.process_time()
                assert send(i) == expected
                cpu.append(time.process_time() - started)
            counted = statements[0]
            profiler.enable()
            result = send((k + 1) * PROFILE_SCANS)  # a fresh ticket for a first entry
            profiler.disable()
            assert result == expected
            figures[f"{name} {kind}"] = {
                "Python calls": pstats.Stats(profiler).total_calls,
                "SQL statements": round(counted / PROFILE_SCANS, 1),
                "CPU ms": round(statistics.median(cpu) * 1000, 3),
                "transaction ms": round(statistics.median(transactions) * 1000, 3),
            }
        engine.dispose()
    return figures


def _add_one(counter: list[int]) -> None:
    counter[0] += 1


def _print_profile() -> None:
    print(f"load {os.getloadavg()[0]:.1f}")
    for name, url in engines().items():
        for kind, figures in profile_scans(name, url).items():
            print(f"{kind:<28}" + ", ".join(f"{k} {v}" for k, v in figures.items()))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--client":
        _client_main(json.loads(sys.argv[2]))
    elif "--profile" in sys.argv:
        _print_profile()
    else:
        run(quick="--quick" in sys.argv, server_times="--server-times" in sys.argv)
