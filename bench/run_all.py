"""`make bench`: run every benchmark of bench/ and print one table of figures.

Each benchmark module exposes ``run(quick: bool) -> dict`` mapping a figure's name to
``{"value": number, "unit": str, "budget": str | None}`` and writes its own JSON to
bench/results/. Set BENCH_QUICK=1 for a short smoke run.
"""

import importlib
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
MODULES = ("checkin", "registration", "tickets", "programme", "dashboard", "memory")


def main() -> int:
    quick = os.environ.get("BENCH_QUICK") == "1"
    rows, failures = [], []
    for name in MODULES:
        if not (HERE / f"{name}.py").exists():
            continue
        started = time.monotonic()
        try:
            figures = importlib.import_module(f"bench.{name}").run(quick=quick)
        except Exception as error:  # noqa: BLE001  (one broken bench must not hide the others)
            failures.append(f"{name}: {type(error).__name__}: {error}")
            continue
        for figure, data in figures.items():
            rows.append(
                (name, figure, data["value"], data.get("unit", ""), data.get("budget") or "")
            )
        print(f"[{name} done in {time.monotonic() - started:.0f} s]", file=sys.stderr)
    width = max((len(r[1]) for r in rows), default=10)
    print(f"{'bench':<13} {'figure':<{width}} {'value':>10}  unit      budget")
    for bench, figure, value, unit, budget in rows:
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        print(f"{bench:<13} {figure:<{width}} {shown:>10}  {unit:<9} {budget}")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "all.json").write_text(json.dumps(rows, indent=1))
    for failure in failures:
        print("FAILED", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
