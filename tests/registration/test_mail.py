"""Outbox delivery: real SMTP on loopback, retries, exactly once, .eml files, RQ."""

import os
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from festival.extensions import db
from festival.mail import delivery
from festival.mail.models import OutboxMessage
from festival.mail.outbox import Attachment, add_attachments

REDIS_URL = os.environ.get("FESTIVAL_TEST_REDIS_URL")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def app_config(app_config, smtp_port):
    # Flask-Mail suppresses sending under TESTING unless told otherwise.
    return {
        **app_config,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_SUPPRESS_SEND": False,
    }


@pytest.fixture
def inbox(smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_confirmation_reaches_a_real_smtp_server_in_the_attendee_language(
    inbox, register, make_event
):
    event = make_event()
    registration = register([event.id], contact_email="ana@example.org", locale="en")
    (message,) = inbox.messages
    assert message["To"] == "ana@example.org"
    assert "registration" in message["Subject"].lower()
    assert registration.manage_token in body_of(message)
    assert db.session.query(OutboxMessage).one().status == "sent"


def test_a_failed_send_is_retried_later_and_sent_once(smtp_port, register, make_event, now):
    register([make_event().id])  # no SMTP server listening yet: the send fails
    message = db.session.query(OutboxMessage).one()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error
    later = message.next_attempt_at + timedelta(seconds=1)
    db.session.rollback()  # end our read: on SQLite it holds the write lock (BEGIN IMMEDIATE)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert delivery.deliver_due(later) == 1
        assert delivery.deliver_due(later + timedelta(hours=1)) == 0
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    db.session.expire_all()
    assert db.session.query(OutboxMessage).one().status == "sent"


def test_a_claimed_message_is_not_sent_twice(inbox, register, make_event):
    register([make_event().id])
    message = db.session.query(OutboxMessage).one()
    message_id, created_at = message.id, message.created_at
    db.session.rollback()
    assert delivery.deliver(message_id, created_at + timedelta(minutes=1)) is False
    assert len(inbox.messages) == 1


def test_a_rolled_back_registration_sends_nothing(inbox, make_input, make_event, now):
    from festival.registration.services import register

    register(make_input([make_event().id]), now)
    db.session.rollback()
    assert inbox.messages == []


def test_attachment_hooks_add_files_to_a_kind(inbox, register, make_event, monkeypatch):
    from festival.mail import outbox

    monkeypatch.setattr(outbox, "ATTACHMENT_HOOKS", {})
    add_attachments(
        "registration_confirmed",
        lambda payload, locale, session: [Attachment("billets.pdf", "application/pdf", b"%PDF")],
    )
    register([make_event().id])
    (message,) = inbox.messages
    (part,) = list(message.iter_attachments())
    assert part.get_filename() == "billets.pdf"


def test_promotion_email_reaches_the_promoted_person(inbox, register, make_event, now):
    from festival.registration.services import cancel_registration

    event = make_event(capacity=1)
    first = register([event.id])
    register([event.id], contact_email="bo@example.org", locale="ar")
    cancel_registration(first, now)
    db.session.commit()
    promoted = [m for m in inbox.messages if m["To"] == "bo@example.org"][-1]
    assert "مكان" in promoted["Subject"] or "place" in promoted["Subject"]


class TestWithoutSmtp:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "MAIL_SERVER": None}

    def test_messages_become_eml_files_in_the_instance_folder(self, app, register, make_event):
        from pathlib import Path

        registration = register([make_event().id], contact_email="ana@example.org")
        (path,) = (Path(app.instance_path) / "mail").glob("*.eml")
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert message["To"] == "ana@example.org"
        assert registration.manage_token in body_of(message)

    def test_rq_queue_delivers_after_commit(self, app, register, make_event):
        from fakeredis import FakeStrictRedis
        from rq import Queue

        app.extensions["mail_queue"] = Queue(is_async=False, connection=FakeStrictRedis())
        register([make_event().id])
        assert db.session.query(OutboxMessage).one().status == "sent"

    def test_real_redis_queue_and_worker(self, app, register, make_event):
        if not REDIS_URL:
            if os.environ.get("CI"):
                pytest.fail("FESTIVAL_TEST_REDIS_URL is not set (CI must run the Redis test)")
            pytest.skip("FESTIVAL_TEST_REDIS_URL is not set: real Redis test not run")
        from redis import Redis
        from rq import Queue, SimpleWorker

        connection = Redis.from_url(REDIS_URL)
        queue = Queue(f"mail-test-{os.getpid()}", connection=connection)
        queue.empty()
        app.extensions["mail_queue"] = queue
        register([make_event().id])
        assert db.session.query(OutboxMessage).one().status == "pending"
        db.session.rollback()
        SimpleWorker([queue], connection=connection).work(burst=True)
        db.session.expire_all()
        assert db.session.query(OutboxMessage).one().status == "sent"
        queue.delete(delete_jobs=True)


def test_mail_retry_command_sends_what_is_due(runner, register, make_event):
    register([make_event().id])
    db.session.rollback()
    result = runner.invoke(args=["mail-retry"])
    assert result.exit_code == 0, result.output
    assert "email(s) sent" in result.output


def test_a_broken_queue_does_not_fail_the_committed_registration(app, client, make_event):
    class BrokenQueue:
        name = "mail"

        @property
        def connection(self):
            raise ConnectionError("Redis is down")

    event = make_event()
    db.session.commit()
    app.extensions["mail_queue"] = BrokenQueue()
    body = {
        "contact": {"name": "Ana", "email": "ana@example.org"},
        "attendees": [{"name": "A"}],
        "bookings": [event.id],
        "consent": True,
    }
    assert client.post("/api/v1/registrations", json=body).status_code == 201
    assert db.session.query(OutboxMessage).one().status == "pending"
