"""Admin section: the targets of unit types and procedure groups."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from webapp.access import allow
from webapp.admin import services
from webapp.admin.common import READ, bp, locale_name, refused_as_400
from webapp.admin.forms import ConfirmForm, TargetField
from webapp.extensions import db


def _targets_form():
    types, groups = services.unit_types(), services.report_groups()

    class TargetsForm(ConfirmForm):
        pass

    for t in types:
        setattr(TargetsForm, f"type__{t.code}", TargetField(locale_name(t), default=t.target_pct))
    for g in groups:
        setattr(TargetsForm, f"group__{g.code}", TargetField(locale_name(g), default=g.target_pct))
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
