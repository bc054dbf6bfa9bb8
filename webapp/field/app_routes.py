"""The field app (/field): its shell page and service worker. Everything else is the JSON API
(/api/v1/field/token, /api/v1/field/config, /api/v1/sync)."""

from flask import Blueprint, Response, current_app, render_template
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps

from webapp.access import allow
from webapp.field import shell

bp = Blueprint("field_app", __name__, template_folder="templates")


@bp.get("/field")
@allow("public")
def app_shell():
    # The same shell for everyone; a signed-in surveyor's copy carries the CSRF token that
    # POST /api/v1/field/token checks (SPEC 9). The worker never caches this copy.
    surveyor = current_user.is_authenticated and current_user.role == "surveyor"
    html = render_template(
        "field/app.html",
        boot_json=htmlsafe_json_dumps(shell.boot_data(), ensure_ascii=False),
        strings=shell.strings_vi(),
        assets=shell.ASSETS,
        with_csrf=surveyor,
    )
    response = current_app.make_response(html)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    return response


@bp.get("/field/sw.js")
@allow("public")
def service_worker():
    response = Response(shell.FIELD.service_worker_source(), mimetype="text/javascript")
    # Registered with scope "/field", above the script's folder: browsers need this header.
    response.headers["Service-Worker-Allowed"] = shell.SCOPE
    response.headers["Cache-Control"] = "no-cache"  # compared byte for byte for updates
    return response
