"""Kiosk budget (issue 4): what the first visit downloads, and how fast the kiosk answers.

    /work/venv/bin/python bench/kiosk_weight.py [--no-surveyjs]

Starts gunicorn on a throw-away SQLite database (seeded, one kiosk per run), then with
Debian's Chromium:
1. weight: every response the page and its service worker fetch from the network on the
   first visit (enrollment URL -> tappable smileys, worker installed), counted as gzip -6
   bodies and as sent (the app compresses scripts, styles, JSON; not HTML); JS+CSS apart.
   Compared with what SurveyJS needs to show one form (survey-core + survey-js-ui, minified
   JS+CSS, npm-installed into a temp dir).
2. speed, with the CPU throttled 4x and a slow-3G network (CDP):
   - first visit: navigation start -> start screen with tappable smileys (includes enrolling
     and downloading the config);
   - repeat visit offline (served by the service worker);
   - tap -> next screen: smiley -> follow-up (the response is already stored) and
     "Send" -> thank-you, read from performance marks set by the page.
   Two slow-3G profiles are reported: WebPageTest's "3G Slow" (400 ms RTT, 400 kbit/s) and
   Chrome DevTools' "Slow 3G" preset (2 s RTT, 400 kbit/s effective).
   The browser talks to gunicorn directly (the app compresses scripts, styles and JSON with
   Flask-Compress); the same visit with the app's compression switched off is printed too,
   as the same-run baseline.
Exit status 1 if a budget is missed (DevTools-preset and uncompressed figures are
informational).
"""

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (same browser as the tests)

VENV_BIN = Path(sys.executable).parent
PROFILES = {
    # name: (latency ms, download bytes/s, upload bytes/s)
    "wpt-3g-slow": (400, 400_000 / 8, 400_000 / 8),
    "devtools-slow-3g": (2000, 500_000 / 8 * 0.8, 500_000 / 8 * 0.8),
}
BUDGET = {"first_kb": 60, "js_css_kb": 30, "ratio": 10, "first_ms": 3000, "offline_ms": 500}
TAP_BUDGET_MS = 100
SURVEYJS_FILES = (
    "survey-core/survey.core.min.js",
    "survey-core/survey-core.min.css",
    "survey-js-ui/survey-js-ui.min.js",
)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(compress: bool = True):
    """A seeded app on SQLite in a temp dir, served by gunicorn; yields (base_url, env).

    With compress=False the app's own compression (Flask-Compress) is switched off: the
    same-run baseline that shows what compression is worth on slow 3G.
    """
    instance = tempfile.mkdtemp(prefix="hailong-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        HAILONG_INSTANCE_PATH=instance,
        FLASK_APP="wsgi",
        FLASK_PUBLIC_BASE_URL=base,
        FLASK_RATELIMIT_ENABLED="false",
        FLASK_KIOSK_COOLDOWN_SECONDS="0",
        FLASK_KIOSK_RESET_SECONDS="0",
        FLASK_COMPRESS_REGISTER="true" if compress else "false",
    )
    env["FLASK_SECRET_KEY"] = "bench-only-secret"
    flask = str(VENV_BIN / "flask")
    for args in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        yield base, env
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(instance, ignore_errors=True)


def new_code(env) -> str:
    out = subprocess.run(
        [str(VENV_BIN / "flask"), "kiosks", "create", "--unit", "sai-gon"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return re.search(r"^code: (\S+)$", out, re.M).group(1)


def kind_of(url: str) -> str:
    path = urlparse(url).path
    for suffix, kind in ((".js", "js"), (".css", "css"), (".png", "icon"), (".svg", "icon")):
        if path.endswith(suffix):
            return kind
    if path.endswith(".webmanifest"):
        return "manifest"
    if path.startswith("/api/"):
        return "api"
    return "html"


def measure_weight(browser, base: str, env) -> dict:
    """Bytes fetched from the network on a first visit (page + service worker)."""
    context = browser.new_context(service_workers="allow")
    fetched = []

    def on_response(response):
        if response.from_service_worker or response.request.method == "OPTIONS":
            return
        try:
            body = response.body() if response.status == 200 else b""
        except Exception:  # redirects and aborted bodies have none  # noqa: BLE001
            body = b""
        packed = gz(body) if body else 0
        # What crossed the network: the app compresses scripts, styles and JSON, not HTML.
        sent = response.request.sizes()["responseBodySize"] if body else 0
        fetched.append((response.url, response.status, len(body), packed, sent))

    context.on("response", on_response)
    page = context.new_page()
    page.goto(f"{base}/kiosk/enroll?code={new_code(env)}")
    page.wait_for_selector("[data-screen=start]:not([hidden])")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    context.close()
    kinds: dict[str, list[int]] = {}
    for url, _status, raw, packed, sent in fetched:
        totals = kinds.setdefault(kind_of(url), [0, 0, 0, 0])
        totals[0] += 1
        totals[1] += raw
        totals[2] += packed
        totals[3] += sent
    return {"responses": fetched, "kinds": kinds}


def surveyjs_weight() -> dict | None:
    npm = shutil.which("npm")
    if not npm:
        return None
    with tempfile.TemporaryDirectory(prefix="surveyjs-") as tmp:
        subprocess.run(
            [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", tmp,
             "survey-core", "survey-js-ui"],
            check=True,
            capture_output=True,
        )  # fmt: skip
        modules = Path(tmp) / "node_modules"
        files = {}
        for name in SURVEYJS_FILES:
            data = (modules / name).read_bytes()
            files[name] = (len(data), gz(data))
        version = json.loads((modules / "survey-core/package.json").read_text())["version"]
    return {"version": version, "files": files}


def throttle(context, page, profile: str):
    latency, down, up = PROFILES[profile]
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency, "downloadThroughput": down, "uploadThroughput": up},
    )
    return cdp


def mark(page, name: str) -> float:
    return page.evaluate(
        "(name) => performance.getEntriesByName(name).at(-1)?.startTime ?? null", name
    )


def measure_speed(browser, base: str, env, profile: str) -> dict:
    context = browser.new_context(service_workers="allow", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    throttle(context, page, profile)
    page.goto(f"{base}/kiosk/enroll?code={new_code(env)}", wait_until="commit")
    page.wait_for_selector("[data-rating='5']:not([disabled])", timeout=60_000)
    first = mark(page, "hl-screen-start")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=60_000)

    context.set_offline(True)  # CPU stays throttled
    offline = []
    for _ in range(3):
        page.reload(wait_until="commit")
        page.wait_for_selector("[data-rating='5']:not([disabled])")
        offline.append(mark(page, "hl-screen-start"))

    page.evaluate(
        """() => {
            window.hlTaps = [];
            document.addEventListener('pointerdown', (e) => hlTaps.push(e.timeStamp), true);
        }"""
    )
    smiley_to_followup, send_to_thanks = [], []
    for rating in (5, 4, 2, 1, 3):
        page.click(f"[data-rating='{rating}']")
        page.wait_for_selector("[data-screen=followup]:not([hidden])")
        smiley_to_followup.append(
            mark(page, "hl-screen-followup") - page.evaluate("() => hlTaps.at(-1)")
        )
        page.click("[data-action=submit]")
        page.wait_for_selector("[data-screen=start]:not([hidden])")
        send_to_thanks.append(mark(page, "hl-screen-thanks") - page.evaluate("() => hlTaps.at(-1)"))
    context.close()
    return {
        "first_ms": first,
        "offline_ms": sorted(offline)[len(offline) // 2],
        "smiley_to_followup_ms": max(smiley_to_followup),
        "send_to_thanks_ms": max(send_to_thanks),
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-surveyjs", action="store_true", help="skip the npm comparison")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    failures = 0
    with (
        server() as (base, env),
        server(compress=False) as (plain, plain_env),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        weight = measure_weight(browser, base, env)
        runs = [(name, base, env, name == "wpt-3g-slow") for name in PROFILES]
        runs.append(("wpt-3g-slow", plain, plain_env, False))
        speeds = [
            (name, url, binding, measure_speed(browser, url, run_env, name))
            for name, url, run_env, binding in runs
        ]
        browser.close()
    surveyjs = None if args.no_surveyjs else surveyjs_weight()

    print("== first visit: downloaded from the network (page + service worker) ==")
    print(f"{'kind':9} {'requests':>8} {'raw KB':>9} {'gzip KB':>9} {'sent KB':>9}")
    total_raw = total_gz = total_sent = 0
    for kind, (count, raw, packed, sent) in sorted(weight["kinds"].items()):
        print(f"{kind:9} {count:8} {raw / 1024:9.1f} {packed / 1024:9.1f} {sent / 1024:9.1f}")
        total_raw += raw
        total_gz += packed
        total_sent += sent
    js_css = sum(weight["kinds"].get(k, [0, 0, 0, 0])[2] for k in ("js", "css"))
    print(f"{'total':9} {len(weight['responses']):8} {total_raw / 1024:9.1f} "
          f"{total_gz / 1024:9.1f} {total_sent / 1024:9.1f}")  # fmt: skip
    # Binding: the bytes actually sent (HTML goes uncompressed), never less than all-gzip.
    ok = total_sent / 1024 <= BUDGET["first_kb"]
    failures += not ok
    print(f"first visit  {total_sent / 1024:6.1f} KB sent, {total_gz / 1024:.1f} KB if all "
          f"gzipped (budget {BUDGET['first_kb']} KB) {verdict(ok)}")  # fmt: skip
    ok = js_css / 1024 <= BUDGET["js_css_kb"]
    failures += not ok
    print(f"JS + CSS     {js_css / 1024:6.1f} KB gzip  "
          f"(budget {BUDGET['js_css_kb']} KB) {verdict(ok)}")  # fmt: skip
    if surveyjs:
        print(f"\n== SurveyJS {surveyjs['version']}: what one form needs (minified) ==")
        sjs = 0
        for name, (raw, packed) in surveyjs["files"].items():
            print(f"{name:36} {raw / 1024:8.1f} KB raw {packed / 1024:7.1f} KB gzip")
            sjs += packed
        ratio = sjs / js_css
        ok = ratio >= BUDGET["ratio"]
        failures += not ok
        print(f"SurveyJS JS+CSS {sjs / 1024:.1f} KB gzip vs kiosk JS+CSS {js_css / 1024:.1f} KB:"
              f" {ratio:.1f}x lighter (goal >= {BUDGET['ratio']}x) {verdict(ok)}")  # fmt: skip

    print("\n== speed: CPU throttled 4x, slow 3G (CDP) ==")
    for name, url, binding, speed in speeds:
        latency, down, _ = PROFILES[name]
        how = "gunicorn, compressed by the app" if url == base else "compression off (baseline)"
        print(f"-- {name}: {latency} ms RTT, {down * 8 / 1000:.0f} kbit/s, {how}"
              f"{'' if binding else ' (informational)'}")  # fmt: skip
        checks = [
            ("first visit -> tappable smileys", speed["first_ms"], BUDGET["first_ms"]),
            ("repeat visit offline -> smileys", speed["offline_ms"], BUDGET["offline_ms"]),
            ("tap smiley -> follow-up (stored)", speed["smiley_to_followup_ms"], TAP_BUDGET_MS),
            ("tap Send -> thank-you", speed["send_to_thanks_ms"], TAP_BUDGET_MS),
        ]
        for label, value, budget in checks:
            ok = value <= budget
            if binding:
                failures += not ok
            print(f"{label:34} {value:8.0f} ms  (budget {budget} ms) {verdict(ok)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
