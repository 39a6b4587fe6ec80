"""The check-in API over HTTP, thinly: shapes, auth, bad input, batch, undo, walk-ins."""

from datetime import timedelta

import pytest

from festival.accounts.models import ApiToken
from festival.extensions import db


def _scan(fest, code, nonce="nonce-00000001", **extra):
    return {"code": code, "checkpoint_id": fest.entrance.id, "nonce": nonce, **extra}


def test_checkin_ok_then_already_in(api, fest, make_ticket):
    _, code = make_ticket(name="Ana")
    device = {"id": "device-uuid-0001", "name": "Porte A"}
    first = api("POST", "/checkins", _scan(fest, code, device=device))
    assert first.status_code == 200
    assert first.json["result"] == "ok" and first.json["attendee"]["name"] == "Ana"
    second = api("POST", "/checkins", _scan(fest, code, nonce="nonce-00000002"))
    assert second.json["result"] == "already_checked_in"
    assert second.json["first_entry"]["device"] == "Porte A"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"code": "x"},
        {"code": 5, "checkpoint_id": 1, "nonce": "nonce-00000001"},
        {"code": "x", "checkpoint_id": "abc", "nonce": "nonce-00000001"},
        {"code": "x", "checkpoint_id": 1, "nonce": "short"},
        {"code": "x", "checkpoint_id": 1, "nonce": "nonce-00000001", "direction": "up"},
        {"code": "x", "checkpoint_id": 1, "nonce": "nonce-00000001", "device": "phone"},
        {"code": "x", "checkpoint_id": 1, "nonce": "nonce-00000001", "scanned_at": "yesterday"},
    ],
)
def test_bad_input_is_a_400_json_error(api, fest, body):
    response = api("POST", "/checkins", body)
    assert response.status_code == 400
    assert set(response.json["error"]) >= {"code", "message"}


def test_no_expired_or_revoked_token_is_401(client, api, fest, token, now):
    assert client.post("/api/v1/checkins", json={}).status_code == 401
    bad = client.post("/api/v1/checkins", json={}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json["error"]["code"] == "unauthorized"
    row = db.session.scalar(db.select(ApiToken))
    row.expires_at = now - timedelta(days=1)
    db.session.commit()
    assert api("GET", "/checkpoints").status_code == 401


def test_batch_processes_the_rest_after_a_broken_entry(api, fest, make_ticket):
    _, code = make_ticket()
    response = api(
        "POST",
        "/checkins/batch",
        {
            "scans": [
                _scan(fest, code, nonce="batch-000001", offline=True),
                {"code": code},
                _scan(fest, code, nonce="batch-000003"),
            ]
        },
    )
    results = response.json["results"]
    assert [r["result"] for r in results] == ["ok", "error", "already_checked_in"]
    again = api("POST", "/checkins/batch", {"scans": [_scan(fest, code, nonce="batch-000001")]})
    assert again.json["results"][0] == results[0]


def test_undo_reverses_the_admission(api, fest, make_ticket):
    _, code = make_ticket()
    api("POST", "/checkins", _scan(fest, code))
    undo = api("POST", "/checkins/undo", {"nonce": "nonce-00000001"})
    assert undo.status_code == 200 and undo.json["undone"] is True
    assert api("POST", "/checkins", _scan(fest, code, nonce="nonce-2")).status_code == 400
    assert (
        api("POST", "/checkins", _scan(fest, code, nonce="nonce-00000002")).json["result"] == "ok"
    )
    unknown = api("POST", "/checkins/undo", {"nonce": "nonce-unknown"})
    assert unknown.status_code == 404


def test_checkpoints_and_offline_pack_have_names_only(api, fest, make_ticket):
    make_ticket(name="Ana", event_ids=[fest.event.id])
    kinds = {c["kind"] for c in api("GET", "/checkpoints").json["checkpoints"]}
    assert kinds == {"venue", "event"}
    pack = api("GET", f"/offline-pack?checkpoint_id={fest.door.id}")
    assert pack.status_code == 200
    assert pack.json["tickets"][0]["name"] == "Ana" and pack.json["public_keys"]
    assert "@" not in pack.get_data(as_text=True) and "+336" not in pack.get_data(as_text=True)
    assert api("GET", "/offline-pack?checkpoint_id=abc").status_code == 404


def test_search_gives_names_never_contacts(api, fest, make_ticket):
    ticket, _ = make_ticket(name="Zofia Nowak")
    found = api("GET", f"/attendees/search?q=nowak&checkpoint_id={fest.entrance.id}")
    assert found.json["attendees"][0]["short_code"] == ticket.short_code
    assert "@" not in found.get_data(as_text=True)
    assert api("GET", "/attendees/search?q=z").status_code == 400


def test_walk_ins_count_once_per_nonce(api, fest):
    body = {"checkpoint_id": fest.entrance.id, "nonce": "walkin-0001", "people": 3, "name": "Ali"}
    assert api("POST", "/walk-ins", body).json == {"result": "ok", "people": 3, "walk_ins_today": 3}
    assert api("POST", "/walk-ins", body).json["walk_ins_today"] == 3
    plus_one = {"checkpoint_id": fest.entrance.id, "nonce": "walkin-0002"}
    assert api("POST", "/walk-ins", plus_one).json["walk_ins_today"] == 4
    assert api("POST", "/walk-ins", {**plus_one, "people": 61}).status_code == 400


def test_stats_need_an_organiser(api, client, fest, make_user, now):
    from festival.accounts.services import create_api_token

    assert api("GET", "/stats/attendance").status_code == 403
    organiser = make_user("boss@example.org", "organiser")
    token = create_api_token(organiser.email, now)
    db.session.commit()
    stats = client.get("/api/v1/stats/attendance", headers={"Authorization": f"Bearer {token}"})
    assert stats.status_code == 200
    assert set(stats.json) >= {"totals", "events", "venues"}


def test_openapi_lists_the_checkin_routes(client, app):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert {"/checkins", "/checkins/batch", "/offline-pack", "/stats/attendance"} <= set(
        document["paths"]
    )


class TestShortCodeLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    def test_typed_short_codes_are_rate_limited(self, api, fest, make_ticket):
        ticket, _ = make_ticket()
        statuses = [
            api(
                "POST", "/checkins", _scan(fest, "WRONG" + f"{i:04d}", nonce=f"short-{i:06d}")
            ).status_code
            for i in range(31)
        ]
        assert statuses[:30] == [200] * 30 and statuses[30] == 429
