"""Public pages in each locale: content, direction, switcher, bad ids."""

import re
from datetime import UTC, datetime

import pytest

from festival.extensions import db
from festival.programme import views


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "direction", "heading"),
    [("fr", "ltr", "Programme"), ("en", "ltr", "Programme"), ("ar", "rtl", "البرنامج")],
)
def test_programme_page_in_each_locale(client, programme, lang, direction, heading):
    html = page(client, f"/{lang}/programme")
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert f"<h1>{heading}</h1>" in html


def test_arabic_page_is_translated_and_right_to_left(client, programme):
    html = page(client, "/ar/evenements/polonais-premiers-pas")
    assert 'lang="ar" dir="rtl"' in html
    assert "الانتقال إلى المحتوى" in html  # skip link
    assert "احجز مقعدًا" not in html  # full: waiting list instead
    assert "التسجيل في قائمة الانتظار" in html
    assert "البولندية" in html  # Polish, named in Arabic
    # Times are local (Paris, UTC+2 in May): 08:00 UTC is 10:00.
    assert ">10:00 ص</time>" in html


def test_english_page_uses_the_translation_and_falls_back_to_french(client, programme):
    assert "Bilingual reading" in page(client, "/en/evenements/lecture-bilingue")
    assert "Premiers pas en polonais" in page(client, "/en/evenements/polonais-premiers-pas")
    assert "Lecture bilingue arabe-français" in page(client, "/ar/evenements/lecture-bilingue")


def test_switcher_links_to_the_same_page_with_the_same_filters(client, programme):
    html = page(client, "/en/programme?language=pl&kind=mini_course")
    hrefs = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang', html)
    assert sorted(hrefs) == [
        ("/ar/programme?language=pl&amp;kind=mini_course", "ar"),
        ("/en/programme?language=pl&amp;kind=mini_course", "en"),
        ("/fr/programme?language=pl&amp;kind=mini_course", "fr"),
    ]


def test_switcher_on_an_event_page(client, programme):
    html = page(client, "/fr/evenements/stand-polonais")
    assert 'href="/ar/evenements/stand-polonais" lang="ar"' in html
    assert 'aria-current="true">Français' in html


def test_switcher_ignores_a_lang_query_argument(client, programme):
    html = page(client, "/fr/programme?lang=en")
    assert 'href="/ar/programme" lang="ar"' in html


@pytest.mark.parametrize(
    ("header", "target"),
    [("ar,fr;q=0.5", "/ar/"), ("en-GB,en;q=0.9", "/en/"), ("de", "/fr/"), (None, "/fr/")],
)
def test_root_picks_the_language_from_the_browser(client, header, target):
    headers = {"Accept-Language": header} if header else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_unknown_locale_in_url_is_a_404(client, programme):
    assert client.get("/de/programme").status_code == 404


def test_home_shows_what_when_where_and_what_is_next(client, programme, monkeypatch):
    # Saturday 14:30 in Paris: the talk (14:00-15:00) is on, the course is over.
    monkeypatch.setattr(views, "utcnow", lambda: datetime(2031, 5, 17, 12, 30, tzinfo=UTC))
    html = page(client, "/fr/")
    assert "Meltingpotch 2031" in html
    assert "du 17 mai 2031 au 18 mai 2031" in html
    assert "L&#39;Escapade" in html and "Médiathèque" in html
    upcoming = html.split("À suivre")[1]
    assert "Les langues de l&#39;immigration" in upcoming
    assert "Premiers pas en polonais" not in upcoming
    assert upcoming.index("Les langues") < upcoming.index("Stand polonais")


def test_home_after_the_festival(client, programme, monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: datetime(2031, 6, 1, tzinfo=UTC))
    html = page(client, "/fr/")
    assert "Le festival est terminé" in html
    assert "Réserver des places" not in html


def test_home_leads_to_the_registration_form_while_registration_is_open(
    client, programme, monkeypatch
):
    monkeypatch.setattr(views, "utcnow", lambda: datetime(2031, 5, 17, 6, 0, tzinfo=UTC))
    link = '<a class="button" href="/fr/inscription">Réserver des places</a>'
    assert link in page(client, "/fr/")
    assert ">احجز مقاعد</a>" in page(client, "/ar/")
    programme.edition.is_registration_open = False
    db.session.commit()
    assert "Réserver des places" not in page(client, "/fr/")


def test_home_without_any_edition(client):
    assert "Aucune édition" in page(client, "/fr/")


def test_programme_grid_puts_venues_side_by_side(client, programme):
    html = page(client, "/fr/programme")
    assert html.count('class="day"') == 2
    assert "venues-2" in html
    assert '<li class="venue-col-1">' in html and '<li class="venue-col-2">' in html
    assert "15 places restantes" not in html  # the course is full
    assert "Complet : inscription sur liste d&#39;attente" in html
    assert "80 places restantes" in html
    assert "Entrée libre, sans réservation" in html


def test_event_page_shows_everything_a_visitor_needs(client, programme):
    html = page(client, "/fr/evenements/polonais-premiers-pas")
    for expected in (
        "Association Polonia",
        "Débutant",
        "L&#39;Escapade",
        "polonais",
        "langue des signes française",
        "samedi 17 mai 2031",
    ):
        assert expected in html
    assert f"/fr/inscription?event={programme.course.id}" in html


def test_open_entry_event_has_no_booking_link(client, programme):
    html = page(client, "/fr/evenements/stand-polonais")
    assert "inscription?event" not in html
    assert "Entrée libre" in html


def test_booking_link_uses_the_registration_endpoint_when_it_exists(app, client, programme):
    # The registration feature now provides the endpoint (at /<lang>/inscription).
    assert "registration.form" in app.view_functions
    html = page(client, "/en/evenements/langues-immigration")
    assert f"/en/inscription?event={programme.talk.id}" in html


def test_language_page_lists_its_items(client, programme):
    html = page(client, "/en/langues/pl")
    assert "<h1>Polish" in html
    assert 'lang="pl" dir="ltr">polski' in html
    assert "Stand polonais" in html and "Premiers pas en polonais" in html
    assert "Lecture bilingue" not in html


def test_languages_index(client, programme):
    html = page(client, "/fr/langues")
    for code in ("fr", "pl", "it", "ar"):
        assert f'href="/fr/langues/{code}"' in html


def test_venue_page(client, programme):
    html = page(client, "/en/lieux/escapade")
    assert "Rue de l&#39;Abbaye" in html
    assert "Bus line 11" in html
    assert "Step-free access" in html
    assert "Stand polonais" in html and "Les langues" not in html


def test_venue_page_in_arabic_falls_back_to_french_texts(client, programme):
    assert "Bus ligne 11" in page(client, "/ar/lieux/escapade")


@pytest.mark.parametrize(
    "url", ["/fr/evenements/nope", "/en/langues/xx", "/ar/lieux/nowhere", "/fr/evenements/nope.ics"]
)
def test_unknown_ids_give_a_404_page_in_the_locale(client, programme, url):
    html = page(client, url, status=404)
    assert f'lang="{url[1:3]}"' in html


def test_not_found_message_is_translated(client, programme):
    assert "هذه الفعالية غير موجودة." in page(client, "/ar/evenements/nope", status=404)


def test_pages_carry_no_inline_script_or_style(client, programme):
    for url in ("/fr/", "/fr/programme", "/ar/evenements/lecture-bilingue", "/en/lieux/escapade"):
        html = page(client, url)
        assert "style=" not in html
        assert "<script>" not in html and "<style" not in html


def test_texts_that_fall_back_to_french_are_marked_as_french(client, programme):
    html = page(client, "/ar/evenements/lecture-bilingue")
    assert '<h1><bdi lang="fr">Lecture bilingue arabe-français</bdi></h1>' in html
    html = page(client, "/en/evenements/lecture-bilingue")
    assert "<h1>Bilingual reading</h1>" in html
    html = page(client, "/ar/lieux/escapade")
    assert 'lang="fr" dir="ltr">Bus ligne 11' in html


def test_no_booking_link_when_registration_is_closed(client, programme):
    programme.edition.is_registration_open = False
    db.session.commit()
    assert "inscription?event" not in page(client, "/fr/evenements/langues-immigration")


def test_language_without_an_arabic_name_is_named_in_french(
    client, programme, make_event, make_language
):
    make_language("pcd", native_name="picard", name_fr="Picard (ch'ti)", name_en="Picard")
    make_event(slug="picard", languages=("pcd",), venue=programme.escapade)
    db.session.commit()
    html = page(client, "/ar/langues")
    assert '<bdi lang="fr">Picard (ch&#39;ti)</bdi>' in html
    assert "البولندية" in html  # CLDR knows Polish in Arabic
