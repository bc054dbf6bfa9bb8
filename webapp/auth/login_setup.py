"""Flask-Login wiring: how a session cookie becomes a User."""

from webapp.auth.models import User
from webapp.extensions import db, login_manager


def init(app) -> None:
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        return user if user and user.active else None
