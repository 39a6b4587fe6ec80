"""What every benchmark needs: a free local port, an empty schema to seed, gunicorn started
with production's settings, and concurrent HTTP clients that time each request."""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def postgresql_url() -> str | None:
    """The PostgreSQL database every bench may WIPE: ``FESTIVAL_BENCH_DATABASE_URL``, else
    ``FESTIVAL_TEST_DATABASE_URL`` (the tests wipe it too); None: SQLite only."""
    return os.environ.get("FESTIVAL_BENCH_DATABASE_URL") or os.environ.get(
        "FESTIVAL_TEST_DATABASE_URL"
    )


def engines() -> dict[str, str | None]:
    """The engines to measure and their URL: SQLite always (None: the bench makes a temporary
    file), PostgreSQL when ``postgresql_url()`` gives one."""
    pg = postgresql_url()
    return {"sqlite": None, **({"postgresql": pg} if pg else {})}


def on_each_engine(bench_engine: Callable[[str, str | None, bool], dict], quick: bool, name: str):
    """Run ``bench_engine(engine, database_url, quick)`` on SQLite (a temporary file), then on
    PostgreSQL when ``postgresql_url()`` gives one: that database is WIPED. The figures also go
    to bench/results/<name>.json."""
    figures = {}
    for engine, url in engines().items():
        figures.update(bench_engine(engine, url, quick))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"{name}.json").write_text(json.dumps(figures, indent=1))
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_schema(db) -> None:
    """Create the tables on an empty database; PostgreSQL's bench database is wiped first."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
    db.create_all()


def start_server(
    env: dict,
    port: int,
    app: str = "wsgi:app",
    config: Path = GUNICORN_CONF,
    options: tuple[str, ...] = ("--access-logfile", "/dev/null"),
    log=None,
) -> subprocess.Popen:
    """gunicorn with ``config`` (production's), 2 sync workers on ``port``, listening.

    ``options``: more gunicorn options (by default no access log: a request line per
    registration is not what these benches measure); ``log``: a file for its output, else
    its errors are kept to say why it did not start.
    """
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(config),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        *options,
        app,
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    why = server.stderr.read().decode()[-2000:] if log is None else f"see {log.name}"
    raise RuntimeError(f"gunicorn did not start: {why}")


def stop_server(server: subprocess.Popen) -> None:
    """Stop a server from ``start_server``; print its traceback if a worker raised one."""
    server.terminate()
    server.wait(timeout=20)
    log = server.stderr.read().decode() if server.stderr else ""
    if "Traceback" in log:
        print(log[-3000:], file=sys.stderr)


def drive_posts(
    port: int, path: str, bodies: Callable[[int], str], total: int, clients: int
) -> tuple[list[float], list[tuple[int, bytes]]]:
    """POST ``bodies(n)`` (JSON) for n in 0..total-1 from ``clients`` threads, one connection
    per request; give every latency (s) and every (status, body), in completion order."""
    counter = iter(range(total))
    lock = threading.Lock()
    latencies, answers = [], []
    barrier = threading.Barrier(clients)

    def client():
        barrier.wait()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            body = bodies(n)
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", path, body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
            conn.close()
            with lock:
                latencies.append(elapsed)
                answers.append((response.status, data))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, answers


def percentiles_ms(latencies: list[float]) -> dict[int, float]:
    """p50, p95 and p99 of latencies given in seconds, in milliseconds."""
    q = statistics.quantiles(sorted(x * 1000 for x in latencies), n=100)
    return {50: round(q[49], 1), 95: round(q[94], 1), 99: round(q[98], 1)}
