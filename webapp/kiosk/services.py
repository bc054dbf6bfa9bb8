"""Kiosk lifecycle: creation with a one-time enrollment code, token checks, revocation."""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import CursorResult, select, update
from werkzeug.security import check_password_hash, generate_password_hash

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
    if kiosk.surveyor is not None and not kiosk.surveyor.active:
        # A surveyor's phone works only while its owner's account does.
        raise APIError(403, "revoked", "the surveyor's account is disabled")
    return kiosk


def enroll(code) -> tuple[Kiosk, str]:
    """Exchange a one-time enrollment code for a new device token; returns (kiosk, token).

    The code is compared case- and dash-insensitively. It is consumed by a conditional
    UPDATE so that two tablets racing with the same code cannot both get a working token.
    Raises APIError 400 (missing, wrong or already used code) or 410 (expired code).
    """
    if not isinstance(code, str) or not code.strip():
        raise APIError(400, "bad_request", 'send {"code": "XXXX-XXXX"}')
    code_hash = hash_secret(normalise_code(code))
    kiosk = db.session.scalar(select(Kiosk).where(Kiosk.enroll_code_hash == code_hash))
    if kiosk is None or kiosk.revoked_at is not None:
        raise APIError(
            400,
            "invalid_code",
            "this enrollment code is not valid or has already been used; "
            "ask an administrator for a new code",
        )
    now = utcnow()
    if kiosk.enroll_code_expires_at is None or kiosk.enroll_code_expires_at <= now:
        raise APIError(410, "expired_code", "this enrollment code has expired; ask for a new code")
    token = secrets.token_urlsafe(32)
    # An UPDATE gives a CursorResult (with rowcount); Session.execute is typed as Result.
    consumed: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(Kiosk)
        .where(Kiosk.id == kiosk.id, Kiosk.enroll_code_hash == code_hash)
        .values(
            token_hash=hash_secret(token),
            enroll_code_hash=None,
            enroll_code_expires_at=None,
            enrolled_at=now,
            last_seen_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if consumed.rowcount != 1:  # another tablet used the code a moment ago
        raise APIError(400, "invalid_code", "this enrollment code has already been used")
    db.session.refresh(kiosk)
    record("kiosk.enroll", unit_id=kiosk.unit_id, target=f"kiosk:{kiosk.id}", kiosk_id=kiosk.id)
    db.session.flush()
    return kiosk, token


# --- the staff PIN of a unit's kiosks -------------------------------------------------------
# The kiosk checks the PIN offline, so it needs the salt and the derived key. PBKDF2-SHA256 is
# what WebCrypto offers on every supported tablet, and werkzeug's "pbkdf2:sha256:N$salt$hex"
# format lets the server check the same hash with check_password_hash. A 4-8 digit PIN read
# from a tablet's storage can be brute-forced; it keeps curious citizens out of the staff
# panel, it does not protect a secret (the panel only shows queue state and "sync now").
STAFF_PIN_ITERATIONS = 100_000
_PIN_METHOD_PREFIX = "pbkdf2:sha256:"


def hash_staff_pin(pin: str) -> str:
    # isascii: str.isdigit() also accepts "²" or Arabic-Indic digits, which no keypad types.
    if not (isinstance(pin, str) and pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValueError("the staff PIN must be 4 to 8 digits (0-9)")
    return generate_password_hash(pin, method=f"pbkdf2:sha256:{STAFF_PIN_ITERATIONS}")


def check_staff_pin(pin_hash: str | None, pin: str) -> bool:
    if not pin_hash:
        return False
    return check_password_hash(pin_hash, pin)


def staff_pin_for_kiosk(pin_hash: str | None) -> dict | None:
    """What a kiosk needs to check the staff PIN offline, or None (no PIN set, or a hash
    in a format WebCrypto cannot recompute)."""
    if not pin_hash or not pin_hash.startswith(_PIN_METHOD_PREFIX):
        return None
    method, _, rest = pin_hash.partition("$")
    salt, _, key = rest.partition("$")
    iterations = method[len(_PIN_METHOD_PREFIX) :]
    if not (iterations.isdigit() and salt and key):
        return None
    # deriveBits(PBKDF2, SHA-256, salt = UTF-8 bytes of `salt`) == bytes.fromhex(key)
    return {
        "algorithm": "PBKDF2",
        "hash": "SHA-256",
        "iterations": int(iterations),
        "salt": salt,
        "key": key,
    }


def set_staff_pin(unit: Unit, pin: str | None) -> None:
    """Set (or with None remove) the staff PIN of `unit`'s kiosks; only its hash is stored.

    Kiosks pick the change up on their next config refresh: the PIN check data is part of
    the config, so its ETag changes. Raises ValueError for a PIN that is not 4-8 digits.
    """
    unit.staff_pin_hash = None if pin is None else hash_staff_pin(pin)
    db.session.flush()
    # Never the PIN nor its hash in the audit log: the hash is brute-forceable offline.
    record(
        "unit.pin_set", unit_id=unit.id, target=unit.slug, pin="removed" if pin is None else "set"
    )
