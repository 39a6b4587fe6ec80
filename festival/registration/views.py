"""HTML views of the registration feature: the form, the confirmation, manage my booking."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from festival.db import commit_keeping_objects, reads_before_write_lock, utcnow
from festival.errors import DomainError, ValidationError
from festival.extensions import db, limiter
from festival.i18n import localized_blueprint
from festival.registration import services
from festival.registration.forms import (
    BookMoreForm,
    CancelForm,
    LocaleForm,
    RegistrationForm,
    item_choices,
)
from festival.registration.presenters import summary
from festival.registration.queries import is_registration_open, open_items

bp = localized_blueprint("registration", __name__)


def _rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


@bp.after_request
def no_store(response):
    # Manage pages are reached by a secret link: keep them out of shared caches and history.
    if request.endpoint in ("registration.manage", "registration.confirmation"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _show_error(form, error: DomainError) -> None:
    field = form.field_for(error.field)
    message = str(error.message)
    if field is not None:
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    else:
        flash(message, "error")


def _render_form(form, status=200, items=None):
    """``items``: the open items this request has read already; read afresh when None (after
    a refused registration, seats left may have changed)."""
    # A refused POST renders the form again: without holding SQLite's write lock meanwhile.
    with reads_before_write_lock(db.session()):
        items = open_items(utcnow(), g.lang) if items is None else items
        is_open = is_registration_open()
    return render_template("registration/form.html", form=form, days=items, is_open=is_open), status


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def form():
    """Show the registration form; register people or a group for the chosen items."""
    form = RegistrationForm()
    # A POST would otherwise take SQLite's write lock with this first read and hold it
    # through validation and the whole registration (see reads_before_write_lock).
    with reads_before_write_lock(db.session()):
        items = open_items(utcnow(), g.lang)
    form.events.choices = item_choices(items)
    if request.method == "GET":
        preselected = request.args.get("event", type=int)
        form.events.data = [preselected] if preselected else []
        return _render_form(form, items=items)
    if not form.validate_on_submit():
        return _render_form(form, 400, items)
    if form.website.data:  # honeypot: a bot filled the hidden field
        return _render_form(form, 400, items)
    try:
        registration = services.register(
            form.to_input(g.lang), utcnow(), waitlist=form.waitlist.data
        )
    except DomainError as error:
        db.session.rollback()
        _show_error(form, error)
        return _render_form(form, error.status)
    # Keeping the objects: reading the token back would take SQLite's write lock again.
    commit_keeping_objects(db.session())
    for warning in registration.warnings:
        flash(str(warning), "warning")
    return redirect(url_for(".confirmation", token=registration.manage_token))


@bp.get("/inscription/confirmation/<token>")
def confirmation(token):
    """Thank the person and give the manage link."""
    registration = services.registration_by_token(token)
    return render_template("registration/confirmation.html", **summary(registration, g.lang))


def _manage_page(registration, book_form=None, status=200):
    book_form = book_form or BookMoreForm()
    book_form.events.choices = item_choices(open_items(utcnow(), g.lang))
    locale_form = LocaleForm(locale=registration.locale)
    return render_template(
        "registration/manage.html",
        **summary(registration, g.lang),
        days=open_items(utcnow(), g.lang),
        book_form=book_form,
        cancel_form=CancelForm(),
        locale_form=locale_form,
    ), status


@bp.get("/inscription/gerer/<token>")
def manage(token):
    """Show bookings, waiting-list places and tickets; offer to cancel, book, change language."""
    return _manage_page(services.registration_by_token(token))


@bp.post("/inscription/gerer/<token>/annuler")
def cancel(token):
    """Cancel one item for everybody, or the whole registration."""
    registration = services.registration_by_token(token)
    form = CancelForm()
    if not form.validate_on_submit():
        raise ValidationError()
    if form.target.data == "all":
        services.cancel_registration(registration, utcnow())
    elif form.target.data.isdecimal():  # "²".isdigit() is True but int("²") fails
        services.cancel_event_bookings(registration, int(form.target.data), utcnow())
    else:
        raise ValidationError()
    db.session.commit()
    flash(_("C'est annulé. Merci de nous avoir prévenus."), "success")
    return redirect(url_for(".manage", token=token))


@bp.post("/inscription/gerer/<token>/reserver")
@limiter.limit(_rate_limit)
def book_more(token):
    """Book more items for the same people."""
    registration = services.registration_by_token(token)
    form = BookMoreForm()
    form.events.choices = item_choices(open_items(utcnow(), g.lang))
    if not form.validate_on_submit():
        return _manage_page(registration, form, 400)
    try:
        services.book_more(registration, form.events.data, utcnow(), waitlist=form.waitlist.data)
    except DomainError as error:
        db.session.rollback()
        form.events.errors = [str(error.message)]
        return _manage_page(services.registration_by_token(token), form, error.status)
    db.session.commit()
    for warning in registration.warnings:
        flash(str(warning), "warning")
    flash(_("C'est réservé. Nous vous avons envoyé un e-mail."), "success")
    return redirect(url_for(".manage", token=token))


@bp.post("/inscription/gerer/<token>/langue")
def change_locale(token):
    """Choose the language of future emails and tickets."""
    registration = services.registration_by_token(token)
    form = LocaleForm()
    if not form.validate_on_submit():
        raise ValidationError()
    services.change_locale(registration, form.locale.data)
    db.session.commit()
    flash(_("C'est noté : vos e-mails et billets seront dans cette langue."), "success")
    return redirect(url_for(".manage", token=token, lang=registration.locale))
