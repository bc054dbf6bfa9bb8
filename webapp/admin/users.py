"""Admin section: user accounts (list, create, edit role, units and status)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import allow
from webapp.admin import services
from webapp.admin.common import READ, bp, chosen_unit, form_page, unit_choices
from webapp.admin.forms import UserEditForm, UserForm
from webapp.auth.services import UNIT_BOUND_ROLES, AccountError, create_user
from webapp.choices import ROLES
from webapp.extensions import db


@bp.get("/admin/users")
@allow(*READ)
def users():
    return render_template("admin/users.html", users=services.users())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@allow("admin")
def user_new():
    form = UserForm()
    form.role.choices = ROLES.choices()
    form.units.choices = unit_choices()
    if form.validate_on_submit():
        slugs = (form.units.data or []) if form.role.data in UNIT_BOUND_ROLES else []
        units = [chosen_unit(s) for s in slugs]
        try:
            create_user(form.email.data, form.role.data, form.password.data, units)
        except AccountError as exc:
            db.session.rollback()
            # The reason goes under the field it is about (a weak password under the password).
            field = getattr(form, exc.field, form.email)
            field.errors = [*field.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("User created."), "info")
            return redirect(url_for("admin.users"))
    return form_page("admin/user_form.html", form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def user_edit(user_id: int):
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    form = UserEditForm(obj=user)
    form.role.choices = ROLES.choices()
    form.units.choices = unit_choices() + [(u.slug, u.slug) for u in user.units if not u.active]
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
    return form_page("admin/user_form.html", form, user=user)
