"""What the field app shell (/field) is made of: the kiosk's AppShell with the field app's
files, strings and service worker options (webapp/kiosk/shell.py keeps the common logic).

Unlike the kiosk shell, the page differs for a signed-in surveyor (it carries the CSRF token
the device-token request needs), so its worker fetches navigations network-first and falls
back to the precached, anonymous shell only when offline (BUILD `navigation`).
"""

from pathlib import Path

from flask import url_for

from webapp.field.strings import field_strings
from webapp.kiosk.shell import AppShell

SCOPE = "/field"
TEMPLATE = Path(__file__).parent / "templates" / "field" / "app.html"
CONFIG_URL = "/api/v1/field/config"
DEVICE_URL = "/api/v1/field/token"
DB_NAME = "hailong-field"

# The modules the page imports (preloaded: no import waterfall), then the rest it needs offline.
MODULES = (
    "vendor/idb/idb.js",
    "js/outbox/backoff.js",
    "js/outbox/db.js",
    "js/outbox/queue.js",
    "js/outbox/sync.js",
    "js/kiosk/api.js",
    "js/kiosk/contact.js",
    "js/kiosk/i18n.js",
    "js/kiosk/uuid.js",
    "js/field/api.js",
    "js/field/interview.js",
    "js/field/main.js",
)
STYLES = ("css/field.css",)
ICONS = ("kiosk/icon.svg", "kiosk/icon-192.png", "field/manifest.webmanifest")
ASSETS = {"modules": MODULES, "styles": STYLES, "main": "js/field/main.js"}

FIELD = AppShell(
    name="field",
    scope=SCOPE,
    template=TEMPLATE,
    sw_source="js/kiosk/sw.js",  # the kiosk's worker, with network-first navigations
    config_url=CONFIG_URL,
    files=(*STYLES, *MODULES, *ICONS),
    strings=field_strings,
    build_extra=(("navigation", "network-first"),),
)


def boot_data() -> dict:
    """What the page needs before it has a config: version, worker, URLs, default strings."""
    return {
        "version": FIELD.app_version(),
        "sw": url_for("field_app.service_worker"),
        "scope": SCOPE,
        "db_name": DB_NAME,
        "config_url": CONFIG_URL,
        "config_cache": FIELD.config_cache,
        "token_url": DEVICE_URL,
        "login_url": url_for("auth.login", next=SCOPE),
        "logout_url": url_for("auth.logout"),
        "strings": field_strings(),
    }


def strings_vi() -> dict[str, str]:
    return field_strings()["vi"]
