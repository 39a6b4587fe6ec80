"""The programme's filters: each one, combined, and refused values (service, page and API)."""

from datetime import UTC, datetime

import pytest

from festival.errors import ValidationError
from festival.programme import services


def slugs(edition, **args):
    filters = services.parse_filters(args, edition)
    return [e.slug for e in services.list_events(edition, filters)]


def test_no_filter_lists_every_item_in_time_order(programme):
    assert slugs(programme.edition) == [
        "polonais-premiers-pas",
        "langues-immigration",
        "stand-polonais",
        "lecture-bilingue",
    ]


def test_empty_values_mean_all(programme):
    everything = slugs(programme.edition)
    assert slugs(programme.edition, language="", kind="", venue="", day="") == everything


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"language": "pl"}, ["polonais-premiers-pas", "stand-polonais"]),
        ({"language": "PL"}, ["polonais-premiers-pas", "stand-polonais"]),
        ({"language": "fr"}, ["langues-immigration", "lecture-bilingue"]),
        ({"kind": "talk"}, ["langues-immigration"]),
        ({"kind": "karaoke"}, []),
        ({"venue": "mediatheque"}, ["langues-immigration", "lecture-bilingue"]),
        ({"day": "2031-05-18"}, ["stand-polonais", "lecture-bilingue"]),
        ({"language": "pl", "day": "2031-05-18"}, ["stand-polonais"]),
        ({"language": "fr", "venue": "mediatheque", "day": "2031-05-17"}, ["langues-immigration"]),
        (
            {"language": "ar", "kind": "reading", "venue": "mediatheque", "day": "2031-05-18"},
            ["lecture-bilingue"],
        ),
        ({"language": "it", "kind": "reading"}, []),
    ],
)
def test_filters_combine(programme, args, expected):
    assert slugs(programme.edition, **args) == expected


def test_venue_filter_takes_the_id_as_the_api_gives_it(programme):
    assert slugs(programme.edition, venue=str(programme.escapade.id)) == [
        "polonais-premiers-pas",
        "stand-polonais",
    ]


def test_day_is_the_local_day_in_paris(programme, make_event):
    # 00:30 in Paris on the 18th is still the 17th in UTC: it belongs to the 18th.
    late = make_event(
        slug="minuit", starts_at=datetime(2031, 5, 17, 22, 30, tzinfo=UTC), languages=("pl",)
    )
    assert late.slug in slugs(programme.edition, day="2031-05-18")
    assert late.slug not in slugs(programme.edition, day="2031-05-17")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"language": "xx"}, "unknown_language"),
        ({"kind": "concert"}, "unknown_kind"),
        ({"venue": "9999"}, "unknown_venue"),
        ({"venue": "nowhere"}, "unknown_venue"),
        ({"day": "17/05/2031"}, "bad_date"),
        ({"day": "2031-02-30"}, "bad_date"),
        ({"day": "2031-05-20"}, "unknown_day"),
    ],
)
def test_unknown_values_are_refused_with_a_code(programme, args, code):
    with pytest.raises(ValidationError) as caught:
        services.parse_filters(args, programme.edition)
    assert caught.value.code == code
    assert caught.value.field == next(iter(args))


def test_programme_page_filters_by_query_string(client, programme):
    page = client.get("/fr/programme?language=pl&day=2031-05-18").get_data(as_text=True)
    assert "Stand polonais" in page
    assert "Premiers pas en polonais" not in page
    assert "Lecture bilingue" not in page
    # The form shows the chosen values, so the filtered page can be refined and shared.
    assert '<option value="pl" selected>' in page
    assert '<option value="2031-05-18" selected>' in page


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("fr", "La langue « klingon » n&#39;est pas au programme."),
        ("en", "The language “klingon” is not on the programme."),
        ("ar", "اللغة «klingon» ليست في البرنامج."),
    ],
)
def test_programme_page_explains_an_unknown_filter_in_its_language(
    client, programme, lang, message
):
    response = client.get(f"/{lang}/programme?language=klingon")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'role="alert"' in page


@pytest.mark.parametrize("query", ["day=demain", "kind=<script>", "venue=0", "day=2031-13-01"])
def test_bad_filters_never_give_a_500(client, programme, query):
    assert client.get(f"/fr/programme?{query}").status_code == 400
    assert client.get(f"/api/v1/events?{query}").status_code == 400


def test_api_uses_the_same_filters(client, programme):
    body = client.get("/api/v1/events?language=pl&kind=fair_stand").get_json()
    assert [e["slug"] for e in body["events"]] == ["stand-polonais"]


def test_api_refuses_unknown_values_as_json(client, programme):
    response = client.get("/api/v1/events?kind=concert")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown_kind"
    assert error["message"]


def test_echoed_filter_value_is_escaped(client, programme):
    # Messages are lazy strings, which Jinja would treat as safe markup if given as they are.
    page = client.get("/fr/programme?kind=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events?venue=99999999999999999999",
        "/fr/programme?venue=99999999999999999999",
        "/api/v1/events?language=" + "x" * 5000,
    ],
)
def test_huge_values_are_refused_not_crashing(client, programme, url):
    assert client.get(url).status_code == 400


def test_huge_event_id_is_a_404(client, programme):
    assert client.get("/api/v1/events/99999999999999999999").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events?language=p%00l",
        "/fr/programme?venue=a%00b",
        "/fr/programme?day=2031-05-17%00",
    ],
)
def test_nul_bytes_are_refused(client, programme, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/fr/evenements/a%00b", "/fr/lieux/a%00b", "/fr/langues/a%00b"])
def test_nul_bytes_in_paths_are_404(client, programme, url):
    assert client.get(url).status_code == 404
