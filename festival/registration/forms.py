"""HTML forms of the registration pages (Flask-WTF: CSRF, field errors in the page's language)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from festival.registration.inputs import (
    EMAIL_MAX,
    NAME_MAX,
    PHONE_MAX,
    POSTAL_CODE_MAX,
    GroupInput,
    RegistrationInput,
)

# Rows shown without JavaScript: empty ones are ignored (MAX_ATTENDEES is checked anyway).
ATTENDEE_ROWS = 10
_REQUIRED = _l("Ce champ est obligatoire.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _too_long(n: int):
    return Length(max=n, message=_l("Ce texte est trop long (%(n)d caractères au plus).", n=n))


class RegistrationForm(FlaskForm):
    contact_name = StringField(_l("Votre nom"), [DataRequired(_REQUIRED), _too_long(NAME_MAX)])
    contact_email = EmailField(
        _l("Votre adresse e-mail"),
        [
            DataRequired(_REQUIRED),
            _too_long(EMAIL_MAX),
            Email(_l("Cette adresse e-mail n'est pas valable.")),
        ],
    )
    contact_phone = TelField(_l("Téléphone (facultatif)"), [Optional(), _too_long(PHONE_MAX)])
    postal_code = StringField(
        _l("Code postal (facultatif)"), [Optional(), _too_long(POSTAL_CODE_MAX)]
    )
    attendees = FieldList(
        StringField(_l("Nom"), [Optional(), _too_long(NAME_MAX)]),
        min_entries=ATTENDEE_ROWS,
        max_entries=ATTENDEE_ROWS,
    )
    group_name = StringField(_l("Nom du groupe"), [Optional(), _too_long(NAME_MAX)])
    group_size = IntegerField(
        _l("Nombre de personnes"), [Optional(), NumberRange(1, message=_l("Indiquez un nombre."))]
    )
    group_adults = IntegerField(
        _l("Dont adultes accompagnants"),
        [Optional(), NumberRange(0, message=_l("Indiquez un nombre."))],
    )
    events = MultiCheckboxField(_l("Activités"), coerce=int)
    waitlist = BooleanField(_l("Si c'est complet, m'inscrire sur la liste d'attente"), default=True)
    consent = BooleanField(
        _l("J'accepte que Mine de culture(s) utilise ces informations pour mon inscription."),
        [DataRequired(_l("Merci d'accepter l'utilisation de vos données pour l'inscription."))],
    )
    # Honeypot: hidden from people by CSS, filled by naive bots.
    website = StringField(_l("Ne remplissez pas ce champ"))

    def to_input(self, locale: str) -> RegistrationInput:
        group = None
        if self.group_name.data:
            group = GroupInput(self.group_name.data, self.group_size.data, self.group_adults.data)
        return RegistrationInput(
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
            contact_phone=self.contact_phone.data or None,
            postal_code=self.postal_code.data or None,
            locale=locale,
            attendees=[n for n in self.attendees.data if n and n.strip()],
            group=group,
            event_ids=list(self.events.data or []),
            consent=bool(self.consent.data),
        )

    def field_for(self, name: str | None):
        """The form field a service error names (``contact.email`` → contact_email)."""
        mapping = {
            "contact.name": self.contact_name,
            "contact.email": self.contact_email,
            "contact.phone": self.contact_phone,
            "contact.postal_code": self.postal_code,
            "group": self.group_name,
            "group.name": self.group_name,
            "group.size": self.group_size,
            "group.adults": self.group_adults,
            "bookings": self.events,
            "consent": self.consent,
            "locale": self.events,
        }
        if name and name.startswith("attendees"):
            return self.attendees
        return mapping.get(name or "")


class BookMoreForm(FlaskForm):
    events = MultiCheckboxField(_l("Activités"), coerce=int)
    waitlist = BooleanField(_l("Si c'est complet, m'inscrire sur la liste d'attente"), default=True)


class CancelForm(FlaskForm):
    # An event id, or "all" to cancel the whole registration.
    target = HiddenField(validators=[DataRequired()])


class LocaleForm(FlaskForm):
    locale = SelectField(
        _l("Langue des e-mails et des billets"),
        choices=[
            SelectChoice(c, n)
            for c, n in (("fr", "Français"), ("en", "English"), ("ar", "العربية"))
        ],
    )


def item_choices(days: list[dict]) -> list[SelectChoice]:
    """Checkbox choices for the bookable items (as given by ``queries.open_items``)."""
    return [SelectChoice(str(i["id"]), i["title"]) for d in days for i in d["items"]]
