"""`flask demo seed|bootstrap|responses`: demo data and the first start of `make run`.

At the top of the import graph: it reaches into units, surveys, auth and kiosk, and nothing
imports it but the factory.
"""

import json
import secrets
from importlib import resources

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.auth.models import User
from webapp.auth.services import create_user
from webapp.cli_utils import commit_or_fail, run_import
from webapp.demo.field import generate_field
from webapp.demo.officials import seed_demo_officials
from webapp.demo.responses import generate
from webapp.extensions import db
from webapp.field.surveys import import_field_surveys
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import create_kiosk, enrollment_url, issue_enrollment_code, set_staff_pin
from webapp.surveys.services import import_surveys
from webapp.units.models import Unit
from webapp.units.services import ImportSummary, get_unit, import_units

demo_cli = AppGroup("demo", help="Demo data.")


def packaged(name: str) -> dict:
    return json.loads(resources.files("webapp.data").joinpath(name).read_text(encoding="utf-8"))


@demo_cli.command("seed")
def seed_command() -> None:
    """Units, surveys and targets from the packaged data (idempotent)."""
    seed_packaged_data()


def seed_packaged_data() -> None:
    units = ImportSummary()
    for name in ("units.json", "demo_units.json"):
        part = run_import(import_units, packaged(name), name)
        units.created += part.created
        units.updated += part.updated
    versions = run_import(import_surveys, packaged("questionnaires.json"), "questionnaires.json")
    versions += run_import(
        import_field_surveys, packaged("field_surveys.json"), "field_surveys.json"
    )
    click.echo(f"units: {units}")
    click.echo("surveys: " + ", ".join(f"{v.survey.key} v{v.version}" for v in versions))


@demo_cli.command("bootstrap")
@click.option("--ward", default="sai-gon", show_default=True, help="Unit of the demo kiosk.")
@click.option(
    "--with-responses/--without-responses",
    default=True,
    show_default=True,
    help="On an empty database, also demo officials and two quarters of responses.",
)
def bootstrap_command(ward: str, with_responses: bool) -> None:
    """First-start helper for `make run`: seed when empty, first admin, a kiosk code."""
    if db.session.scalar(select(db.func.count()).select_from(Unit)) == 0:
        seed_packaged_data()
        if with_responses:
            # A fresh demo shows real dashboards, PDFs and a ranking of officials.
            officials = seed_demo_officials()
            count = generate(2, 1, 6.0)
            interviews = generate_field()
            commit_or_fail("generating demo responses")
            click.echo(
                f"demo data: {officials} officials, {count} responses, "
                f"{interviews} field interviews and inspections"
            )
    if db.session.scalar(select(db.func.count()).where(User.role == "admin")) == 0:
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


@demo_cli.command("field")
@click.option("--year", type=int, default=None, help="Year of the interviews (default: this).")
@click.option("--seed", default=1, show_default=True, help="Same seed, same interviews.")
@click.option("--per-ward", default=30, show_default=True, help="Household interviews per ward.")
def field_command(year: int | None, seed: int, per_ward: int) -> None:
    """Demo household interviews (PAPI axes) and code-of-conduct inspections of every live
    ward, by a demo surveyor (after `flask demo seed`)."""
    count = generate_field(year, seed, per_ward)
    commit_or_fail("generating demo field interviews")
    click.echo(f"demo field interviews and inspections: {count} added")


@demo_cli.command("responses")
@click.option("--quarters", default=6, show_default=True, help="Quarters back from the current.")
@click.option("--seed", default=1, show_default=True, help="Same seed, same responses.")
@click.option("--per-day", default=6.0, show_default=True, help="Mean responses per unit and day.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default today).")
def responses_command(quarters: int, seed: int, per_day: float, until) -> None:
    """Generate demo responses for every unit with a survey (after `flask demo seed`), with
    demo officials in the units that have none, each response naming who served."""
    officials = seed_demo_officials(seed)
    if officials:
        click.echo(f"demo officials: {officials} added")
    count = generate(quarters, seed, per_day, until.date() if until else None)
    commit_or_fail("generating demo responses")
    click.echo(f"demo responses: {count} added")
