"""Outbox delivery: real SMTP on loopback, retries, exactly once, .eml files, RQ."""

import os
import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from festival import create_app
from festival.extensions import db
from festival.mail import background, delivery
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
        "MAIL_DELIVERY": "inline",  # these tests read the inbox right after the commit
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


class TestMailThread:
    """Without Redis, outside tests: one background thread per process delivers."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "MAIL_DELIVERY": "thread"}

    @pytest.fixture(autouse=True)
    def _settled(self, app):
        yield
        assert background.wait_idle(timeout=30)  # before the database goes away

    def _post(self, client, event_id, email):
        body = {
            "contact": {"name": "Ana", "email": email},
            "attendees": [{"name": "A"}],
            "bookings": [event_id],
            "consent": True,
        }
        return client.post("/api/v1/registrations", json=body)

    def test_the_request_does_not_send_the_thread_does_once(self, app, client, inbox, make_event):
        event = make_event()
        db.session.commit()
        started = threading.Event()
        release = threading.Event()
        sends = []
        real_send = delivery.send

        def slow_send(message, content):
            started.set()
            release.wait(10)  # the mail thread is stuck: the response must not wait for it
            sends.append(threading.current_thread().name)
            real_send(message, content)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(delivery, "send", slow_send)
            assert self._post(client, event.id, "ana@example.org").status_code == 201
            assert started.wait(10)
            assert inbox.messages == []
            release.set()
            assert background.wait_idle(timeout=30)
        assert sends == ["festival-mail"]
        assert [m["To"] for m in inbox.messages] == ["ana@example.org"]
        db.session.expire_all()
        assert db.session.query(OutboxMessage).one().status == "sent"
        # Exactly once: the claim refuses a second delivery of the sent message.
        message = db.session.query(OutboxMessage).one()
        message_id, created_at = message.id, message.created_at
        db.session.rollback()  # our read holds SQLite's write lock (BEGIN IMMEDIATE)
        assert delivery.deliver(message_id, created_at + timedelta(hours=1)) is False
        assert len(inbox.messages) == 1

    def test_a_failed_send_stays_pending_for_the_retry(self, app, client, make_event):
        event = make_event()
        db.session.commit()
        assert self._post(client, event.id, "ana@example.org").status_code == 201
        assert background.wait_idle(timeout=30)  # no SMTP server listens: the send fails
        db.session.expire_all()
        message = db.session.query(OutboxMessage).one()
        assert (message.status, message.attempts) == ("pending", 1)

    def test_a_forked_child_starts_its_own_thread(self, app, client, inbox, make_event):
        event = make_event()
        db.session.commit()
        assert self._post(client, event.id, "ana@example.org").status_code == 201
        assert background.wait_idle(timeout=30)
        db.engine.dispose()  # a forked child must not share the parent's connections
        pid = os.fork()
        if pid == 0:  # the child: as a gunicorn worker forked from a parent that sent mail
            code = 1
            try:
                with app.app_context():
                    sent = self._post(client, event.id, "bo@example.org").status_code == 201
                    code = 0 if sent and background.wait_idle(timeout=30) else 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert sorted(m["To"] for m in inbox.messages) == ["ana@example.org", "bo@example.org"]

    def test_exit_waits_a_bounded_time_and_leaves_the_rest_pending(self, app, make_event):
        release = threading.Event()
        app.config["MAIL_EXIT_WAIT_SECONDS"] = 0.2
        background.submit(app, [])  # the thread exists; now block it
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(delivery, "deliver", lambda *args: release.wait(10))
            background.submit(app, [1])
            started = time.monotonic()
            try:
                background._drain_at_exit()
                assert 0.15 < time.monotonic() - started < 5
            finally:
                release.set()
                assert background.wait_idle(timeout=30)
                background._current().hurry = False  # the process goes on in this test run

    def test_requests_in_flight_go_first_within_the_max_delay(self, app, monkeypatch):
        delivered = []
        monkeypatch.setattr(delivery, "deliver", lambda message_id, now: delivered.append(1))
        background.submit(app, [])
        assert background.wait_idle(timeout=5)
        sender = background._current()
        sender.request_activity(+1)  # a request is being served
        try:
            background.submit(app, [1])
            time.sleep(0.3)
            assert delivered == []  # the render would steal the GIL from the request
        finally:
            sender.request_activity(-1)
        assert background.wait_idle(timeout=5)
        assert delivered == [1]

        app.config["MAIL_MAX_DELAY_SECONDS"] = 0.2
        sender.request_activity(+1)  # busy for good: the delay bounds the wait
        try:
            background.submit(app, [2])
            assert background.wait_idle(timeout=5)
        finally:
            sender.request_activity(-1)
        assert delivered == [1, 1]


def test_an_unknown_delivery_mode_stops_the_app_at_start(app_config):
    # At start, not at the first email: after a commit the error would only reach the log.
    with pytest.raises(ValueError, match="MAIL_DELIVERY"):
        create_app({**app_config, "MAIL_DELIVERY": "carrier-pigeon"})


def test_messages_queued_in_savepoints_leave_once_with_the_enclosing_commit(app, monkeypatch):
    from festival.db import utcnow
    from festival.mail.outbox import enqueue
    from festival.registration.notices import CONFIRMED

    dispatched = []
    monkeypatch.setattr(delivery, "dispatch", dispatched.append)

    def queue(recipient):
        return enqueue(CONFIRMED, recipient, "fr", {"registration_id": 0}, utcnow()).id

    before = queue("before@example.org")
    released = db.session.begin_nested()
    kept = queue("kept@example.org")
    released.commit()
    assert dispatched == []  # releasing a savepoint is not the commit
    dropped = db.session.begin_nested()
    queue("dropped@example.org")
    dropped.rollback()
    db.session.commit()
    assert dispatched == [[before, kept]]
