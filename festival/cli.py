"""``flask --app festival …`` commands: thin wrappers over the services."""

import secrets
from datetime import date

import click
from flask_migrate import upgrade

from festival.db import utcnow
from festival.errors import DomainError
from festival.extensions import db


def _fail(error: DomainError):
    raise click.ClickException(str(error.message))


@click.command("init-db")
def init_db_command():
    """Create or migrate the database to the latest schema."""
    upgrade()
    click.echo("Database is at the latest schema.")


@click.command("seed-demo")
@click.option(
    "--start",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day of the two-day edition (default: the coming Saturday).",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when a programme already exists.")
def seed_demo_command(start, if_empty):
    """Load the Meltingpotch demo programme (two days, two venues)."""
    from festival.programme.demo import coming_saturday, programme_exists, seed_demo

    if if_empty and programme_exists():
        click.echo("A programme exists already; nothing loaded.")
        return
    first_day = start.date() if start else coming_saturday(date.today())
    edition = seed_demo(first_day)
    db.session.commit()
    click.echo(f"Demo edition '{edition.name}' loaded: {edition.starts_on} to {edition.ends_on}.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["organiser", "volunteer"]), required=True)
@click.option("--password", default=None, help="Default: a random one, printed once.")
@click.option("--name", default="")
def create_user_command(email, role, password, name):
    """Create an organiser or volunteer account."""
    from festival.accounts.services import create_user

    shown = password or secrets.token_urlsafe(12)
    try:
        user = create_user(email, role, shown, utcnow(), name=name)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")
    if not password:
        click.echo(f"Password: {shown}")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="cli")
def create_token_command(email, name):
    """Print a new API token for the account (shown once)."""
    from festival.accounts.services import create_api_token

    try:
        token = create_api_token(email, utcnow(), name=name)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(token)


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(dir_okay=False))
def backup_command(destination):
    """Take a consistent backup of the live database (default: instance/backups/)."""
    from pathlib import Path

    from flask import current_app

    from festival.backup import backup_database

    if destination is None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        suffix = "sqlite3" if current_app.config["DATABASE_URL"].startswith("sqlite") else "pgdump"
        destination = Path(current_app.instance_path) / "backups" / f"festival-{stamp}.{suffix}"
    path = backup_database(current_app.config["DATABASE_URL"], Path(destination))
    click.echo(f"Backup written to {path}")


@click.command("mail-retry")
def mail_retry_command():
    """Send the emails that are due again (after an SMTP failure); run it from cron."""
    from festival.mail.delivery import deliver_due
    from festival.registration import notices  # noqa: F401  (registers the renderers)

    click.echo(f"{deliver_due(utcnow())} email(s) sent.")


def init_app(app) -> None:
    for command in (
        mail_retry_command,
        init_db_command,
        seed_demo_command,
        create_user_command,
        create_token_command,
        backup_command,
    ):
        app.cli.add_command(command)
