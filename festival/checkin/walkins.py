"""Visitors with no ticket: a quick registration at the door, or the "+1" counter."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.checkin.models import Checkpoint, CheckpointTally, WalkIn, quarter_of
from festival.checkin.sql import add_to_tally, insert_for
from festival.errors import NotFoundError, ValidationError
from festival.extensions import db
from festival.programme.models import Edition
from festival.registration.models import Attendee, Registration

MAX_WALK_IN_PEOPLE = 60


@dataclass(frozen=True)
class WalkInRequest:
    checkpoint_id: int
    nonce: str
    people: int = 1
    name: str = ""
    postal_code: str = ""
    user_id: int | None = None
    device_id: int | None = None


def record_walk_in(request: WalkInRequest, now: datetime) -> dict:
    """Count (and, given a name, register) walk-ins; a repeated nonce counts nothing.

    :raises: unknown_checkpoint (404), validation_error (people)
    """
    checkpoint = db.session.get(Checkpoint, request.checkpoint_id)
    if checkpoint is None:
        raise NotFoundError(_l("Ce point de contrôle n'existe pas."), code="unknown_checkpoint")
    if not 1 <= request.people <= MAX_WALK_IN_PEOPLE:
        raise ValidationError(_l("Le nombre de personnes doit aller de 1 à 60."), field="people")
    edition = db.session.get(Edition, checkpoint.edition_id)
    day = now.astimezone(ZoneInfo(edition.timezone)).date()
    walk_in_id = db.session.execute(
        insert_for(WalkIn)
        .values(
            nonce=request.nonce,
            checkpoint_id=checkpoint.id,
            people=request.people,
            device_id=request.device_id,
            user_id=request.user_id,
            at=now,
        )
        .on_conflict_do_nothing(index_elements=[WalkIn.nonce])
        .returning(WalkIn.id)
    ).scalar()
    if walk_in_id is not None:
        if request.name:
            _register(request, edition.id, walk_in_id, now)
        add_to_tally(checkpoint.id, day, walk_ins=request.people, quarter=quarter_of(now))
    today = db.session.scalar(
        select(CheckpointTally.walk_ins).where(
            CheckpointTally.checkpoint_id == checkpoint.id, CheckpointTally.day == day
        )
    )
    return {"result": "ok", "people": request.people, "walk_ins_today": today or 0}


def _register(request: WalkInRequest, edition_id: int, walk_in_id: int, now: datetime) -> None:
    registration = Registration(
        edition_id=edition_id,
        contact_name=request.name,
        contact_email="",
        postal_code=request.postal_code or None,
        manage_token=secrets.token_urlsafe(32),
        is_walk_in=True,
        created_at=now,
        group_name=request.name if request.people > 1 else None,
    )
    registration.attendees.append(Attendee(name=request.name, group_size=request.people))
    db.session.add(registration)
    db.session.flush()
    db.session.get(WalkIn, walk_in_id).registration_id = registration.id
    db.session.flush()
