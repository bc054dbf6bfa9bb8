"""`/cases` (the follow-up of every unit's cases) and `/cases/<id>` (one case, its alerts and
its history; managers of the unit and admins change it)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp.access import allow, can_see_unit, require_unit_access
from webapp.alerts import services, views
from webapp.alerts.forms import CaseForm, MarkAllReadForm
from webapp.alerts.models import Case
from webapp.auth.models import User
from webapp.choices import ALERT_RULES, CASE_STATUSES
from webapp.extensions import db
from webapp.formatting import local_time
from webapp.units.models import Unit

bp = Blueprint("alerts", __name__, template_folder="templates")

LIST_LIMIT = 500


def _locale() -> str:
    return str(get_locale() or "vi")


def _today():
    from datetime import UTC, datetime

    return local_time(datetime.now(UTC)).date()


def _visible_units() -> list[Unit]:
    units = db.session.scalars(select(Unit).order_by(Unit.active.desc(), Unit.slug))
    return [u for u in units if can_see_unit(current_user, u)]


@bp.get("/cases")
@allow("admin", "manager", "auditor")
def cases():
    units = _visible_units()
    by_slug = {u.slug: u for u in units}
    unit_slug = request.args.get("unit") or None
    rule = request.args.get("rule") or None
    status = request.args.get("status") or None
    overdue = request.args.get("overdue") in ("1", "on", "true")
    if unit_slug and unit_slug not in by_slug:
        abort(404)
    if (rule and rule not in ALERT_RULES) or (status and status not in CASE_STATUSES):
        abort(400, description=_("Unknown filter value."))
    today = _today()
    query = services.visible_cases(current_user)
    if unit_slug:
        query = query.where(Case.unit_id == by_slug[unit_slug].id)
    if rule:
        query = query.where(Case.rule == rule)
    if status:
        query = query.where(Case.status == status)
    if overdue:
        query = query.where(
            Case.status != "resolved", Case.due_on.is_not(None), Case.due_on < today
        )
    found = db.session.scalars(query.order_by(Case.opened_at.desc(), Case.id.desc())).all()
    counts = services.counts_by_unit(current_user, today)
    units_by_id = {u.id: u for u in units}
    count_rows = sorted(
        ((units_by_id[uid], c) for uid, c in counts.items() if uid in units_by_id),
        key=lambda pair: (-pair[1]["overdue"], -pair[1]["open"], pair[0].slug),
    )
    return render_template(
        "alerts/cases.html",
        cases=found[:LIST_LIMIT],
        total=len(found),
        limit=LIST_LIMIT,
        units=units,
        count_rows=count_rows,
        chosen={"unit": unit_slug, "rule": rule, "status": status, "overdue": overdue},
        rules=ALERT_RULES,
        statuses=CASE_STATUSES,
        explanations=views.RULE_EXPLANATIONS,
        today=today,
        locale=_locale(),
    )


@bp.get("/alerts")
@allow("admin", "manager", "auditor")
def inbox():
    rows, total = services.inbox(current_user, LIST_LIMIT)
    return render_template(
        "alerts/inbox.html",
        rows=rows,
        total=total,
        limit=LIST_LIMIT,
        unread=services.unread_count(current_user),
        form=MarkAllReadForm(),
        explain=views.explain,
        rules=ALERT_RULES,
        locale=_locale(),
    )


@bp.post("/alerts/read")
@allow("admin", "manager", "auditor")
def mark_all_read():
    """Marks the user's own alerts read; auditors too (it changes nothing but their inbox)."""
    # CSRFProtect refuses a POST without a valid token before this view runs (400).
    services.mark_all_read(current_user)
    db.session.commit()
    flash(_("All alerts are marked as read."), "info")
    return redirect(url_for(".inbox"))


def _case_or_404(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    require_unit_access(case.unit)
    return case


def _render_case(case: Case, form: CaseForm, status: int = 200):
    return (
        render_template(
            "alerts/case.html",
            case=case,
            form=form,
            explain=views.explain,
            comments=services.comments_of(case),
            describe_event=views.describe_event,
            can_edit=current_user.role in ("admin", "manager"),
            today=_today(),
            locale=_locale(),
        ),
        status,
    )


@bp.get("/cases/<int:case_id>")
@allow("admin", "manager", "auditor")
def case_detail(case_id: int):
    case = _case_or_404(case_id)
    # Opening the case reads its alerts for this person (their own inbox state, not the case's).
    if services.mark_case_read(current_user, case):
        db.session.commit()
    form = CaseForm(owners=services.owner_candidates(case))
    form.status.data = case.status
    form.owner.data = str(case.owner_user_id or "")
    form.due_on.data = case.due_on
    form.action_taken.data = case.action_taken or ""
    return _render_case(case, form)


@bp.post("/cases/<int:case_id>")
@allow("admin", "manager")
def case_update(case_id: int):
    case = _case_or_404(case_id)
    owners = services.owner_candidates(case)
    form = CaseForm(owners=owners)
    if not form.validate_on_submit():
        return _render_case(case, form, 400)
    owner = None
    if form.owner.data:
        owner = db.session.get(User, int(form.owner.data))
    change = services.CaseChange(
        status=form.status.data,
        owner=owner,
        due_on=form.due_on.data,
        action_taken=form.action_taken.data,
    )
    try:
        services.update_case(case, change, current_user)
    except services.CaseError:
        db.session.rollback()
        case = _case_or_404(case_id)
        form.action_taken.errors = [
            *form.action_taken.errors,
            _("Say what was done before resolving the case."),
        ]
        return _render_case(case, form, 400)
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for(".case_detail", case_id=case.id))


def _sees_alerts() -> bool:
    return current_user.is_authenticated and current_user.role in ("admin", "manager", "auditor")


def nav_globals() -> dict:
    """For the navigation: `open_case_count()`, open cases the signed-in user can see, and
    `unread_alert_count()`, the alerts they have not read yet."""

    def open_case_count() -> int:
        return services.open_count(current_user) if _sees_alerts() else 0

    def unread_alert_count() -> int:
        return services.unread_count(current_user) if _sees_alerts() else 0

    return {"open_case_count": open_case_count, "unread_alert_count": unread_alert_count}
