"""`flask contacts purge|delete|rotate|new-key` (SPEC 9 and 13)."""

import click
from flask.cli import AppGroup

from webapp.cli_utils import commit_or_fail
from webapp.contacts import crypto, services
from webapp.contacts.phone import PhoneError

contacts_cli = AppGroup("contacts", help="Consented follow-up contacts (encrypted).")


@contacts_cli.command("purge")
def purge_command() -> None:
    """Delete the contacts older than FLASK_CONTACT_RETENTION_DAYS (default 180)."""
    deleted = services.purge_expired()
    commit_or_fail("purging contacts")
    click.echo(f"contacts purged: {deleted}")


@contacts_cli.command("delete")
@click.option("--phone", required=True, help="The number, in any accepted form (0…, +84…).")
def delete_command(phone: str) -> None:
    """Delete every contact with this phone number (a person's request to be forgotten)."""
    try:
        deleted = services.delete_phone(phone)
    except PhoneError as exc:
        raise click.ClickException(f"--phone {exc}") from exc
    commit_or_fail("deleting contacts")
    click.echo(f"contacts deleted: {deleted}")


@contacts_cli.command("rotate")
def rotate_command() -> None:
    """Re-encrypt every contact with the first key of FLASK_CONTACT_KEY (README: rotation)."""
    try:
        count = services.rotate_keys()
    except crypto.ContactKeyError as exc:
        raise click.ClickException(str(exc)) from exc
    commit_or_fail("rotating the contact key")
    click.echo(f"contacts re-encrypted: {count}")


@contacts_cli.command("new-key")
def new_key_command() -> None:
    """Print a new Fernet key, to prepend to FLASK_CONTACT_KEY."""
    click.echo(crypto.new_key())
