"""Organisers edit venues and languages (their French and English texts)."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from festival.errors import ValidationError
from festival.extensions import db
from festival.programme.models import Language, Venue

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BCP47 = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass
class VenueInput:
    slug: str
    name: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    capacity: int | None = None
    description_fr: str = ""
    description_en: str = ""


@dataclass
class LanguageInput:
    code: str
    native_name: str
    name_fr: str
    name_en: str
    direction: str = "ltr"


def save_venue(data: VenueInput, venue: Venue | None = None) -> Venue:
    """Create or update a venue.

    :raises ValidationError: bad slug, empty name, capacity under 1, slug taken.
    """
    if not SLUG.match(data.slug or "") or not (data.name or "").strip():
        raise ValidationError(
            _("Nom et identifiant (minuscules, chiffres, tirets) obligatoires."), field="slug"
        )
    if data.capacity is not None and data.capacity < 1:
        raise ValidationError(_("La jauge doit être d'au moins une place."), field="capacity")
    clash = db.session.scalar(select(Venue.id).where(Venue.slug == data.slug))
    if clash is not None and (venue is None or clash != venue.id):
        raise ValidationError(
            _("L'identifiant %(slug)s existe déjà.", slug=data.slug), field="slug"
        )
    venue = venue or Venue()
    for name, value in vars(data).items():
        setattr(venue, name, value.strip() if isinstance(value, str) else value)
    db.session.add(venue)
    db.session.flush()
    return venue


def save_language(data: LanguageInput, language: Language | None = None) -> Language:
    """Create or update a language (its code cannot change once created).

    :raises ValidationError: bad code, empty names, unknown direction, code taken.
    """
    if language is None:
        if not BCP47.match(data.code or ""):
            raise ValidationError(
                _("Code de langue BCP 47 attendu (par exemple pl, ar-MA)."), field="code"
            )
        if db.session.get(Language, data.code) is not None:
            raise ValidationError(
                _("La langue %(code)s existe déjà.", code=data.code), field="code"
            )
        language = Language(code=data.code)
    if not all(v.strip() for v in (data.native_name, data.name_fr, data.name_en)):
        raise ValidationError(_("Les trois noms de la langue sont obligatoires."), field="name_fr")
    if data.direction not in ("ltr", "rtl"):
        raise ValidationError(_("Sens d'écriture inconnu."), field="direction")
    language.native_name, language.name_fr = data.native_name.strip(), data.name_fr.strip()
    language.name_en, language.direction = data.name_en.strip(), data.direction
    db.session.add(language)
    db.session.flush()
    return language
