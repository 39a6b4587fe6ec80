"""The funder report: figures equal those computed independently from the seeded rows."""

from collections import Counter

import pypdfium2
from sqlalchemy import select

from festival.extensions import db
from festival.organiser.report import bar_chart_svg, report_figures


def _independent(f):
    """Recompute the report's figures from the seeded people with plain Python."""
    from festival.checkin.models import Admission, Checkpoint, WalkIn
    from festival.registration.models import Attendee, Booking, Registration

    events = [e for e in f.events if e.status == "scheduled"]
    bookings = db.session.scalars(select(Booking).where(Booking.status == "confirmed")).all()
    seats = Counter()
    for b in bookings:
        seats[b.event_id] += b.seats
    by_kind = Counter()
    for e in events:
        by_kind[e.kind] += seats[e.id]
    capacity = sum(e.capacity or 0 for e in events)
    venue_door_ids = {c.id for c in f.venue_door.values()}
    entries = sum(
        a.people for a in db.session.scalars(select(Admission)) if a.checkpoint_id in venue_door_ids
    )
    people = sum(a.group_size for a in db.session.scalars(select(Attendee)))
    codes = Counter(
        r.postal_code for r in db.session.scalars(select(Registration)) if r.postal_code
    )
    assert Checkpoint
    return {
        "seats": sum(seats.values()),
        "capacity": capacity,
        "entries": entries,
        "walk_ins": sum(w.people for w in db.session.scalars(select(WalkIn))),
        "people": people,
        "by_kind": dict(by_kind),
        "codes": dict(codes),
    }


def test_report_figures_match_an_independent_count(seeded):
    expected = _independent(seeded)
    figures = report_figures(seeded.edition, seeded.now)
    totals = figures["totals"]
    assert totals["seats_booked"] == expected["seats"] == 1 + 1 + 1 + 5
    assert totals["capacity"] == expected["capacity"]
    assert totals["fill_rate"] == round(expected["seats"] / expected["capacity"], 3)
    assert totals["entries"] == expected["entries"] == 2
    assert totals["walk_ins"] == expected["walk_ins"] == 3
    assert totals["people_registered"] == expected["people"] == 1 + 1 + 5 + 1
    assert {k["kind"]: k["registered"] for k in figures["per_kind"] if k["registered"]} == {
        k: v for k, v in expected["by_kind"].items() if v
    }
    assert {c["postal_code"]: c["registrations"] for c in figures["per_commune"]} == (
        expected["codes"]
    )
    saturday = next(d for d in figures["per_day"] if d["day"] == "2031-05-17")
    assert saturday == {"day": "2031-05-17", "entries": 2, "walk_ins": 3}


def test_the_report_pdf_has_figures_and_no_personal_data(seeded, organiser, client):
    response = client.get("/organisateur/rapport.pdf")
    assert response.status_code == 200
    pdf = pypdfium2.PdfDocument(response.get_data())
    content = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Rapport de fréquentation" in content
    assert "62110" in content
    for person in ("Ana Nowak", "ana@example.org", "Karim", "École Jaurès"):
        assert person not in content


def test_svg_bars_escape_labels_and_scale_to_the_largest():
    svg = bar_chart_svg("T", [("<b>", 10), ("b", 5)])
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    assert 'width="260"' in svg and 'width="130"' in svg
