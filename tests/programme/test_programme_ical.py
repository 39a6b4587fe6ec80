"""iCalendar feeds, parsed back with the icalendar package."""

from datetime import UTC, datetime

import icalendar


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def test_whole_programme_feed(client, programme):
    cal = parse(client.get("/fr/programme.ics"))
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert len(events) == 4
    course = next(e for e in events if e["SUMMARY"] == "Premiers pas en polonais")
    assert course.decoded("DTSTART") == datetime(2031, 5, 17, 8, 0, tzinfo=UTC)
    assert course.decoded("DTEND") == datetime(2031, 5, 17, 8, 30, tzinfo=UTC)
    assert course.decoded("DTSTAMP").tzinfo is not None
    assert "Rue de l'Abbaye" in str(course["LOCATION"])
    assert str(course["URL"]) == "http://festival.test/fr/evenements/polonais-premiers-pas"
    assert len({str(e["UID"]) for e in events}) == 4


def test_uids_are_stable_across_requests_and_locales(client, programme):
    first = [str(e["UID"]) for e in parse(client.get("/fr/programme.ics")).walk("VEVENT")]
    again = [str(e["UID"]) for e in parse(client.get("/en/programme.ics")).walk("VEVENT")]
    assert first == again


def test_feed_uses_the_locale_and_the_filters(client, programme):
    cal = parse(client.get("/en/programme.ics?language=ar"))
    (event,) = cal.walk("VEVENT")
    assert event["SUMMARY"] == "Bilingual reading"
    assert "Arabic" in str(event["DESCRIPTION"])


def test_one_event_feed(client, programme):
    cal = parse(client.get("/ar/evenements/stand-polonais.ics"))
    (event,) = cal.walk("VEVENT")
    assert event["SUMMARY"] == "Stand polonais"
    assert event.decoded("DTSTART") == datetime(2031, 5, 18, 8, 0, tzinfo=UTC)
    assert str(event["URL"]).endswith("/ar/evenements/stand-polonais")


def test_feed_with_a_bad_filter_is_a_400(client, programme):
    assert client.get("/fr/programme.ics?day=never").status_code == 400
