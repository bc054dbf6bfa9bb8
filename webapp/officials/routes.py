"""Officials: management (admins; managers for their own units), the ranking page and PDF of
a unit's officials, and an official's own view (`/me`)."""

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import allow, can_see_unit, require_unit_access, visible_unit_or_404
from webapp.dashboard import figures as unit_figures
from webapp.dashboard import services as dashboard_services
from webapp.dbtypes import utcnow
from webapp.errors import APIError
from webapp.extensions import db, limiter
from webapp.forms import Form
from webapp.officials import figures, integrity, services, views
from webapp.officials.forms import EditOfficialForm, ImportForm, LeaveForm, MoveForm, OfficialForm
from webapp.officials.models import Official
from webapp.periods import PeriodError, parse_period
from webapp.units.models import Unit
from webapp.units.services import get_unit

bp = Blueprint("officials", __name__, template_folder="templates")


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


def _visible_units() -> list[Unit]:
    """Units the user may see (admins and auditors: all), active ones first by name."""
    units = db.session.scalars(db.select(Unit).order_by(Unit.active.desc(), Unit.slug))
    return [u for u in units if can_see_unit(current_user, u)]


def _managed_units() -> list[Unit]:
    """Units whose officials the user may manage: active ones an admin or the manager sees."""
    if current_user.role not in ("admin", "manager"):
        return []
    return [u for u in _visible_units() if u.active]


def _unit_choices() -> list[tuple[str, str]]:
    locale = _locale()
    return [(u.slug, u.name(locale)) for u in _managed_units()]


def _managed_unit_or_400(slug: str) -> Unit:
    unit = get_unit(slug)
    if unit is None or unit.slug not in {u.slug for u in _managed_units()}:
        abort(400)
    return unit


def _official_or_404(official_id: int) -> Official:
    official = db.session.get(Official, official_id)
    if official is None:
        abort(404)
    require_unit_access(official.unit)
    return official


def _period():
    try:
        return dashboard_services.resolve_period(request.args.get("period"))
    except PeriodError as exc:
        abort(400, description=str(exc))


# --- management --------------------------------------------------------------------------


@bp.get("/admin/officials")
@allow("admin", "manager", "auditor")
def admin_list():
    units = _visible_units()
    chosen = request.args.get("unit") or None
    if chosen and chosen not in {u.slug for u in units}:
        abort(404)
    query = db.select(Official).order_by(Official.active.desc(), Official.full_name)
    if chosen:
        query = query.join(Unit).where(Unit.slug == chosen)
    officials = [o for o in db.session.scalars(query) if can_see_unit(current_user, o.unit)]
    form = OfficialForm()
    form.unit.choices = _unit_choices()
    if chosen:
        form.unit.data = form.unit.data or chosen
    return render_template(
        "officials/admin_list.html",
        officials=officials,
        units=units,
        chosen=chosen,
        form=form,
        import_form=ImportForm(),
        can_manage=current_user.role in ("admin", "manager"),
    )


@bp.post("/admin/officials")
@allow("admin", "manager")
def admin_create():
    form = OfficialForm()
    form.unit.choices = _unit_choices()
    if form.validate_on_submit():
        unit = _managed_unit_or_400(form.unit.data)
        try:
            official = services.create_official(
                unit, form.code.data, form.full_name.data, form.title.data
            )
        except services.OfficialError as exc:
            db.session.rollback()
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for(".admin_edit", official_id=official.id))
    return render_template("officials/admin_new.html", form=form), 400


@bp.post("/admin/officials/import")
@allow("admin", "manager")
def admin_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("officials/admin_import.html", form=form, error=None), 400
    try:
        text = form.file.data.read().decode("utf-8-sig")
        rows = services.parse_csv(text)
        result = services.import_officials(rows, allowed_units=_managed_units())
    except UnicodeDecodeError:
        db.session.rollback()
        error = _("The file is not UTF-8 text.")
    except services.OfficialError as exc:
        db.session.rollback()
        error = str(exc)
    else:
        db.session.commit()
        flash(
            _(
                "Officials imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged.",
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            ),
            "info",
        )
        return redirect(url_for(".admin_list"))
    return render_template("officials/admin_import.html", form=form, error=error), 400


@bp.route("/admin/officials/<int:official_id>", methods=["GET", "POST"])
@allow("admin", "manager")
def admin_edit(official_id: int):
    official = _official_or_404(official_id)
    form = EditOfficialForm(obj=official)
    if form.validate_on_submit():
        try:
            services.update_official(official, form.full_name.data, form.title.data)
            if form.pin.data:
                services.set_official_pin(official, form.pin.data)
        except services.OfficialError as exc:
            db.session.rollback()
            form.full_name.errors = [*form.full_name.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for(".admin_edit", official_id=official.id))
    move = MoveForm()
    move.unit.choices = [c for c in _unit_choices() if c[0] != official.unit.slug]
    status = 400 if request.method == "POST" else 200
    return render_template(
        "officials/admin_edit.html", official=official, form=form, move=move, leave=LeaveForm()
    ), status


def _change(official: Official, form, change) -> object:
    """Apply one change from the edit page: 400 on a bad form, the refusal (or "Saved.")
    flashed, committed once, and back to the official's page."""
    if not form.validate_on_submit():
        abort(400)
    try:
        change(form)
    except services.OfficialError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "info")
    return redirect(url_for(".admin_edit", official_id=official.id))


@bp.post("/admin/officials/<int:official_id>/move")
@allow("admin", "manager")
def admin_move(official_id: int):
    official = _official_or_404(official_id)
    form = MoveForm()
    form.unit.choices = _unit_choices()
    return _change(
        official,
        form,
        lambda f: services.move_official(official, _managed_unit_or_400(f.unit.data), f.on.data),
    )


@bp.post("/admin/officials/<int:official_id>/leave")
@allow("admin", "manager")
def admin_leave(official_id: int):
    official = _official_or_404(official_id)
    return _change(
        official, LeaveForm(), lambda f: services.deactivate_official(official, f.on.data)
    )


@bp.post("/admin/officials/<int:official_id>/reactivate")
@allow("admin", "manager")
def admin_reactivate(official_id: int):
    official = _official_or_404(official_id)
    # The form carries the CSRF token only.
    return _change(official, Form(), lambda _f: services.reactivate_official(official))


# --- figures ---------------------------------------------------------------------------------


@bp.get("/units/<slug>/officials")
@allow("admin", "manager", "auditor")
def unit_officials(slug: str):
    unit = visible_unit_or_404(slug)
    period = _period()
    below = bool(unit_figures.units_below(unit))
    rows = figures.officials_below(unit, period) if below else figures.unit_officials(unit, period)
    return render_template(
        "officials/ranking.html",
        unit=unit,
        period=period,
        below=below,
        rows=views.ranking_rows(rows, _locale()),
        min_n=unit_figures.min_n(),
        choices=dashboard_services.period_choices(period),
        locale=_locale(),
    )


def _report_limit() -> str:
    from flask import current_app

    return current_app.config["REPORT_RATE_LIMIT"]


@bp.get("/units/<slug>/officials/<period>.pdf")
@allow("admin", "manager", "auditor")
@limiter.limit(_report_limit, key_func=lambda: f"user:{current_user.get_id()}")
def unit_officials_pdf(slug: str, period: str):
    from webapp.reports import services as reports

    unit = visible_unit_or_404(slug)
    try:
        chosen = parse_period(period)
    except PeriodError as exc:
        raise APIError(400, "invalid_period", str(exc)) from exc
    if chosen.start > utcnow():
        raise APIError(
            400, "invalid_period", _("The period %(code)s has not started yet.", code=period)
        )
    lang = request.args.get("lang")
    locale = lang if lang in ("vi", "en") else "vi"
    result = reports.get_or_build_report(
        unit, chosen, locale, user=current_user, kind=reports.KIND_OFFICIALS
    )
    reports.audit(result.report, unit, "report.download", cached=not result.generated)
    db.session.commit()
    response = send_file(
        BytesIO(result.report.pdf),
        mimetype="application/pdf",
        download_name=f"{unit.slug}-officials-{result.report.period}.pdf",
        etag=result.report.pdf_sha256,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/me")
@allow("official")
def me():
    official = db.session.get(Official, current_user.official_id or 0)
    if official is None:
        abort(403)
    period = _period()
    mine, ranked = figures.own_figure(official, period)
    locale = _locale()
    return render_template(
        "officials/me.html",
        official=official,
        period=period,
        mine=views.own_view(mine, ranked, locale) if mine else None,
        months=views.month_rows(figures.months_of(official, period), locale),
        comments=views.comments_about(official, period, locale),
        choices=dashboard_services.period_choices(period),
        locale=locale,
    )


# --- integrity: unusual shares of 5s, reviewed by an admin -------------------------------------


def _suspects(period) -> list:
    """Each unit's suspicious officials (compared with the rest of their own unit)."""
    units = db.session.scalars(
        db.select(Unit).join(Official, Official.unit_id == Unit.id).distinct().order_by(Unit.slug)
    ).all()
    return [s for unit in units for s in integrity.suspicious_officials([unit], period)]


@bp.get("/admin/officials/reviews")
@allow("admin", "auditor")
def reviews():
    period = _period()
    locale = _locale()
    suspects = _suspects(period)
    return render_template(
        "officials/reviews.html",
        period=period,
        suspects=[(s, s.explanation(locale)) for s in suspects],
        choices=dashboard_services.period_choices(period),
        locale=locale,
    )


@bp.post("/admin/officials/reviews")
@allow("admin")
def review_decide():
    if not Form().validate_on_submit():
        abort(400)
    try:
        period = parse_period(request.form.get("period", ""))
        official_id = int(request.form.get("official_id", ""))
    except (PeriodError, ValueError):
        abort(400)
    suspect = next(
        (s for s in _suspects(period) if s.official.id == official_id),
        None,
    )
    if suspect is None:
        abort(404)  # not (or no longer) suspicious: nothing to decide
    try:
        integrity.decide(
            suspect, request.form.get("decision", ""), request.form.get("note"), current_user.id
        )
    except integrity.ReviewError:
        db.session.rollback()
        abort(400)
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for(".reviews", period=period.code))
