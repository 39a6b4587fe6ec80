"""Organisers' pages: live dashboard, exports, funder report (more in the sibling modules)."""

from flask import Blueprint, Response, abort, current_app, jsonify, render_template
from flask_login import current_user

from festival.accounts.access import organiser_required
from festival.db import utcnow
from festival.extensions import db
from festival.organiser import exports, stats
from festival.programme.services import current_edition

# cli_group=None: the blueprint's commands are top-level (`flask purge-personal-data`).
bp = Blueprint("organiser", __name__, url_prefix="/organisateur", cli_group=None)


@bp.record_once
def _keep_personal_data_out_of_logs(state):
    from festival.organiser.log_privacy import install

    install(state.app)


def edition_or_404():
    edition = current_edition()
    if edition is None:
        abort(404)
    return edition


@bp.get("/")
@organiser_required
def dashboard():
    """Show the live dashboard; its figures come from ``dashboard_json``."""
    return render_template("organiser/dashboard.html", edition=edition_or_404())


@bp.get("/tableau-de-bord.json")
@organiser_required
def dashboard_json():
    """Give every dashboard figure (recomputed at most every few seconds)."""
    edition = edition_or_404()
    max_age = current_app.config.get("DASHBOARD_CACHE_SECONDS", 5)
    response = jsonify(stats.dashboard(edition, utcnow(), max_age))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/exports")
@organiser_required
def exports_page():
    """List the exports an organiser may download."""
    return render_template("organiser/exports.html", kinds=exports.EXPORTS)


@bp.post("/exports/<kind>.csv")
@organiser_required
def export_csv(kind):
    """Download one CSV export (logged: who, when, what)."""
    if kind not in exports.EXPORTS:
        abort(404)
    edition = edition_or_404()
    data = exports.export_csv(kind, edition.id, current_user.id, utcnow())
    db.session.commit()
    filename = f"meltingpotch-{kind}-{edition.starts_on.isoformat()}.csv"
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


from festival.organiser import (  # noqa: E402,F401  (routes and commands registered on bp)
    admin_views,
    commands,
    people_views,
    places_views,
)
