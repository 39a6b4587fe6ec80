"""Staff sign-in: login, redirects, logout and disabling end every session, rate limits."""

import re

import pytest

from festival.accounts.services import disable_user
from festival.extensions import db

PASSWORD = "correct horse battery"


def _login(client, email="volunteer@example.org", password=PASSWORD, lang="fr", **query):
    return client.post(
        f"/{lang}/login", data={"email": email, "password": password}, query_string=query
    )


@pytest.fixture
def volunteer(make_user):
    return make_user("volunteer@example.org", "volunteer")


@pytest.mark.parametrize(
    "lang, button", [("fr", "Se connecter"), ("en", "Sign in"), ("ar", "تسجيل الدخول")]
)
def test_login_page_in_each_language(client, app, lang, button):
    page = client.get(f"/{lang}/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'lang="{lang}"' in html and button in html


def test_plain_login_redirects_to_a_language(client, app):
    response = client.get("/login?next=/scan", headers={"Accept-Language": "ar"})
    assert response.status_code == 302 and response.location.startswith("/ar/login")


def test_volunteer_lands_on_the_scanner(client, volunteer):
    response = _login(client)
    assert response.status_code == 302 and response.location == "/scan"


def test_next_must_stay_on_the_site(client, volunteer):
    assert _login(client, next="//evil.example/x").location == "/scan"
    assert _login(client, next="https://evil.example/x").location == "/scan"


def test_wrong_password_is_refused(client, volunteer):
    response = _login(client, password="wrong password!")
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


def _signed_in(client) -> bool:
    return client.get("/api/v1/checkpoints").status_code == 200


def test_session_authenticates_the_api(client, volunteer):
    assert not _signed_in(client)
    _login(client)
    assert _signed_in(client)


def test_logout_ends_every_session_of_the_account(app, volunteer):
    phone, laptop = app.test_client(), app.test_client()
    _login(phone)
    _login(laptop)
    phone.post("/fr/logout")
    assert not _signed_in(phone)
    assert not _signed_in(laptop)


def test_disabling_ends_sessions_and_refuses_login(client, volunteer):
    _login(client)
    disable_user("volunteer@example.org")
    db.session.commit()
    assert not _signed_in(client)
    assert _login(client).status_code == 400


def test_cli_create_user_and_token(runner, app):
    result = runner.invoke(
        args=[
            "create-user",
            "orga@example.org",
            "--role",
            "organiser",
            "--password",
            "a long password",
        ]
    )
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["create-token", "orga@example.org"]).output.strip()
    assert len(token) >= 40


class TestWithProtections:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "FORCE_HTTPS": True,
        }

    def _csrf(self, client) -> str:
        page = client.get("/fr/login").get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def _post(self, client, password=PASSWORD):
        data = {
            "email": "volunteer@example.org",
            "password": password,
            "csrf_token": self._csrf(client),
        }
        return client.post("/fr/login", data=data)

    def test_login_is_rate_limited_per_email(self, client, volunteer):
        statuses = [self._post(client, "wrong password!").status_code for _ in range(6)]
        assert statuses == [400] * 5 + [429], statuses

    def test_session_cookie_flags(self, client, volunteer):
        response = self._post(client)
        assert response.status_code == 302
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie

    def test_session_post_to_the_api_needs_the_csrf_header(self, app, client, volunteer, login_as):
        login_as(volunteer)
        refused = client.post("/api/v1/checkins", json={}, base_url="https://localhost")
        assert refused.status_code == 403
        assert refused.json["error"]["code"] == "csrf_failed"

    def test_session_post_with_the_csrf_header_is_let_through(self, client, volunteer):
        base = "https://localhost"
        page = client.get("/fr/login", base_url=base).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"email": volunteer.email, "password": PASSWORD, "csrf_token": token}
        referer = {"Referer": f"{base}/fr/login"}  # Flask-WTF checks it over HTTPS
        assert (
            client.post("/fr/login", data=data, base_url=base, headers=referer).status_code == 302
        )
        answer = client.post(
            "/api/v1/checkins", json={}, base_url=base, headers={"X-CSRFToken": token}
        )
        assert answer.status_code == 400  # past authentication, refused for its empty body
