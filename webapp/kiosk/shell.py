"""What the kiosk app shell is made of, and the version that ties it together.

The service worker precaches exactly `ASSETS` plus the shell page. Its cache name carries a
version hashed from those files, the shell template and the strings, so any change to what
a tablet runs yields a new service worker (browsers compare the script byte for byte), a
fresh cache, and the old cache deleted on activation.

`AppShell` holds that logic for any offline shell: the kiosk's (`KIOSK`, below) and the
field app's (webapp/field/shell.py), which share static/js/kiosk/sw.js.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for

from webapp.kiosk.strings import kiosk_strings

APP_VERSION = "1.0.0"
SCOPE = "/kiosk"
TEMPLATE = Path(__file__).parent / "templates" / "kiosk" / "app.html"
SW_SOURCE = "js/kiosk/sw.js"
# Named here once and handed to both the page (boot data) and the service worker (BUILD): the
# page writes the first config copy into the cache the worker answers from when offline.
CACHE_PREFIX = "hailong-kiosk-"  # AppShell.cache_prefix of "kiosk"
CONFIG_CACHE = f"{CACHE_PREFIX}config"
CONFIG_URL = "/api/v1/kiosk/config"

# ES modules the first screen needs, preloaded by the page so there is no import waterfall.
# With the stylesheet that is eight requests: six leave at once on a browser's six HTTP/1.1
# connections, the last two on the first connections to come free, which a slow link pays
# with about one more RTT (figures in docs/performance.md). Keep the list short.
FIRST_PAINT_MODULES = (
    "vendor/idb/idb.js",
    "js/outbox/backoff.js",
    "js/outbox/db.js",
    "js/outbox/queue.js",
    "js/kiosk/api.js",
    "js/kiosk/i18n.js",
    "js/kiosk/main.js",
)
# Imported by main.js once the first screen is shown.
LATER_MODULES = (
    "js/outbox/sync.js",
    "js/kiosk/survey.js",
    "js/kiosk/staff.js",
    "js/kiosk/uuid.js",
    "js/kiosk/contact.js",
)
MODULES = FIRST_PAINT_MODULES + LATER_MODULES
STYLES = ("css/kiosk.css",)
ICONS = ("kiosk/icon.svg", "kiosk/icon-192.png", "kiosk/manifest.webmanifest")
ASSETS = {"modules": FIRST_PAINT_MODULES, "styles": STYLES, "main": "js/kiosk/main.js"}


def _static_root() -> Path:
    folder = current_app.static_folder
    if folder is None:  # create_app always sets one; the kiosk cannot work without it
        raise RuntimeError("the app has no static folder")
    return Path(folder)


@dataclass(frozen=True)
class AppShell:
    """An offline app shell (the kiosk's, the field app's): what its worker precaches, the
    version hashed from it, and the BUILD header the worker script is served with."""

    name: str  # "kiosk", "field": cache names are "hailong-<name>-…"
    scope: str
    template: Path
    sw_source: str
    config_url: str
    files: tuple[str, ...]  # static files precached with the shell page
    strings: Callable[[], dict]
    build_extra: tuple[tuple[str, object], ...] = ()  # more BUILD keys for the worker

    @property
    def cache_prefix(self) -> str:
        return f"hailong-{self.name}-"

    @property
    def config_cache(self) -> str:
        return f"{self.cache_prefix}config"

    def version(self) -> str:
        """A short hash of everything the device caches (cheap: keyed by file stamps)."""
        root = _static_root()
        stamps = tuple(
            (name, (root / name).stat().st_mtime_ns, (root / name).stat().st_size)
            for name in [*self.files, self.sw_source]
        )
        template_stamp = (self.template.stat().st_mtime_ns, self.template.stat().st_size)
        strings = json.dumps(self.strings(), sort_keys=True, ensure_ascii=False)
        return _version_for(str(root), stamps, str(self.template), template_stamp, strings)

    def app_version(self) -> str:
        return f"{APP_VERSION}+{self.version()}"

    def precache_urls(self) -> list[str]:
        return [self.scope] + [url_for("static", filename=name) for name in self.files]

    def service_worker_source(self) -> str:
        version = self.app_version()
        build = {
            "version": version,
            "cache_prefix": self.cache_prefix,
            "shell_cache": f"{self.cache_prefix}shell-{version}",
            "config_cache": self.config_cache,
            "config_url": self.config_url,
            "shell": self.scope,
            "scope": self.scope,
            "precache": self.precache_urls(),
            **dict(self.build_extra),
        }
        source = (_static_root() / self.sw_source).read_text(encoding="utf-8")
        return f"const BUILD = {json.dumps(build)};\n{source}"


@lru_cache(maxsize=16)
def _version_for(
    root: str, stamps: tuple, template: str, template_stamp: tuple, strings: str
) -> str:
    digest = hashlib.sha256()
    for name, _mtime, _size in stamps:
        digest.update(name.encode())
        digest.update((Path(root) / name).read_bytes())
    digest.update(Path(template).read_bytes())
    digest.update(strings.encode())
    digest.update(APP_VERSION.encode())
    return digest.hexdigest()[:12]


KIOSK = AppShell(
    name="kiosk",
    scope=SCOPE,
    template=TEMPLATE,
    sw_source=SW_SOURCE,
    config_url=CONFIG_URL,
    files=(*STYLES, *MODULES, *ICONS),
    strings=kiosk_strings,
)


def version() -> str:
    return KIOSK.version()


def app_version() -> str:
    return KIOSK.app_version()


def precache_urls() -> list[str]:
    return KIOSK.precache_urls()


def boot_data() -> dict:
    """Data the page needs before it has a config: version, worker, default strings."""
    return {
        "version": app_version(),
        "sw": url_for("kiosk.service_worker"),
        "scope": SCOPE,
        "config_url": CONFIG_URL,
        "config_cache": CONFIG_CACHE,
        "strings": kiosk_strings(),
    }


def strings_vi() -> dict[str, str]:
    return kiosk_strings()["vi"]


def service_worker_source() -> str:
    return KIOSK.service_worker_source()
