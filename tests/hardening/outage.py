"""Fixtures for the outage tests: the app reaches PostgreSQL through a proxy a test can cut.

A test module imports both fixtures (``from tests.hardening.outage import database_url,
proxy``); ``database_url`` overrides the suite's, so the app under test uses the proxy.
"""

import os

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import require_postgresql
from tests.hardening.tcp_proxy import TcpProxy


@pytest.fixture
def proxy():
    url = make_url(require_postgresql())
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def database_url(proxy):
    url = make_url(os.environ["FESTIVAL_TEST_DATABASE_URL"])
    url = url.set(port=proxy.port).update_query_dict({"connect_timeout": "3"})
    return url.render_as_string(hide_password=False)
