"""Admin section: units (create, edit, retire, merge)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp.access import allow, visible_unit_or_404
from webapp.admin import services
from webapp.admin.common import (
    READ,
    bp,
    chosen_unit,
    form_page,
    locale_name,
    refused_as_400,
    unit_choices,
)
from webapp.admin.forms import MergeForm, RetireForm, UnitForm
from webapp.extensions import db
from webapp.kiosk.services import set_staff_pin


@bp.get("/admin/units")
@allow(*READ)
def units():
    return render_template("admin/units.html", units=services.all_units())


def _unit_form(unit=None) -> UnitForm:
    form = UnitForm(obj=unit)
    form.type_code.choices = [(t.code, locale_name(t)) for t in services.unit_types()]
    form.parent.choices = [("", "—"), *unit_choices(exclude=unit)]
    form.default_domain.choices = [("", "—")] + [
        (d.code, locale_name(d)) for d in services.domains()
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
            head_name=form.head_name.data,
            contact_optin=bool(form.contact_optin.data),
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
    return form_page("admin/unit_form.html", form, unit=None)


@bp.route("/admin/units/<slug>/edit", methods=["GET", "POST"])
@allow("admin")
def unit_edit(slug: str):
    unit = visible_unit_or_404(slug)
    form = _unit_form(unit)
    form.slug.data = unit.slug  # the slug is the unit's identity in URLs and exports
    if form.validate_on_submit() and _save_unit(form, unit):
        return redirect(url_for("admin.units"))
    retire, merge = RetireForm(), MergeForm()
    merge.into.choices = unit_choices(exclude=unit)
    return form_page("admin/unit_form.html", form, unit=unit, retire=retire, merge=merge)


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
        services.merge_unit(unit, chosen_unit(form.into.data), form.retired_on.data, form.note.data)
    db.session.commit()
    flash(_("Unit merged; its history stays reportable under its name."), "info")
    return redirect(url_for("admin.units"))
