"""`flask units …` and `flask demo seed`."""

import json
import secrets
import sys
from importlib import resources

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.cli_utils import commit_or_fail, load_json_file, unit_or_fail
from webapp.extensions import db
from webapp.surveys.services import DefinitionError, import_surveys
from webapp.units.models import Unit
from webapp.units.services import ImportErrorInData, ImportSummary, import_units

units_cli = AppGroup("units", help="Import and list units.")
demo_cli = AppGroup("demo", help="Demo data.")


def packaged(name: str) -> dict:
    return json.loads(resources.files("webapp.data").joinpath(name).read_text(encoding="utf-8"))


def run_import(importer, data, label: str):
    try:
        result = importer(data)
    except (ImportErrorInData, DefinitionError) as exc:
        db.session.rollback()
        raise click.ClickException(f"{label}: {exc}") from exc
    commit_or_fail(label)
    return result


@units_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
def import_command(path: str) -> None:
    """Create or update units from a JSON file shaped like data/units.json."""
    summary: ImportSummary = run_import(import_units, load_json_file(path), path)
    click.echo(f"units: {summary}")


@units_cli.command("list")
def list_command() -> None:
    """Slug, type, state and name of every unit."""
    for unit in db.session.scalars(select(Unit).order_by(Unit.slug)):
        state = "active" if unit.active else f"merged into {unit.merged_into.slug}"
        if not unit.active and unit.merged_into is None:
            state = "retired"
        click.echo(f"{unit.slug:28} {unit.type_code:26} {state:28} {unit.name_vi}")


@units_cli.command("set-pin")
@click.argument("slug")
@click.option("--pin-stdin", is_flag=True, help="Read the PIN from the first line of stdin.")
@click.option("--remove", is_flag=True, help="Remove the PIN (the staff panel becomes read-only).")
def set_pin_command(slug: str, pin_stdin: bool, remove: bool) -> None:
    """Set the PIN that opens the staff panel on the unit's kiosks (4-8 digits).

    Without --pin-stdin the PIN is asked for twice, hidden. Only its hash is stored; kiosks
    pick it up on their next config refresh.
    """
    from webapp.kiosk.services import set_staff_pin

    unit = unit_or_fail(slug)
    if remove and pin_stdin:
        raise click.UsageError("use either --remove or --pin-stdin")
    if remove:
        pin = None
    elif pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = click.prompt("Staff PIN", hide_input=True, confirmation_prompt=True).strip()
    try:
        set_staff_pin(unit, pin)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    commit_or_fail("setting the staff PIN")
    click.echo(f"staff PIN {'removed' if pin is None else 'set'} for {unit.slug}")


@demo_cli.command("seed")
def seed_command() -> None:
    """Units, surveys and targets from the packaged data (idempotent)."""
    units = ImportSummary()
    for name in ("units.json", "demo_units.json"):
        part = run_import(import_units, packaged(name), name)
        units.created += part.created
        units.updated += part.updated
    versions = run_import(import_surveys, packaged("questionnaires.json"), "questionnaires.json")
    click.echo(f"units: {units}")
    click.echo("surveys: " + ", ".join(f"{v.survey.key} v{v.version}" for v in versions))


@demo_cli.command("bootstrap")
@click.option("--ward", default="sai-gon", show_default=True, help="Unit of the demo kiosk.")
def bootstrap_command(ward: str) -> None:
    """First-start helper for `make run`: seed when empty, first admin, a kiosk code."""
    from webapp.auth.models import User
    from webapp.auth.services import create_user
    from webapp.kiosk.models import Kiosk
    from webapp.kiosk.services import (
        create_kiosk,
        enrollment_url,
        issue_enrollment_code,
        set_staff_pin,
    )
    from webapp.units.services import get_unit

    if db.session.scalar(select(db.func.count()).select_from(Unit)) == 0:
        seed_command.callback()
    if db.session.scalar(select(db.func.count()).select_from(User)) == 0:
        password = secrets.token_urlsafe(12)
        create_user("admin@hailong.local", "admin", password)
        commit_or_fail("creating the first admin")
        click.echo("=" * 64)
        click.echo("First admin account (shown once; change it after logging in):")
        click.echo("  email:    admin@hailong.local")
        click.echo(f"  password: {password}")
        click.echo("=" * 64)
    unit = get_unit(ward)
    if unit is None:
        raise click.ClickException(f"unknown unit {ward!r}")
    kiosk = db.session.scalar(
        select(Kiosk).where(
            Kiosk.unit_id == unit.id, Kiosk.enrolled_at.is_(None), Kiosk.revoked_at.is_(None)
        )
    )
    if kiosk is None:
        kiosk, code = create_kiosk(unit, "demo")
    else:
        code = issue_enrollment_code(kiosk)
    # Without a PIN the kiosk's staff panel is read-only; the demo should show all of it.
    # Printed only when it is set here: the database keeps only its hash.
    pin = None
    if unit.staff_pin_hash is None:
        pin = f"{secrets.randbelow(10**6):06d}"
        set_staff_pin(unit, pin)
    commit_or_fail("preparing the demo kiosk")
    click.echo(f"Kiosk enrollment for {unit.name_vi} (valid 24 h, single use):")
    click.echo(f"  code: {code}")
    click.echo(f"  url: {enrollment_url(code)}")
    if pin is not None:
        click.echo(f"  staff PIN (five taps on the unit name; shown once): {pin}")
