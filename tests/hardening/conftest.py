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
    """POST JSON; give (status, parsed body). Status 0 when the connection itself failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST", path, json.dumps(body), {"Content-Type": "application/json", **(headers or {})}
        )
        response = conn.getresponse()
        data = response.read()
    except OSError:
        return 0, None
    finally:
        conn.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, None


class LoadDriver:
    """Clients in threads that register people until stopped.

    Each answer is kept as (answered_at, status, body, sent_at): on a loaded machine an answer
    can arrive long after its request was sent, so tests that judge a moment use ``sent_at``.
    """

    def __init__(self, port: int, event_id: int, clients: int = 6, prefix: str = "p"):
        self.port, self.event_id, self.prefix = port, event_id, prefix
        self.answers: list[tuple[float, int, dict | None, float]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._numbers = iter(range(1_000_000))
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def _client(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                n = next(self._numbers)
            sent_at = time.monotonic()
            status, body = post_json(
                self.port, "/api/v1/registrations", registration_body(self.event_id, n, self.prefix)
            )
            with self._lock:
                self.answers.append((time.monotonic(), status, body, sent_at))
            if status != 201:
                time.sleep(0.02)  # an outage answers at once: don't spin

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
