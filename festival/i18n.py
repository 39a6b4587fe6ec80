"""Interface languages: the locale lives in the URL (/fr/…, /en/…, /ar/…)."""

from pathlib import Path

from babel import Locale
from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_babel import get_locale, refresh

FEATURES_WITH_CATALOGS = (
    "translations",
    "programme/translations",
    "registration/translations",
    "tickets/translations",
    "checkin/translations",
    "accounts/translations",
    "organiser/translations",
)


def translation_directories(root: Path) -> str:
    """Give Flask-Babel one catalog per feature, so features translate independently."""
    return ";".join(str(root / d) for d in FEATURES_WITH_CATALOGS)


def best_locale() -> str:
    """Pick the interface locale: the URL's, else the browser's preference, else French."""
    lang = getattr(g, "lang", None)
    if lang:
        return lang
    locales = current_app.config["LOCALES"]
    if request:
        return request.accept_languages.best_match(locales) or locales[0]
    return locales[0]


def text_direction() -> str:
    return "rtl" if get_locale().character_order == "right-to-left" else "ltr"


def localized_blueprint(name: str, import_name: str, **kwargs) -> Blueprint:
    """Make a blueprint whose URLs start with the locale, e.g. /fr/programme."""
    bp = Blueprint(name, import_name, url_prefix="/<lang>", **kwargs)

    @bp.url_defaults
    def add_lang(endpoint, values):
        if "lang" not in values and getattr(g, "lang", None):
            values["lang"] = g.lang

    @bp.url_value_preprocessor
    def pull_lang(endpoint, values):
        lang = (values or {}).pop("lang", None)
        if lang not in current_app.config["LOCALES"]:
            abort(404)
        g.lang = lang
        # Flask-Babel caches the locale on g, which outlives a request when an app context was
        # already pushed (tests, CLI): the URL must win over a locale cached earlier.
        refresh()

    return bp


def language_switch_links() -> list[dict]:
    """Links to the current page in every interface language, for the switcher."""
    links = []
    endpoint = request.endpoint
    args = dict(request.view_args or {})
    is_localized = endpoint is not None and "lang" in (request.url_rule.arguments or ())
    for code in current_app.config["LOCALES"]:
        locale = Locale.parse(code)
        if is_localized:
            # Keep the query string (filters), every value of it, but never let it pick the
            # locale: the link's own code wins.
            query = request.args.to_dict(flat=False)
            href = url_for(endpoint, **{**query, **args, "lang": code})
        else:
            href = url_for("programme.home", lang=code)
        links.append(
            {
                "code": code,
                "name": locale.get_display_name(code).capitalize(),
                "href": href,
                "is_current": code == str(get_locale()),
            }
        )
    return links


def init_app(app) -> None:
    @app.route("/")
    def pick_language():
        """Send visitors to the home page in the language their browser prefers."""
        lang = request.accept_languages.best_match(app.config["LOCALES"]) or "fr"
        return redirect(url_for("programme.home", lang=lang))

    @app.context_processor
    def inject_i18n():
        return {
            "text_direction": text_direction,
            "language_switch_links": language_switch_links,
            "current_locale": lambda: str(get_locale()),
        }
