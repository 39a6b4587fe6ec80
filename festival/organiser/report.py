"""The funder report: figures only (no personal data), charts drawn as inline SVG."""

from collections import defaultdict
from datetime import datetime
from html import escape

from flask import render_template
from sqlalchemy import func, select

from festival.checkin import stats as checkin_stats
from festival.extensions import db
from festival.organiser import stats
from festival.organiser.pdf import html_to_pdf
from festival.programme.models import Edition, Venue
from festival.registration.models import Attendee, Registration


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _per_day(edition: Edition) -> list[dict]:
    """Entries and walk-ins per day (check-in's counters), every day of the edition shown."""
    counted = checkin_stats.per_day(edition.id)
    days = sorted({*counted, edition.starts_on, edition.ends_on})
    empty = {"entries": 0, "walk_ins": 0}
    return [{"day": d.isoformat(), **counted.get(d, empty)} for d in days]


def _group(events: list[dict], key: str) -> dict:
    groups: dict = defaultdict(lambda: {"items": 0, "capacity": 0, "registered": 0, "admitted": 0})
    for e in events:
        g = groups[e[key]]
        g["items"] += 1
        g["capacity"] += e["capacity"] or 0
        g["registered"] += e["registered"]
        g["admitted"] += e["admitted"]
    for g in groups.values():
        g["fill_rate"] = _rate(g["registered"], g["capacity"])
    return groups


def report_figures(edition: Edition, now: datetime) -> dict:
    """Every figure of the funder report; counts only."""
    events = [e for e in stats.event_figures(edition.id, now) if not e["is_cancelled"]]
    venue_names = dict(db.session.execute(select(Venue.id, Venue.name)).all())
    walk_ins = checkin_stats.walk_ins_per_venue(edition.id)
    by_venue = _group(events, "venue_id")
    people = db.session.scalar(
        select(func.coalesce(func.sum(Attendee.group_size), 0))
        .join(Registration, Registration.id == Attendee.registration_id)
        .where(
            Registration.edition_id == edition.id,
            Registration.is_walk_in.is_(False),
            Registration.cancelled_at.is_(None),
            Attendee.cancelled_at.is_(None),
        )
    )
    capacity = sum(e["capacity"] or 0 for e in events)
    registered = sum(e["registered"] for e in events)
    per_day = _per_day(edition)
    return {
        "edition": {
            "name": edition.name,
            "starts_on": edition.starts_on.isoformat(),
            "ends_on": edition.ends_on.isoformat(),
        },
        "totals": {
            "items": len(events),
            "people_registered": int(people),
            "seats_booked": registered,
            "capacity": capacity,
            "fill_rate": _rate(registered, capacity),
            "admitted_at_items": sum(e["admitted"] for e in events),
            "entries": sum(d["entries"] for d in per_day),
            "walk_ins": sum(walk_ins.values()),
        },
        "per_day": per_day,
        "per_venue": sorted(
            (
                {"venue": venue_names.get(vid, "?"), "walk_ins": walk_ins.get(vid, 0), **g}
                for vid, g in by_venue.items()
            ),
            key=lambda r: r["venue"],
        ),
        "per_kind": sorted(
            ({"kind": k, **g} for k, g in _group(events, "kind").items()), key=lambda r: r["kind"]
        ),
        "per_language": stats.booked_languages(edition.id),
        "per_commune": stats.registrations_by_postal_code(edition.id),
    }


def bar_chart_svg(title: str, bars: list[tuple[str, int]], width: int = 480) -> str:
    """Draw a horizontal bar chart as SVG (no script: WeasyPrint renders it as is)."""
    row, label_w = 22, 170
    top = max((v for _, v in bars), default=0) or 1
    height = row * len(bars) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(bars):
        y = 20 + i * row
        length = round((width - label_w - 50) * value / top)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="11">'
            f"{escape(str(label)[:28])}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{length}" height="{row - 8}" fill="#1f5f8b"/>'
            f'<text x="{label_w + length + 4}" y="{y + 14}" font-size="11">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_report_pdf(edition: Edition, now: datetime) -> bytes:
    """Render the funder report to PDF."""
    figures = report_figures(edition, now)
    charts = {
        "per_day": bar_chart_svg(
            "Entrées par jour",
            [(d["day"], d["entries"] + d["walk_ins"]) for d in figures["per_day"]],
        ),
        "per_venue": bar_chart_svg(
            "Inscrits par lieu", [(v["venue"], v["registered"]) for v in figures["per_venue"]]
        ),
        "per_language": bar_chart_svg(
            "Places réservées par langue",
            [(lang["name"], lang["seats"]) for lang in figures["per_language"]],
        ),
        "per_commune": bar_chart_svg(
            "Inscriptions par code postal",
            [(c["postal_code"], c["registrations"]) for c in figures["per_commune"][:15]],
        ),
    }
    html = render_template("organiser/report.html", f=figures, charts=charts, now=now)
    return html_to_pdf(html)
