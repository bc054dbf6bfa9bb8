"""Encryption at rest of contact phone numbers (SPEC 13), with cryptography's Fernet.

`FLASK_CONTACT_KEY` lists one or more Fernet keys, comma-separated. The first encrypts, every
one decrypts (MultiFernet), which is what key rotation needs:
1. prepend a new key: `FLASK_CONTACT_KEY=NEW,OLD`, restart;
2. `flask contacts rotate` re-encrypts every row with NEW (and recomputes its lookup);
3. drop OLD: `FLASK_CONTACT_KEY=NEW`, restart.

`delete --phone` must find a person's rows without decrypting every one, so each row also
holds `phone_lookup`, an HMAC-SHA256 of the normalised number. Its key is derived (HKDF) from
a Fernet key, never stored. Rows written before a rotation carry the old key's lookup, so a
search tries the lookup of every configured key, and `rotate` rewrites each row's lookup with
the first key's derivation: after step 2 nothing depends on OLD any more and step 3 is safe.

Development (FLASK_PRODUCTION false) without a key: one is generated into instance/contact.key
with a warning. Production refuses to start without FLASK_CONTACT_KEY.
"""

import base64
import hashlib
import hmac
import logging
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

log = logging.getLogger(__name__)

KEY_FILE = "contact.key"
_LOOKUP_INFO = b"hailong contacts phone lookup v1"


class ContactKeyError(RuntimeError):
    pass


def parse_keys(value: object) -> list[bytes]:
    """The configured Fernet keys, first = the one that encrypts; ContactKeyError if any is
    not a valid Fernet key (32 url-safe base64 bytes)."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",")]
    elif isinstance(value, list | tuple):
        parts = [str(part).strip() for part in value]
    else:
        parts = []
    keys = [part.encode() for part in parts if part]
    if not keys:
        raise ContactKeyError("FLASK_CONTACT_KEY holds no key")
    for index, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ContactKeyError(
                f"FLASK_CONTACT_KEY: key {index} is not a Fernet key"
                " (generate one with `flask contacts new-key`)"
            ) from None
    return keys


def ensure_contact_key(app: Flask) -> None:
    """Check the configured key at start-up; in development generate one into instance/."""
    if app.config.get("CONTACT_KEY"):
        parse_keys(app.config["CONTACT_KEY"])  # fail at start, not at the first contact
        return
    if app.config["PRODUCTION"]:
        raise RuntimeError("FLASK_CONTACT_KEY must be set when FLASK_PRODUCTION is true")
    key_file = Path(app.instance_path) / KEY_FILE
    if not key_file.exists():
        key_file.write_bytes(Fernet.generate_key())
        key_file.chmod(0o600)
        log.warning(
            "Generated a development contact encryption key in %s; set FLASK_CONTACT_KEY in"
            " production (losing the key loses every stored contact)",
            key_file,
        )
    app.config["CONTACT_KEY"] = key_file.read_text().strip()


def _keys() -> list[bytes]:
    return parse_keys(current_app.config["CONTACT_KEY"])


def _cipher() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def encrypt(phone: str) -> str:
    return _cipher().encrypt(phone.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise ContactKeyError(
            "a contact cannot be decrypted with any key of FLASK_CONTACT_KEY"
        ) from None


def reencrypt(token: str) -> str:
    """The same plaintext under the first key (MultiFernet.rotate)."""
    try:
        return _cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise ContactKeyError(
            "a contact cannot be decrypted with any key of FLASK_CONTACT_KEY"
        ) from None


def _lookup_key(fernet_key: bytes) -> bytes:
    raw = base64.urlsafe_b64decode(fernet_key)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LOOKUP_INFO).derive(raw)


def _lookup_with(fernet_key: bytes, phone: str) -> str:
    return hmac.new(_lookup_key(fernet_key), phone.encode(), hashlib.sha256).hexdigest()


def lookup(phone: str) -> str:
    """The lookup of a normalised number under the first (encrypting) key."""
    return _lookup_with(_keys()[0], phone)


def lookups(phone: str) -> list[str]:
    """Its lookup under every configured key (rows not yet rotated carry an older one)."""
    return [_lookup_with(key, phone) for key in _keys()]


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
