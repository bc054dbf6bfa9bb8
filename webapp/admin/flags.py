"""Admin section: flagged responses, confirmed or cleared one at a time (SPEC 7, issue 15).

Admins decide; auditors read the same list without forms. The work is in webapp.flags.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import allow
from webapp.admin import services
from webapp.admin.common import READ, bp
from webapp.admin.forms import FlagReviewForm
from webapp.choices import FLAG_DECISIONS, FLAG_REASONS
from webapp.dashboard.services import default_period, period_choices
from webapp.extensions import db
from webapp.flags import services as flag_services
from webapp.paging import page_number
from webapp.periods import PeriodError, parse_period
from webapp.units.services import get_unit

FILTERS = ("unit", "reason", "period", "decided")


def _filters() -> tuple[flag_services.FlagFilter, dict]:
    """The list's filters from the query string (400 when one names nothing that exists)."""
    args = {name: request.args.get(name, "") for name in FILTERS}
    unit_ids = None
    if args["unit"]:
        unit = get_unit(args["unit"])
        if unit is None:
            abort(400, description=_("Unknown unit."))
        unit_ids = [unit.id]
    if args["reason"] and args["reason"] not in FLAG_REASONS:
        abort(400)
    period = None
    if args["period"]:
        try:
            period = parse_period(args["period"])
        except PeriodError:
            abort(400)
    decided = {"yes": True, "no": False}.get(args["decided"])
    chosen = flag_services.FlagFilter(unit_ids, args["reason"] or None, period, decided)
    return chosen, {name: value for name, value in args.items() if value}


def _page(form=None, failed=None, status=200):
    chosen, args = _filters()
    page = page_number()
    rows, more = flag_services.flagged_responses(chosen, page)
    return render_template(
        "admin/flags.html",
        rows=rows,
        more=more,
        page=page,
        args=args,
        units=services.all_units(),
        reasons=FLAG_REASONS.choices(),
        period_choices=period_choices(chosen.period or default_period()),
        decisions=FLAG_DECISIONS,
        form=form or FlagReviewForm(),
        failed=failed,
    ), status


@bp.get("/admin/flags")
@allow(*READ)
def flags():
    return _page()


@bp.post("/admin/flags/<uuid:response_id>/review")
@allow("admin")
def flag_review(response_id):
    form = FlagReviewForm()
    if not form.validate_on_submit():
        return _page(form, failed=response_id, status=400)
    try:
        flag_services.review(response_id, form.decision.data, form.reason.data, current_user.id)
    except LookupError:
        db.session.rollback()
        abort(404)
    except flag_services.FlagReviewError as exc:
        db.session.rollback()
        abort(400, description=str(exc))
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for("admin.flags", **_filters()[1]))
