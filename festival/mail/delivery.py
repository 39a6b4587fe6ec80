"""Deliver outbox messages: claimed by one conditional UPDATE, sent once, retried with backoff.

After a commit, ``dispatch`` queues each new message on RQ (``REDIS_URL`` set); without Redis
it hands them to this process's mail thread (``background``), or delivers them before the
request ends when ``MAIL_DELIVERY`` is ``"inline"`` (tests that read the mail at once).
``deliver`` claims the message with a conditional UPDATE (only one worker
wins a pending message), commits the claim, sends, then marks it sent. A failure puts it
back to pending with a later ``next_attempt_at``; ``deliver_due`` (``flask mail-retry``, or a
cron) sends what is due. A worker that dies after sending but before marking leaves a stale
claim that is retried after ``STALE_CLAIM``: at most one duplicate in that rare case, never a
lost message.
"""

from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, has_app_context
from flask_mail import Message
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from festival.db import READ_ONLY, utcnow
from festival.extensions import db, mail
from festival.mail.models import OutboxMessage, OutboxStatus
from festival.mail.outbox import render

BACKOFF_SECONDS = (30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
STALE_CLAIM = timedelta(minutes=10)
QUEUE_NAME = "mail"
DELIVERY_MODES = ("thread", "inline")


def mail_queue(app):
    """The RQ queue of this app, or None for in-process delivery (no REDIS_URL)."""
    if "mail_queue" not in app.extensions:
        queue = None
        if app.config.get("REDIS_URL"):
            from redis import Redis
            from rq import Queue

            queue = Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))
        app.extensions["mail_queue"] = queue
    return app.extensions["mail_queue"]


def delivery_mode(app) -> str:
    """``MAIL_DELIVERY`` of the app; None means inline under TESTING, a thread otherwise.

    :raises ValueError: an unknown mode (a configuration error, reported in the log).
    """
    mode = app.config.get("MAIL_DELIVERY") or ("inline" if app.testing else "thread")
    if mode not in DELIVERY_MODES:
        raise ValueError(f"MAIL_DELIVERY must be one of {DELIVERY_MODES}, not {mode!r}")
    return mode


def _drain_flag(queue) -> str:
    return f"festival:{queue.name}:drain-queued"


def dispatch(message_ids: list[int]) -> None:
    """Hand freshly committed messages to RQ or to the mail thread, or deliver them now.

    With RQ, one "drain" job delivers every due message; a Redis flag (SET NX) makes a busy
    minute enqueue one job, not one per registration (an RQ enqueue costs ~2 ms, measured
    here; the SET ~0.1 ms). The job clears the flag before it looks for messages, so a
    message committed meanwhile raises the flag again and gets its own job.
    """
    queue = mail_queue(current_app)
    if queue is not None:
        if queue.connection.set(_drain_flag(queue), 1, nx=True, ex=60):
            queue.enqueue(drain_job, queue.name)
        return
    if delivery_mode(current_app) == "thread":
        from festival.mail import background

        background.submit(current_app._get_current_object(), message_ids)
        return
    for message_id in message_ids:
        try:
            deliver(message_id, utcnow())
        except Exception:  # a failed send is recorded and retried; the request succeeded
            current_app.logger.exception("Mail %s not sent; it will be retried", message_id)


_worker_app = None


def _in_app_context(fn, *args):
    global _worker_app
    if has_app_context():
        return fn(*args)
    if _worker_app is None:
        from festival import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        return fn(*args)


def _drain(queue_name: str) -> int:
    queue = mail_queue(current_app)
    if queue is not None:
        queue.connection.delete(_drain_flag(queue))
    return deliver_due(utcnow())


def drain_job(queue_name: str = QUEUE_NAME) -> int:
    """RQ entry point: deliver every message that is due; give how many were sent."""
    return _in_app_context(_drain, queue_name)


def deliver_job(message_id: int) -> None:
    """RQ entry point: deliver one message (raises on failure so RQ shows it)."""
    _in_app_context(deliver, message_id, utcnow())


def _claimable(now: datetime):
    # A message never tried is due at once (its clock may be a test's or another host's).
    due = (OutboxMessage.attempts == 0) | (OutboxMessage.next_attempt_at <= now)
    return or_(
        (OutboxMessage.status == OutboxStatus.PENDING) & due,
        (OutboxMessage.status == OutboxStatus.SENDING)
        & (OutboxMessage.claimed_at < now - STALE_CLAIM),
    )


def _claim(session: Session, message_id: int, now: datetime) -> bool:
    claimable = _claimable(now)
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, claimable)
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def _reader():
    """A session that only reads: on SQLite its deferred BEGIN leaves the write lock free.

    Rendering a confirmation (PDF tickets) takes ~0.1 s of CPU; inside BEGIN IMMEDIATE it
    would hold every registration of every process back for that long.
    """
    return Session(db.engine.execution_options(**{READ_ONLY: True}))


def deliver(message_id: int, now: datetime) -> bool:
    """Send one message if it is due and nobody else holds it; True when this call sent it.

    Three short transactions: claim (write), render (read only), mark sent (write).

    :raises Exception: whatever rendering or sending raised, after recording the failure.
    """
    with Session(db.engine) as session:
        if not _claim(session, message_id, now):
            return False
    try:
        with _reader() as reader:
            message = reader.get(OutboxMessage, message_id)
            # Detached with its columns loaded: whatever rendering does to the session (a
            # rollback, say) cannot expire what send reads afterwards.
            reader.expunge(message)
            content = render(message, reader)
        send(message, content)
    except Exception as error:
        _record_failure(message_id, error, now)
        raise
    with Session(db.engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=OutboxStatus.SENT, sent_at=utcnow(), last_error=None)
        )
        session.commit()
    return True


def _record_failure(message_id: int, error: Exception, now) -> None:
    with Session(db.engine) as session:
        message = session.get(OutboxMessage, message_id)
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
        else:
            message.status = OutboxStatus.PENDING
            delay = BACKOFF_SECONDS[min(message.attempts, len(BACKOFF_SECONDS)) - 1]
            message.next_attempt_at = now + timedelta(seconds=delay)
        session.commit()


def deliver_due(now: datetime, limit: int = 500) -> int:
    """Send every message that is due (new, past its backoff, or a stale claim)."""
    with Session(db.engine) as session:
        ids = session.scalars(
            select(OutboxMessage.id).where(_claimable(now)).order_by(OutboxMessage.id).limit(limit)
        ).all()
    sent = 0
    for message_id in ids:
        try:
            sent += deliver(message_id, now)
        except Exception:
            current_app.logger.warning("Mail %s failed again; retried later", message_id)
    return sent


def send(message: OutboxMessage, content) -> None:
    """Send through SMTP when MAIL_SERVER is set, else write an .eml file in instance/mail/."""
    config = current_app.config
    email = Message(
        subject=content.subject,
        recipients=[message.recipient],
        body=content.text,
        html=content.html,
        sender=config["MAIL_DEFAULT_SENDER"],
    )
    # A stable Message-ID lets a mail client drop the rare duplicate (see module docstring).
    email.msgId = f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@meltingpotch>"
    for attachment in content.attachments:
        email.attach(attachment.filename, attachment.content_type, attachment.data)
    if config.get("MAIL_SERVER"):
        mail.send(email)
        return
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message.created_at:%Y%m%d-%H%M%S}-{message.id:06d}-{message.kind}.eml"
    path.write_bytes(email.as_bytes())
