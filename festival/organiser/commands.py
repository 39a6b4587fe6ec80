"""Organiser commands: ``flask --app festival purge-personal-data``."""

from datetime import UTC

import click
from flask import current_app

from festival.db import utcnow
from festival.extensions import db
from festival.organiser import privacy
from festival.organiser.views import bp


@bp.cli.command("purge-personal-data")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Days after an edition's end (default: PURGE_AFTER_DAYS).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Count the days up to this date instead of today (checks, tests).",
)
def purge_personal_data_command(days, as_of):
    """Erase personal data of editions ended more than PURGE_AFTER_DAYS ago."""
    after = days if days is not None else int(current_app.config["PURGE_AFTER_DAYS"])
    now = as_of.replace(tzinfo=UTC) if as_of else utcnow()
    erased = privacy.purge_personal_data(now, after)
    db.session.commit()
    click.echo(f"{erased} registrations anonymised (editions ended over {after} days ago).")
