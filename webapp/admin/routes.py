"""Management pages: units, targets, surveys, kiosks, users, audit log, quarantine.

Admins change things; auditors read every list; managers handle their own units' kiosks.
Routes stay thin: forms in, `services` (or the feature's own services) do the work.
"""

import json
from contextlib import contextmanager

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp.access import allow, require_unit_access, visible_unit_ids, visible_unit_or_404
from webapp.admin import services
from webapp.admin.forms import (
    ConfirmForm,
    KioskForm,
    MergeForm,
    PublishForm,
    RetireForm,
    StaffPinForm,
    TargetField,
    UnitForm,
    UserEditForm,
    UserForm,
)
from webapp.auth.models import ROLES, User
from webapp.auth.services import AccountError, create_user
from webapp.dashboard.services import kiosk_health
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import (
    create_kiosk,
    enrollment_url,
    issue_enrollment_code,
    revoke_kiosk,
    set_staff_pin,
)
from webapp.paging import page_number
from webapp.responses.models import QuarantinedResponse
from webapp.surveys.services import DefinitionError, get_survey, publish
from webapp.units.services import get_unit

bp = Blueprint("admin", __name__, template_folder="templates")
READ = ("admin", "auditor")


@contextmanager
def refused_as_400():
    """A management rule refused the change: answer 400 with its reason (nothing is
    committed, so the request's transaction is rolled back when it ends)."""
    try:
        yield
    except services.ManagementError as exc:
        db.session.rollback()
        abort(400, description=str(exc))


def _locale_name(row) -> str:
    from flask_babel import get_locale

    return row.name_en if str(get_locale()) == "en" else row.name_vi


# --- units ---------------------------------------------------------------------------------


@bp.get("/admin/units")
@allow(*READ)
def units():
    return render_template("admin/units.html", units=services.all_units())


def _unit_form(unit=None) -> UnitForm:
    form = UnitForm(obj=unit)
    form.type_code.choices = [(t.code, _locale_name(t)) for t in services.unit_types()]
    form.parent.choices = [("", "—")] + [
        (u.slug, f"{u.slug} — {u.name_vi}") for u in services.all_units() if u.active and u != unit
    ]
    form.default_domain.choices = [("", "—")] + [
        (d.code, _locale_name(d)) for d in services.domains()
    ]
    if unit is not None and request.method == "GET":
        form.parent.data = unit.parent.slug if unit.parent else ""
        form.default_domain.data = unit.default_domain_code or ""
    return form


def _save_unit(form: UnitForm, unit=None):
    try:
        saved = services.save_unit(
            unit,
            slug=form.slug.data if unit is None else unit.slug,
            name_vi=form.name_vi.data,
            name_en=form.name_en.data,
            type_code=form.type_code.data,
            parent_slug=form.parent.data or None,
            domain=form.default_domain.data or None,
        )
    except services.ManagementError as exc:
        db.session.rollback()
        form.slug.errors = [*form.slug.errors, str(exc)]
        return None
    changed, pin = form.pin_change()
    if changed:
        set_staff_pin(saved, pin)
    db.session.commit()
    flash(_("Saved."), "info")
    return saved


@bp.route("/admin/units/new", methods=["GET", "POST"])
@allow("admin")
def unit_new():
    form = _unit_form()
    if form.validate_on_submit() and _save_unit(form):
        return redirect(url_for("admin.units"))
    return _form_page("admin/unit_form.html", form, unit=None)


@bp.route("/admin/units/<slug>/edit", methods=["GET", "POST"])
@allow("admin")
def unit_edit(slug: str):
    unit = visible_unit_or_404(slug)
    form = _unit_form(unit)
    form.slug.data = unit.slug  # the slug is the unit's identity in URLs and exports
    if form.validate_on_submit() and _save_unit(form, unit):
        return redirect(url_for("admin.units"))
    retire, merge = RetireForm(), MergeForm()
    merge.into.choices = [
        (u.slug, f"{u.slug} — {u.name_vi}") for u in services.all_units() if u.active and u != unit
    ]
    return _form_page("admin/unit_form.html", form, unit=unit, retire=retire, merge=merge)


def _form_page(template: str, form, **context):
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


@bp.post("/admin/units/<slug>/retire")
@allow("admin")
def unit_retire(slug: str):
    unit = visible_unit_or_404(slug)
    form = RetireForm()
    if not form.validate_on_submit():
        abort(400, description=_("A valid date is needed."))
    with refused_as_400():
        services.retire_unit(unit, form.retired_on.data)
    db.session.commit()
    flash(_("Unit retired; its history stays reportable."), "info")
    return redirect(url_for("admin.units"))


@bp.post("/admin/units/<slug>/merge")
@allow("admin")
def unit_merge(slug: str):
    unit = visible_unit_or_404(slug)
    form = MergeForm()
    form.into.choices = [(u.slug, u.slug) for u in services.all_units()]
    if not form.validate_on_submit():
        abort(400, description=_("Choose the unit to merge into and a date."))
    with refused_as_400():
        services.merge_unit(unit, get_unit(form.into.data), form.retired_on.data, form.note.data)
    db.session.commit()
    flash(_("Unit merged; its history stays reportable under its name."), "info")
    return redirect(url_for("admin.units"))


# --- targets --------------------------------------------------------------------------------


def _targets_form():
    types, groups = services.unit_types(), services.report_groups()

    class TargetsForm(ConfirmForm):
        pass

    for t in types:
        setattr(TargetsForm, f"type__{t.code}", TargetField(_locale_name(t), default=t.target_pct))
    for g in groups:
        setattr(TargetsForm, f"group__{g.code}", TargetField(_locale_name(g), default=g.target_pct))
    return TargetsForm(), types, groups


@bp.get("/admin/targets")
@allow(*READ)
def targets():
    form, types, groups = _targets_form()
    return render_template("admin/targets.html", form=form, types=types, groups=groups)


@bp.post("/admin/targets")
@allow("admin")
def targets_save():
    form, types, groups = _targets_form()
    if form.validate_on_submit():
        values = {name: field.data for name, field in form._fields.items() if "__" in name}
        with refused_as_400():
            changed = services.set_targets(
                {k.split("__", 1)[1]: v for k, v in values.items() if k.startswith("type__")},
                {k.split("__", 1)[1]: v for k, v in values.items() if k.startswith("group__")},
            )
        db.session.commit()
        flash(_("%(n)s targets changed.", n=changed), "info")
        return redirect(url_for("admin.targets"))
    return render_template("admin/targets.html", form=form, types=types, groups=groups), 400


# --- surveys --------------------------------------------------------------------------------


@bp.get("/admin/surveys")
@allow(*READ)
def surveys():
    return render_template("admin/surveys.html", surveys=services.surveys())


def _publish_form(survey=None) -> PublishForm:
    form = PublishForm()
    form.unit_types.choices = [(t.code, _locale_name(t)) for t in services.unit_types()]
    if request.method == "GET" and survey is not None and survey.latest is not None:
        form.definition.data = json.dumps(survey.latest.definition, ensure_ascii=False, indent=2)
        form.unit_types.data = list(survey.unit_types or [])
    return form


@bp.get("/admin/surveys/<key>")
@allow(*READ)
def survey(key: str):
    found = get_survey(key)
    if found is None:
        abort(404)
    return render_template("admin/survey.html", survey=found, form=_publish_form(found))


@bp.route("/admin/surveys/publish", methods=["GET", "POST"])
@allow("admin")
def survey_publish():
    source = get_survey(request.args.get("from", "")) if request.method == "GET" else None
    form = _publish_form(source)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            definition = json.loads(form.definition.data)
        except json.JSONDecodeError as exc:
            problems = [_("Not valid JSON: %(error)s", error=str(exc))]
        else:
            try:
                version = publish(
                    definition, unit_types=form.unit_types.data or None, user=current_user
                )
            except DefinitionError as exc:
                problems = exc.errors
            else:
                from webapp.audit.services import record

                record("survey.publish", target=f"{version.survey.key} v{version.version}")
                db.session.commit()
                flash(
                    _(
                        "Published %(key)s version %(v)s.",
                        key=version.survey.key,
                        v=version.version,
                    ),
                    "info",
                )
                return redirect(url_for("admin.survey", key=version.survey.key))
        db.session.rollback()
    return _form_page("admin/survey_publish.html", form, problems=problems)


@bp.post("/admin/surveys/<key>/retire")
@allow("admin")
def survey_retire(key: str):
    found = get_survey(key)
    if found is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with refused_as_400():
        services.retire_survey(found)
    db.session.commit()
    flash(_("Survey retired: kiosks no longer show it; past responses stay."), "info")
    return redirect(url_for("admin.surveys"))


# --- kiosks -------------------------------------------------------------------------------------


@bp.get("/admin/kiosks")
@allow(*READ)
def kiosks():
    units = {u.id: u for u in services.all_units()}
    return render_template("admin/kiosks.html", rows=kiosk_health(units.keys()), units=units)


@bp.get("/units/<slug>/kiosks")
@allow("admin", "manager", "auditor")
def unit_kiosks(slug: str):
    unit = visible_unit_or_404(slug)
    return _kiosks_page(unit)


def _kiosks_page(unit, *, form=None, pin_form=None, enrollment=None, status: int = 200):
    page = render_template(
        "admin/unit_kiosks.html",
        unit=unit,
        rows=kiosk_health([unit.id]),
        form=form or KioskForm(),
        pin_form=pin_form or StaffPinForm(formdata=None),
        revoke=ConfirmForm(),
        enrollment=enrollment,
    )
    return page, status


def _enrollment(kiosk, code: str) -> dict:
    url = enrollment_url(code)
    return {
        "kiosk": kiosk,
        "code": code,
        "url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=5, border=2),
    }


@bp.post("/units/<slug>/kiosks")
@allow("admin", "manager")
def unit_kiosk_create(slug: str):
    unit = visible_unit_or_404(slug)
    form = KioskForm()
    if not unit.active:
        abort(400, description=_("Kiosks cannot be added to a retired unit."))
    if not form.validate_on_submit():
        return _kiosks_page(unit, form=form, status=400)
    kiosk, code = create_kiosk(unit, (form.name.data or "").strip() or None)
    db.session.commit()
    # The code is shown once, on this response; only its hash is stored.
    return _kiosks_page(unit, enrollment=_enrollment(kiosk, code))


@bp.post("/units/<slug>/staff-pin")
@allow("admin", "manager")
def unit_staff_pin(slug: str):
    """Set or remove the PIN that opens the staff panel on the unit's kiosks."""
    unit = visible_unit_or_404(slug)
    form = StaffPinForm()
    changed, pin = form.pin_change() if form.validate_on_submit() else (False, None)
    if not changed:
        if not form.errors:
            form.staff_pin.errors = [_("Enter a PIN of 4 to 8 digits, or tick “Remove the PIN”.")]
        return _kiosks_page(unit, pin_form=form, status=400)
    set_staff_pin(unit, pin)
    db.session.commit()
    if pin is None:
        flash(_("Staff PIN removed: the kiosks' staff panel is read-only now."), "info")
    else:
        flash(_("Staff PIN saved: the kiosks use it after their next config refresh."), "info")
    return redirect(url_for("admin.unit_kiosks", slug=unit.slug))


def _kiosk_or_404(kiosk_id: int) -> Kiosk:
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        abort(404)
    require_unit_access(kiosk.unit)
    return kiosk


@bp.post("/kiosks/<int:kiosk_id>/revoke")
@allow("admin", "manager")
def kiosk_revoke(kiosk_id: int):
    kiosk = _kiosk_or_404(kiosk_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revoke_kiosk(kiosk)
    db.session.commit()
    flash(_("Kiosk %(name)s revoked.", name=kiosk.name), "info")
    return redirect(url_for("admin.unit_kiosks", slug=kiosk.unit.slug))


@bp.post("/kiosks/<int:kiosk_id>/code")
@allow("admin", "manager")
def kiosk_new_code(kiosk_id: int):
    """A fresh enrollment code, e.g. to replace a broken tablet."""
    kiosk = _kiosk_or_404(kiosk_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if kiosk.revoked_at is not None:
        abort(400, description=_("A revoked kiosk cannot be enrolled again."))
    code = issue_enrollment_code(kiosk)
    from webapp.audit.services import record

    record("kiosk.enrollment_code", unit_id=kiosk.unit_id, target=f"kiosk:{kiosk.id}")
    db.session.commit()
    return _kiosks_page(kiosk.unit, enrollment=_enrollment(kiosk, code))


# --- users --------------------------------------------------------------------------------------


def _unit_choices():
    return [(u.slug, f"{u.slug} — {u.name_vi}") for u in services.all_units() if u.active]


@bp.get("/admin/users")
@allow(*READ)
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@allow("admin")
def user_new():
    form = UserForm()
    form.role.choices = [(r, r) for r in ROLES]
    form.units.choices = _unit_choices()
    if form.validate_on_submit():
        units = [get_unit(s) for s in form.units.data or []] if form.role.data == "manager" else []
        try:
            create_user(form.email.data, form.role.data, form.password.data, units)
        except AccountError as exc:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("User created."), "info")
            return redirect(url_for("admin.users"))
    return _form_page("admin/user_form.html", form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def user_edit(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = UserEditForm(obj=user)
    form.role.choices = [(r, r) for r in ROLES]
    form.units.choices = _unit_choices() + [(u.slug, u.slug) for u in user.units if not u.active]
    if request.method == "GET":
        form.units.data = [u.slug for u in user.units]
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                role=form.role.data,
                unit_slugs=form.units.data or [],
                active=form.active.data,
                by=current_user,
            )
        except services.ManagementError as exc:
            db.session.rollback()
            form.role.errors = [*form.role.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("admin.users"))
    return _form_page("admin/user_form.html", form, user=user)


# --- audit log and quarantine ---------------------------------------------------------------------


@bp.get("/admin/audit")
@allow(*READ)
def audit():
    unit = None
    if request.args.get("unit"):
        unit = get_unit(request.args["unit"])
        if unit is None:
            abort(400, description=_("Unknown unit."))
    page = page_number()
    events, more = services.audit_events(
        action=request.args.get("action") or None,
        unit=unit,
        actor=request.args.get("actor") or None,
        page=page,
    )
    units = {u.id: u for u in services.all_units()}
    return render_template(
        "admin/audit.html",
        events=events,
        more=more,
        page=page,
        units=units,
        actions=services.audit_actions(),
        args=request.args,
    )


@bp.get("/admin/quarantine")
@allow("admin")
def quarantine():
    rows = db.session.scalars(
        select(QuarantinedResponse).order_by(QuarantinedResponse.received_at.desc()).limit(200)
    ).all()
    return render_template(
        "admin/quarantine.html", rows=rows, visible=visible_unit_ids(current_user)
    )
