"""The one admin blueprint and what its sections share."""

from contextlib import contextmanager

from flask import Blueprint, abort, render_template, request

from webapp.admin import services
from webapp.extensions import db
from webapp.formatting import current_locale
from webapp.units.models import Unit
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


def form_page(template: str, form, **context):
    """A form page: 400 when a submitted form comes back with errors."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def locale_name(row) -> str:
    """The name of a row that carries name_vi and name_en (unit types, groups, domains)."""
    return row.name_en if current_locale() == "en" else row.name_vi


def chosen_unit(slug: str) -> Unit:
    """A unit picked in a validated form (its choices are existing units): 400 if it was
    deleted between drawing the form and submitting it."""
    unit = get_unit(slug)
    if unit is None:
        abort(400)
    return unit


def unit_choices(exclude=None) -> list[tuple[str, str]]:
    """Active units for a select: the slug is sent, the name is read."""
    locale = current_locale()
    return [(u.slug, u.name(locale)) for u in services.all_units() if u.active and u != exclude]
