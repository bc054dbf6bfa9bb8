"""`flask officials create|import|list` (SPEC 9)."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from webapp.cli_utils import commit_or_fail, unit_or_fail
from webapp.extensions import db
from webapp.officials.models import Official
from webapp.officials.services import (
    OfficialError,
    create_official,
    import_officials,
    parse_csv,
)

officials_cli = AppGroup("officials", help="Officials who serve at the counters.")


@officials_cli.command("create")
@click.option("--unit", "unit_slug", required=True, help="Unit slug.")
@click.option("--code", required=True, help="Staff code (unique).")
@click.option("--name", required=True, help="Full name.")
@click.option("--title", default=None, help="Title, as the citizen should read it.")
def create_command(unit_slug: str, code: str, name: str, title: str | None) -> None:
    """Create an official of a unit; prints `official: CODE`."""
    unit = unit_or_fail(unit_slug)
    try:
        official = create_official(unit, code, name, title)
    except OfficialError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    commit_or_fail("creating the official")
    click.echo(f"official: {official.code}")


def read_rows(path: str) -> tuple[list, int]:
    """A JSON list of {unit, code, name, title} or a CSV with those columns, and the line
    number of the first row (the n-th entry of a JSON list is its line n)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path} is not UTF-8 text") from exc
    if text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(rows, list):
            raise click.ClickException(f"{path}: a JSON list of officials is expected")
        return rows, 1
    try:
        return parse_csv(text), 2
    except OfficialError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc


@officials_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
def import_command(path: str) -> None:
    """Create or update officials from FILE (JSON list or CSV unit,code,name,title); all
    rows or none."""
    try:
        rows, first_line = read_rows(path)
        result = import_officials(rows, first_line=first_line)
    except OfficialError as exc:
        db.session.rollback()
        raise click.ClickException(f"{path}: {exc}") from exc
    commit_or_fail(path)
    click.echo(f"officials: {result}")


@officials_cli.command("list")
@click.option("--unit", "unit_slug", default=None)
def list_command(unit_slug: str | None) -> None:
    """Code, unit, state and name of the officials."""
    query = db.select(Official).order_by(Official.code)
    if unit_slug:
        query = query.where(Official.unit_id == unit_or_fail(unit_slug).id)
    for official in db.session.scalars(query):
        state = "active" if official.active else f"left {official.left_on or ''}".strip()
        click.echo(f"{official.code:16} {official.unit.slug:24} {state:16} {official.full_name}")
