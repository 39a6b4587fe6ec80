"""Web security across the real routes: sizes, hosts, emailed links, client IPs, caching, logs."""

import logging
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from festival.extensions import db


def _body(event_id: int, email: str = "ana.kowalska@example.org") -> dict:
    return {
        "contact": {"name": "Ana Kowalska", "email": email, "phone": "0612345678"},
        "attendees": [{"name": "Ana Kowalska"}, {"name": "Jan Kowalski"}],
        "bookings": [event_id],
        "consent": True,
    }


@pytest.fixture
def event_id(app, make_event):
    event_id = make_event(capacity=20).id
    db.session.commit()
    return event_id


def _emails(app) -> list:
    folder = Path(app.instance_path) / "mail"
    return [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


@pytest.mark.parametrize("path", ["/api/v1/registrations", "/fr/inscription"])
def test_bodies_over_the_limit_get_413_on_real_routes(app, client, path):
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    kind = "application/json" if path.startswith("/api") else "application/x-www-form-urlencoded"
    response = client.post(path, data=too_big, content_type=kind)
    assert response.status_code == 413
    if path.startswith("/api"):
        assert response.json["error"]["code"] == "payload_too_large"


def test_emailed_links_come_from_configuration_not_the_host_header(app, client, event_id):
    response = client.post(
        "/api/v1/registrations", json=_body(event_id), headers={"Host": "evil.example"}
    )
    assert response.status_code == 201
    assert response.json["registration"]["manage_url"].startswith("http://festival.test/")
    assert "evil.example" not in response.get_data(as_text=True)
    client.post(
        "/fr/inscription",
        data={
            "contact_name": "Jan",
            "contact_email": "jan@example.org",
            "attendees-0": "Jan",
            "events": str(event_id),
            "consent": "y",
        },
        headers={"Host": "evil.example"},
    )
    emails = _emails(app)
    assert len(emails) == 2
    for email in emails:
        text = email.get_body(preferencelist=("plain",)).get_content()
        assert "http://festival.test/" in text
        assert "evil.example" not in email.as_string()


class TestUntrustedHosts:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "TRUSTED_HOSTS": "festival.test"}

    def test_a_registration_to_another_host_is_refused(self, client, event_id):
        response = client.post(
            "/api/v1/registrations", json=_body(event_id), headers={"Host": "evil.example"}
        )
        assert response.status_code == 400


class TestClientAddresses:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "REGISTRATION_RATE_LIMIT": "2/minute"}

    def test_x_forwarded_for_is_ignored_without_a_configured_proxy(self, client, event_id):
        answers = [
            client.post(
                "/api/v1/registrations",
                json=_body(event_id, f"p{n}@example.org"),
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            ).status_code
            for n in range(3)
        ]
        assert answers == [201, 201, 429]


class TestBehindOneProxy:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "REGISTRATION_RATE_LIMIT": "2/minute",
            "PROXY_COUNT": 1,
        }

    def test_the_proxy_s_client_address_is_the_rate_limit_key(self, client, event_id):
        answers = [
            client.post(
                "/api/v1/registrations",
                json=_body(event_id, f"p{n}@example.org"),
                headers={"X-Forwarded-For": f"198.51.100.7, 203.0.113.{n}"},
            ).status_code
            for n in range(3)
        ]
        assert answers == [201, 201, 201]  # three clients as the proxy saw them


def test_pages_and_answers_with_personal_data_are_not_stored(client, event_id):
    created = client.post("/api/v1/registrations", json=_body(event_id))
    assert created.headers["Cache-Control"] == "no-store"
    manage_url = created.json["registration"]["manage_url"].replace("http://festival.test", "")
    token = manage_url.rstrip("/").rsplit("/", 1)[-1]
    for path in (manage_url, f"/en/inscription/confirmation/{token}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    refused = client.post("/fr/inscription", data={"contact_name": "Ana Kowalska"})
    assert refused.headers["Cache-Control"] == "no-store"  # the form echoes what was typed
    assert "no-store" not in client.get("/fr/").headers.get("Cache-Control", "")


def test_no_personal_data_or_secret_in_logs(app, client, event_id, caplog):
    caplog.set_level(logging.DEBUG)
    created = client.post("/api/v1/registrations", json=_body(event_id))
    token = created.json["registration"]["manage_url"].rstrip("/").rsplit("/", 1)[-1]
    ticket = created.json["registration"]["attendees"][0]["ticket"]
    client.get(f"/fr/inscription/gerer/{token}")
    client.post(f"/fr/inscription/gerer/{token}/annuler", data={"target": str(event_id)})
    client.post("/api/v1/registrations", json=_body(event_id))  # already registered: refused
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (
        "ana.kowalska",
        "Kowalsk",
        "0612345678",
        token,
        ticket["code"],
        ticket["short_code"],
        app.config["SECRET_KEY"],
    ):
        assert secret not in logged, secret


class TestLogsWhenMailFails:
    @pytest.fixture
    def app_config(self, app_config):
        # Nothing listens on port 1: each send fails and is logged for a retry.
        return {
            **app_config,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": 1,
            "MAIL_SUPPRESS_SEND": False,
        }

    def test_a_failed_send_logs_no_address(self, client, event_id, caplog):
        caplog.set_level(logging.DEBUG)
        assert client.post("/api/v1/registrations", json=_body(event_id)).status_code == 201
        assert "not sent" in caplog.text
        assert "ana.kowalska" not in caplog.text
