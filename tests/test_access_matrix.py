"""Every registered route x {anonymous, admin, manager, auditor, official, kiosk token}.

The matrix is read from the routes' own `@allow` declarations (webapp.access), so a route
added later by anyone is checked too, and a route without a declaration fails this test.
"""

import secrets

import pytest
from flask import Flask

from tests.factories import PASSWORD, kiosk_for, login, make_user
from webapp.access import audiences_of
from webapp.alerts.rules import Finding
from webapp.alerts.services import record_findings
from webapp.extensions import db
from webapp.field.devices import issue_field_token
from webapp.kiosk.services import hash_secret
from webapp.officials.services import create_official
from webapp.reports.models import Report
from webapp.responses.models import QuarantinedResponse
from webapp.units.services import get_unit

OWN_UNIT = "tan-dinh"
OTHER_UNIT = "sai-gon"
ROLES = ("admin", "manager", "auditor", "official", "surveyor")
# Kiosk-audience routes only a surveyor's phone may use (a tablet's token gets 403 there).
FIELD_DEVICE_ENDPOINTS = {"api.field_configuration"}
SKIP_METHODS = {"HEAD", "OPTIONS"}


def routes(app: Flask):
    """(rule, method, endpoint, audiences) for every route but static files."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        audiences = audiences_of(app.view_functions[rule.endpoint])
        for method in sorted(rule.methods - SKIP_METHODS):
            yield rule, method, rule.endpoint, audiences


def undeclared(app: Flask) -> list[str]:
    return sorted({endpoint for _, _, endpoint, aud in routes(app) if aud is None})


def build(rule, values: dict) -> str:
    params = {}
    for name in rule.arguments:
        params[name] = values.get(name, "x")
    return rule.build(params, append_unknown=False)[1]


@pytest.fixture
def world(seeded):
    """Users of every role, a kiosk with a known token in the manager's unit and another's."""
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        manager = make_user("manager@example.vn", "manager", OWN_UNIT)
        make_user("auditor@example.vn", "auditor")
        own_official = create_official(get_unit(OWN_UNIT), "TD-001", "Nguyễn Thị Lan")
        other_official = create_official(get_unit(OTHER_UNIT), "SG-001", "Trần Văn Bình")
        make_user("official@example.vn", "official", official=own_official)
        surveyor = make_user("surveyor@example.vn", "surveyor", OWN_UNIT)
        _device, field_token = issue_field_token(surveyor)
        own_kiosk = kiosk_for(OWN_UNIT)
        other_kiosk = kiosk_for(OTHER_UNIT)
        token = secrets.token_urlsafe(32)
        own_kiosk.token_hash = hash_secret(token)
        own_kiosk.enrolled_at = own_kiosk.created_at
        own_report = Report(
            unit_id=get_unit(OWN_UNIT).id,
            period="2025-Q1",
            pdf_sha256="0" * 64,
            data_sha256="0" * 64,
            signer_fingerprint="0" * 64,
            pdf=b"%PDF-",
            public_id="ownrecord0000",
        )
        other_report = Report(
            unit_id=get_unit(OTHER_UNIT).id,
            period="2025-Q1",
            pdf_sha256="1" * 64,
            data_sha256="1" * 64,
            signer_fingerprint="1" * 64,
            pdf=b"%PDF-",
        )
        held = QuarantinedResponse(kiosk_id=own_kiosk.id, payload={"id": "x"}, errors={"id": "?"})
        db.session.add_all([own_report, other_report, held])
        own_alert, other_alert = record_findings(
            [
                Finding("low_rating", get_unit(OWN_UNIT).id, "own", {"overall": 1}),
                Finding("low_rating", get_unit(OTHER_UNIT).id, "other", {"overall": 2}),
            ]
        )
        db.session.commit()
        own = {
            "slug": OWN_UNIT,
            "period": "2025-Q1",
            "kiosk_id": own_kiosk.id,
            "user_id": manager.id,
            "report_id": own_report.id,
            "item_id": held.id,
            "key": "tthc_one_stop",
            "code": "vi",
            "public_id": "ownrecord0000",
            "official_id": own_official.id,
            "case_id": own_alert.case_id,
            "year": 2025,
            # No such response: the role checks come before the lookup (admins get a 404).
            "response_id": "0190a0b0-0000-7000-8000-000000000001",
        }
        other = {
            **own,
            "slug": OTHER_UNIT,
            "kiosk_id": other_kiosk.id,
            "report_id": other_report.id,
            "official_id": other_official.id,
            "case_id": other_alert.case_id,
        }
    return {"own": own, "other": other, "token": token, "field_token": field_token}


def _client(app, role):
    client = app.test_client()
    if role in ROLES:
        reply = login(client, f"{role}@example.vn", PASSWORD)
        assert reply.status_code == 302, reply.data[:500]
    return client


def _call(client, method, url, headers=None):
    reply = client.open(url, method=method, headers=headers or {}, data={})
    reply.get_data()  # run streamed bodies (CSV) to the end inside their own request
    reply.close()
    return reply


def _is_login_redirect(reply) -> bool:
    return reply.status_code in (301, 302, 303) and "/login" in reply.headers.get("Location", "")


def test_every_route_declares_its_audience(app):
    missing = undeclared(app)
    assert missing == [], f"routes without @allow: {missing}"


def test_a_route_without_allow_is_detected_and_refused(app):
    @app.get("/__undeclared")
    def undeclared_view():
        return "should never be served"

    assert undeclared(app) == ["undeclared_view"]
    assert app.test_client().get("/__undeclared").status_code == 403


def test_route_role_matrix(seeded, world):
    app = seeded
    token_headers = {"Authorization": f"Bearer {world['token']}"}
    field_headers = {"Authorization": f"Bearer {world['field_token']}"}
    failures = []
    all_routes = list(routes(app))
    assert len(all_routes) > 20

    def check(who, rule, method, reply, allowed):
        status = reply.status_code
        if status >= 500:
            failures.append(f"{who} {method} {rule}: server error {status}")
        if allowed and status in (401, 403):
            failures.append(f"{who} {method} {rule}: allowed but got {status}")
        if not allowed and status not in (401, 403) and not _is_login_redirect(reply):
            failures.append(f"{who} {method} {rule}: refused but got {status}")

    # Kiosk token first: management POSTs below may revoke kiosks.
    anonymous = app.test_client()
    for rule, method, _endpoint, audiences in all_routes:
        url = build(rule, world["own"])
        if "public" in audiences:
            for who, headers in (("anonymous", None), ("kiosk", token_headers)):
                reply = _call(anonymous, method, url, headers)
                check(who, rule, method, reply, allowed=True)
        elif "kiosk" in audiences:
            assert _call(anonymous, method, url).status_code == 401, f"{method} {rule}"
            device = field_headers if _endpoint in FIELD_DEVICE_ENDPOINTS else token_headers
            check("kiosk", rule, method, _call(anonymous, method, url, device), True)
        else:
            reply = _call(anonymous, method, url)
            if not (reply.status_code == 401 or _is_login_redirect(reply)):
                failures.append(f"anonymous {method} {rule}: got {reply.status_code}")
            reply = _call(anonymous, method, url, token_headers)
            if not (reply.status_code == 401 or _is_login_redirect(reply)):
                failures.append(f"kiosk token {method} {rule}: got {reply.status_code}")

    for role in ROLES:
        client = _client(app, role)
        for rule, method, endpoint, audiences in all_routes:
            url = build(rule, world["own"])
            if "kiosk" in audiences and "public" not in audiences:
                reply = _call(client, method, url)
                if reply.status_code != 401:
                    failures.append(f"{role} without token {method} {rule}: {reply.status_code}")
                continue
            allowed = "public" in audiences or role in audiences
            check(role, rule, method, _call(client, method, url), allowed)
            if role == "manager" and allowed and "public" not in audiences:
                params = set(rule.arguments) & {
                    "slug",
                    "kiosk_id",
                    "report_id",
                    "official_id",
                    "case_id",
                }
                if params:
                    reply = _call(client, method, build(rule, world["other"]))
                    if reply.status_code != 403:
                        failures.append(
                            f"manager on another unit {method} {rule}: {reply.status_code}"
                        )
            if endpoint == "auth.logout":
                client = _client(app, role)
    assert failures == []


def test_auditor_is_never_allowed_to_post(app):
    """Read-only: the only POSTs an auditor may make are signing in/out, their password and
    marking their own alerts read (their inbox's state, no data of the system)."""
    own_account = {"auth.login", "auth.logout", "auth.password", "alerts.mark_all_read"}
    offending = [
        f"{method} {rule}"
        for rule, method, endpoint, audiences in routes(app)
        if method != "GET" and "auditor" in (audiences or ()) and endpoint not in own_account
    ]
    assert offending == []
