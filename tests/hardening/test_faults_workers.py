"""`kill -9` of gunicorn workers under write load, again and again: no row breaks an invariant."""

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from festival.extensions import db
from festival.integrity import broken_invariants
from festival.registration.models import Registration
from tests.hardening.conftest import LoadDriver, post_json

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
KILLS = 10
KILL_PAUSE_S = 0.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.fixture
def gunicorn(app, tmp_path):
    """Start gunicorn (2 sync workers) on the test app's database; give (master pid, port)."""
    port = _free_port()
    env = dict(
        os.environ,
        FESTIVAL_DATABASE_URL=app.config["DATABASE_URL"],
        FESTIVAL_SECRET_KEY=app.config["SECRET_KEY"],
        FESTIVAL_INSTANCE_PATH=str(tmp_path / "gunicorn-instance"),
        FESTIVAL_RATELIMIT_ENABLED="false",
        FESTIVAL_PUBLIC_BASE_URL="http://festival.test",
    )
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_workers(server.pid)) < 2:
        time.sleep(0.1)
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield server.pid, port
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    log.close()


def test_an_answer_cut_mid_body_counts_as_a_broken_connection():
    """A worker killed after its headers leaves the body short: the driver records 0 and goes
    on (an uncaught IncompleteRead in a client thread once failed the whole kill test)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_then_die() -> None:
        conn, _ = listener.accept()
        with conn:
            request = b""
            while not request.endswith(
                b"{}"
            ):  # all of it: unread bytes would make the close a reset
                request += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 512\r\n\r\n{")

    thread = threading.Thread(target=answer_then_die)
    thread.start()
    try:
        assert post_json(port, "/api/v1/registrations", {}) == (0, None)
    finally:
        thread.join(timeout=5)
        listener.close()


def test_kill_9_of_workers_under_write_load_breaks_no_invariant(app, gunicorn, make_event):
    master, port = gunicorn
    event_id = make_event(capacity=60).id  # the seats run out: waiting-list writes too
    db.session.commit()
    killed = 0
    rng = random.Random(7)
    with LoadDriver(port, event_id, clients=6) as driver:
        for _ in range(KILLS):
            # Kill once the fresh workers write again (their boot time depends on the load).
            driver.first_success_after(time.monotonic(), timeout=6)
            time.sleep(rng.uniform(0, KILL_PAUSE_S))
            workers = _workers(master)
            if workers:
                os.kill(rng.choice(workers), signal.SIGKILL)
                killed += 1
    statuses = [status for _, status, _, _ in driver.answers]
    created = statuses.count(201)
    print(
        f"\n{killed} kills, {len(statuses)} requests, {created} registered, "
        f"{statuses.count(0)} connections broken"
    )

    assert killed == KILLS
    assert created >= KILLS
    # A killed worker breaks its connection (0); the app itself never answers an error.
    assert set(statuses) <= {0, 201}, sorted(set(statuses))
    db.session.rollback()
    stored = db.session.scalar(select(func.count()).select_from(Registration))
    assert created <= stored <= created + statuses.count(0)
    assert broken_invariants() == []
