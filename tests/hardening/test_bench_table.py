"""`make bench`'s table: bench/checkin.py's printout is read, and an absent figure is MISSING."""

import contextlib
import io

from bench.checkin import _print_table
from bench.run_all import MISSING, build_table, parse_checkin_table


def _point(rate: float, p50: float, p99: float) -> dict:
    return {
        "scans_per_s": rate,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": 0,
        "client_processes": 1,
        "load1": 0.5,
    }


def _checkin_printout() -> str:
    """bench/checkin.py's table as its own printer writes it (so a format change is caught)."""
    results = {
        "sqlite": {
            "closed": {
                "1": _point(88.1, 10.9, 21.3),
                "10": _point(301.4, 30.2, 95.0),
                "50": _point(290.7, 150.1, 420.8),
                "100": _point(280.2, 300.4, 810.5),
            },
            "open_100_doors": _point(99.0, 9.1, 24.0),
        }
    }
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _print_table(results)
    return out.getvalue()


CHECKIN_PRINTOUT = _checkin_printout()


def _other_figures() -> dict:
    figure = {"value": 1.0, "unit": "ms"}
    return {
        "registration": {"sqlite registrations/s": figure, "sqlite oversold": figure},
        "tickets": {"single_ticket_p50_ms": figure},
        "programme": {"GET /fr/programme p99": figure},
        "dashboard": {"sqlite_polled_p99_ms": figure},
        "memory": {"peak RSS per worker (max)": figure},
    }


def test_the_checkin_printout_gives_rate_and_p99_per_level():
    figures = parse_checkin_table(CHECKIN_PRINTOUT)
    assert figures["sqlite closed x100 scans/s"]["value"] == 280.2
    assert figures["sqlite closed x10 p99"]["value"] == 95.0
    assert figures["sqlite open 100 doors p99"]["value"] == 24.0


def test_issue_7_figures_come_first_and_complete():
    results = {"checkin": parse_checkin_table(CHECKIN_PRINTOUT), **_other_figures()}
    table, missing = build_table(results, ["sqlite"])
    assert missing == []
    assert table[0][:3] == ("issue 7", "check-ins/s, 1 scanners (sqlite)", 88.1)
    assert table[7][1] == "check-in p99, 100 scanners (sqlite)" and table[7][2] == 810.5
    headline = [row for row in table if row[0] == "issue 7"]
    assert table[: len(headline)] == headline  # every other figure after them
    assert ("checkin", "sqlite open 100 doors p99", 24.0, "ms", "") in table


def test_an_absent_100_scanner_point_is_missing():
    without_100 = "\n".join(line for line in CHECKIN_PRINTOUT.splitlines() if "x100" not in line)
    results = {"checkin": parse_checkin_table(without_100), **_other_figures()}
    table, missing = build_table(results, ["sqlite"])
    assert missing == ["check-ins/s, 100 scanners (sqlite)", "check-in p99, 100 scanners (sqlite)"]
    assert ("issue 7", "check-ins/s, 100 scanners (sqlite)", MISSING, "", "") in table


def test_postgresql_rows_are_required_once_a_database_url_is_given():
    results = {"checkin": parse_checkin_table(CHECKIN_PRINTOUT), **_other_figures()}
    _, missing = build_table(results, ["sqlite", "postgresql"])
    assert "check-ins/s, 1 scanners (postgresql)" in missing
    assert "seats oversold (postgresql)" in missing
