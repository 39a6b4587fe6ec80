"""What each part of a cold dashboard computation costs (50,000 tickets, 100,000 scans).

bench/dashboard.py times the whole JSON request; this times every query of
``festival.organiser.stats.compute_dashboard`` on its own, in process: median wall and CPU
milliseconds over ``--repeat`` runs. On SQLite the CPU is the whole cost (the database runs in
this process); "whole" is what a cold dashboard costs every DASHBOARD_CACHE_SECONDS, with
visitors per postal code from their one-minute cache; "postal codes counted" is the
once-a-minute case. On PostgreSQL the server's work is in another process, so read the wall time
(noisy on a shared machine: say so with the figures).

    python bench/dashboard_parts.py [--repeat 30] [--pg postgresql+psycopg://...] [--quick]
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import fresh_schema  # noqa: E402
from bench.dashboard import FIRST_DAY, START, populate  # noqa: E402


def parts(edition, now) -> dict:
    """Name -> a call that computes one part of the dashboard, as compute_dashboard does."""
    from flask import current_app

    from festival.checkin import stats as checkin_stats
    from festival.organiser import stats

    day = stats.festival_day(edition, now)

    def uncached(call):
        """``call`` with the slow figures' cache emptied first (what it costs once a minute)."""

        def run():
            current_app.extensions.pop("checkin_cache", None)
            return call()

        return run

    return {
        "event_figures": lambda: stats.event_figures(edition.id, now),
        "  of which admitted_by_event": lambda: checkin_stats.admitted_by_event(edition.id),
        "inside_now": lambda: stats.inside_now(edition.id, day),
        "walk_ins_per_venue": lambda: checkin_stats.walk_ins_per_venue(edition.id),
        "entries_per_quarter": lambda: stats.entries_per_quarter(edition, day),
        "  of which tickets": lambda: checkin_stats.entries_per_quarter_hour(edition.id, day),
        "languages": lambda: stats.booked_languages(edition.id),
        "postal_codes (counted)": uncached(lambda: stats.registrations_by_postal_code(edition.id)),
        "double_entries": lambda: stats.double_entries(edition.id),
        "whole (compute_dashboard)": lambda: stats.compute_dashboard(edition, now),
        "whole, postal codes counted": uncached(lambda: stats.compute_dashboard(edition, now)),
    }


def _median_ms(call, repeat: int) -> tuple[float, float]:
    from festival.extensions import db

    call()  # warm: statement caches, the planner's first look
    db.session.rollback()
    wall, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        db.session.rollback()  # what a fresh request sees: no identity map carried over
    return statistics.median(wall), statistics.median(cpu)


def measure(database_url: str, tickets: int, scans: int, repeat: int) -> dict:
    from festival import create_app
    from festival.extensions import db
    from festival.programme.models import Edition

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": database_url, "SECRET_KEY": "b" * 40, "INSTANCE_PATH": tmp}
        )
        with app.app_context():
            fresh_schema(db)
            edition_id = populate(tickets, scans)
            if db.engine.dialect.name == "postgresql":
                db.session.close()
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(db.text("VACUUM ANALYZE"))
            now = START + timedelta(hours=5)
            figures = {}
            for name, call in parts(db.session.get(Edition, edition_id), now).items():
                figures[name] = _median_ms(call, repeat)
            db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg", help="SQLAlchemy URL of a PostgreSQL database to wipe")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    tickets, scans = (5_000, 10_000) if args.quick else (50_000, 100_000)
    with tempfile.TemporaryDirectory() as tmp:
        targets = {"sqlite": f"sqlite:///{tmp}/parts.sqlite3"}
        if args.pg:
            targets["postgresql"] = args.pg
        for engine, url in targets.items():
            print(f"{engine}: {tickets} tickets, {scans} scans, first day {FIRST_DAY}")
            print(f"  {'part':28} {'wall ms':>8} {'cpu ms':>8}")
            for name, (wall, cpu) in measure(url, tickets, scans, args.repeat).items():
                print(f"  {name:28} {wall:8.2f} {cpu:8.2f}")


if __name__ == "__main__":
    main()
