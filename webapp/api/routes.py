"""The HTTP API (SPEC section 9): kiosk enrollment, configuration and batch sync, report
verification, and the OpenAPI document.

Token-authenticated or public, so exempt from CSRF. Views stay thin: the work is in
webapp.kiosk.services (enroll), webapp.api.kiosk_config, webapp.sync.services and
webapp.reports.verification.
"""

import hashlib
import uuid

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy.exc import OperationalError
from wtforms.validators import ValidationError

from webapp.access import allow
from webapp.alerts.delivery import deliver
from webapp.alerts.services import record_inspections
from webapp.api.kiosk_config import config_etag, kiosk_config
from webapp.api.openapi import openapi_document
from webapp.dbtypes import utcnow
from webapp.errors import APIError
from webapp.extensions import csrf, db, limiter
from webapp.field.devices import field_config, issue_field_token
from webapp.field.ingest import ingest_for_device
from webapp.kiosk.services import enroll
from webapp.reports.verification import verification_reply
from webapp.sync.services import iso, note_kiosk_seen, quarantine_dead_letters
from webapp.sync.validation import parse_dead_letters, parse_envelope

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.errorhandler(OperationalError)
def database_busy(exc: OperationalError):
    """A locked SQLite file or a PostgreSQL deadlock/failover: nothing was stored (the
    transaction is rolled back) and the kiosk keeps the batch, so ask it to retry."""
    db.session.rollback()
    current_app.logger.warning("sync database busy: %s", exc.orig)
    reply = jsonify(error="busy", message="the database is busy; try again shortly")
    return reply, 503, {"Retry-After": "5"}


def _enroll_limit() -> str:
    return current_app.config["ENROLL_RATE_LIMIT"]


def _sync_limit() -> str:
    return current_app.config["SYNC_RATE_LIMIT"]


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def _token_key() -> str:
    """Rate-limit key of a sync: the device token (hashed), so kiosks behind one NAT don't
    share a budget; requests without a token share the address's budget."""
    authorization = request.headers.get("Authorization", "")
    if not authorization:
        return "addr:" + (request.remote_addr or "")
    return "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:32]


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise APIError(400, "bad_request", "the body must be a JSON object")
    return data


def _bounded_body(limit: int) -> bytes:
    """The raw body, refusing more than `limit` bytes before anything is parsed: first by the
    declared Content-Length, then by reading at most limit + 1 bytes (chunked uploads)."""
    length = request.content_length
    if length is not None and length > limit:
        raise APIError(413, "too_large", f"the body is over {limit} bytes; send smaller batches")
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise APIError(413, "too_large", f"the body is over {limit} bytes; send smaller batches")
    return raw


@bp.post("/kiosk/enroll")
@allow("public")
@limiter.limit(_enroll_limit)
def enroll_kiosk():
    kiosk, token = enroll(_json_body().get("code"))
    db.session.commit()
    unit = kiosk.unit
    return jsonify(
        token=token,
        kiosk={
            "id": kiosk.id,
            "name": kiosk.name,
            "unit": {"slug": unit.slug, "name": {"vi": unit.name_vi, "en": unit.name_en}},
        },
    )


@bp.get("/kiosk/config")
@allow("kiosk")
def config():
    if g.kiosk.is_field_device:
        raise APIError(403, "forbidden", "a field device reads /api/v1/field/config")
    body = kiosk_config(g.kiosk)
    # Weak ETag: server_time differs on every reply, the config itself is what is compared.
    etag = config_etag(body)
    note_kiosk_seen(g.kiosk, request.headers)
    db.session.commit()
    if request.if_none_match.contains_weak(etag):
        reply = current_app.response_class(status=304)
    else:
        body["server_time"] = iso(utcnow())
        reply = jsonify(body)
    reply.set_etag(etag, weak=True)
    reply.headers["Cache-Control"] = "no-cache"
    reply.vary.add("Authorization")
    return reply


@bp.post("/sync")
@allow("kiosk")
@limiter.limit(_sync_limit, key_func=_token_key)
def sync():
    config = current_app.config
    raw = _bounded_body(int(config["SYNC_MAX_BYTES"]))
    envelope = parse_envelope(raw, int(config["SYNC_MAX_RESPONSES"]))
    result = ingest_for_device(g.kiosk, envelope)
    # A failed code-of-conduct inspection opens its case with the sync that stores it (SPEC
    # 12, 13), in the same transaction; `flask alerts run` would find it again, recorded.
    alerts = (
        record_inspections(uuid.UUID(client_id) for client_id in result.accepted)
        if g.kiosk.is_field_device
        else []
    )
    note_kiosk_seen(g.kiosk, request.headers, envelope.kiosk_facts)
    db.session.commit()
    if alerts:
        _mail_alerts(alerts)
    return jsonify(result.as_json())


def _mail_alerts(alerts) -> None:
    """E-mail new alerts to the unit's managers; they are committed already, so a mail server
    that is down loses nothing (the alerts stay in /cases and the inbox)."""
    try:
        deliver(alerts, digest=False)
    except OSError as exc:
        current_app.logger.warning("alert mail not sent: %s", exc)


@bp.post("/kiosk/dead-letters")
@allow("kiosk")
@limiter.limit(_sync_limit, key_func=_token_key)
def hand_over_dead_letters():
    config = current_app.config
    raw = _bounded_body(int(config["SYNC_MAX_BYTES"]))
    items = parse_dead_letters(raw, int(config["SYNC_MAX_RESPONSES"]))
    held = quarantine_dead_letters(g.kiosk, items)
    db.session.commit()
    return jsonify(held=held)


@bp.post("/field/token")
@allow("surveyor")
@limiter.limit(_enroll_limit)
def field_token():
    # The API blueprint is exempt from CSRF (token-authenticated); this route is the one
    # that a browser session authorises, so it checks the session's CSRF token itself
    # (whenever the app checks CSRF at all).
    try:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            validate_csrf(request.headers.get("X-CSRFToken", ""))
    except ValidationError:
        raise APIError(
            400, "csrf", "send the page's CSRF token in the X-CSRFToken header"
        ) from None
    device, token = issue_field_token(current_user, request.headers.get("User-Agent", ""))
    db.session.commit()
    return jsonify(token=token, device={"id": device.id, "name": device.name})


@bp.get("/field/config")
@allow("kiosk")
def field_configuration():
    body = field_config(g.kiosk)
    note_kiosk_seen(g.kiosk, request.headers)
    db.session.commit()
    body["server_time"] = iso(utcnow())
    reply = jsonify(body)
    reply.headers["Cache-Control"] = "no-cache"
    reply.vary.add("Authorization")
    return reply


@bp.post("/verify")
@allow("public")
@limiter.limit(_verify_limit)
def verify_report():
    # Reports are a few hundred KB; refuse big uploads before reading them (413).
    request.max_content_length = current_app.config["VERIFY_MAX_BYTES"]
    upload = request.files.get("file")
    if upload is None:
        raise APIError(400, "missing_file", "send the PDF as multipart form field 'file'")
    data = upload.read()
    if not data:
        raise APIError(400, "empty_file", "the uploaded file is empty")
    return jsonify(verification_reply(data))


@bp.get("/openapi.json")
@allow("public")
def openapi():
    return jsonify(openapi_document(current_app.config))
