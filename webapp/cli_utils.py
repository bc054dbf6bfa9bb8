"""Helpers shared by the CLI commands: one-line errors, never a traceback."""

import json
from pathlib import Path

import click

from webapp.extensions import db
from webapp.periods import PeriodError, resolve_relative
from webapp.units.services import get_unit


def load_json_file(path: str) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{path} is not valid JSON: {exc}") from exc


def run_import(importer, data, label: str):
    """Run an importer (units, surveys) and commit; its data errors (ValueError: the message
    says where) become one line naming the file."""
    try:
        result = importer(data)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(f"{label}: {exc}") from exc
    commit_or_fail(label)
    return result


def unit_or_fail(slug: str):
    unit = get_unit(slug)
    if unit is None:
        raise click.ClickException(f"unknown unit {slug!r} (see `flask units list`)")
    return unit


def period_or_fail(code: str):
    """A period code, or last-month / last-quarter / last-year (for scheduled runs)."""
    try:
        return resolve_relative(code)
    except PeriodError as exc:
        raise click.ClickException(str(exc)) from exc


def commit_or_fail(action: str) -> None:
    try:
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        raise click.ClickException(f"{action} failed: {exc.__class__.__name__}: {exc}") from exc
