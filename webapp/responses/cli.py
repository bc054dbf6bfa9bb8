"""`flask responses export`, `rebuild-rollups` and `reflag`."""

import click
from flask.cli import AppGroup

from webapp.cli_utils import commit_or_fail, period_or_fail, unit_or_fail
from webapp.flags.services import reflag
from webapp.responses.export import VARIANTS, export_lines
from webapp.responses.rollups import rebuild_rollups, rollup_differences

responses_cli = AppGroup("responses", help="Stored responses.")


@responses_cli.command("export")
@click.option("--unit", "unit_slug", help="Only this unit's responses.")
@click.option("--period", help="2024, 2024-Q2 or 2024-04 (by corrected submission time).")
# CSV is the only format; the option stays so that scripts naming it (SPEC 9) keep working.
@click.option(
    "--format", type=click.Choice(["csv"]), default="csv", expose_value=False, help="Only csv."
)
@click.option(
    "--variant",
    type=click.Choice(VARIANTS),
    default="spec",
    show_default=True,
    help="spec: the fixed columns with the answers as JSON (SPEC 9); analysis: one column"
    " per question id (docs/exports.md).",
)
@click.option("--bom", is_flag=True, help="Start with a UTF-8 BOM, for Excel on Windows.")
def export_command(unit_slug: str | None, period: str | None, variant: str, bom: bool) -> None:
    """Write the responses as CSV to standard output."""
    unit = unit_or_fail(unit_slug) if unit_slug else None
    selected = period_or_fail(period) if period else None
    for line in export_lines(unit, selected, variant=variant, bom=bom):
        click.echo(line, nl=False)


@responses_cli.command("rebuild-rollups")
@click.option("--unit", "unit_slug", help="Only this unit (not its predecessors).")
@click.option("--check", is_flag=True, help="Only compare; exit 1 if the counts differ.")
def rebuild_rollups_command(unit_slug: str | None, check: bool) -> None:
    """Recount the figures' per-day counts from the stored responses.

    Needed after loading responses by hand (SQL, restore of the responses table only) or
    after changing TIMEZONE; syncs keep the counts up to date by themselves. On PostgreSQL
    syncs wait while it runs.
    """
    unit_ids = [unit_or_fail(unit_slug).id] if unit_slug else None
    if check:
        differences = rollup_differences(unit_ids)
        if differences:
            raise click.ClickException(
                f"{len(differences)} rollup rows differ from the responses;"
                " run `flask responses rebuild-rollups`"
            )
        click.echo("rollups match the responses")
        return
    read, written = rebuild_rollups(unit_ids)
    commit_or_fail("rebuilding the rollups")
    click.echo(f"rollups rebuilt: {read} responses counted into {written} rows")


@responses_cli.command("reflag")
@click.option("--period", required=True, help="2024, 2024-Q2, 2024-04 or last-month.")
@click.option("--unit", "unit_slugs", multiple=True, help="Only this unit (repeatable).")
def reflag_command(period: str, unit_slugs: tuple[str, ...]) -> None:
    """Recompute the period's integrity flags with the current rules and configuration.

    Burst, off-hours and replay as at ingest, plus drift (a kiosk's share of 5s far above its
    own last 30 days), which only this command judges: run it nightly from cron, next to
    `flask alerts run`, and after changing a rule's setting (office hours, burst limits).
    Reviewed responses keep their decision; the figures' counts follow in the same commit.
    """
    selected = period_or_fail(period)
    units = [unit_or_fail(slug) for slug in unit_slugs] or None
    result = reflag(selected, units)
    commit_or_fail("reflag")
    click.echo(result.line())
