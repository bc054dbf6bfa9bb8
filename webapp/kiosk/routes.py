"""The kiosk PWA: app shell, enrollment entry URL, service worker and its precache list.

Only the shell lives here; the tablet talks to the JSON API (/api/v1/kiosk/…, /api/v1/sync)
for everything else. The shell is the same for every tablet and language (no cookies, no
CSRF token: it is cached by the service worker and served offline).
"""

from flask import Blueprint, Response, current_app, render_template, request
from jinja2.utils import htmlsafe_json_dumps

from webapp.access import allow
from webapp.kiosk import shell

bp = Blueprint("kiosk", __name__, template_folder="templates")


@bp.get("/kiosk")
@allow("public")
def app_shell():
    return _shell_response()


@bp.get("/kiosk/enroll")
@allow("public")
def enroll_page():
    # The same shell: its script reads ?code=…, fills the form and submits it (QR codes link here).
    return _shell_response(code=request.args.get("code", "")[:32])


@bp.get("/kiosk/sw.js")
@allow("public")
def service_worker():
    body = shell.service_worker_source()
    response = Response(body, mimetype="text/javascript")
    # Registered with scope "/kiosk" (one level above the script's folder) so that the
    # page /kiosk itself is controlled; browsers need this header to allow that.
    response.headers["Service-Worker-Allowed"] = shell.SCOPE
    # The browser compares the script byte for byte to find updates: never cache it.
    response.headers["Cache-Control"] = "no-cache"
    return response


def _shell_response(code: str = ""):
    html = render_template(
        "kiosk/app.html",
        # Vietnamese as UTF-8, not \uXXXX escapes (`tojson`): the shell is sent uncompressed
        # and this is a third of it. Still escaped for HTML (<, >, &, ').
        boot_json=htmlsafe_json_dumps(shell.boot_data(), ensure_ascii=False),
        strings=shell.strings_vi(),
        code=code,
        assets=shell.ASSETS,
    )
    response = current_app.make_response(html)
    response.headers["Cache-Control"] = "no-cache"
    return response
