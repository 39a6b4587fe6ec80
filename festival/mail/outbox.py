"""Write emails to the outbox in the caller's transaction; hand them to delivery after commit.

A feature queues a message with ``enqueue(kind, recipient, locale, payload, now)`` and
registers, once, how that kind is rendered (``@renderer("kind")``). The outbox stores
references (ids) in ``payload``, not copies of personal data; the message is rendered at
delivery time. Other features add attachments to a kind with ``add_attachments(kind, fn)``
(the tickets feature attaches the PDF tickets to ``registration_confirmed``).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from festival.extensions import db
from festival.loaded_inserts import insert_as_loaded
from festival.mail.models import OutboxMessage, OutboxStatus

_PENDING_KEY = "outbox_pending"


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class MailContent:
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


# kind -> fn(payload: dict, locale: str, session: Session) -> MailContent
RENDERERS: dict[str, Callable[[dict, str, Session], MailContent]] = {}
# kind -> [fn(payload: dict, locale: str, session: Session) -> list[Attachment]]
ATTACHMENT_HOOKS: dict[str, list[Callable[[dict, str, Session], list[Attachment]]]] = {}


def renderer(kind: str):
    """Register the function that renders messages of ``kind``."""

    def decorate(fn):
        RENDERERS[kind] = fn
        return fn

    return decorate


def add_attachments(kind: str, fn: Callable[[dict, str, Session], list[Attachment]]) -> None:
    """Attach what ``fn`` returns to every message of ``kind`` (called at delivery time)."""
    hooks = ATTACHMENT_HOOKS.setdefault(kind, [])
    if fn not in hooks:
        hooks.append(fn)


def render(message: OutboxMessage, session: Session) -> MailContent:
    payload = json.loads(message.payload_json)
    content = RENDERERS[message.kind](payload, message.locale, session)
    for hook in ATTACHMENT_HOOKS.get(message.kind, ()):
        content.attachments.extend(hook(payload, message.locale, session))
    return content


def enqueue(kind: str, recipient: str, locale: str, payload: dict, now: datetime) -> OutboxMessage:
    """Queue a message in the current transaction; it is delivered once that commits."""
    if kind not in RENDERERS:
        raise KeyError(f"no renderer for mail kind {kind!r}")
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        locale=locale,
        payload_json=json.dumps(payload, sort_keys=True),
        status=OutboxStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
    )
    # One INSERT, not a unit of work at the next flush; _after_commit reads the id from the
    # object's identity.
    insert_as_loaded(db.session(), [message])
    db.session.info.setdefault(_PENDING_KEY, []).append(message)
    return message


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released: its messages leave with the enclosing commit
    messages = session.info.pop(_PENDING_KEY, None)
    # The identity survives the commit's expiry (reading .id would need SQL, not allowed here).
    ids = [inspect(m).identity[0] for m in messages or () if inspect(m).identity]
    if ids:
        from flask import current_app

        from festival.mail.delivery import dispatch

        try:
            dispatch(ids)
        except Exception:  # Redis down, say: what was committed stands; mail-retry sends it
            current_app.logger.exception("Mail %s queued in the outbox only", ids)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    # A savepoint's rollback makes its own messages transient (festival.loaded_inserts), and
    # _after_commit skips those; the messages queued before it still leave.
    if not previous_transaction.nested:
        session.info.pop(_PENDING_KEY, None)


# Importing the outbox is enough to deliver after commit: every feature that queues mail
# imports this module first.
event.listen(db.session, "after_commit", _after_commit)
event.listen(db.session, "after_soft_rollback", _after_soft_rollback)
