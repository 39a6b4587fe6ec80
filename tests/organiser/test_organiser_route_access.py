"""Every route of the app, walked as anonymous, attendee, volunteer and organiser.

Each endpoint is classified in ``ACCESS``; a route added later by anybody fails this test until
it is classified, so nothing ships unprotected by accident.
"""

import pytest
from sqlalchemy import select

from festival.extensions import db

PUBLIC = "public"  # anybody
MANAGE_LINK = "manage_link"  # whoever holds the registration's secret link
VOLUNTEER = "volunteer"  # volunteers and organisers (door work: names only)
ORGANISER = "organiser"  # organisers only (personal data, programme, exports)

ACCESS = {
    "static": PUBLIC,
    "pick_language": PUBLIC,
    "health.healthz": PUBLIC,
    "programme.home": PUBLIC,
    "programme.programme": PUBLIC,
    "programme.programme_ical": PUBLIC,
    "programme.event": PUBLIC,
    "programme.event_ical": PUBLIC,
    "programme.language": PUBLIC,
    "programme.languages": PUBLIC,
    "programme.venue": PUBLIC,
    "registration.form": PUBLIC,
    "registration.confirmation": MANAGE_LINK,
    "registration.manage": MANAGE_LINK,
    "registration.book_more": MANAGE_LINK,
    "registration.cancel": MANAGE_LINK,
    "registration.change_locale": MANAGE_LINK,
    "api.list_events": PUBLIC,
    "api.get_event": PUBLIC,
    "api.openapi_document": PUBLIC,
    "api.create_registration": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": PUBLIC,
    "accounts_entry.login": PUBLIC,
    "tickets.pdf": MANAGE_LINK,  # its own secret link; the walker's token is not it: 404
    "scanner.scan": VOLUNTEER,
    "scanner.manifest": PUBLIC,
    "scanner.service_worker": PUBLIC,
    "api.checkin": VOLUNTEER,
    "api.checkin_batch": VOLUNTEER,
    "api.checkin_undo": VOLUNTEER,
    "api.checkpoints": VOLUNTEER,
    "api.offline_pack": VOLUNTEER,
    "api.walk_ins": VOLUNTEER,
    "api.attendees_search": VOLUNTEER,
    "api.attendance": ORGANISER,
}
# Every organiser page is for organisers only.
ORGANISER_PREFIX = "organiser."
ROLES = ("anonymous", "attendee", "volunteer", "organiser")


def access_of(endpoint: str) -> str | None:
    if endpoint.startswith(ORGANISER_PREFIX):
        return ORGANISER
    return ACCESS.get(endpoint)


def test_every_route_is_classified(app):
    unknown = sorted({r.endpoint for r in app.url_map.iter_rules()} - set(ACCESS))
    unknown = [e for e in unknown if access_of(e) is None]
    assert unknown == [], f"classify these endpoints in ACCESS: {unknown}"


def _values(seeded, victim, right_token: bool) -> dict:
    event = seeded.bookable[0]
    person = seeded.people[1]
    booking = person.attendee.bookings[0]
    token = person.registration.manage_token if right_token else "x" * 43
    return {
        "lang": "fr",
        "token": token,
        "code": "pl",
        "filename": "css/base.css",
        "event_id": event.id,
        "registration_id": person.registration.id,
        "attendee_id": person.attendee.id,
        "booking_id": booking.id,
        "user_id": victim.id,
        "kind": "attendees",
        "venue_id": event.venue_id,
        "ticket_id": person.ticket.id,
    }


def _slug_for(endpoint: str, seeded) -> str:
    from festival.programme.models import Venue

    if endpoint == "programme.venue":
        return db.session.scalar(select(Venue.slug).limit(1))
    return seeded.bookable[0].slug


def _requests(app, seeded, victim, right_token):
    values = _values(seeded, victim, right_token)
    # Logging out ends the session: walk it last.
    order = lambda r: (r.endpoint == "accounts.logout", r.endpoint, r.rule)  # noqa: E731
    for rule in sorted(app.url_map.iter_rules(), key=order):
        args = {a: values.get(a) for a in rule.arguments}
        if "slug" in rule.arguments:
            args["slug"] = _slug_for(rule.endpoint, seeded)
        if rule.defaults:
            args = {k: v for k, v in args.items() if k not in rule.defaults}
        url = rule.build(args, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, url


def _refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code in (302, 303) and "next=" in response.headers.get("Location", "")


def _expect_allowed(access: str, role: str) -> bool:
    return {
        PUBLIC: True,
        MANAGE_LINK: role == "attendee",
        VOLUNTEER: role in ("volunteer", "organiser"),
        ORGANISER: role == "organiser",
    }[access]


@pytest.mark.parametrize("role", ROLES)
def test_each_route_allows_or_refuses_each_role(role, seeded, app, client, make_user, login_as):
    volunteer = make_user("door@example.org", "volunteer")
    victim = make_user("other@example.org", "volunteer")
    if role in ("volunteer", "organiser"):
        login_as(volunteer if role == "volunteer" else make_user("o@example.org", "organiser"))
    wrong = []
    for endpoint, method, url in _requests(app, seeded, victim, right_token=role == "attendee"):
        access = access_of(endpoint)
        response = client.open(url, method=method)
        response.close()  # static files are streamed from an open file
        assert response.status_code < 500, (endpoint, url, response.status_code)
        allowed = _expect_allowed(access, role)
        if access == MANAGE_LINK and not allowed:
            ok = response.status_code == 404 or _refused(response)
        elif allowed:
            ok = not _refused(response)
        else:
            ok = _refused(response)
        if not ok:
            wrong.append((endpoint, method, url, response.status_code))
    assert wrong == []
