"""Organisers' attendee pages, privacy actions, door lists and the funder report."""

import json
import secrets

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import organiser_required
from festival.checkin.services import ScanRequest, check_in
from festival.db import utcnow
from festival.errors import DomainError
from festival.extensions import db
from festival.organiser import exports, people, privacy, report
from festival.organiser.forms import ActionForm, NameForm
from festival.organiser.views import bp, edition_or_404
from festival.programme.models import Event
from festival.registration import notices as registration_notices
from festival.registration import services as registration_services
from festival.registration.models import Attendee, Booking, Registration
from festival.tickets.models import Ticket
from festival.tickets.services import code_for


def _pdf(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _confirmed_action(registration_id: int, act, done: str, allowed: bool = True):
    """Run one button's action on a registration's page: the form (CSRF) checked, ``act()``
    committed, ``done`` flashed, back to the page; 400 back there if refused."""
    back = url_for("organiser.registration", registration_id=registration_id)
    if not allowed or not ActionForm().validate_on_submit():
        return redirect(back), 400
    act()
    db.session.commit()
    flash(done, "success")
    return redirect(back)


@bp.get("/participants")
@organiser_required
def attendees():
    """Search registrations by name, email or short code."""
    edition = edition_or_404()
    query = request.args.get("q", "")[:120]
    results = people.search_registrations(edition.id, query)
    return render_template("organiser/attendees.html", q=query, results=results)


@bp.get("/inscriptions/<int:registration_id>")
@organiser_required
def registration(registration_id):
    """Show one registration with its attendees, bookings and actions."""
    reg = db.get_or_404(Registration, registration_id)
    return render_template(
        "organiser/registration.html", reg=reg, action=ActionForm(), name_form=NameForm()
    )


@bp.post("/participants/<int:attendee_id>/nom")
@organiser_required
def correct_name(attendee_id):
    """Correct an attendee's name (the ticket is reissued)."""
    attendee = db.get_or_404(Attendee, attendee_id)
    form = NameForm()
    back = url_for("organiser.registration", registration_id=attendee.registration_id)
    if not form.validate_on_submit():
        flash(_("Indiquez un nom (120 caractères au plus)."), "error")
        return redirect(back), 400
    try:
        people.correct_name(attendee, form.name.data)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back), error.status
    db.session.commit()
    flash(_("Nom corrigé ; le billet a un nouveau code."), "success")
    return redirect(back)


@bp.post("/inscriptions/<int:registration_id>/donnees.json")
@organiser_required
def registration_data(registration_id):
    """Give everything held about one registration (RGPD access request); logged."""
    reg = db.get_or_404(Registration, registration_id)
    body = json.dumps(privacy.registration_data(reg), ensure_ascii=False, indent=2)
    exports.log_export(current_user.id, f"json:registration={reg.id}", utcnow())
    db.session.commit()
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="inscription-{reg.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/inscriptions/<int:registration_id>/effacer")
@organiser_required
def erase_registration(registration_id):
    """Erase a registration's personal data; its counts stay."""
    reg = db.get_or_404(Registration, registration_id)
    return _confirmed_action(
        reg.id,
        lambda: privacy.erase_registration(reg, utcnow()),
        _("Données personnelles effacées."),
    )


@bp.post("/programme/<int:event_id>/liste-de-porte.pdf")
@organiser_required
def door_list(event_id):
    """Download an item's printable door list (logged)."""
    event = db.get_or_404(Event, event_id)
    data = exports.door_list_pdf(event, current_user.id, utcnow())
    db.session.commit()
    return _pdf(data, f"liste-de-porte-{event.slug}.pdf")


@bp.get("/rapport.pdf")
@organiser_required
def funder_report():
    """Download the funder report (figures only, no personal data)."""
    edition = edition_or_404()
    return _pdf(
        report.render_report_pdf(edition, utcnow()),
        f"rapport-meltingpotch-{edition.starts_on.isoformat()}.pdf",
    )


@bp.post("/reservations/<int:booking_id>/annuler")
@organiser_required
def cancel_booking(booking_id):
    """Cancel one booking (the waiting list moves up through the registration service)."""
    booking = db.get_or_404(Booking, booking_id)
    return _confirmed_action(
        booking.attendee.registration_id,
        lambda: registration_services.cancel_booking(booking, utcnow()),
        _("Réservation annulée."),
    )


@bp.post("/inscriptions/<int:registration_id>/renvoyer")
@organiser_required
def resend_tickets(registration_id):
    """Send the confirmation email with the tickets again."""
    reg = db.get_or_404(Registration, registration_id)
    return _confirmed_action(
        reg.id,
        lambda: registration_notices.queue_confirmation(reg, utcnow()),
        _("E-mail renvoyé."),
        allowed=reg.anonymised_at is None,  # nobody left to write to
    )


@bp.post("/billets/<int:ticket_id>/entree")
@organiser_required
def manual_check_in(ticket_id):
    """Let someone in by hand, through the one check-in service every door uses."""
    ticket = db.get_or_404(Ticket, ticket_id)
    back = url_for("organiser.registration", registration_id=ticket.attendee.registration_id)
    checkpoint_id = request.form.get("checkpoint_id", type=int)
    if checkpoint_id is None or not ActionForm().validate_on_submit():
        flash(_("Choisissez un point de contrôle."), "error")
        return redirect(back), 400
    outcome = check_in(
        ScanRequest(
            code=code_for(ticket),
            checkpoint_id=checkpoint_id,
            nonce=secrets.token_hex(16),
            user_id=current_user.id,
        ),
        utcnow(),
    )
    db.session.commit()
    flash(
        _("Résultat : %(result)s", result=outcome.result),
        "success" if outcome.result == "ok" else "error",
    )
    return redirect(back)
