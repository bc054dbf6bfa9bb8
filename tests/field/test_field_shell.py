"""The field app shell (/field) and its service worker, over HTTP (no browser)."""

import json
import re

from tests.factories import login, make_user
from tests.kiosk_app.test_shell import parse
from webapp.extensions import db
from webapp.field import shell
from webapp.field.strings import FIELD_STRINGS


def build_of(client) -> dict:
    source = client.get("/field/sw.js").get_data(as_text=True)
    return json.loads(re.match(r"const BUILD = (.*);\n", source).group(1))


def test_shell_is_public_and_has_the_dom_hooks(client):
    reply = client.get("/field")
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-cache"
    page = parse(reply.get_data(as_text=True))
    for name in ("signin", "home", "interview", "review", "done"):
        assert page.find(data_field_screen=name), name
    for action in ("start", "next", "back", "review", "submit", "signout"):
        assert page.find("button", data_action=action), action
    assert page.find("select", name="survey")
    assert page.find("select", name="unit")
    assert not page.find("meta", name="csrf-token")  # anonymous: nothing to sign in with
    for attrs, _text in page.scripts:  # strict CSP: modules or inert JSON only
        assert attrs.get("src") or attrs.get("type") == "application/json", attrs
    for tag, attrs in page.elements:
        assert "style" not in attrs, tag
    (boot,) = [json.loads(t) for a, t in page.scripts if a.get("id") == "field-boot"]
    assert boot["sw"] == "/field/sw.js"
    assert boot["scope"] == "/field"
    assert boot["db_name"] == "hailong-field"  # never the kiosk's database
    assert boot["strings"] == FIELD_STRINGS


def test_a_signed_in_surveyor_gets_the_csrf_meta(seeded, client):
    with seeded.app_context():
        make_user("s@example.vn", "surveyor", "sai-gon")
        make_user("m@example.vn", "manager", "sai-gon")
        db.session.commit()
    login(client, "m@example.vn")
    assert not parse(client.get("/field").get_data(as_text=True)).find("meta", name="csrf-token")
    client.post("/logout")
    login(client, "s@example.vn")
    (meta,) = parse(client.get("/field").get_data(as_text=True)).find("meta", name="csrf-token")
    reply = client.post("/api/v1/field/token", headers={"X-CSRFToken": meta["content"]})
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["token"]


def test_service_worker_for_the_field_scope(client):
    reply = client.get("/field/sw.js")
    assert reply.mimetype == "text/javascript"
    assert reply.headers["Service-Worker-Allowed"] == "/field"
    assert reply.headers["Cache-Control"] == "no-cache"
    build = build_of(client)
    assert build["navigation"] == "network-first"  # the live page carries the CSRF token
    assert build["shell"] == build["scope"] == "/field"
    assert build["config_url"] == "/api/v1/field/config"
    assert build["shell_cache"] == f"hailong-field-shell-{build['version']}"
    assert not build["cache_prefix"].startswith("hailong-kiosk-")
    for url in build["precache"]:  # a missing file would make the worker's install fail
        assert client.get(url).status_code == 200, url
    kiosk = json.loads(
        re.match(r"const BUILD = (.*);\n", client.get("/kiosk/sw.js").get_data(as_text=True))[1]
    )
    assert "navigation" not in kiosk  # the kiosk's shell stays cache-first


def test_version_follows_the_field_strings(app, monkeypatch):
    from webapp.field import strings

    with app.test_request_context():
        before = shell.FIELD.version()
        changed = {lang: dict(t) for lang, t in strings.FIELD_STRINGS.items()}
        changed["vi"]["submit"] = "Gửi"
        monkeypatch.setattr(strings, "FIELD_STRINGS", changed)
        assert shell.FIELD.version() != before
