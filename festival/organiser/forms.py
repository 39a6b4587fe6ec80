"""Organisers' forms (Flask-WTF: CSRF on every POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from festival.programme.models import EventKind


class EventForm(FlaskForm):
    title = StringField(_l("Titre (français)"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Identifiant (URL)"), validators=[DataRequired(), Length(max=80)])
    kind = SelectField(_l("Type"), choices=[SelectChoice(k.value, k.value) for k in EventKind])
    venue_id = SelectField(_l("Lieu"), coerce=int)
    starts_at = DateTimeLocalField(
        _l("Début (heure locale)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    ends_at = DateTimeLocalField(
        _l("Fin (heure locale)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    capacity = IntegerField(
        _l("Jauge (vide : entrée libre)"), validators=[Optional(), NumberRange(min=1, max=100000)]
    )
    booking_required = BooleanField(_l("Réservation obligatoire"))
    languages = StringField(
        _l("Langues (codes séparés par des espaces)"), validators=[Length(max=200)]
    )
    description = TextAreaField(_l("Description (français)"), validators=[Length(max=5000)])
    title_en = StringField(_l("Titre en anglais"), validators=[Length(max=200)])
    title_ar = StringField(_l("Titre en arabe"), validators=[Length(max=200)])
    lower_confirmed = BooleanField(
        _l(
            "Je confirme : ramener la jauge au nombre de places déjà prises (aucune réservation "
            "confirmée n'est annulée, plus aucune nouvelle n'est acceptée)."
        )
    )


class ImportForm(FlaskForm):
    file = FileField(_l("Fichier CSV (UTF-8)"), validators=[FileRequired()])


class VolunteerForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Nom"), validators=[Length(max=120)])
    password = PasswordField(
        _l("Mot de passe (10 caractères au moins)"),
        validators=[DataRequired(), Length(min=10, max=200)],
    )


class NameForm(FlaskForm):
    name = StringField(_l("Nom corrigé"), validators=[DataRequired(), Length(max=120)])


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token."""


class VenueForm(FlaskForm):
    slug = StringField(_l("Identifiant (URL)"), validators=[DataRequired(), Length(max=60)])
    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Adresse"), validators=[Length(max=200)])
    postal_code = StringField(_l("Code postal"), validators=[Length(max=10)])
    city = StringField(_l("Ville"), validators=[Length(max=80)])
    capacity = IntegerField(
        _l("Jauge (vide : pas de limite)"), validators=[Optional(), NumberRange(min=1, max=100000)]
    )
    description_fr = TextAreaField(_l("Description (français)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description en anglais"), validators=[Length(max=5000)])


class LanguageForm(FlaskForm):
    code = StringField(_l("Code BCP 47"), validators=[DataRequired(), Length(max=35)])
    native_name = StringField(_l("Nom dans la langue"), validators=[DataRequired(), Length(max=80)])
    name_fr = StringField(_l("Nom en français"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Nom en anglais"), validators=[DataRequired(), Length(max=80)])
    direction = SelectField(
        _l("Sens d'écriture"),
        choices=[
            SelectChoice("ltr", _l("de gauche à droite")),
            SelectChoice("rtl", _l("de droite à gauche")),
        ],
    )
