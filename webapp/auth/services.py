"""Accounts: creation with a password policy, and password checks."""

import re
from collections.abc import Sequence
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.audit.models import AuditEvent
from webapp.audit.services import record
from webapp.auth.models import ROLES, User
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.units.models import Unit

MIN_PASSWORD_LENGTH = 10
# Roles bound to units: a manager sees theirs, a surveyor surveys theirs (SPEC 2).
UNIT_BOUND_ROLES = ("manager", "surveyor")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COMMON_PASSWORDS = {
    "password", "password1", "password123", "123456789", "1234567890", "12345678910",
    "qwertyuiop", "matkhau123", "admin12345", "iloveyou12", "abc123456789",
}  # fmt: skip


class AccountError(ValueError):
    """A refused account change; `field` names the form field the reason belongs under."""

    def __init__(self, message: str, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("the password must have at least %(n)s characters", n=MIN_PASSWORD_LENGTH)
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return _("the password is too easy to guess")
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        return _("the password must not contain the e-mail name")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def normal_email(email: str) -> str:
    return email.strip().lower()[:254]


# An account whose sign-in failed this often within an hour is being guessed: the admin hears
# of it once (an audit entry the alerts read), and only the failing addresses are slowed down.
UNDER_ATTACK_FAILURES = 20
RECENT = timedelta(hours=1)


def _failures(email: str, since, address: str | None = None, *, any_address: bool = True):
    query = select(func.count()).where(
        AuditEvent.action == "auth.login_failed",
        AuditEvent.actor_label == email,
        AuditEvent.at >= since,
    )
    return query if any_address else query.where(AuditEvent.ip == address)


def is_known_guesser(email: str, address: str | None, limit: int, window: timedelta) -> bool:
    """The account's failures within `window` reached `limit` and `address` is among them."""
    since = utcnow() - window
    if (db.session.scalar(_failures(email, since)) or 0) < limit:
        return False
    return bool(db.session.scalar(_failures(email, since, address, any_address=False)))


def note_failed_login(email: str) -> None:
    """Audit a failed sign-in; the failure that makes an account 'under attack' alerts once."""
    email = normal_email(email)
    record("auth.login_failed", actor_label=email)
    failures = db.session.scalar(_failures(email, utcnow() - RECENT))
    if failures == UNDER_ATTACK_FAILURES:
        record("auth.account_under_attack", target=email, failures=failures)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    email: str, role: str, password: str, units: Sequence[Unit] = (), official=None
) -> User:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise AccountError(_("This is not a valid e-mail address."))
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s.", role=role), "role")
    if role == "manager" and not units:
        raise AccountError(_("A manager must be bound to at least one unit (--unit)."), "units")
    if role == "surveyor" and not units:
        raise AccountError(
            _("A surveyor must be bound to the units they survey (--unit)."), "units"
        )
    if role not in UNIT_BOUND_ROLES and units:
        raise AccountError(
            _("Only managers and surveyors are bound to units; admins and auditors see all."),
            "units",
        )
    if role == "official" and official is None:
        raise AccountError(
            _("An official's account must name the official (--official)."), "official"
        )
    if role != "official" and official is not None:
        raise AccountError(_("Only an official's account is bound to an official."), "official")
    if find_user(email):
        raise AccountError(_("A user with the e-mail %(email)s already exists.", email=email))
    problem = password_problem(password, email)
    if problem:
        raise AccountError(_("The password is too weak: %(reason)s.", reason=problem), "password")
    user = User(email=email, role=role, password_hash=hash_password(password), units=list(units))
    user.official_id = official.id if official is not None else None
    db.session.add(user)
    db.session.flush()
    record(
        "user.create",
        target=email,
        role=role,
        units=[u.slug for u in units],
        **({"official": official.code} if official is not None else {}),
    )
    return user


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure)."""
    user = find_user(email or "")
    if user is None:
        # Spend the same time as a real check so timing does not reveal which e-mails exist.
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password(user, password or "") or not user.active:
        return None
    return user


def change_password(user: User, current: str, new: str) -> str | None:
    """Change the user's password; returns why not (translated) or None on success."""
    if not check_password(user, current):
        return _("The current password is wrong.")
    problem = password_problem(new, user.email)
    if problem:
        return _("The new password is too weak: %(reason)s.", reason=problem)
    user.password_hash = hash_password(new)
    record("auth.password_change", target=user.email)
    return None


_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
