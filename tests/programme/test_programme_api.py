"""GET /api/v1/events and /events/{id} against the OpenAPI document."""

from datetime import datetime

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

CONTRACT_FIELDS = {
    "id",
    "slug",
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue",
    "languages",
    "capacity",
    "seats_left",
    "booking_required",
}


@pytest.fixture
def openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    return document


def check(openapi, schema_name, body):
    schema = {"components": openapi["components"], "$ref": f"#/components/schemas/{schema_name}"}
    Draft202012Validator(schema).validate(body)


def test_openapi_document_is_valid_and_describes_events(openapi):
    assert {"/events", "/events/{id}"} <= set(openapi["paths"])


def test_list_matches_the_schema_and_the_contract(client, programme, openapi):
    body = client.get("/api/v1/events").get_json()
    check(openapi, "EventList", body)
    assert len(body["events"]) == 4
    for event in body["events"]:
        assert set(event) == CONTRACT_FIELDS


def test_one_event(client, programme, openapi):
    body = client.get(f"/api/v1/events/{programme.course.id}").get_json()
    check(openapi, "Event", body)
    assert body == {
        "id": programme.course.id,
        "slug": "polonais-premiers-pas",
        "kind": "mini_course",
        "title": "Premiers pas en polonais",
        "description": "",
        "starts_at": "2031-05-17T10:00:00+02:00",
        "ends_at": "2031-05-17T10:30:00+02:00",
        "venue": {"id": programme.escapade.id, "name": "L'Escapade"},
        "languages": ["pl"],
        "capacity": 15,
        "seats_left": 0,
        "booking_required": True,
    }
    assert datetime.fromisoformat(body["starts_at"]).utcoffset() is not None


def test_open_entry_has_null_capacity_and_seats(client, programme, openapi):
    body = client.get(f"/api/v1/events/{programme.stand.id}").get_json()
    check(openapi, "Event", body)
    assert body["capacity"] is None and body["seats_left"] is None
    assert body["booking_required"] is False


def test_languages_are_bcp47_codes_in_a_stable_order(client, programme):
    body = client.get(f"/api/v1/events/{programme.reading.id}").get_json()
    assert body["languages"] == ["ar", "fr"]


@pytest.mark.parametrize(
    ("query", "headers", "title"),
    [
        ("?locale=en", {}, "Bilingual reading"),
        ("", {"Accept-Language": "en"}, "Bilingual reading"),
        ("?locale=fr", {"Accept-Language": "en"}, "Lecture bilingue arabe-français"),
        ("", {}, "Lecture bilingue arabe-français"),
        ("?locale=ar", {}, "Lecture bilingue arabe-français"),
    ],
)
def test_text_locale(client, programme, query, headers, title):
    body = client.get(f"/api/v1/events/{programme.reading.id}{query}", headers=headers)
    assert body.get_json()["title"] == title


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("language=xx", "unknown_language"),
        ("kind=concert", "unknown_kind"),
        ("venue=999", "unknown_venue"),
        ("day=2031-5-40", "bad_date"),
        ("day=2031-06-01", "unknown_day"),
        ("locale=de", "unknown_locale"),
    ],
)
def test_bad_values_give_a_json_400(client, programme, openapi, query, code):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 400
    check(openapi, "Error", response.get_json())
    assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/events/999999", "/api/v1/events/abc"])
def test_unknown_event_is_a_json_404(client, programme, openapi, path):
    response = client.get(path)
    assert response.status_code == 404
    check(openapi, "Error", response.get_json())


def test_empty_database_gives_an_empty_list(client):
    assert client.get("/api/v1/events").get_json() == {"events": []}


def test_error_message_speaks_the_asked_locale(client, programme):
    body = client.get("/api/v1/events?locale=ar&kind=concert").get_json()
    assert body["error"]["message"] == "النوع «concert» غير موجود."
    body = client.get("/api/v1/events?kind=concert", headers={"Accept-Language": "en"}).get_json()
    assert body["error"]["message"] == "The type “concert” does not exist."


def test_every_events_route_is_documented(app, openapi):
    documented = {"/api/v1" + path.replace("{id}", "<int:event_id>") for path in openapi["paths"]}
    routes = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert {r for r in routes if r.startswith("/api/v1/events")} <= documented
