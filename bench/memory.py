"""Peak resident memory per gunicorn worker after a mixed load.

gunicorn (2 sync workers) on the programme bench's data (200 items, 5,000 attendees): programme
pages in three languages, the events API, registrations and the ticket PDF of every new
registration (a fresh render each: WeasyPrint, Pango and fonts are the heaviest part of a
worker); then each worker's peak RSS (VmHWM from /proc) is read.

    python bench/memory.py [--quick]
"""

import http.client
import json
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import free_port, start_server, stop_server  # noqa: E402
from bench.programme import bench_env, prepare  # noqa: E402

GETS = ("/fr/programme", "/en/programme", "/ar/programme", "/api/v1/events", "/fr/inscription")


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _mixed_load(port: int, rounds: int, event_id: int) -> int:
    """Run the mix from 4 clients; give how many ticket PDFs were fetched."""
    counts = {"pdfs": 0}
    failures = []

    def client(k: int):
        try:
            _client(k)
        except Exception as error:  # noqa: BLE001  (reported below, in the main thread)
            failures.append(repr(error))

    def _client(k: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in range(rounds):
            for path in GETS:
                conn.request("GET", path)
                conn.getresponse().read()
            body = json.dumps(
                {
                    "contact": {"name": "M", "email": f"m{k}-{n}@example.org"},
                    "attendees": [{"name": "M"}],
                    "bookings": [event_id],
                    "consent": True,
                }
            )
            conn.request(
                "POST", "/api/v1/registrations", body, {"Content-Type": "application/json"}
            )
            response = conn.getresponse()
            created = json.loads(response.read())
            if response.status != 201:
                raise RuntimeError(f"registration answered {response.status}: {created}")
            for attendee in created["registration"]["attendees"]:
                conn.request("GET", urlsplit(attendee["ticket"]["pdf_url"]).path)
                pdf = conn.getresponse()
                if pdf.status != 200 or not pdf.read().startswith(b"%PDF-"):
                    raise RuntimeError(f"ticket PDF answered {pdf.status}")
                counts["pdfs"] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"memory bench load failed: {failures[0]}")
    return counts["pdfs"]


def run(quick: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(tmp)
        prepare(env)
        port = free_port()
        server = start_server(env, port)
        try:
            pdfs = _mixed_load(port, 5 if quick else 40, event_id=1)
            workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
            peaks = [_peak_kib(int(pid)) / 1024 for pid in workers]
            master = _peak_kib(server.pid) / 1024
        finally:
            stop_server(server)
    return {
        "peak RSS per worker (max)": {
            "value": round(max(peaks), 1),
            "unit": "MiB",
            "budget": "< 250",
        },
        "peak RSS per worker (min)": {"value": round(min(peaks), 1), "unit": "MiB", "budget": None},
        "peak RSS master": {"value": round(master, 1), "unit": "MiB", "budget": None},
        "ticket PDFs rendered during the load": {"value": pdfs, "unit": "", "budget": None},
    }


if __name__ == "__main__":
    for name, figure in run("--quick" in sys.argv).items():
        print(f"{name:<40} {figure['value']:>10} {figure['unit']:<8} {figure['budget'] or ''}")
