"""`GET /contacts.csv?period=P`: the consented contacts, for admins and auditors (SPEC 9)."""

from flask import Blueprint, Response, abort, request

from webapp.access import allow
from webapp.contacts.services import export_contacts
from webapp.extensions import db
from webapp.i18n import select_locale
from webapp.periods import PeriodError, resolve_relative

bp = Blueprint("contacts", __name__)


@bp.get("/contacts.csv")
@allow("admin", "auditor")
def contacts_csv():
    code = request.args.get("period")
    period = None
    if code:
        try:
            period = resolve_relative(code)
        except PeriodError as exc:
            abort(400, description=str(exc))
    body, _count = export_contacts(period, select_locale())  # audited inside
    db.session.commit()
    name = f"contacts-{period.code if period else 'all'}.csv"
    reply = Response(body, mimetype="text/csv")
    reply.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    # Personal data: no proxy or browser cache keeps a copy.
    reply.headers["Cache-Control"] = "no-store"
    return reply
