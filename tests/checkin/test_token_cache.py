"""The per-worker token cache: a revoked token or a disabled account stops within its TTL."""

from datetime import timedelta

from festival.accounts import api_auth
from festival.accounts.models import ApiToken, User
from festival.extensions import db


class _Clock:
    def __init__(self):
        self.value = 1000.0

    def __call__(self):
        return self.value


def _use(api):
    return api("GET", "/checkpoints").status_code


def _cached_clock(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(api_auth, "_clock", clock)
    return clock


def test_revoked_token_is_refused_once_the_cache_entry_ends(api, fest, monkeypatch, now):
    clock = _cached_clock(monkeypatch)
    assert _use(api) == 200
    db.session.scalar(db.select(ApiToken)).revoked_at = now
    db.session.commit()
    assert _use(api) == 200  # still within the few seconds the worker trusts what it read
    clock.value += api_auth.TOKEN_CACHE_SECONDS + 0.1
    assert _use(api) == 401


def test_disabled_account_is_refused_once_the_cache_entry_ends(api, fest, monkeypatch):
    clock = _cached_clock(monkeypatch)
    assert _use(api) == 200
    db.session.scalar(db.select(User)).is_enabled = False
    db.session.commit()
    clock.value += api_auth.TOKEN_CACHE_SECONDS + 0.1
    assert _use(api) == 401


def test_expiry_is_checked_on_every_request_even_when_cached(api, fest, monkeypatch, now):
    _cached_clock(monkeypatch)  # the cache clock stands still: the entry never ends here
    db.session.scalar(db.select(ApiToken)).expires_at = now + timedelta(minutes=1)
    db.session.commit()
    assert _use(api) == 200
    monkeypatch.setattr(api_auth, "utcnow", lambda: now + timedelta(minutes=2))
    assert _use(api) == 401
