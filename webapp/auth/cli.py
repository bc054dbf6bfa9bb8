"""`flask users create`."""

import sys

import click
from flask.cli import AppGroup

from webapp.auth.models import ROLES
from webapp.auth.services import AccountError, create_user
from webapp.cli_utils import commit_or_fail, unit_or_fail
from webapp.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--unit", "unit_slugs", multiple=True, help="Unit slug (managers; repeatable).")
@click.option("--official", "official_code", default=None, help="Staff code (role official).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(
    email: str, role: str, unit_slugs: tuple[str], official_code: str | None, password_stdin: bool
) -> None:
    """Create a user; the password is prompted for unless --password-stdin is given."""
    from webapp.officials.services import official_by_code

    units = [unit_or_fail(slug) for slug in unit_slugs]
    official = None
    if official_code:
        official = official_by_code(official_code)
        if official is None:
            raise click.ClickException(
                f"unknown official {official_code!r} (see `flask officials list`)"
            )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, role, password, units, official)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    commit_or_fail("creating the user")
    bound = f" for {', '.join(u.slug for u in units)}" if units else ""
    click.echo(f"created {user.role} {user.email}{bound}")
