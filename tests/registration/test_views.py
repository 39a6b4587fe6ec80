"""HTTP, thinly: the form end to end, field errors, abuse guards, the API, manage my booking."""

import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from festival.extensions import db
from festival.registration.models import Booking, Registration

from .test_mail import Inbox, body_of, free_port


def form_data(event_ids, **fields):
    data = {
        "contact_name": "Famille Benali",
        "contact_email": "benali@example.org",
        "postal_code": "62110",
        "events": [str(i) for i in event_ids],
        "waitlist": "y",
        "consent": "y",
        "attendees-0": "Karima",
        "attendees-1": "Yanis",
        "attendees-2": "",
    }
    data.update(fields)
    return data


class TestEndToEnd:
    @pytest.fixture
    def smtp_port(self):
        return free_port()

    @pytest.fixture
    def app_config(self, app_config, smtp_port):
        return {
            **app_config,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_SUPPRESS_SEND": False,
        }

    def test_a_family_registers_through_the_form_and_gets_the_email(
        self, client, make_event, smtp_port
    ):
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            event = make_event(title="Premiers pas en polonais", capacity=15)
            db.session.commit()
            page = client.get(f"/fr/inscription?event={event.id}").get_data(as_text=True)
            assert "Premiers pas en polonais" in page and "checked" in page
            response = client.post("/fr/inscription", data=form_data([event.id]))
            assert response.status_code == 302
            confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
        finally:
            controller.stop()
        assert "Karima" in confirmation
        (message,) = inbox.messages
        assert message["To"] == "benali@example.org"
        text = body_of(message)
        assert "Karima" in text and "Yanis" in text and "Premiers pas en polonais" in text
        manage_url = re.search(r"http://festival\.test/fr/inscription/gerer/\S+", text).group(0)
        manage = client.get(manage_url.removeprefix("http://festival.test"))
        assert manage.status_code == 200
        assert db.session.query(Booking).count() == 2


def test_field_errors_are_shown_next_to_the_field_in_the_page_language(client, make_event):
    event = make_event()
    db.session.commit()
    response = client.post("/en/inscription", data=form_data([event.id], contact_email="nope"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="contact_email-error"' in html and "This email address is not valid." in html
    assert db.session.query(Registration).count() == 0


def test_a_service_refusal_is_shown_on_its_field(client, register, make_event):
    event = make_event()
    register([event.id], contact_email="benali@example.org")
    response = client.post("/ar/inscription", data=form_data([event.id]))
    assert response.status_code == 409
    assert "مسجل من قبل" in response.get_data(as_text=True)


def test_the_honeypot_writes_nothing(client, make_event):
    event = make_event()
    db.session.commit()
    response = client.post("/fr/inscription", data=form_data([event.id], website="spam"))
    assert response.status_code == 400
    assert db.session.query(Registration).count() == 0


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_the_form_needs_its_csrf_token(self, client, make_event):
        event = make_event()
        db.session.commit()
        assert client.post("/fr/inscription", data=form_data([event.id])).status_code == 400
        assert db.session.query(Registration).count() == 0


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "REGISTRATION_RATE_LIMIT": "2/minute"}

    def test_the_api_is_rate_limited_per_client(self, client, make_event):
        event = make_event(capacity=50)
        db.session.commit()
        codes = [
            client.post("/api/v1/registrations", json=api_body(event.id, n)).status_code
            for n in range(3)
        ]
        assert codes == [201, 201, 429]

    def test_the_form_is_rate_limited_per_client(self, client, make_event):
        event = make_event(capacity=50)
        db.session.commit()
        codes = [
            client.post(
                "/fr/inscription", data=form_data([event.id], contact_email=f"{n}@ex.org")
            ).status_code
            for n in range(3)
        ]
        assert codes == [302, 302, 429]


def api_body(event_id, n=0, **fields):
    body = {
        "contact": {"name": "Ana", "email": f"ana{n}@example.org"},
        "locale": "en",
        "attendees": [{"name": "Ana"}, {"name": "Bo"}],
        "bookings": [event_id],
        "consent": True,
    }
    body.update(fields)
    return body


def test_api_answers_the_contract_shape(client, make_event):
    event = make_event(capacity=2)
    db.session.commit()
    client.post("/api/v1/registrations", json=api_body(event.id, 1))
    response = client.post("/api/v1/registrations", json=api_body(event.id, 2))
    assert response.status_code == 201
    registration = response.json["registration"]
    assert registration["manage_url"].startswith("http://festival.test/en/inscription/gerer/")
    first = registration["attendees"][0]
    assert set(first) >= {"name", "ticket", "bookings"}
    assert first["ticket"]["pdf_url"].startswith("http://festival.test/tickets/")
    assert len(first["ticket"]["short_code"]) == 9 and first["ticket"]["code"]
    assert first["bookings"] == [{"event_id": event.id, "status": "waitlisted", "position": 1}]


def test_an_api_refusal_after_seats_were_taken_writes_nothing(client, make_event):
    # Two items: the first takes its seats, the second is full and the waiting list declined.
    # Whoever sends the next request in the same app context must not commit those seats.
    free = make_event(capacity=5)
    full = make_event(capacity=1, starts_at=free.ends_at + timedelta(hours=2))
    free_id, full_id = free.id, full.id
    db.session.commit()
    assert (
        client.post(
            "/api/v1/registrations", json=api_body(full_id, 1, attendees=[{"name": "A"}])
        ).status_code
        == 201
    )
    refused = client.post(
        "/api/v1/registrations",
        json=api_body(free_id, 2, bookings=[free_id, full_id], waitlist=False),
    )
    assert refused.status_code == 409 and refused.json["error"]["code"] == "event_full"
    assert client.post("/api/v1/registrations", json=api_body(free_id, 3)).status_code == 201
    db.session.expire_all()
    assert db.session.get(type(free), free_id).seats_taken == 2
    from festival.integrity import broken_invariants

    assert broken_invariants() == []


def test_api_group_takes_its_head_count(client, make_event):
    event = make_event(capacity=30)
    db.session.commit()
    body = api_body(event.id, attendees=[], group={"name": "CM2", "size": 24, "adults": 2})
    response = client.post("/api/v1/registrations", json=body)
    assert response.status_code == 201
    assert response.json["registration"]["attendees"][0]["group_size"] == 24


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"contact": "x"}, 400, "validation_error"),
        ({"consent": False}, 400, "validation_error"),
        ({"bookings": [999]}, 404, "unknown_event"),
        ({"attendees": [{"name": "x" * 500}]}, 400, "validation_error"),
    ],
)
def test_api_bad_input_is_a_clear_4xx(client, make_event, body, status, code):
    event = make_event()
    db.session.commit()
    response = client.post("/api/v1/registrations", json=api_body(event.id, **body))
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert db.session.query(Registration).count() == 0


def test_api_refuses_a_body_that_is_not_json(client):
    response = client.post("/api/v1/registrations", data="nope", content_type="text/plain")
    assert response.status_code == 400


def test_openapi_documents_registrations(client):
    document = client.get("/api/v1/openapi.json").json
    assert "/registrations" in document["paths"]
    assert "RegistrationRequest" in document["components"]["schemas"]


def test_manage_page_get_changes_nothing_and_cancel_frees_the_seat(client, register, make_event):
    event = make_event(capacity=1)
    registration = register([event.id])
    waiting = register([event.id])
    url = f"/fr/inscription/gerer/{registration.manage_token}"
    assert client.get(url).status_code == 200
    assert client.get(url).headers["Cache-Control"] == "no-store"
    response = client.post(url + "/annuler", data={"target": str(event.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert waiting.attendees[0].bookings[0].status == "confirmed"


def test_manage_page_books_more_and_changes_language(client, register, make_event):
    a = make_event()
    b = make_event(starts_at=a.ends_at + timedelta(hours=1))
    registration = register([a.id])
    url = f"/fr/inscription/gerer/{registration.manage_token}"
    assert (
        client.post(url + "/reserver", data={"events": [str(b.id)], "waitlist": "y"}).status_code
        == 302
    )
    assert client.post(url + "/langue", data={"locale": "ar"}).status_code == 302
    db.session.expire_all()
    assert registration.locale == "ar"
    assert {bk.event_id for bk in registration.attendees[0].bookings} == {a.id, b.id}


def test_an_unknown_manage_link_is_a_404(client, app):
    assert client.get("/fr/inscription/gerer/" + "x" * 43).status_code == 404


def test_the_form_lists_the_demo_programme_by_day(client, request):
    from festival.programme.models import Event

    pytest.importorskip("festival.programme.demo_data", reason="demo data not merged yet")
    request.getfixturevalue("demo")
    html = client.get("/en/inscription").get_data(as_text=True)
    bookable = db.session.query(Event).filter(Event.capacity.is_not(None)).count()
    assert html.count('name="events"') == bookable > 0
    assert html.count('class="day"') == 2


def test_a_people_error_is_shown_above_the_rows(client, make_event):
    event = make_event()
    db.session.commit()
    data = form_data([event.id], **{"attendees-0": "", "attendees-1": ""})
    response = client.post("/en/inscription", data=data)
    assert response.status_code == 400
    assert "Enter at least one person." in response.get_data(as_text=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL has no such lock
def test_the_form_leaves_the_write_lock_to_others_until_it_writes(
    client, make_event, during_the_first_reads, write_elsewhere
):
    event_id = make_event(capacity=5).id
    db.session.commit()
    # Once the form is valid, just before register writes anything: "database is locked"
    # if the POST held the lock.
    written = []
    during_the_first_reads(lambda: written.append(write_elsewhere()))
    response = client.post("/fr/inscription", data=form_data([event_id]))
    assert response.status_code == 302 and written == [None]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_form_post_takes_the_write_lock_once_accepted_or_refused(
    client, make_event, monkeypatch, database_url
):
    import festival.db

    event_id = make_event(capacity=5).id
    db.session.commit()
    locks = []
    begin_immediate = festival.db._begin_immediate

    def counted(connection):
        locks.append(1)
        begin_immediate(connection)

    monkeypatch.setattr(festival.db, "_begin_immediate", counted)
    # Delivering the email inline (as tests do) takes the lock for its own transactions.
    monkeypatch.setattr("festival.mail.delivery.dispatch", lambda ids: None)
    accepted = client.post("/fr/inscription", data=form_data([event_id]))
    assert accepted.status_code == 302 and len(locks) == 1
    locks.clear()
    refused = client.post("/fr/inscription", data=form_data([event_id]))  # the same email
    assert refused.status_code == 409 and len(locks) == 1


def test_the_form_reads_the_open_items_once(client, make_event):
    from tests.sql_statements import recorded_statements

    make_event(capacity=5)
    db.session.commit()
    client.get("/fr/inscription")  # caches warmed: only the page's own reads below
    for send in (
        lambda: client.get("/fr/inscription"),
        lambda: client.post("/fr/inscription", data={"contact_name": ""}),  # refused: 400
    ):
        with recorded_statements() as statements:
            assert send().status_code in (200, 400)
        assert sum("capacity IS NOT NULL" in s for s in statements) == 1
