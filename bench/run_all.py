"""`make bench`: run every benchmark of bench/ and print ONE table, issue 7's figures first.

The first rows are the figures issue 7 asks for, in its order: check-ins per second and p99 at
1, 10, 50 and 100 scanners, registrations per second under contention and the oversell,
PDF render per ticket, programme and dashboard latency, peak memory per worker. A figure that
no benchmark produced is shown as MISSING and makes the run exit non-zero, as does a
benchmark that failed. Every other figure follows.

bench/checkin.py runs as its own process (its load clients are subprocesses too) and its
printed table is parsed; the other modules expose ``run(quick) -> {figure: {value, unit,
budget}}``.

    python bench/run_all.py [--quick] [--database-url postgresql+psycopg://…/bench]

BENCH_QUICK=1 is the same as --quick. The PostgreSQL URL (by default
bench.common.postgresql_url(): FESTIVAL_BENCH_DATABASE_URL, else FESTIVAL_TEST_DATABASE_URL)
is handed to every benchmark as FESTIVAL_BENCH_DATABASE_URL; its database is WIPED.
"""

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import engines as bench_engines  # noqa: E402
from bench.common import postgresql_url  # noqa: E402

MODULES = (
    "calibration",
    "registration",
    "tickets",
    "programme",
    "dashboard",
    "dashboard_polling",
    "memory",
)
SCANNER_LEVELS = (1, 10, 50, 100)
MISSING = "MISSING"
# One row of bench/checkin.py's table: engine, load, scans/s, p50 ms, p99 ms, errors, then
# columns this table does not use (server-side times, client processes, load).
CHECKIN_ROW = re.compile(
    r"^(?P<engine>sqlite|postgresql)\s+(?P<load>closed x\d+|open 100 doors)\s+"
    r"(?P<rate>[\d.]+)\s+(?P<p50>[\d.]+)\s+(?P<p99>[\d.]+)\s+(?P<errors>\d+)(?:\s|$)"
)


def parse_checkin_table(text: str) -> dict:
    """Figures from bench/checkin.py's printed table, named like the rest of the table."""
    figures = {}
    for line in text.splitlines():
        m = CHECKIN_ROW.match(line.strip())
        if not m:
            continue
        engine, load = m["engine"], m["load"]
        figures[f"{engine} {load} scans/s"] = {"value": float(m["rate"]), "unit": "1/s"}
        figures[f"{engine} {load} p50"] = {"value": float(m["p50"]), "unit": "ms"}
        figures[f"{engine} {load} p99"] = {"value": float(m["p99"]), "unit": "ms"}
        figures[f"{engine} {load} errors"] = {"value": int(m["errors"]), "unit": ""}
    return figures


def run_checkin(quick: bool) -> dict:
    command = [sys.executable, str(HERE / "checkin.py")] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
    sys.stderr.write(done.stdout + done.stderr[-3000:])
    if done.returncode != 0:
        raise RuntimeError(f"bench/checkin.py exited with {done.returncode}")
    return parse_checkin_table(done.stdout)


def headline(results: dict[str, dict], engines: list[str]) -> list[tuple[str, str, str]]:
    """Issue 7's figures: (label, source bench, figure name in that bench's results)."""
    rows = []
    for engine in engines:
        for n in SCANNER_LEVELS:
            rows.append(
                (
                    f"check-ins/s, {n} scanners ({engine})",
                    "checkin",
                    f"{engine} closed x{n} scans/s",
                )
            )
            rows.append(
                (f"check-in p99, {n} scanners ({engine})", "checkin", f"{engine} closed x{n} p99")
            )
    for engine in engines:
        rows.append(
            (f"registrations/s, contention ({engine})", "registration", f"{engine} registrations/s")
        )
        rows.append((f"seats oversold ({engine})", "registration", f"{engine} oversold"))
    rows.append(("PDF render per ticket, p50", "tickets", "single_ticket_p50_ms"))
    rows.append(("programme page p99, 200 items", "programme", "GET /fr/programme p99"))
    tickets = _dashboard_size()
    for engine in engines:
        rows.append(
            (f"dashboard p99, {tickets} tickets ({engine})", "dashboard", f"{engine}_polled_p99_ms")
        )
    rows.append(("peak memory per worker", "memory", "peak RSS per worker (max)"))
    return rows


def _dashboard_size() -> str:
    try:
        raw = json.loads((HERE / "results" / "dashboard.json").read_text())["raw"]
        return f"{raw['tickets']:,}"
    except (OSError, ValueError, KeyError):
        return "?"


def build_table(results: dict[str, dict], engines: list[str]) -> tuple[list[tuple], list[str]]:
    """Issue 7's rows first (MISSING where no bench gave the figure), then every other one."""
    table, missing, shown = [], [], set()
    for label, bench, key in headline(results, engines):
        data = results.get(bench, {}).get(key)
        shown.add((bench, key))
        if data is None:
            missing.append(label)
            table.append(("issue 7", label, MISSING, "", ""))
        else:
            table.append(
                ("issue 7", label, data["value"], data.get("unit", ""), data.get("budget") or "")
            )
    for bench, figures in results.items():
        for key, data in figures.items():
            if (bench, key) not in shown:
                table.append(
                    (bench, key, data["value"], data.get("unit", ""), data.get("budget") or "")
                )
    return table, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1"
    )
    parser.add_argument(
        "--database-url", default=postgresql_url(), help="PostgreSQL database to WIPE and measure"
    )
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["FESTIVAL_BENCH_DATABASE_URL"] = args.database_url
    engines = list(bench_engines())  # the same list every bench measures
    results: dict[str, dict] = {}
    failures = []
    benches = [("checkin", lambda: run_checkin(args.quick))] + [
        (name, lambda name=name: importlib.import_module(f"bench.{name}").run(quick=args.quick))
        for name in MODULES
    ]
    for name, bench in benches:
        started = time.monotonic()
        try:
            results[name] = bench()
        except Exception as error:  # noqa: BLE001  (one broken bench must not hide the others)
            failures.append(f"{name}: {type(error).__name__}: {error}")
            results[name] = {}
        print(f"[{name} done in {time.monotonic() - started:.0f} s]", file=sys.stderr)

    table, missing = build_table(results, engines)
    _print(table, args.quick)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "all.json").write_text(json.dumps(table, indent=1))
    for label in missing:
        print(f"MISSING {label}", file=sys.stderr)
    for failure in failures:
        print("FAILED", failure, file=sys.stderr)
    return 1 if failures or missing else 0


def _print(table: list[tuple], quick: bool) -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# load average (1, 5, 15 min) at the end: {load}; {'quick' if quick else 'full'} run")
    width = max((len(row[1]) for row in table), default=10)
    print(f"{'bench':<13} {'figure':<{width}} {'value':>10}  unit      budget")
    for bench, figure, value, unit, budget in table:
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        print(f"{bench:<13} {figure:<{width}} {shown:>10}  {unit:<9} {budget}")


if __name__ == "__main__":
    sys.exit(main())
