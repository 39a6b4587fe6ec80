"""Undo a scan within a few minutes: reverse exactly what it changed, and keep it logged."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from festival.checkin.models import Admission, Checkpoint, Scan
from festival.checkin.sql import add_to_tally
from festival.errors import ConflictError, DomainError, NotFoundError
from festival.extensions import db
from festival.programme.models import Edition


def undo_scan(nonce: str, user, now: datetime, undo_minutes: int) -> Scan:
    """Undo the scan sent with ``nonce``; undoing twice is harmless.

    :raises: unknown_scan (404), forbidden (403: someone else's scan), too_late (409)
    """
    scan = db.session.scalar(select(Scan).where(Scan.nonce == nonce))
    if scan is None:
        raise NotFoundError(_l("Ce passage est inconnu."), code="unknown_scan")
    if scan.undone_at is not None:
        return scan
    if scan.user_id != user.id and not user.is_organiser:
        raise DomainError(
            _l("Seul le bénévole qui a scanné peut annuler."), code="forbidden", status=403
        )
    if now - scan.recorded_at > timedelta(minutes=undo_minutes):
        raise ConflictError(_l("Trop tard pour annuler ce passage."), code="too_late")
    claimed = db.session.execute(
        update(Scan)
        .where(Scan.id == scan.id, Scan.undone_at.is_(None))
        .values(undone_at=now, undone_by_id=user.id)
    ).rowcount
    if claimed and scan.effect:
        _reverse(scan)
    db.session.refresh(scan)
    return scan


def _reverse(scan: Scan) -> None:
    checkpoint = db.session.get(Checkpoint, scan.checkpoint_id)
    edition = db.session.get(Edition, checkpoint.edition_id)
    day = scan.scanned_at.astimezone(ZoneInfo(edition.timezone)).date()
    key = (
        Admission.ticket_id == scan.ticket_id,
        Admission.checkpoint_id == scan.checkpoint_id,
        Admission.day == day,
    )
    admission = db.session.execute(
        select(Admission.people, Admission.is_inside, Admission.first_quarter).where(*key)
    ).first()
    if admission is None:
        return
    people, is_inside, quarter = admission
    if scan.effect == "admitted":
        gone = db.session.execute(
            delete(Admission).where(*key, Admission.first_scan_id == scan.id)
        ).rowcount
        if gone:
            add_to_tally(
                scan.checkpoint_id,
                day,
                admitted=-people,
                inside=-people if is_inside else 0,
                quarter=quarter,
            )
    else:
        back_inside = scan.effect == "exited"
        moved = db.session.execute(
            update(Admission)
            .where(*key, Admission.is_inside.is_(not back_inside))
            .values(is_inside=back_inside)
        ).rowcount
        if moved:
            add_to_tally(scan.checkpoint_id, day, inside=people if back_inside else -people)
