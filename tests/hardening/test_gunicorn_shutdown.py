"""gunicorn workers that rendered ticket PDFs leave cleanly on SIGTERM and on HUP.

Issue 7 §6: sync workers that had rendered PDFs were seen dying by SIGSEGV at shutdown. This
runs the production gunicorn.conf.py (2 sync workers), renders PDFs in both workers, stops or
reloads the server, and reads the arbiter's own log: a worker reaped after a signal is logged
"Worker (pid:N) was sent SIG…!", a worker that exited badly "exited with code N". A control
proves the reading catches a worker that really dies by SIGSEGV at exit.
"""

import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TICKETS = 12
# The production settings, then hooks that log when a worker is warm and who served a PDF.
PROBE_CONFIG = f"""
exec(open({str(ROOT / "gunicorn.conf.py")!r}).read())
_production_post_worker_init = post_worker_init


def post_worker_init(worker):
    _production_post_worker_init(worker)
    worker.log.info("probe: pid %s ready", worker.pid)


def post_request(worker, req, environ, resp):
    if req.path.endswith(".pdf"):
        worker.log.info("probe: pid %s served %s %s", worker.pid, req.path, resp.status_code)
"""
# The control: a worker whose exit ends in a segmentation fault, as seen in production.
CRASH_CONFIG = (
    PROBE_CONFIG
    + """

def worker_exit(server, worker):
    import os
    import signal

    os.kill(os.getpid(), signal.SIGSEGV)
"""
)
SIGNALLED = re.compile(r"Worker \(pid:(\d+)\) was sent (SIG\w+|signal \d+)")
BAD_EXIT = re.compile(r"Worker \(pid:(\d+)\) exited with code (-?\d+)")


def workers_that_died_badly(log: str) -> list[str]:
    """Every line of the arbiter's log saying a worker ended by a signal or a failing code."""
    found = [m.group(0) for m in SIGNALLED.finditer(log)]
    found += [m.group(0) for m in BAD_EXIT.finditer(log)]
    if "Fatal Python error" in log:  # faulthandler's report, from the worker itself
        found.append("Fatal Python error")
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A demo festival in SQLite with TICKETS tickets, none of their PDFs rendered yet."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = {
        "FESTIVAL_INSTANCE_PATH": str(tmp),
        "FESTIVAL_SECRET_KEY": "shutdown" * 5,
        "FESTIVAL_DATABASE_URL": f"sqlite:///{tmp}/festival.sqlite3",
        "FESTIVAL_RATELIMIT_ENABLED": "false",
        "FESTIVAL_PUBLIC_BASE_URL": "http://festival.test",
        "FESTIVAL_REDIS_URL": "",
    }
    from festival import create_app
    from festival.extensions import db
    from festival.programme.demo import seed_demo
    from festival.programme.models import Event

    app = create_app(
        {
            "DATABASE_URL": env["FESTIVAL_DATABASE_URL"],
            "SECRET_KEY": env["FESTIVAL_SECRET_KEY"],
            "INSTANCE_PATH": str(tmp),
            "PUBLIC_BASE_URL": "http://festival.test",
            "RATELIMIT_ENABLED": False,
        }
    )
    paths = []
    with app.app_context():
        db.create_all()
        seed_demo(date(2031, 5, 17))
        db.session.commit()
        event_id = db.session.scalars(
            db.select(Event.id).where(Event.booking_required).order_by(Event.id)
        ).first()
        client = app.test_client()
        for n in range(TICKETS // 3):
            people = [{"name": f"Personne {n}-{k}"} for k in range(3)]
            created = client.post(
                "/api/v1/registrations",
                json={
                    "contact": {"name": f"Contact {n}", "email": f"c{n}@example.org"},
                    "attendees": people,
                    "bookings": [event_id],
                    "consent": True,
                    "locale": ("fr", "en", "ar")[n % 3],
                },
            )
            assert created.status_code == 201, created.json
            for attendee in created.json["registration"]["attendees"]:
                paths.append(attendee["ticket"]["pdf_url"].replace("http://festival.test", ""))
        db.session.remove()
        db.engine.dispose()
    return tmp, env, paths


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn with a given config, its log in a file; never left running."""

    def __init__(self, tmp: Path, env: dict, config: str):
        self.port = _free_port()
        self.log_path = tmp / f"gunicorn-{self.port}.log"
        config_path = tmp / f"gunicorn-{self.port}.conf.py"
        config_path.write_text(config)
        self.tmp = tmp
        shutil.rmtree(tmp / "pdf-cache", ignore_errors=True)  # every PDF is rendered anew
        command = [sys.executable, "-m", "gunicorn", "-c", str(config_path)]
        command += ["--workers", "2", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**_base_env(), **env, "PYTHONFAULTHANDLER": "1"},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start:\n" + self.log())

    def wait_until_workers_ready(self) -> set[int]:
        """Wait until both current workers are warm (else one alone takes every request)."""

        def ready() -> bool:
            pids = self.worker_pids()
            return len(pids) == 2 and all(f"probe: pid {p} ready" in self.log() for p in pids)

        _wait_for(ready, 90, "two warm workers")
        return self.worker_pids()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def render_in_both_workers(self, paths: list[str]) -> set[int]:
        """Fetch every ticket PDF from 4 clients; give the pids that rendered one."""
        queue = list(paths)
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    if not queue:
                        return
                    path = queue.pop()
                url = f"http://127.0.0.1:{self.port}{path}"
                with urllib.request.urlopen(url, timeout=120) as response:
                    assert response.status == 200
                    assert response.read(5) == b"%PDF-"

        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Each ticket is fetched once and the cache was emptied: every PDF served was rendered.
        return {int(pid) for pid in re.findall(r"probe: pid (\d+) served \S+ 200", self.log())}

    def worker_pids(self) -> set[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def stop(self, sig=signal.SIGTERM) -> str:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.log()


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("FESTIVAL_")}


@pytest.fixture
def start(site):
    tmp, env, paths = site
    servers = []

    def run(config: str = PROBE_CONFIG) -> Gunicorn:
        servers.append(Gunicorn(tmp, env, config))
        return servers[-1]

    yield run, paths
    for server in servers:
        server.stop(signal.SIGKILL if server.process.poll() is None else signal.SIGTERM)


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_workers_that_rendered_pdfs_exit_cleanly_on_sigterm(start):
    run, paths = start
    server = run()
    workers = server.wait_until_workers_ready()
    assert server.render_in_both_workers(paths) == workers and len(workers) == 2
    log = server.stop(signal.SIGTERM)
    assert server.process.returncode == 0, log
    assert workers_that_died_badly(log) == [], log
    for pid in workers:  # both ran gunicorn.conf.py's worker_exit to its end
        assert f"Worker {pid} left cleanly" in log, log


def test_workers_that_rendered_pdfs_exit_cleanly_on_reload(start):
    run, paths = start
    server = run()
    old = server.wait_until_workers_ready()
    assert server.render_in_both_workers(paths) == old and len(old) == 2
    server.process.send_signal(signal.SIGHUP)  # systemctl reload: new workers, old ones leave
    _wait_for(
        lambda: len(server.worker_pids()) == 2 and not server.worker_pids() & old,
        60,
        "the old workers to be replaced",
    )
    _wait_for(lambda: all(f"Worker exiting (pid: {p})" in server.log() for p in old), 30, "exit")
    log = server.stop(signal.SIGTERM)
    assert workers_that_died_badly(log) == [], log


def test_the_check_catches_a_worker_killed_by_sigsegv_at_exit(start):
    """The control: the same run with a worker_exit hook that segfaults is reported."""
    run, paths = start
    server = run(CRASH_CONFIG)
    workers = server.wait_until_workers_ready()
    assert server.render_in_both_workers(paths) == workers
    log = server.stop(signal.SIGTERM)
    died = workers_that_died_badly(log)
    assert {f"Worker (pid:{pid}) was sent SIGSEGV" for pid in workers} <= set(died), log
