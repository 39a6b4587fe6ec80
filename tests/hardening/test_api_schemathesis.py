"""Every operation of /api/v1/openapi.json under generated hostile input, through the WSGI app.

Zero answers of 500 or above; every 4xx is JSON ``{"error": {"code", "message"}}``.
``FESTIVAL_SCHEMATHESIS_EXAMPLES`` sets the cases per operation (CI: .ci/run): half valid
(schema-conforming: they reach the services), half invalid (they must be refused cleanly).
Schemathesis' pytest plugin does not load under pytest 9, so the operations are driven by hand
with their Hypothesis strategies.
"""

import os
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

EXAMPLES = int(os.environ.get("FESTIVAL_SCHEMATHESIS_EXAMPLES", "100"))
pytestmark = pytest.mark.slow


@pytest.fixture
def database_url(tmp_path):
    # The API's rules are the same on both engines (their own tests say so): SQLite keeps CI
    # within its time.
    return f"sqlite:///{tmp_path / 'schemathesis.sqlite3'}"


def _check(case) -> int:
    response = case.call()
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
    if 400 <= response.status_code < 500:
        error = response.json()["error"]
        assert isinstance(error["code"], str) and error["code"], response.text
        assert isinstance(error["message"], str) and error["message"], response.text
    return response.status_code


def _run(operation, mode: GenerationMode) -> Counter:
    statuses = Counter()

    @settings(
        max_examples=max(1, EXAMPLES // 2),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        statuses[_check(case)] += 1

    run()
    return statuses


def test_every_api_operation_never_fails_and_explains_every_refusal(app, demo):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    report = []
    for operation in operations:
        for mode in GenerationMode:
            started = time.monotonic()
            cases = _run(operation, mode)
            report.append(
                f"{operation.label} {mode.value}: {cases} cases, {time.monotonic() - started:.1f} s"
            )
    print("\n" + "\n".join(report))


def test_registrations_with_real_items_and_hostile_text_never_fail(app, demo, client):
    """Schema-valid bodies rarely name a real item: these do, with any Unicode in every field."""
    from hypothesis import strategies as st

    from festival.extensions import db
    from festival.programme.models import Event

    event_ids = db.session.scalars(db.select(Event.id).where(Event.booking_required)).all()
    assert event_ids
    text = st.one_of(st.sampled_from(["Ana Kowalska", "محمد بن علي", "Zoë"]), st.text(max_size=130))
    body = st.fixed_dictionaries(
        {
            "contact": st.fixed_dictionaries(
                {"name": text, "email": st.one_of(st.emails(), st.emails(), text)},
                optional={"phone": text, "postal_code": text},
            ),
            "attendees": st.lists(st.fixed_dictionaries({"name": text}), min_size=1, max_size=12),
            "bookings": st.lists(st.sampled_from(event_ids), min_size=1, max_size=4),
            "consent": st.sampled_from([True, True, True, False, "yes"]),
        },
        optional={"locale": st.sampled_from(["fr", "en", "ar", "xx"]), "waitlist": st.booleans()},
    )
    statuses = Counter()

    @settings(
        max_examples=max(1, EXAMPLES // 2),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(body=body)
    def run(body):
        response = client.post("/api/v1/registrations", json=body)
        statuses[response.status_code, (response.json.get("error") or {}).get("code")] += 1
        assert response.status_code < 500, (body, response.text[:500])
        if response.status_code >= 400:
            assert response.json["error"]["code"]
            assert response.json["error"]["message"]

    run()
    print(f"\nPOST /registrations hand-made: {dict(statuses)}")
    assert statuses[201, None] > 0
    from festival.integrity import broken_invariants

    assert broken_invariants() == []
