"""SMTP down for an hour: the outbox retries with backoff; afterwards each email leaves once.

Time is simulated (``deliver_due(now)`` every simulated minute) rather than slept.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from festival.extensions import db
from festival.mail import delivery
from festival.mail.models import OutboxMessage, OutboxStatus
from festival.registration.inputs import RegistrationInput
from festival.registration.services import register
from tests.registration.test_mail import Inbox, free_port

pytestmark = pytest.mark.slow
PEOPLE = 5


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def app_config(app_config, smtp_port):
    return {
        **app_config,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_DELIVERY": "inline",  # these tests read the inbox right after the commit
    }


def _minutes(start: datetime, count: int):
    return (start + timedelta(minutes=m) for m in range(1, count + 1))


def test_smtp_down_for_an_hour_then_every_email_leaves_exactly_once(app, smtp_port, make_event):
    event_id = make_event(capacity=50).id
    db.session.commit()
    start = datetime.now(UTC)  # inline delivery after commit uses the real clock
    for n in range(PEOPLE):
        data = RegistrationInput(
            contact_name=f"Personne {n}",
            contact_email=f"p{n}@example.org",
            event_ids=[event_id],
            consent=True,
            attendees=[f"Personne {n}"],
        )
        register(data, start)
        db.session.commit()  # nothing listens on the SMTP port: each first send fails
    db.session.rollback()

    outage_end = start + timedelta(hours=1)
    for tick in _minutes(start, 60):
        delivery.deliver_due(tick)
    db.session.expire_all()
    messages = db.session.query(OutboxMessage).all()
    assert len(messages) == PEOPLE
    for message in messages:
        # 1 + retries after 30 s, 2 min, 10 min and 30 min: five tries within the hour.
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, 5)
        assert message.next_attempt_at > outage_end
    db.session.rollback()

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        sent = sum(delivery.deliver_due(tick) for tick in _minutes(outage_end, 24 * 60))
    finally:
        controller.stop()
    assert sent == PEOPLE
    assert Counter(m["To"] for m in inbox.messages) == {
        f"p{n}@example.org": 1 for n in range(PEOPLE)
    }
    db.session.expire_all()
    assert {m.status for m in db.session.query(OutboxMessage)} == {OutboxStatus.SENT}
