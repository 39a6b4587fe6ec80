"""Public pages of the programme, in the language of the URL."""

from flask import render_template

from festival.i18n import localized_blueprint

bp = localized_blueprint("programme", __name__)


@bp.get("/")
def home():
    """Show what the festival is, when and where, and what is on next."""
    return render_template("programme/home.html")
