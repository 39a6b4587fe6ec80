"""The dashboard's figures, from the JSON the page polls."""

from festival.organiser import stats


def test_dashboard_json_gives_the_seeded_figures(seeded, organiser, client):
    f = seeded
    data = client.get("/organisateur/tableau-de-bord.json").get_json()
    first, second = f.bookable[0], f.bookable[1]
    by_id = {e["event_id"]: e for e in data["events"]}
    assert by_id[first.id]["registered"] == first.seats_taken
    assert by_id[first.id]["admitted"] == 1
    assert by_id[second.id]["registered"] == second.seats_taken
    assert data["totals"]["walk_ins"] == 3
    assert data["totals"]["inside_now"] == 2
    assert sum(q["entries"] for q in data["entries_per_quarter"]) == 2 + 3
    assert {p["postal_code"]: p["registrations"] for p in data["postal_codes"]} == {
        "62110": 2,
        "62300": 1,
    }
    (double,) = data["double_entries"]
    assert double["checkpoint"] == f.event_door[first.id].name
    assert data["languages"][0]["seats"] >= data["languages"][-1]["seats"]


def test_entries_are_bucketed_per_quarter_hour_in_local_time(seeded):
    rows = stats.entries_per_quarter(seeded.edition, seeded.day)
    # 08:02 and 08:05 UTC are 10:00 in Paris; 08:25 UTC is 10:15.
    assert rows == [{"time": "10:00", "entries": 4}, {"time": "10:15", "entries": 1}]


def test_dashboard_is_cached_for_a_few_seconds(seeded):
    first = stats.dashboard(seeded.edition, seeded.now, max_age=60)
    seeded.walk_in(seeded.venue_door[seeded.bookable[0].venue_id], 7, seeded.now)
    assert stats.dashboard(seeded.edition, seeded.now, max_age=60) is first
    assert stats.dashboard(seeded.edition, seeded.now, max_age=0)["totals"]["walk_ins"] == 10


def test_postal_codes_are_counted_at_most_once_a_minute(seeded, monkeypatch):
    import time

    from festival.extensions import db
    from festival.registration.models import Registration

    first = stats.registrations_by_postal_code(seeded.edition.id)
    db.session.add(
        Registration(
            edition_id=seeded.edition.id,
            contact_name="Zoé",
            contact_email="zoe@example.org",
            postal_code="62590",
            manage_token="z" * 43,
        )
    )
    db.session.commit()
    assert stats.registrations_by_postal_code(seeded.edition.id) == first
    later = time.monotonic() + stats.POSTAL_CODES_SECONDS + 1
    monkeypatch.setattr("festival.checkin.cache.time.monotonic", lambda: later)
    counts = {p["postal_code"]: p["registrations"] for p in first}
    assert stats.registrations_by_postal_code(seeded.edition.id) == [
        {"postal_code": code, "registrations": n}
        for code, n in sorted({**counts, "62590": 1}.items(), key=lambda c: (-c[1], c[0]))
    ]


def test_dashboard_page_loads_chart_js_without_inline_script(seeded, organiser, client):
    html = client.get("/organisateur/").get_data(as_text=True)
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "<script>" not in html


def test_a_cold_dashboard_reads_counters_in_a_few_statements(seeded):
    """Each figure is one read of a counter or a short list, never one read per row."""
    from tests.sql_statements import recorded_statements

    stats.registrations_by_postal_code(seeded.edition.id)  # cached a minute: warm it
    with recorded_statements() as statements:
        stats.compute_dashboard(seeded.edition, seeded.now)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert 0 < len(selects) <= 6, selects  # 0 would mean nothing was recorded
