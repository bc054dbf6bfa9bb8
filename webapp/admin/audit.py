"""Admin section: the audit log and the quarantine of rejected responses."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import allow, visible_unit_ids
from webapp.admin import services
from webapp.admin.common import READ, bp
from webapp.audit.services import verify_chain
from webapp.formatting import current_locale
from webapp.paging import page_number
from webapp.units.services import get_unit


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
        targets=services.audit_targets(events, current_locale()),
        actions=services.audit_actions(),
        args=request.args,
    )


@bp.get("/admin/audit/chain")
@allow(*READ)
def audit_chain():
    """Recompute the audit log's hash chain now (what `flask audit verify` does)."""
    return render_template("admin/audit_chain.html", status=verify_chain())


@bp.get("/admin/quarantine")
@allow("admin")
def quarantine():
    return render_template(
        "admin/quarantine.html",
        rows=services.quarantined(),
        visible=visible_unit_ids(current_user),
    )
