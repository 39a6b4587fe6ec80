"""HTML views of the registration feature."""

from festival.i18n import localized_blueprint

bp = localized_blueprint("registration", __name__)
