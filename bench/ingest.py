"""Ingest benchmark: POST /api/v1/sync in batches of 100 vs one response per POST vs raw sqlite3.

Usage (from the project root):
    /work/venv/bin/python bench/ingest.py            # full: 20,000 responses, 1,000,000 pre-filled
    /work/venv/bin/python bench/ingest.py --quick    # smaller run, under a minute

For each scenario (an empty responses table, then one already holding N responses) it:
1. builds a fresh SQLite database with `flask db upgrade` + `flask demo seed`, one enrolled
   kiosk, and (second scenario) N pre-filled rows written with raw SQL in the same schema,
   then counted for the figures with `flask responses rebuild-rollups`;
2. starts gunicorn with 2 sync workers on it (rate limits off) and measures responses stored
   per second for batches of 100, and for one response per POST (as ODK/Enketo submit); a
   stored response includes its rollup counts (responses/rollups.py), same transaction;
3. measures the engine ceiling: raw `sqlite3` executemany of the same rows with
   `INSERT ... ON CONFLICT DO NOTHING`, one transaction per 100 rows, same pragmas;
4. for calibration, the same batches against a bare Flask endpoint (bench/bare_app.py: parse
   and executemany, no auth/validation/flags) under the same gunicorn;
and prints the figures and ratios. Ids are UUIDv7 (time-ordered), as the kiosks send them.
It stops by itself: every request has a timeout and gunicorn is always terminated.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from uuid6 import uuid7

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
SECRET = "bench-secret-key"
CLIENT_THREADS = 4
RUNS = 3  # each figure is the median of three runs (the machine is shared)
ANSWER_SHAPES = [
    {"overall": 5},
    {"overall": 4, "domain": "ho_tich", "staff": 5},
    {"overall": 5, "domain": "chung_thuc", "timeliness": "dung_hen", "receipt": "co"},
    {"overall": 2, "problem": "cho_lau", "staff": 3, "comment": "Phải chờ khá lâu"},
]


def log(message: str) -> None:
    print(message, flush=True)


def env_for(instance: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.pop("DATABASE_URL", None)  # the benchmark is about the embedded SQLite
    env.update(
        HAILONG_INSTANCE_PATH=str(instance),
        FLASK_APP="wsgi",
        FLASK_SECRET_KEY=SECRET,
        FLASK_RATELIMIT_ENABLED="false",
        FLASK_PUBLIC_BASE_URL="http://127.0.0.1",
    )
    env.update(extra)
    return env


def flask(instance: Path, *args: str) -> str:
    result = subprocess.run(
        [str(PYTHON.with_name("flask")), *args],
        cwd=ROOT,
        env=env_for(instance),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stdout


def prepare_database(instance: Path) -> None:
    """Schema by migration, demo units/surveys, one kiosk with its enrollment code on disk."""
    flask(instance, "db", "upgrade")
    flask(instance, "demo", "seed")
    out = flask(instance, "kiosks", "create", "--unit", "sai-gon", "--name", "bench")
    code = next(line[6:] for line in out.splitlines() if line.startswith("code: "))
    (instance / "enroll-code").write_text(code)


def prefill(db_path: Path, count: int) -> None:
    """`count` responses from the bench kiosk, older than anything the benchmark sends, with
    UUIDv7-layout ids (48-bit millisecond time first), straight into the table."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    kiosk_id, unit_id = conn.execute("SELECT id, unit_id FROM kiosks LIMIT 1").fetchone()
    version_id = conn.execute("SELECT id FROM survey_versions ORDER BY id LIMIT 1").fetchone()[0]
    start = datetime.now(UTC) - timedelta(days=380)
    start_ms = int(start.timestamp() * 1000)
    rng = random.Random(7)
    answers = [json.dumps(a, ensure_ascii=False) for a in ANSWER_SHAPES]

    def rows():
        for i in range(count):
            moment_ms = start_ms + i * 30_000  # one response every 30 s
            moment = datetime.fromtimestamp(moment_ms / 1000, UTC).replace(tzinfo=None)
            text = moment.isoformat(sep=" ", timespec="microseconds")
            key = (moment_ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64)
            key |= (0b10 << 62) | rng.getrandbits(62)
            shape = i % len(answers)
            yield (
                key.to_bytes(16, "big"),
                kiosk_id,
                unit_id,
                version_id,
                "vi",
                answers[shape],
                ANSWER_SHAPES[shape]["overall"],
                ANSWER_SHAPES[shape].get("domain"),
                text,
                text,
                text,
                text,
            )

    with conn:
        conn.executemany(
            "INSERT INTO responses (id, kiosk_id, unit_id, survey_version_id, locale, answers,"
            " overall, domain_code, device_started_at, device_submitted_at, submitted_at,"
            " received_at, clock_skew_seconds, flagged, flags)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '[]')",
            rows(),
        )
    conn.close()


def response_items(count: int, start: datetime) -> list[dict]:
    items = []
    for i in range(count):
        submitted = start + timedelta(seconds=40 * i)
        items.append(
            {
                "id": str(uuid7()),
                "survey": "tthc_one_stop",
                "version": 1,
                "locale": "vi" if i % 3 else "en",
                "started_at": (submitted - timedelta(seconds=18)).isoformat(),
                "submitted_at": submitted.isoformat(),
                "answers": ANSWER_SHAPES[i % len(ANSWER_SHAPES)],
            }
        )
    return items


def bodies_for(items: list[dict], size: int) -> list[bytes]:
    now = datetime.now(UTC).isoformat()
    return [
        json.dumps({"device_time": now, "responses": items[i : i + size]}).encode()
        for i in range(0, len(items), size)
    ]


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(instance: Path, app: str = "wsgi:app", **env):
    port = free_port()
    proc = subprocess.Popen(
        [str(PYTHON.with_name("gunicorn")), "--workers", "2", "--worker-class", "sync"]
        + ["--bind", f"127.0.0.1:{port}", "--backlog", "256", app],
        cwd=ROOT,
        env=env_for(instance, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        MASTERS[port] = proc.pid
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def request(port: int, method: str, path: str, body: bytes | None, headers: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"{method} {path}: {reply.status} {data[:300]!r}")
        return json.loads(data)
    finally:
        conn.close()


def enroll(port: int, instance: Path) -> str:
    code = (instance / "enroll-code").read_text()
    body = json.dumps({"code": code}).encode()
    reply = request(
        port, "POST", "/api/v1/kiosk/enroll", body, {"Content-Type": "application/json"}
    )
    return reply["token"]


MASTERS: dict[int, int] = {}  # port -> gunicorn master pid
TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu(port: int) -> float:
    """CPU seconds used so far by the gunicorn workers behind `port` (Linux /proc). Unlike
    throughput, CPU per response hardly depends on what else the shared machine is doing."""
    master = MASTERS[port]
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def post_all(port: int, token: str, bodies: list[bytes]) -> tuple[float, int]:
    """Send the bodies from CLIENT_THREADS threads; (seconds, responses accepted)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    queue = list(reversed(bodies))
    lock = threading.Lock()
    accepted = [0]
    errors = []

    def work():
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            try:
                reply = request(port, "POST", "/api/v1/sync", body, headers)
            except Exception as exc:  # noqa: BLE001 (reported below, the run stops)
                errors.append(exc)
                return
            with lock:
                accepted[0] += len(reply["accepted"])

    threads = [threading.Thread(target=work) for _ in range(CLIENT_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"sync failed: {errors[0]}")
    return elapsed, accepted[0]


def raw_ceiling(db_path: Path, items: list[dict]) -> float:
    """Rows/s of raw sqlite3 executemany ... ON CONFLICT DO NOTHING, 100 rows a transaction."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=10000")
    kiosk_id, unit_id = conn.execute("SELECT id, unit_id FROM kiosks LIMIT 1").fetchone()
    version_id = conn.execute("SELECT id FROM survey_versions ORDER BY id LIMIT 1").fetchone()[0]
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    rows = []
    for item in items:
        submitted = item["submitted_at"].replace("T", " ").replace("+00:00", "")
        started = item["started_at"].replace("T", " ").replace("+00:00", "")
        rows.append(
            (
                bytes.fromhex(item["id"].replace("-", "")),
                kiosk_id,
                unit_id,
                version_id,
                item["locale"],
                json.dumps(item["answers"], ensure_ascii=False),
                item["answers"]["overall"],
                item["answers"].get("domain"),
                started,
                submitted,
                submitted,
                now,
            )
        )
    sql = (
        "INSERT INTO responses (id, kiosk_id, unit_id, survey_version_id, locale, answers,"
        " overall, domain_code, device_started_at, device_submitted_at, submitted_at,"
        " received_at, clock_skew_seconds, flagged, flags)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '[]')"
        " ON CONFLICT (id) DO NOTHING"
    )
    started_at = time.perf_counter()
    for i in range(0, len(rows), 100):
        conn.execute("BEGIN")
        conn.executemany(sql, rows[i : i + 100])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started_at
    conn.close()
    return len(rows) / elapsed


def run_scenario(label: str, base: Path, prefilled: int, batched: int, single: int) -> dict:
    instance = base / label
    instance.mkdir()
    log(f"[{label}] preparing the database (flask db upgrade, demo seed, kiosk)")
    prepare_database(instance)
    db_path = instance / "hailong.db"
    if prefilled:
        started = time.perf_counter()
        prefill(db_path, prefilled)
        log(
            f"[{label}] pre-filled {prefilled:,} responses in {time.perf_counter() - started:.1f} s"
        )
        # The raw rows bypassed ingest: count them for the figures as a bulk load must be.
        started = time.perf_counter()
        flask(instance, "responses", "rebuild-rollups")
        log(f"[{label}] rebuilt the rollups in {time.perf_counter() - started:.1f} s")
    raw_db, bare_db = instance / "raw.db", instance / "bare.db"
    shutil.copyfile(db_path, raw_db)  # same schema and same rows for the engine ceiling
    shutil.copyfile(db_path, bare_db)  # ... and for the bare Flask endpoint

    now = datetime.now(UTC)
    rates = {"batch": [], "single": [], "raw": [], "bare": []}
    cpu = {"batch": [], "bare": []}  # server CPU ms per 100 responses
    with (
        gunicorn(instance) as port,
        gunicorn(instance, "bench.bare_app:app", BARE_DB=str(bare_db)) as bare_port,
    ):
        token = enroll(port, instance)
        # Warm both workers up (imports, first queries) outside the measurement.
        post_all(port, token, bodies_for(response_items(40, now - timedelta(days=90)), 1))
        post_all(bare_port, "-", bodies_for(response_items(400, now - timedelta(days=90)), 100))
        for run in range(RUNS):
            # Fresh ids every run, on separate days so runs never look like bursts of another.
            batch_items = response_items(batched, now - timedelta(days=80 - 20 * run))
            single_items = response_items(single, now - timedelta(days=70 - 20 * run))
            before = server_cpu(port)
            seconds, accepted = post_all(port, token, bodies_for(batch_items, 100))
            assert accepted == batched, (accepted, batched)
            rates["batch"].append(accepted / seconds)
            cpu["batch"].append((server_cpu(port) - before) * 1000 / (accepted / 100))
            seconds, accepted = post_all(port, token, bodies_for(single_items, 1))
            assert accepted == single, (accepted, single)
            rates["single"].append(accepted / seconds)
            raw_items = response_items(batched, now - timedelta(days=80 - 20 * run))
            rates["raw"].append(raw_ceiling(raw_db, raw_items))
            bare_items = response_items(batched, now - timedelta(days=80 - 20 * run))
            before = server_cpu(bare_port)
            seconds, accepted = post_all(bare_port, "-", bodies_for(bare_items, 100))
            rates["bare"].append(accepted / seconds)
            cpu["bare"].append((server_cpu(bare_port) - before) * 1000 / (accepted / 100))
            log(
                f"[{label}] run {run + 1}: batches of 100 {rates['batch'][-1]:,.0f}/s, "
                f"one per POST {rates['single'][-1]:,.0f}/s, raw {rates['raw'][-1]:,.0f} rows/s, "
                f"bare Flask batches {rates['bare'][-1]:,.0f}/s; server CPU per 100: "
                f"{cpu['batch'][-1]:.1f} ms vs bare {cpu['bare'][-1]:.1f} ms"
            )
        # A retried batch stores nothing new and still answers every id.
        seconds, accepted = post_all(port, token, bodies_for(batch_items[:2000], 100))
        assert accepted == 0
        log(f"[{label}] re-sent 2,000 already stored: {2000 / seconds:,.0f}/s answered")
    return {
        "label": label,
        **{kind: statistics.median(runs) for kind, runs in rates.items()},
        "cpu_batch": statistics.median(cpu["batch"]),
        "cpu_bare": statistics.median(cpu["bare"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smaller run (about a minute)")
    parser.add_argument("--prefill", type=int, help="rows in the pre-filled table")
    args = parser.parse_args()
    prefilled = args.prefill or (100_000 if args.quick else 1_000_000)
    batched = 5_000 if args.quick else 20_000
    single = 500 if args.quick else 2_000

    base = Path(tempfile.mkdtemp(prefix="hailong-bench-"))
    try:
        results = [
            run_scenario("empty", base, 0, batched, single),
            run_scenario(f"prefilled-{prefilled}", base, prefilled, batched, single),
        ]
    finally:
        shutil.rmtree(base, ignore_errors=True)

    log("")
    log("medians of three runs, responses (rows) stored per second")
    log(
        "scenario             batch/100  one/POST  raw sqlite3  bare Flask"
        "  batch/one  batch/raw  batch/bare"
    )
    for r in results:
        log(
            f"{r['label']:<19} {r['batch']:>9,.0f} {r['single']:>9,.0f} {r['raw']:>12,.0f}"
            f" {r['bare']:>11,.0f} {r['batch'] / r['single']:>9.1f}x {r['batch'] / r['raw']:>10.0%}"
            f" {r['batch'] / r['bare']:>11.0%}"
        )
    for r in results:
        log(
            f"{r['label']:<19} server CPU per 100 responses: {r['cpu_batch']:.1f} ms"
            f" (bare Flask {r['cpu_bare']:.1f} ms)"
        )
    log("targets: batch/one >= 5x, batch/raw >= 35%")
    ok = all(r["batch"] >= 5 * r["single"] and r["batch"] >= 0.35 * r["raw"] for r in results)
    log("targets met" if ok else "targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
