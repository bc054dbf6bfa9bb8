"""Flask-Login wiring: how a session cookie becomes a User."""

from webapp.auth.models import User
from webapp.extensions import db, login_manager


def init(app) -> None:
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, stamp = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or stamp != user.session_stamp:
            return None
        return user
