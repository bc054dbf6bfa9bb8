"""`flask units …` (`flask units set-pin` lives with the kiosk services, in kiosk/cli.py)."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.cli_utils import load_json_file, run_import
from webapp.extensions import db
from webapp.units.models import Unit
from webapp.units.services import ImportSummary, import_units

units_cli = AppGroup("units", help="Import and list units.")


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
        if unit.active:
            state = "active"
        elif unit.merged_into is None:
            state = "retired"
        else:
            state = f"merged into {unit.merged_into.slug}"
        click.echo(f"{unit.slug:28} {unit.type_code:26} {state:28} {unit.name_vi}")
