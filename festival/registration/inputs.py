"""What a registration request carries, parsed from JSON or a form, and checked field by field.

Both entry points (the HTML form and ``POST /api/v1/registrations``) build a
``RegistrationInput`` and the service checks it with ``check_input``: one set of rules.
"""

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.errors import ValidationError
from festival.programme.services import MAX_ID

NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 30
POSTAL_CODE_MAX = 10
MAX_BOOKINGS = 30
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,30}$")
_POSTAL_CODE = re.compile(r"^[A-Za-z0-9 -]{2,10}$")


@dataclass
class GroupInput:
    name: str
    size: int
    adults: int


@dataclass
class RegistrationInput:
    contact_name: str
    contact_email: str
    event_ids: list[int]
    consent: bool
    locale: str = "fr"
    contact_phone: str | None = None
    postal_code: str | None = None
    attendees: list[str] = field(default_factory=list)
    group: GroupInput | None = None


def _invalid(field_name: str, message) -> ValidationError:
    return ValidationError(message, field=field_name)


def _text(value, field_name: str, max_length: int, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _invalid(field_name, _l("Ce champ est obligatoire."))
        return None
    if not isinstance(value, str):
        raise _invalid(field_name, _l("Ce champ doit être un texte."))
    value = " ".join(value.split())
    if len(value) > max_length:
        raise _invalid(
            field_name, _l("Ce texte est trop long (%(n)d caractères au plus).", n=max_length)
        )
    return value


def _count(value, field_name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(field_name, _l("Indiquez un nombre."))
    if not low <= value <= high:
        raise _invalid(
            field_name, _l("Indiquez un nombre entre %(low)d et %(high)d.", low=low, high=high)
        )
    return value


def normalise_email(value) -> str:
    """Check an address and give it in the form we store and compare (lower case)."""
    text = _text(value, "contact.email", EMAIL_MAX, required=True)
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise _invalid("contact.email", _l("Cette adresse e-mail n'est pas valable.")) from None
    return checked.normalized.lower()


def check_locale(value) -> str:
    if value not in current_app.config["LOCALES"]:
        raise _invalid("locale", _l("Cette langue n'est pas proposée."))
    return value


def check_event_ids(value) -> list[int]:
    if not isinstance(value, list | tuple) or not value:
        raise _invalid("bookings", _l("Choisissez au moins une activité."))
    if len(value) > MAX_BOOKINGS:
        raise _invalid("bookings", _l("Vous avez choisi trop d'activités."))
    # An id past the database's integer range would overflow in the query (a 500), not miss.
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 < v <= MAX_ID for v in value):
        raise _invalid("bookings", _l("Cette activité n'existe pas."))
    return sorted(set(value))


def _check_people(data: RegistrationInput) -> None:
    if data.group is not None and data.attendees:
        raise _invalid("group", _l("Inscrivez soit des personnes, soit un groupe, pas les deux."))
    if data.group is not None:
        group = data.group
        group.name = _text(group.name, "group.name", NAME_MAX, required=True)
        group.size = _count(group.size, "group.size", 1, current_app.config["MAX_GROUP_SIZE"])
        group.adults = _count(group.adults, "group.adults", 1, group.size)
        return
    names = [
        _text(n, f"attendees.{i}.name", NAME_MAX, required=True)
        for i, n in enumerate(data.attendees)
    ]
    if not names:
        raise _invalid("attendees", _l("Indiquez au moins une personne."))
    limit = current_app.config["MAX_ATTENDEES"]
    if len(names) > limit:
        raise _invalid("attendees", _l("%(n)d personnes au plus par inscription.", n=limit))
    data.attendees = names


def check_input(data: RegistrationInput) -> RegistrationInput:
    """Normalise ``data`` in place and refuse the first field that is not valid.

    :raises ValidationError: with ``field`` naming the offending value.
    """
    data.contact_name = _text(data.contact_name, "contact.name", NAME_MAX, required=True)
    data.contact_email = normalise_email(data.contact_email)
    data.contact_phone = _text(data.contact_phone, "contact.phone", PHONE_MAX, required=False)
    if data.contact_phone and not _PHONE.match(data.contact_phone):
        raise _invalid("contact.phone", _l("Ce numéro de téléphone n'est pas valable."))
    data.postal_code = _text(
        data.postal_code, "contact.postal_code", POSTAL_CODE_MAX, required=False
    )
    if data.postal_code and not _POSTAL_CODE.match(data.postal_code):
        raise _invalid("contact.postal_code", _l("Ce code postal n'est pas valable."))
    data.locale = check_locale(data.locale)
    _check_people(data)
    data.event_ids = check_event_ids(data.event_ids)
    if data.consent is not True:
        raise _invalid(
            "consent", _l("Merci d'accepter l'utilisation de vos données pour l'inscription.")
        )
    return data


def _object(value, field_name: str) -> dict:
    if not isinstance(value, dict):
        raise _invalid(field_name, _l("Ce champ est obligatoire."))
    return value


def input_from_json(body) -> RegistrationInput:
    """Build the input from the API's JSON body (DESIGN.md §4); shapes only, rules later."""
    body = _object(body, "body")
    contact = _object(body.get("contact"), "contact")
    attendees = body.get("attendees") or []
    if not isinstance(attendees, list):
        raise _invalid("attendees", _l("Indiquez au moins une personne."))
    group = body.get("group")
    if group is not None:
        group = _object(group, "group")
        group = GroupInput(group.get("name"), group.get("size"), group.get("adults"))
    return RegistrationInput(
        contact_name=contact.get("name"),
        contact_email=contact.get("email"),
        contact_phone=contact.get("phone"),
        postal_code=contact.get("postal_code"),
        locale=body.get("locale", "fr"),
        attendees=[_object(a, f"attendees.{i}").get("name") for i, a in enumerate(attendees)],
        group=group,
        event_ids=body.get("bookings"),
        consent=body.get("consent"),
    )
