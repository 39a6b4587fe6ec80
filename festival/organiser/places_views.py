"""Organisers' pages for venues and languages."""

from flask import render_template, url_for
from sqlalchemy import select

from festival.accounts.access import organiser_required
from festival.extensions import db
from festival.organiser import form_flow, places_admin
from festival.organiser.forms import LanguageForm, VenueForm
from festival.organiser.views import bp
from festival.programme.models import Language, Venue


def _save(form, save, make_input, obj):
    """Handle a venue or language form (see form_flow.submit); both share one template."""
    done, status = form_flow.submit(
        form, lambda: save(make_input(form), obj), url_for("organiser.places")
    )
    return done or (render_template("organiser/place_form.html", form=form, obj=obj), status)


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
    )
