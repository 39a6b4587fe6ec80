"""Import a programme from CSV: every line checked, nothing written unless all are valid."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from festival.errors import DomainError, ValidationError
from festival.extensions import db
from festival.organiser.programme_admin import EventInput, save_event
from festival.programme.models import Edition, Venue

COLUMNS = (
    "slug",
    "kind",
    "title",
    "venue",
    "starts_at",
    "ends_at",
    "capacity",
    "booking_required",
    "languages",
    "description",
    "title_en",
    "title_ar",
)
REQUIRED = ("slug", "kind", "title", "venue", "starts_at", "ends_at")
MAX_LINES = 2000


def _local(text: str, zone: ZoneInfo) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:
        raise ValidationError(
            _("Date et heure attendues au format AAAA-MM-JJ HH:MM : « %(v)s ».", v=text[:40])
        ) from None


def _parse_line(row: dict, edition: Edition, venues: dict[str, int]) -> EventInput:
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise ValidationError(_("Colonnes vides : %(cols)s.", cols=", ".join(missing)))
    if row["venue"].strip() not in venues:
        raise ValidationError(_("Lieu inconnu : « %(v)s ».", v=row["venue"][:60]))
    capacity_text = (row.get("capacity") or "").strip()
    if capacity_text and not capacity_text.isdigit():
        raise ValidationError(
            _("La jauge doit être un nombre entier : « %(v)s ».", v=capacity_text[:20])
        )
    zone = ZoneInfo(edition.timezone)
    return EventInput(
        slug=row["slug"].strip(),
        kind=row["kind"].strip(),
        title=row["title"].strip(),
        venue_id=venues[row["venue"].strip()],
        starts_at=_local(row["starts_at"], zone),
        ends_at=_local(row["ends_at"], zone),
        capacity=int(capacity_text) if capacity_text else None,
        booking_required=(row.get("booking_required") or "").strip().lower()
        in ("1", "oui", "yes", "true"),
        languages=(row.get("languages") or "").split(),
        description=(row.get("description") or "").strip(),
        translations={"en": row.get("title_en") or "", "ar": row.get("title_ar") or ""},
    )


def _rows(data: bytes) -> csv.DictReader:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Le fichier doit être un CSV en UTF-8.")) from None
    if "\x00" in text:
        raise ValidationError(_("Le fichier doit être un CSV en UTF-8."))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not set(REQUIRED) <= {f.strip() for f in reader.fieldnames}:
        raise ValidationError(_("Colonnes attendues : %(cols)s.", cols=", ".join(COLUMNS)))
    reader.fieldnames = [f.strip() for f in reader.fieldnames]
    return reader


def import_programme(edition: Edition, data: bytes, now: datetime) -> int:
    """Create the file's items; give how many.

    :raises ValidationError: with ``details["lines"]`` = [(line number, message), ...];
        then nothing is written.
    """
    reader = _rows(data)
    venues = dict(db.session.execute(select(Venue.slug, Venue.id)).all())
    errors: list[tuple[int, str]] = []
    created = 0
    savepoint = db.session.begin_nested()
    try:
        for row in reader:
            line = reader.line_num
            if created + len(errors) >= MAX_LINES:
                errors.append((line, _("Trop de lignes (au plus %(n)s).", n=MAX_LINES)))
                break
            if None in row:
                errors.append((line, _("Trop de colonnes sur cette ligne.")))
                continue
            try:
                with db.session.begin_nested():
                    save_event(edition, _parse_line(row, edition, venues), now)
                created += 1
            except DomainError as error:
                errors.append((line, str(error.message)))
    except csv.Error as error:
        errors.append((reader.line_num, _("CSV mal formé : %(e)s", e=str(error)[:80])))
    if errors or not created:
        savepoint.rollback()
        raise ValidationError(
            _("Rien n'a été importé : corrigez les lignes signalées.")
            if errors
            else _("Le fichier ne contient aucun item."),
            lines=errors,
        )
    savepoint.commit()
    return created
