"""Results of the field surveys (SPEC 13): the wards compared along the PAPI axes, one ward's
axes with the items behind them, and the code-of-conduct inspections with the cases they
opened. Admins and auditors see every unit, a manager their own; surveyors collect, they do
not read results (403)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp.access import ANY_USER, allow, visible_unit_ids, visible_unit_or_404
from webapp.alerts.models import Alert
from webapp.extensions import db
from webapp.field import scoring
from webapp.periods import FIRST_YEAR, LAST_YEAR

bp = Blueprint("field_results", __name__, template_folder="templates")

HOUSEHOLD_SURVEY = "papi_household"
INSPECTION_SURVEY = "conduct_inspection"


def current_year() -> int:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).year


def _year_argument() -> int:
    """?year=YYYY, the current local year without one; 400 for anything else."""
    text = request.args.get("year")
    if text is None or text == "":
        return current_year()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        abort(400, description=_("Invalid year: write it with four digits, e.g. 2026."))
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(
            400,
            description=_(
                "Invalid year: it must be from %(first)s to %(last)s.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            ),
        )
    return year


def _years(year: int) -> list[int]:
    """The years to choose from: the current one and the four before (and `year`)."""
    now = current_year()
    return sorted({*range(now - 4, now + 1), year}, reverse=True)


def _axes_header(wards: list[scoring.WardAxes]) -> list[scoring.AxisScore]:
    return wards[0].axes if wards else []


@bp.get("/field/results")
@allow(*ANY_USER)
def results():
    year = _year_argument()
    wards = scoring.district_axes(year, visible_unit_ids(current_user), HOUSEHOLD_SURVEY)
    return render_template(
        "field/results.html",
        year=year,
        years=_years(year),
        wards=wards,
        axes=_axes_header(wards),
        min_n=scoring.min_n(),
    )


@bp.get("/field/results/<slug>/<int:year>")
@allow(*ANY_USER)
def ward(slug: str, year: int):
    unit = visible_unit_or_404(slug)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    result = scoring.ward_axes(unit, year, HOUSEHOLD_SURVEY)
    return render_template(
        "field/ward.html", result=result, unit=unit, year=year, min_n=scoring.min_n()
    )


def _cases_of(results: list[scoring.InspectionResult]) -> dict[str, int]:
    """{inspection id: the case its alert opened or joined}."""
    keys = [str(result.response_id) for result in results if result.failed]
    if not keys:
        return {}
    rows = db.session.execute(
        select(Alert.key, Alert.case_id).where(
            Alert.rule == "inspection_failed", Alert.key.in_(keys)
        )
    ).all()
    return {str(key): int(case_id) for key, case_id in rows}


@bp.get("/field/inspections")
@allow(*ANY_USER)
def inspections():
    year = _year_argument()
    found = scoring.inspections(year, visible_unit_ids(current_user), INSPECTION_SURVEY)
    units: dict[int, list[scoring.InspectionResult]] = {}
    for result in found:
        units.setdefault(result.unit.id, []).append(result)
    groups = sorted(units.values(), key=lambda rows: (rows[0].unit.name_vi, rows[0].unit.slug))
    return render_template(
        "field/inspections.html",
        year=year,
        years=_years(year),
        groups=groups,
        cases=_cases_of(found),
    )
