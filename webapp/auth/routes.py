"""Sign in, sign out and password change (SPEC section 9: GET|POST /login, POST /logout)."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse as parse_limit
from werkzeug.exceptions import TooManyRequests

from webapp.access import ANY_USER, allow
from webapp.audit.services import record
from webapp.auth import services
from webapp.auth.forms import LoginForm, PasswordForm
from webapp.dbtypes import utcnow
from webapp.extensions import db, limiter

bp = Blueprint("auth", __name__, template_folder="templates")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _refuse_known_guessers() -> None:
    """429 for a client that keeps failing on an account whose failures reached the limit.

    Probe finding M2: counting every attempt per account let anyone who knows an e-mail lock
    its owner out for an hour. Only failures count now (from the audit log, so every worker
    and app server sees the same count), and only addresses that failed on the account are
    refused: the owner signing in from their own computer or phone still gets in. A spread-out
    attack gets one guess per new address per hour.
    """
    email = services.normal_email(request.form.get("email") or "")
    limit = parse_limit(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])
    window = timedelta(seconds=limit.get_expiry())
    if services.is_known_guesser(email, request.remote_addr, limit.amount, window):
        refused = TooManyRequests()
        refused.retry_after = limit.get_expiry()
        raise refused


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: never redirect to another host after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@allow("public")
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
    form = LoginForm()
    if request.method == "POST":
        _refuse_known_guessers()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session: no fixation across sign-ins
            login_user(user)
            user.last_login_at = utcnow()
            record("auth.login", target=user.email)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
        services.note_failed_login(form.email.data)
        db.session.commit()
        flash(_("Wrong e-mail or password, or the account is disabled."), "error")
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@allow("public")  # signing out must always work, also with an expired session
def logout():
    if current_user.is_authenticated:
        record("auth.logout", target=current_user.email)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*ANY_USER, "official")  # auditors and officials change their OWN password only
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        problem = services.change_password(current_user, form.current.data, form.new.data)
        if problem is None:
            db.session.commit()
            flash(_("Your password has been changed."), "info")
            return redirect(url_for("dashboard.index"))
        db.session.rollback()
        form.new.errors = [*form.new.errors, problem]
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
