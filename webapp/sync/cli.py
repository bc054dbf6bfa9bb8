"""`flask responses export`."""

import click
from flask.cli import AppGroup

from webapp.cli_utils import period_or_fail, unit_or_fail
from webapp.sync.export import csv_lines

responses_cli = AppGroup("responses", help="Stored responses.")


@responses_cli.command("export")
@click.option("--unit", "unit_slug", help="Only this unit's responses.")
@click.option("--period", help="2024, 2024-Q2 or 2024-04 (by corrected submission time).")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
def export_command(unit_slug: str | None, period: str | None, fmt: str) -> None:
    """Write the responses as CSV to standard output."""
    unit = unit_or_fail(unit_slug) if unit_slug else None
    selected = period_or_fail(period) if period else None
    for line in csv_lines(unit, selected):
        click.echo(line, nl=False)
