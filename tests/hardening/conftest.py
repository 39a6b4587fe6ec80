"""Fixtures of the hardening tests: a real HTTP server around the test app, load drivers."""

import http.client
import json
import threading
import time

import pytest
from werkzeug.serving import make_server


@pytest.fixture
def serve():
    """Serve an app on a free loopback port in a thread; give the port. Stopped after the test."""
    servers = []

    def start(app) -> int:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_port

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def registration_body(event_id: int, n: int, prefix: str = "p") -> dict:
    return {
        "contact": {"name": f"Personne {n}", "email": f"{prefix}{n}@example.org"},
        "attendees": [{"name": f"Personne {n}"}],
        "bookings": [event_id],
        "consent": True,
    }


def post_json(
    port: int, path: str, body: dict, timeout: float = 15, headers: dict | None = None
) -> tuple[int, dict | None]:
    """POST JSON; give (status, parsed body). Status 0 when the connection itself failed,
    including a worker killed mid-answer (IncompleteRead is an HTTPException, not an OSError)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST", path, json.dumps(body), {"Content-Type": "application/json", **(headers or {})}
        )
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException):
        return 0, None
    finally:
        conn.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, None


class ThreadedDriver:
    """Clients in threads that send requests until stopped; subclasses say what one sends.

    Each answer is kept as a tuple starting (answered_at, status, body, sent_at): on a loaded
    machine an answer can arrive long after its request was sent, so tests that judge a moment
    use ``sent_at``.
    """

    success_status = 200

    def __init__(self, clients: int):
        self.answers: list[tuple] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(clients)
        ]

    def send(self, client: int, n: int) -> tuple:
        """Send request ``n`` of client ``client``: (status, body, *what else to keep)."""
        raise NotImplementedError

    def _client(self, client: int) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            sent_at = time.monotonic()
            status, body, *extra = self.send(client, n)
            with self._lock:
                self.answers.append((time.monotonic(), status, body, sent_at, *extra))
            if status != self.success_status:
                time.sleep(0.02)  # an outage answers at once: don't spin

    def first_success_after(self, since: float, timeout: float) -> float | None:
        """Seconds from ``since`` to the first successful answer after it; None if none came
        within ``timeout``."""
        deadline = since + timeout
        while time.monotonic() < deadline:
            for at, status, *_ in list(self.answers):
                if at > since and status == self.success_status:
                    return at - since
            time.sleep(0.05)
        return None

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


class LoadDriver(ThreadedDriver):
    """Clients that register people (answers: answered_at, status, body, sent_at)."""

    success_status = 201

    def __init__(self, port: int, event_id: int, clients: int = 6, prefix: str = "p"):
        self.port, self.event_id, self.prefix = port, event_id, prefix
        self._numbers = iter(range(1_000_000))
        self._numbers_lock = threading.Lock()
        super().__init__(clients)

    def send(self, client: int, n: int) -> tuple:
        with self._numbers_lock:  # unique across clients: each registers someone new
            number = next(self._numbers)
        return post_json(
            self.port,
            "/api/v1/registrations",
            registration_body(self.event_id, number, self.prefix),
        )
