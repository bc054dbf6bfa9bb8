"""`flask kiosks …`, and `flask units set-pin` (the factory lists it under `units`)."""

import sys

import click
import segno
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from webapp.cli_utils import commit_or_fail, unit_or_fail
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import create_kiosk, enrollment_url, revoke_kiosk, set_staff_pin
from webapp.units.models import ProcedureDomain

kiosks_cli = AppGroup("kiosks", help="Kiosk tablets.")


@kiosks_cli.command("create")
@click.option("--unit", "unit_slug", required=True, help="Slug of the unit the tablet serves.")
@click.option("--name", help="A name staff recognise, e.g. 'counter 2'.")
@click.option("--domain", help="Procedure domain preselected on this kiosk, e.g. dat_dai.")
@click.option("--qr", is_flag=True, help="Also print the enrollment URL as a QR code.")
def create_command(unit_slug: str, name: str | None, domain: str | None, qr: bool) -> None:
    """Create a kiosk and print its one-time enrollment code and URL."""
    unit = unit_or_fail(unit_slug)
    if domain and db.session.get(ProcedureDomain, domain) is None:
        raise click.ClickException(f"unknown procedure domain {domain!r}")
    if not unit.active:
        click.echo(f"warning: unit {unit.slug} is retired (merged or closed)", err=True)
    kiosk, code = create_kiosk(unit, name)
    kiosk.default_domain_code = domain
    commit_or_fail("creating the kiosk")
    url = enrollment_url(code)
    click.echo(f"kiosk: {kiosk.id} {kiosk.name}")
    click.echo(f"code: {code}")
    click.echo(f"url: {url}")
    expires = kiosk.enroll_code_expires_at
    if expires is None:  # create_kiosk always gives the code an expiry
        raise click.ClickException("the enrollment code has no expiry")
    click.echo(f"expires: {expires.isoformat(timespec='minutes')}")
    if qr:
        segno.make(url, error="m").terminal(compact=True)


@kiosks_cli.command("revoke")
@click.argument("kiosk_id", type=int)
def revoke_command(kiosk_id: int) -> None:
    """Revoke a kiosk: its token stops working; its responses stay."""
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise click.ClickException(f"unknown kiosk {kiosk_id}")
    revoke_kiosk(kiosk)
    commit_or_fail("revoking the kiosk")
    click.echo(f"revoked kiosk {kiosk.id} ({kiosk.name})")


@kiosks_cli.command("list")
def list_command() -> None:
    for kiosk in db.session.scalars(select(Kiosk).order_by(Kiosk.id)):
        seen = kiosk.last_seen_at.isoformat(timespec="minutes") if kiosk.last_seen_at else "never"
        click.echo(f"{kiosk.id:5} {kiosk.unit.slug:24} {kiosk.status:9} {seen:20} {kiosk.name}")


# Listed under `flask units` by the factory: the PIN is a unit's, the code that sets it is
# the kiosks' (units import no other feature).
@click.command("set-pin")
@with_appcontext
@click.argument("slug")
@click.option("--pin-stdin", is_flag=True, help="Read the PIN from the first line of stdin.")
@click.option("--remove", is_flag=True, help="Remove the PIN (the staff panel becomes read-only).")
def set_pin_command(slug: str, pin_stdin: bool, remove: bool) -> None:
    """Set the PIN that opens the staff panel on the unit's kiosks (4-8 digits).

    Without --pin-stdin the PIN is asked for twice, hidden. Only its hash is stored; kiosks
    pick it up on their next config refresh.
    """
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
