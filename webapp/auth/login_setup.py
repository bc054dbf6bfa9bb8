"""Flask-Login wiring: how a session cookie becomes a User."""

from flask import Flask

from webapp.auth.models import User
from webapp.extensions import db, login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(session_id: str) -> User | None:
    """The user of a session id "<user id>:<session stamp>"; a changed stamp (password
    change, deactivation) ends every older session."""
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or stamp != user.session_stamp:
        return None
    return user
