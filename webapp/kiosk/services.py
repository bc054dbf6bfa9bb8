"""Kiosk lifecycle: creation with a one-time enrollment code, token checks, revocation."""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select

from webapp.audit.services import record
from webapp.dbtypes import utcnow
from webapp.errors import APIError
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.units.models import Unit

# No 0/O, 1/I/L: codes are read off a screen and typed on a tablet.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def hash_secret(secret: str) -> str:
    """SHA-256 is enough here: codes and tokens are random, short-lived or long."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    compact = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{compact[:4]}-{compact[4:]}" if len(compact) == 8 else compact


def new_enrollment_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def enrollment_url(code: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/kiosk/enroll?{urlencode({'code': code})}"


def issue_enrollment_code(kiosk: Kiosk) -> str:
    """A fresh single-use code for `kiosk` (also used to re-enroll a replaced tablet)."""
    code = new_enrollment_code()
    kiosk.enroll_code_hash = hash_secret(code)
    ttl = timedelta(hours=current_app.config["KIOSK_ENROLL_CODE_TTL_HOURS"])
    kiosk.enroll_code_expires_at = utcnow() + ttl
    db.session.flush()
    return code


def create_kiosk(unit: Unit, name: str | None = None) -> tuple[Kiosk, str]:
    count = db.session.scalar(select(db.func.count()).where(Kiosk.unit_id == unit.id)) or 0
    kiosk = Kiosk(unit=unit, name=name or f"{unit.slug}-{count + 1}")
    db.session.add(kiosk)
    db.session.flush()
    code = issue_enrollment_code(kiosk)
    record("kiosk.create", unit_id=unit.id, target=f"kiosk:{kiosk.id}", name=kiosk.name)
    return kiosk, code


def revoke_kiosk(kiosk: Kiosk) -> None:
    if kiosk.revoked_at is None:
        kiosk.revoked_at = utcnow()
        kiosk.enroll_code_hash = None
        record("kiosk.revoke", unit_id=kiosk.unit_id, target=f"kiosk:{kiosk.id}")
        db.session.flush()


def authenticate_kiosk(authorization: str) -> Kiosk:
    """The kiosk owning a `Bearer <token>` header; 401 if unknown, 403 if revoked."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise APIError(401, "unauthorized", "a kiosk device token is required (Bearer)")
    kiosk = db.session.scalar(select(Kiosk).where(Kiosk.token_hash == hash_secret(token.strip())))
    if kiosk is None:
        raise APIError(401, "unauthorized", "unknown device token: enroll this tablet again")
    if kiosk.revoked_at is not None:
        raise APIError(403, "revoked", "this kiosk has been revoked")
    return kiosk
