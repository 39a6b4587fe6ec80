"""Organisers' programme admin and volunteer accounts."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from festival.accounts.access import organiser_required
from festival.accounts.models import User
from festival.accounts.services import create_user
from festival.db import utcnow
from festival.errors import DomainError
from festival.extensions import db
from festival.organiser import form_flow, people, programme_admin, programme_import
from festival.organiser.forms import ActionForm, EventForm, ImportForm, VolunteerForm
from festival.organiser.views import bp, edition_or_404
from festival.programme.models import Event, Venue


def _event_or_404(event_id: int) -> Event:
    return db.get_or_404(Event, event_id)


@bp.get("/programme")
@organiser_required
def events():
    """List the edition's items."""
    edition = edition_or_404()
    items = db.session.scalars(
        select(Event).where(Event.edition_id == edition.id).order_by(Event.starts_at)
    ).all()
    return render_template(
        "organiser/events.html",
        events=items,
        edition=edition,
        import_form=ImportForm(),
        action=ActionForm(),
    )


def _form_input(form: EventForm, zone: ZoneInfo) -> programme_admin.EventInput:
    def local(value: datetime) -> datetime:
        return value.replace(tzinfo=zone)

    return programme_admin.EventInput(
        slug=form.slug.data,
        kind=form.kind.data,
        title=form.title.data,
        venue_id=form.venue_id.data,
        starts_at=local(form.starts_at.data),
        ends_at=local(form.ends_at.data),
        capacity=form.capacity.data,
        booking_required=form.booking_required.data,
        languages=form.languages.data.split(),
        description=form.description.data or "",
        translations={"en": form.title_en.data, "ar": form.title_ar.data},
    )


@bp.route("/programme/nouveau", methods=["GET", "POST"], defaults={"event_id": None})
@bp.route("/programme/<int:event_id>", methods=["GET", "POST"])
@organiser_required
def edit_event(event_id):
    """Create or edit an item."""
    edition = edition_or_404()
    event = _event_or_404(event_id) if event_id else None
    form = EventForm(obj=event)
    form.venue_id.choices = [
        SelectChoice(v.id, v.name) for v in db.session.scalars(select(Venue).order_by(Venue.name))
    ]
    if event and not form.is_submitted():
        zone = ZoneInfo(edition.timezone)
        form.starts_at.data = event.starts_at.astimezone(zone).replace(tzinfo=None)
        form.ends_at.data = event.ends_at.astimezone(zone).replace(tzinfo=None)
        form.languages.data = " ".join(lang.code for lang in event.languages)
        titles = {t.locale: t.title for t in event.translations}
        form.title_en.data, form.title_ar.data = titles.get("en", ""), titles.get("ar", "")
    done, status = form_flow.submit(
        form,
        lambda: programme_admin.save_event(
            edition,
            _form_input(form, ZoneInfo(edition.timezone)),
            utcnow(),
            event,
            form.lower_confirmed.data,
        ),
        url_for("organiser.events"),
        _("Item enregistré."),
    )
    return done or (render_template("organiser/event_form.html", form=form, event=event), status)


@bp.post("/programme/<int:event_id>/annuler")
@organiser_required
def cancel_event(event_id):
    """Cancel an item; everyone booked is told by email."""
    event = _event_or_404(event_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("organiser.events")), 400
    try:
        told = programme_admin.cancel_event(event, utcnow())
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("organiser.events")), 409
    db.session.commit()
    flash(_("Item annulé ; %(n)s inscriptions prévenues par e-mail.", n=told), "success")
    return redirect(url_for("organiser.events"))


@bp.post("/programme/import")
@organiser_required
def import_programme():
    """Import items from a CSV file: all lines or none."""
    edition = edition_or_404()
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choisissez un fichier CSV."), "error")
        return redirect(url_for("organiser.events")), 400
    try:
        created = programme_import.import_programme(edition, form.file.data.read(), utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_template(
            "organiser/import_errors.html", error=error, lines=error.details.get("lines", [])
        ), error.status
    db.session.commit()
    flash(_("%(n)s items importés.", n=created), "success")
    return redirect(url_for("organiser.events"))


@bp.route("/benevoles", methods=["GET", "POST"])
@organiser_required
def volunteers():
    """List volunteers with their devices; create one."""
    form = VolunteerForm()
    done, status = form_flow.submit(
        form,
        lambda: create_user(
            form.email.data, "volunteer", form.password.data, utcnow(), name=form.name.data
        ),
        url_for("organiser.volunteers"),
        _("Compte bénévole créé."),
    )
    return done or (
        render_template(
            "organiser/volunteers.html",
            form=form,
            action=ActionForm(),
            rows=people.volunteers_with_devices(),
        ),
        status,
    )


@bp.post("/benevoles/<int:user_id>/desactiver")
@organiser_required
def disable_volunteer(user_id):
    """Disable a volunteer: sessions and API tokens stop working at once."""
    user = db.get_or_404(User, user_id)
    if user.is_organiser or not ActionForm().validate_on_submit():
        return redirect(url_for("organiser.volunteers")), 400
    people.disable_user(user, utcnow())
    db.session.commit()
    flash(_("Compte désactivé."), "success")
    return redirect(url_for("organiser.volunteers"))
