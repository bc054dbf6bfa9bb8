"""Health check, language switch and the site icon."""

from flask import Blueprint, current_app, jsonify, redirect, request, send_from_directory, session
from sqlalchemy import text

from webapp.access import allow
from webapp.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@allow("public")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        current_app.logger.exception("health check failed")
        db.session.rollback()
        return jsonify(status="error", message="database unavailable"), 503
    return jsonify(status="ok")


@bp.get("/language/<code>")
@allow("public")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.referrer or "/"
    if not target.startswith(request.host_url):  # never redirect off-site
        target = "/"
    return redirect(target)


@bp.get("/favicon.ico")
@allow("public")
def favicon():
    # Browsers ask for /favicon.ico on every page whatever the <link rel=icon> says; they
    # accept a PNG under that name.
    static = current_app.static_folder
    if static is None:  # create_app always sets one
        raise RuntimeError("the app has no static folder")
    icons = static + "/kiosk"
    return send_from_directory(icons, "icon-192.png", mimetype="image/png", max_age=86400)
