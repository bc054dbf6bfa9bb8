"""`flask reports build` and `flask reports verify` (SPEC section 9)."""

from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.cli_utils import commit_or_fail, period_or_fail, unit_or_fail
from webapp.extensions import db
from webapp.units.models import Unit, UnitType

reports_cli = AppGroup("reports", help="Signed PDF reports.")

_worker_app: Flask | None = None


def default_units() -> list[str]:
    """Active units with a questionnaire, plus active units with subordinate units (summaries)."""
    units = db.session.scalars(
        select(Unit).join(UnitType).where(Unit.active.is_(True)).order_by(Unit.slug)
    ).all()
    return [u.slug for u in units if u.type.survey_key or any(child.active for child in u.children)]


def field_kind(unit: Unit) -> str:
    """A ward's field report, or the wards' summary for the district at the root."""
    from webapp.reports import services

    if unit.type_code in services.field_unit_types():
        return services.KIND_PAPI
    summary = services.field_summary_unit()
    if summary is not None and summary.id == unit.id:
        return services.KIND_PAPI_SUMMARY
    raise click.ClickException(
        f"{unit.slug}: the household survey is about wards; its summary is filed under "
        f"{summary.slug if summary else 'the district'}"
    )


def default_field_units() -> list[str]:
    """Every active ward the household survey is about, and the district's summary."""
    from webapp.reports import services

    summary = services.field_summary_unit()
    return [u.slug for u in services.field_units()] + ([summary.slug] if summary else [])


def build_one(
    slug: str, period_code: str, locale: str, out_dir: str, force: bool, field: bool = False
) -> dict:
    """Build (or take from the archive) one unit's signed PDF and write it to out_dir: with
    `field`, the household survey's PAPI results of the year (OUT/<unit>-<year>-papi.pdf)."""
    from webapp.reports.services import audit, get_or_build_report

    unit = unit_or_fail(slug)
    period = period_or_fail(period_code)
    kind = field_kind(unit) if field else None
    result = get_or_build_report(unit, period, locale, force=force, kind=kind)
    report = result.report
    suffix = "-papi" if field else ""
    path = Path(out_dir) / f"{unit.slug}-{period.code}{suffix}.pdf"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(report.pdf)
    tmp.replace(path)
    audit(report, unit, "report.download", cached=not result.generated, file=str(path))
    commit_or_fail(f"storing the report of {slug}")
    return {
        "slug": slug,
        "path": str(path),
        "sha256": report.pdf_sha256,
        "new": result.generated,
        "report_id": report.id,
    }


def _init_worker(app) -> None:
    """Each forked worker keeps the parent's app (imports, fonts and the signing key already
    loaded); its database pool was emptied before the fork, so it opens its own connections."""
    global _worker_app
    _worker_app = app


def _build_in_worker(slug, period_code, locale, out_dir, force, field=False) -> dict:
    if _worker_app is None:
        raise RuntimeError("only runs in a worker started with _init_worker")
    with _worker_app.app_context():
        try:
            return build_one(slug, period_code, locale, out_dir, force, field)
        except click.ClickException as exc:
            return {"slug": slug, "error": exc.message}
        except Exception as exc:  # report and carry on with the other units
            db.session.rollback()
            return {"slug": slug, "error": f"{exc.__class__.__name__}: {exc}"}


@reports_cli.command("build")
@click.option(
    "--period",
    "period_code",
    required=True,
    help="2024, 2024-Q2, 2024-04, or last-month / last-quarter / last-year (for cron).",
)
@click.option("--unit", "slugs", multiple=True, help="Unit slug (repeatable); default: all.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True)
@click.option("--force", is_flag=True, help="Render and sign again even if unchanged.")
@click.option(
    "--mail",
    "send",
    is_flag=True,
    help="E-mail each PDF to its unit's managers (the district summary also to "
    "REPORT_SUMMARY_RECIPIENTS).",
)
@click.option(
    "--field",
    is_flag=True,
    help="The household survey's PAPI results instead (a year period): "
    "OUT/<ward>-<year>-papi.pdf per ward and the wards compared under the district.",
)
def build_command(period_code, slugs, out_dir, lang, workers, force, send, field) -> None:
    """Write OUT/<unit>-<period>.pdf, signed, for each unit (unchanged ones from the archive)."""
    period = period_or_fail(period_code)
    if field and period.kind != "year":
        raise click.ClickException("--field reports cover a year: give --period YYYY")
    if field and send:
        raise click.ClickException("--mail sends the satisfaction reports only")
    chosen = [unit_or_fail(s) for s in slugs]
    if field:
        for unit in chosen:
            field_kind(unit)  # refuse a unit the survey is not about before building any
    slugs = [u.slug for u in chosen] or (default_field_units() if field else default_units())
    if not slugs:
        raise click.ClickException("no active unit to report on (run `flask demo seed`?)")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    workers = min(workers, len(slugs))
    results = []
    with click.progressbar(length=len(slugs), label=f"Reports {period.code}") as bar:
        if workers == 1:
            for slug in slugs:
                results.append(build_one(slug, period.code, lang, out_dir, force, field))
                bar.update(1)
        else:
            db.session.remove()
            db.engine.dispose()  # no pooled connection may cross the fork
            # Flask types current_app as the Flask it proxies, without the proxy's own method.
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            with ProcessPoolExecutor(
                max_workers=workers,
                mp_context=get_context("fork"),
                initializer=_init_worker,
                initargs=(app,),  # inherited through the fork, never pickled
            ) as pool:
                futures = [
                    pool.submit(_build_in_worker, s, period.code, lang, out_dir, force, field)
                    for s in slugs
                ]
                for future in as_completed(futures):
                    results.append(future.result())
                    bar.update(1)
    failed = [r for r in results if "error" in r]
    for r in sorted(results, key=lambda r: r["slug"]):
        if "error" in r:
            click.echo(f"FAILED  {r['slug']}: {r['error']}", err=True)
        else:
            state = "new" if r["new"] else "unchanged"
            click.echo(f"{r['path']}  sha256={r['sha256'][:16]}  {state}")
    mail_failures = _mail_results([r for r in results if "error" not in r]) if send else 0
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(results)} reports failed")
    if mail_failures:
        raise click.ClickException(f"{mail_failures} report mails failed")


def _mail_results(results: list[dict]) -> int:
    """Mail each built report (in this process, after the workers); one line per mail.
    Returns how many mails failed."""
    from webapp.reports.mailing import mail_report
    from webapp.reports.models import Report

    failures = 0
    for r in sorted(results, key=lambda r: r["slug"]):
        unit = unit_or_fail(r["slug"])
        report = db.session.get(Report, r["report_id"])
        if report is None:
            raise click.ClickException(f"report of {r['slug']} vanished before mailing")
        for outcome in mail_report(unit, report, Path(r["path"])):
            who = f"{outcome.slug} {outcome.email}"
            if outcome.email is None:
                click.echo(f"mail: {outcome.slug} has no manager, not sent")
            elif outcome.error or outcome.delivery is None:
                failures += 1
                click.echo(f"mail FAILED: {who}: {outcome.error}", err=True)
            elif outcome.delivery.sent:
                click.echo(f"mail: {who} sent")
            else:
                click.echo(f"mail: {who} written to {outcome.delivery.file}")
    return failures


@reports_cli.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def verify_command(files) -> None:
    """Print VALID or INVALID per file; exit 0 only if every file is valid."""
    from webapp.reports.signing import signing_identity
    from webapp.reports.verification import verify_pdf

    identity = signing_identity()
    system_roots = bool(current_app.config.get("TIMESTAMP_URL"))
    all_valid = True
    for name in files:
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            click.echo(f"INVALID  {name}  cannot read the file: {exc.strerror}")
            all_valid = False
            continue
        result = verify_pdf(data, identity, system_timestamp_roots=system_roots)
        if result.valid:
            dev = "  (development certificate)" if result.dev_certificate else ""
            click.echo(
                f"VALID  {name}  unit={result.unit} period={result.period} "
                f"signer={result.signer!r} generated={result.generated_at} "
                f"data_sha256={result.data_sha256}{dev}"
            )
        else:
            all_valid = False
            extra = f"  signer={result.signer!r}" if result.signer else ""
            click.echo(f"INVALID  {name}  {result.message}{extra}")
    if not all_valid:
        raise SystemExit(1)
