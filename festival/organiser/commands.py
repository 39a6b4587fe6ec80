"""Organiser commands: ``flask --app festival purge-personal-data``."""

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
def purge_personal_data_command(days):
    """Erase personal data of editions ended more than PURGE_AFTER_DAYS ago."""
    after = days if days is not None else int(current_app.config["PURGE_AFTER_DAYS"])
    erased = privacy.purge_personal_data(utcnow(), after)
    db.session.commit()
    click.echo(f"{erased} registrations anonymised (editions ended over {after} days ago).")
