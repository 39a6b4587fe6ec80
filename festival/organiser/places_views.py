"""Organisers' pages for venues and languages."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from festival.accounts.access import organiser_required
from festival.errors import DomainError
from festival.extensions import db
from festival.organiser import places_admin
from festival.organiser.forms import LanguageForm, VenueForm
from festival.organiser.views import bp
from festival.programme.models import Language, Venue


def _save(form, save, make_input, obj, template):
    """Validate, call the service, commit once; re-render with the error otherwise."""
    status = 200
    if form.validate_on_submit():
        try:
            save(make_input(form), obj)
            db.session.commit()
            flash(_("Enregistré."), "success")
            return redirect(url_for("organiser.places"))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template(template, form=form, obj=obj), status


@bp.get("/lieux-et-langues")
@organiser_required
def places():
    """List venues and languages."""
    return render_template(
        "organiser/places.html",
        venues=db.session.scalars(select(Venue).order_by(Venue.name)).all(),
        languages=db.session.scalars(select(Language).order_by(Language.name_fr)).all(),
    )


@bp.route("/lieux/nouveau", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/lieux/<int:venue_id>", methods=["GET", "POST"])
@organiser_required
def edit_venue(venue_id):
    """Create or edit a venue."""
    venue = db.get_or_404(Venue, venue_id) if venue_id else None
    fields = places_admin.VenueInput.__dataclass_fields__
    return _save(
        VenueForm(obj=venue),
        places_admin.save_venue,
        lambda f: places_admin.VenueInput(**{k: f[k].data for k in fields}),
        venue,
        "organiser/venue_form.html",
    )


@bp.route("/langues/nouvelle", methods=["GET", "POST"], defaults={"code": None})
@bp.route("/langues/<code>", methods=["GET", "POST"])
@organiser_required
def edit_language(code):
    """Create or edit a language."""
    language = db.get_or_404(Language, code) if code else None
    fields = places_admin.LanguageInput.__dataclass_fields__
    return _save(
        LanguageForm(obj=language),
        places_admin.save_language,
        lambda f: places_admin.LanguageInput(**{k: f[k].data or "" for k in fields}),
        language,
        "organiser/language_form.html",
    )
