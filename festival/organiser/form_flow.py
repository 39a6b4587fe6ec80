"""The one way an organiser's form is handled: validate, save, commit once, or say why not."""

from flask import flash, redirect
from flask_babel import gettext as _

from festival.errors import DomainError
from festival.extensions import db


def submit(form, save, next_url: str, done: str | None = None):
    """Validate ``form`` and run ``save()``; give (redirect, 302) or (None, status to re-render).

    A refusal by the service is rolled back and shown above the form in the user's language
    (its 4xx status kept); an invalid submission is a 400; a first GET is a 200.
    """
    if form.validate_on_submit():
        try:
            save()
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            return None, error.status
        db.session.commit()
        flash(done or _("Enregistré."), "success")
        return redirect(next_url), 302
    return None, 400 if form.is_submitted() else 200
