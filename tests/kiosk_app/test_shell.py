"""The kiosk app shell, its service worker and its strings, seen over HTTP (no browser)."""

import json
import re
from html.parser import HTMLParser

import pytest

from tests.conftest import ROOT
from webapp.kiosk import shell
from webapp.kiosk.strings import kiosk_strings


class Elements(HTMLParser):
    """Every start tag as (tag, attrs dict), plus the text of <script> elements."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "script":
            self._script = attrs
            self.scripts.append((attrs, ""))

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def find(self, tag=None, **attrs) -> list[dict]:
        return [
            a
            for t, a in self.elements
            if (tag is None or t == tag)
            and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def test_shell_has_the_fixed_dom_hooks(client):
    reply = client.get("/kiosk")
    assert reply.status_code == 200
    page = parse(reply.get_data(as_text=True))
    assert page.find("form", data_form="enroll")
    assert page.find("input", name="code")
    assert [a["data-rating"] for a in page.find("button") if "data-rating" in a] == list("54321")
    assert page.find("button", data_lang="vi")
    assert page.find("button", data_lang="en")
    for name in ("enroll", "start", "followup", "thanks"):
        assert page.find(data_screen=name), name
    assert page.find("button", data_action="submit")
    assert len([a for a in page.find() if "data-outbox-count" in a]) == 1
    # Exactly one screen is visible at first (loading); the others carry `hidden`.
    screens = [a for a in page.find() if "data-screen" in a]
    assert [a["data-screen"] for a in screens if "hidden" not in a] == ["loading"]


def test_shell_obeys_the_strict_csp(client):
    reply = client.get("/kiosk")
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]
    page = parse(reply.get_data(as_text=True))
    for attrs, text in page.scripts:
        # Only external modules, or inert JSON data (never executed, so CSP has nothing to say).
        assert attrs.get("src") or attrs.get("type") == "application/json", attrs
        if text.strip():
            assert attrs.get("type") == "application/json"
    for tag, attrs in page.elements:
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
    assert not page.find("style")


def test_boot_data_carries_version_worker_and_strings(client):
    page = parse(client.get("/kiosk").get_data(as_text=True))
    (boot,) = [json.loads(text) for attrs, text in page.scripts if attrs.get("id") == "kiosk-boot"]
    assert boot["sw"] == "/kiosk/sw.js"
    assert boot["scope"] == "/kiosk"
    assert boot["strings"] == kiosk_strings()
    assert re.fullmatch(r"1\.0\.0\+[0-9a-f]{12}", boot["version"])
    assert boot["config_url"] == "/api/v1/kiosk/config"


def test_page_and_worker_get_the_same_config_cache(client):
    """The page writes the first config copy where the worker looks for it when offline."""
    page = parse(client.get("/kiosk").get_data(as_text=True))
    (boot,) = [json.loads(text) for attrs, text in page.scripts if attrs.get("id") == "kiosk-boot"]
    source = client.get("/kiosk/sw.js").get_data(as_text=True)
    build = json.loads(re.match(r"const BUILD = (.*);\n", source).group(1))
    assert build["config_cache"] == boot["config_cache"] == "hailong-kiosk-config"
    assert build["config_url"] == boot["config_url"]
    assert build["shell_cache"] == f"hailong-kiosk-shell-{build['version']}"
    assert build["config_cache"].startswith(build["cache_prefix"])
    assert build["shell_cache"].startswith(build["cache_prefix"])
    for path in (ROOT / "static/js").rglob("*.js"):  # named once, in webapp/kiosk/shell.py
        assert "hailong-kiosk-" not in path.read_text(), path


def test_pin_fixture_of_the_js_tests_is_what_the_server_makes():
    """tests/js/pin.test.mjs checks the tablet's PIN check against this werkzeug hash."""
    from webapp.kiosk.services import check_staff_pin, staff_pin_for_kiosk

    fixture = json.loads((ROOT / "tests/js/fixtures/staff_pin.json").read_text())
    assert check_staff_pin(fixture["werkzeug_hash"], fixture["pin"])
    assert staff_pin_for_kiosk(fixture["werkzeug_hash"]) == fixture["check"]


def test_enroll_url_prefills_the_code_and_escapes_it(client):
    page = parse(client.get("/kiosk/enroll?code=ABCD-EFGH").get_data(as_text=True))
    assert page.find("input", name="code")[0]["value"] == "ABCD-EFGH"
    html = client.get('/kiosk/enroll?code="><script>x()</script>').get_data(as_text=True)
    assert "<script>x()" not in html


def test_service_worker_is_served_for_the_kiosk_scope(client):
    reply = client.get("/kiosk/sw.js")
    assert reply.status_code == 200
    assert reply.mimetype == "text/javascript"
    assert reply.headers["Service-Worker-Allowed"] == "/kiosk"
    assert reply.headers["Cache-Control"] == "no-cache"
    build = json.loads(re.match(r"const BUILD = (.*);\n", reply.get_data(as_text=True)).group(1))
    assert build["scope"] == "/kiosk"
    assert build["shell"] == "/kiosk"
    assert "/kiosk" in build["precache"]
    for url in build["precache"]:  # a missing file would make the worker's install fail
        assert client.get(url).status_code == 200, url


def test_version_follows_the_files_and_the_strings(app, monkeypatch):
    with app.test_request_context():
        before = shell.version()
        assert shell.version() == before  # stable while nothing changes
        from webapp.kiosk import strings

        changed = {lang: dict(t) for lang, t in strings.KIOSK_STRINGS.items()}
        changed["en"]["submit"] = "Send it"
        monkeypatch.setattr(strings, "KIOSK_STRINGS", changed)
        assert shell.version() != before


def test_manifest_is_installable(client):
    manifest = json.loads(client.get("/static/kiosk/manifest.webmanifest").get_data())
    assert manifest["start_url"] == "/kiosk"
    assert manifest["scope"] == "/kiosk"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]


def test_strings_exist_in_both_languages():
    strings = kiosk_strings()
    assert set(strings) == {"vi", "en"}
    assert set(strings["vi"]) == set(strings["en"])
    assert all(text.strip() for table in strings.values() for text in table.values())


def used_string_keys() -> set[str]:
    keys = set()
    template = (ROOT / "webapp/kiosk/templates/kiosk/app.html").read_text()
    keys |= set(re.findall(r'data-i18n(?:-label|-placeholder)?="(\w+)"', template))
    keys |= set(re.findall(r"\bt\.(\w+)\b", template))
    for path in (ROOT / "static/js/kiosk").glob("*.js"):
        source = path.read_text()
        keys |= set(re.findall(r"""\bt\(\s*['"](\w+)['"]""", source))
        # keys handed around before translation, e.g. setEnrollMessage('enroll_empty')
        keys |= set(re.findall(r"""['"]((?:enroll|staff|blocked)_[a-z_]+)['"]""", source))
    return keys


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_string_the_kiosk_uses_is_translated(lang):
    missing = used_string_keys() - set(kiosk_strings()[lang])
    assert not missing
