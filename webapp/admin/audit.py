"""Admin section: the audit log and the quarantine of rejected responses."""

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import allow, visible_unit_ids
from webapp.admin import services
from webapp.admin.common import READ, bp
from webapp.admin.forms import DismissForm, ReplayForm
from webapp.audit.services import verify_chain
from webapp.extensions import db
from webapp.field.ingest import ingest_for_device
from webapp.formatting import current_locale
from webapp.paging import page_number
from webapp.responses.models import QuarantinedResponse
from webapp.sync.services import QuarantineError, dismiss_quarantined, replay_quarantined
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
    all_units = services.all_units()
    units = {u.id: u for u in all_units}
    by_slug = {u.slug: u for u in all_units}
    locale = current_locale()
    return render_template(
        "admin/audit.html",
        events=events,
        more=more,
        page=page,
        units=units,
        targets=services.audit_targets(events, locale),
        details={e.id: services.audit_details(e.details, by_slug, locale) for e in events},
        actions=services.audit_actions(),
        args=request.args,
    )


@bp.get("/admin/audit/chain")
@allow(*READ)
def audit_chain():
    """Recompute the audit log's hash chain now (what `flask audit verify` does)."""
    return render_template("admin/audit_chain.html", status=verify_chain())


@bp.route("/admin/quarantine/<int:item_id>", methods=["GET", "POST"])
@allow("admin")
def quarantine_item(item_id: int):
    """Correct and replay a rejected response, or dismiss it with a reason."""
    held = db.session.get(QuarantinedResponse, item_id)
    if held is None:
        abort(404)
    replay_form = ReplayForm(prefix="replay")
    dismiss_form = DismissForm(prefix="dismiss")
    if request.method == "GET":
        replay_form.payload.data = json.dumps(held.payload, ensure_ascii=False, indent=2)
    errors = None
    try:
        if replay_form.replay.data and replay_form.validate_on_submit():
            try:
                payload = json.loads(replay_form.payload.data)
            except ValueError:
                replay_form.payload.errors = [_("This is not valid JSON.")]
            else:
                errors = replay_quarantined(
                    held,
                    payload,
                    current_user.id,
                    replay_form.note.data or "",
                    ingest=ingest_for_device,
                )
                if errors is None:
                    db.session.commit()
                    flash(_("The response was checked and stored."), "info")
                    return redirect(url_for("admin.quarantine"))
        elif dismiss_form.dismiss.data and dismiss_form.validate_on_submit():
            dismiss_quarantined(held, current_user.id, dismiss_form.reason.data)
            db.session.commit()
            flash(_("The response was dismissed."), "info")
            return redirect(url_for("admin.quarantine"))
    except QuarantineError as exc:
        db.session.rollback()
        abort(400, description=str(exc))
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "admin/quarantine_item.html",
        held=held,
        replay_form=replay_form,
        dismiss_form=dismiss_form,
        errors=errors,
    )
    return page, status


@bp.get("/admin/quarantine")
@allow("admin")
def quarantine():
    return render_template(
        "admin/quarantine.html",
        rows=services.quarantined(),
        visible=visible_unit_ids(current_user),
    )
