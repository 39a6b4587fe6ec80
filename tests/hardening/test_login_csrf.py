"""Login CSRF: a sign-in form posted without this session's token signs nobody in.

Login CSRF signs a victim into the attacker's account (what the victim then scans or types is
recorded under it), so the sign-in form needs its token like every other form. Each refusal is a
400 in the page's language, and the session it leaves is not authenticated.
"""

import re

import pytest

PASSWORD = "correct horse battery"
BASE = "https://localhost"  # Flask-WTF checks the Referer over HTTPS: test the strict case
# The refusal, in each interface language (festival/accounts/translations).
REFUSED = {
    "fr": "Le formulaire a expiré",
    "en": "The form has expired",
    "ar": "انتهت صلاحية النموذج",
}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True, "FORCE_HTTPS": True}


@pytest.fixture
def volunteer(make_user):
    return make_user("volunteer@example.org", "volunteer", PASSWORD)


def _token(client, lang="fr") -> str:
    page = client.get(f"/{lang}/login", base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _post(client, lang, token):
    data = {"email": "volunteer@example.org", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    return client.post(
        f"/{lang}/login", data=data, base_url=BASE, headers={"Referer": f"{BASE}/{lang}/login"}
    )


def _authenticated(client) -> bool:
    """Whether the client's session cookie signs it in (the API answers signed-in sessions)."""
    with client.session_transaction(base_url=BASE) as session:
        signed_in = "_user_id" in session
    api = client.get("/api/v1/checkpoints", base_url=BASE).status_code
    return signed_in or api == 200


def _forged(client, lang) -> str:
    _token(client, lang)  # the session has a token of its own, the form carries another
    return "IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIg.ZZZZZZ.forgedforgedforgedforged"


def _from_another_session(app, lang) -> str:
    return _token(app.test_client(), lang)


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
@pytest.mark.parametrize("case", ["missing", "forged", "another_session"])
def test_login_without_this_sessions_token_is_refused(app, client, volunteer, lang, case):
    if case == "missing":
        _token(client, lang)
        token = None
    elif case == "forged":
        token = _forged(client, lang)
    else:
        token = _from_another_session(app, lang)
    response = _post(client, lang, token)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'lang="{lang}"' in html
    assert REFUSED[lang] in html
    assert not _authenticated(client)
    # The refusal shows the form again with a fresh token, so the person can simply retry.
    assert 'name="csrf_token"' in html


def test_the_same_post_with_this_sessions_token_signs_in(client, volunteer):
    """The control: the refusals above are about the token, not the credentials."""
    response = _post(client, "fr", _token(client, "fr"))
    assert response.status_code == 302
    assert _authenticated(client)


def test_a_token_from_another_session_does_not_sign_that_session_in(app, client, volunteer):
    """The attacker's own session, whose token was used, is not signed in either."""
    attacker = app.test_client()
    token = _token(attacker, "fr")
    assert _post(client, "fr", token).status_code == 400
    assert not _authenticated(client)
    assert not _authenticated(attacker)
