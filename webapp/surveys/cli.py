"""`flask surveys …`."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.cli_utils import load_json_file, run_import
from webapp.extensions import db
from webapp.surveys.models import Survey
from webapp.surveys.services import import_surveys

surveys_cli = AppGroup("surveys", help="Import and list questionnaires.")


@surveys_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
def import_command(path: str) -> None:
    """Publish the templates of a file shaped like data/questionnaires.json.

    A template whose definition changed becomes a new version; past responses keep theirs.
    """
    versions = run_import(import_surveys, load_json_file(path), path)
    click.echo("surveys: " + ", ".join(f"{v.survey.key} v{v.version}" for v in versions))


@surveys_cli.command("list")
def list_command() -> None:
    for survey in db.session.scalars(select(Survey).order_by(Survey.key)):
        latest = survey.latest.version if survey.latest else "-"
        state = "retired" if survey.retired_at else "live"
        click.echo(f"{survey.key:20} v{latest:<4} {state:8} {', '.join(survey.unit_types)}")
