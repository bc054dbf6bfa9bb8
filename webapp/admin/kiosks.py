"""Admin section: kiosks (the list, a unit's kiosks, enrollment codes, staff PIN, revoke).

Managers handle their own units' kiosks; admins all; auditors read.
"""

import segno
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import allow, require_unit_access, visible_unit_or_404
from webapp.admin import services
from webapp.admin.common import READ, bp
from webapp.admin.forms import ConfirmForm, KioskForm, StaffPinForm
from webapp.dashboard.services import kiosk_health
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import create_kiosk, enrollment_url, revoke_kiosk, set_staff_pin


@bp.get("/admin/kiosks")
@allow(*READ)
def kiosks():
    units = {u.id: u for u in services.all_units()}
    return render_template("admin/kiosks.html", rows=kiosk_health(units.keys()), units=units)


@bp.get("/admin/field-devices")
@allow(*READ)
def field_devices():
    """Surveyors' phones (SPEC 13): who holds a device token, when it last synced."""
    return render_template(
        "admin/field_devices.html", devices=services.field_devices(), revoke=ConfirmForm()
    )


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
        # A blank form after a kiosk was added: the next tablet needs its own name.
        form=form or KioskForm(formdata=None),
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
    kiosk = services.get_kiosk(kiosk_id)
    if kiosk is None:
        abort(404)
    require_unit_access(kiosk.unit)
    # A surveyor's phone belongs to the surveyor, not to the unit it is filed under: only an
    # admin revokes it.
    if kiosk.is_field_device and current_user.role != "admin":
        abort(403)
    return kiosk


@bp.post("/kiosks/<int:kiosk_id>/revoke")
@allow("admin", "manager")
def kiosk_revoke(kiosk_id: int):
    kiosk = _kiosk_or_404(kiosk_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revoke_kiosk(kiosk)
    db.session.commit()
    if kiosk.is_field_device:
        flash(_("The device token of %(name)s was revoked.", name=kiosk.name), "info")
        return redirect(url_for("admin.field_devices"))
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
    if kiosk.is_field_device:
        abort(400, description=_("A surveyor's phone gets its token by signing in at /field."))
    code = services.new_enrollment_code(kiosk)
    db.session.commit()
    return _kiosks_page(kiosk.unit, enrollment=_enrollment(kiosk, code))
