"""Load benchmark: many kiosks syncing at once, on SQLite and PostgreSQL in one run.

Usage (from the project root):
    .venv/bin/python bench/load.py                      # SQLite only, 50 kiosks for 60 s
    .venv/bin/python bench/load.py --pg postgresql+psycopg://postgres@127.0.0.1:55432/bench
    .venv/bin/python bench/load.py --seconds 20 --kiosks 50 --demo-quarters 0

Each kiosk is a thread that, every 1-3 s, sends a batch of 1-20 new responses to
POST /api/v1/sync (gunicorn, 2 sync workers, rate limits as configured) and, like the real
kiosk, keeps a batch that got no 200 and sends it again with the next one. At the end every
kiosk drains what it still holds. Printed per database: requests, p50/p95/p99/max latency,
5xx, 429 and connection errors, responses sent and stored (stored must equal sent: nothing
lost, nothing doubled). The probe's figures for this load were SQLite p50 41 / p95 975 /
p99 1,512 ms and PostgreSQL 22 / 48 / 455 ms; the targets are SQLite p95 < 150, p99 < 300.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from uuid6 import uuid7

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANSWER_SHAPES = [
    {"overall": 5},
    {"overall": 4, "domain": "ho_tich", "staff": 5},
    {"overall": 5, "domain": "chung_thuc", "timeliness": "dung_hen", "receipt": "co"},
    {"overall": 2, "problem": "cho_lau", "staff": 3, "comment": "Phải chờ khá lâu"},
]
REQUEST_TIMEOUT = 30


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)  # of every answered request
    statuses: Counter = field(default_factory=Counter)  # status code, or "connection error"
    sent: set[str] = field(default_factory=set)  # every response id a kiosk created
    acknowledged: set[str] = field(default_factory=set)  # accepted or duplicates
    undelivered: int = 0  # still held by a kiosk when the drain gave up

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    @property
    def server_errors(self) -> int:
        return sum(
            n for status, n in self.statuses.items() if isinstance(status, int) and status >= 500
        )

    def summary(self) -> str:
        return (
            f"{len(self.latencies_ms)} requests; latency p50 {self.percentile(50):.0f} ms, "
            f"p95 {self.percentile(95):.0f} ms, p99 {self.percentile(99):.0f} ms, "
            f"max {max(self.latencies_ms, default=0):.0f} ms; 5xx {self.server_errors}, "
            f"429 {self.statuses[429]}, connection errors {self.statuses['connection error']}; "
            f"sent {len(self.sent)}, acknowledged {len(self.acknowledged)}"
        )


def _item(rng: random.Random) -> dict:
    submitted = datetime.now(UTC) - timedelta(seconds=rng.randint(1, 30))
    return {
        "id": str(uuid7()),
        "survey": "tthc_one_stop",
        "version": 1,
        "locale": "vi",
        "started_at": (submitted - timedelta(seconds=20)).isoformat(),
        "submitted_at": submitted.isoformat(),
        "answers": rng.choice(ANSWER_SHAPES),
    }


def _post(base_url: str, token: str, items: list[dict]) -> tuple[int | str, dict, float]:
    parts = urlsplit(base_url)
    body = json.dumps({"device_time": datetime.now(UTC).isoformat(), "responses": items})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("POST", "/api/v1/sync", body=body.encode(), headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        elapsed = (time.perf_counter() - started) * 1000
        return reply.status, (json.loads(data) if reply.status == 200 else {}), elapsed
    except (OSError, http.client.HTTPException):
        return "connection error", {}, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def kiosk_load(
    base_url: str,
    tokens: list[str],
    seconds: float,
    *,
    seed: int = 1,
    batch: tuple[int, int] = (1, 20),
    gap: tuple[float, float] = (1.0, 3.0),
    drain_seconds: float = 60,
) -> LoadResult:
    """Run one thread per kiosk token for `seconds`, then let each drain what it holds."""
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def kiosk(index: int, token: str) -> None:
        rng = random.Random(seed * 1000 + index)
        held: list[dict] = []
        time.sleep(rng.uniform(0, gap[1]))  # kiosks do not all start on the same tick
        while time.monotonic() < deadline:
            new = [_item(rng) for _ in range(rng.randint(*batch))]
            with lock:
                result.sent.update(item["id"] for item in new)
            held = _send(token, held + new)
            time.sleep(rng.uniform(*gap))
        give_up = time.monotonic() + drain_seconds
        while held and time.monotonic() < give_up:
            held = _send(token, held)
            if held:
                time.sleep(1)
        with lock:
            result.undelivered += len(held)

    def _send(token: str, items: list[dict]) -> list[dict]:
        status, reply, elapsed = _post(base_url, token, items)
        with lock:
            result.statuses[status] += 1
            if status != "connection error":
                result.latencies_ms.append(elapsed)
        if status != 200:
            return items  # kept, sent again with the next batch
        done = set(reply["accepted"]) | set(reply["duplicates"])
        with lock:
            result.acknowledged |= done
        return [item for item in items if item["id"] not in done]

    threads = [threading.Thread(target=kiosk, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


# --- the stand-alone benchmark -----------------------------------------------------------


def _prepare(database_url: str, instance: Path, kiosks: int, demo_quarters: int) -> list[str]:
    """Empty schema by migration, the demo units and surveys (and `demo_quarters` of demo
    responses, as `make run` starts with two), `kiosks` enrolled tablets."""
    import os

    os.environ["HAILONG_INSTANCE_PATH"] = str(instance)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from webapp import create_app
    from webapp.demo.cli import seed_packaged_data
    from webapp.extensions import db
    from webapp.kiosk.services import create_kiosk, enroll
    from webapp.units.services import get_unit

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "TESTING": True}
    )
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        seed_packaged_data()
        if demo_quarters:
            from webapp.demo.officials import seed_demo_officials
            from webapp.demo.responses import generate

            seed_demo_officials()
            print(f"  demo responses: {generate(demo_quarters, 1, 6.0)}", flush=True)
        tokens = []
        for i in range(kiosks):
            _, code = create_kiosk(get_unit("sai-gon"), f"bench-{i + 1}")
            tokens.append(enroll(code)[1])
        db.session.commit()
        db.engine.dispose()
    return tokens


def _stored(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.scalar(text("SELECT count(*) FROM responses"))
    engine.dispose()
    return int(count or 0)


def run_one(label: str, database_url: str, instance: Path, args) -> LoadResult:
    from tests.conftest import gunicorn_server, server_env

    print(f"[{label}] preparing: schema, demo data, {args.kiosks} kiosks", flush=True)
    tokens = _prepare(database_url, instance, args.kiosks, args.demo_quarters)
    env = server_env(DATABASE_URL=database_url, HAILONG_INSTANCE_PATH=str(instance))
    before = _stored(database_url)
    with gunicorn_server(workers=2, env=env) as url:
        print(f"[{label}] {args.kiosks} kiosks for {args.seconds} s against {url}", flush=True)
        result = kiosk_load(url, tokens, args.seconds, seed=args.seed)
    stored = _stored(database_url) - before
    wal = Path(database_url.removeprefix("sqlite:///") + "-wal")
    wal_size = f"; WAL {wal.stat().st_size / 1e6:.1f} MB" if wal.exists() else ""
    print(
        f"[{label}] {result.summary()}; stored {stored} "
        f"(sent - stored: {len(result.sent) - stored}){wal_size}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--demo-quarters", type=int, default=2, help="quarters of demo responses first"
    )
    parser.add_argument("--pg", help="a PostgreSQL URL for an empty scratch database")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="hailong-load-") as tmp:
        sqlite_dir = Path(tmp, "sqlite")
        sqlite_dir.mkdir()
        results["SQLite"] = run_one(
            "SQLite", f"sqlite:///{sqlite_dir / 'hailong.db'}", sqlite_dir, args
        )
        if args.pg:
            pg_dir = Path(tmp, "pg")
            pg_dir.mkdir()
            results["PostgreSQL"] = run_one("PostgreSQL", args.pg, pg_dir, args)
    print()
    print("| database | requests | p50 ms | p95 ms | p99 ms | 5xx | 429 | sent | acknowledged |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, r in results.items():
        print(
            f"| {label} | {len(r.latencies_ms)} | {r.percentile(50):.0f} | "
            f"{r.percentile(95):.0f} | {r.percentile(99):.0f} | {r.server_errors} | "
            f"{r.statuses[429]} | {len(r.sent)} | {len(r.acknowledged)} |"
        )
    if len(results) == 2:
        ratio = results["SQLite"].percentile(95) / max(results["PostgreSQL"].percentile(95), 1)
        print(f"SQLite p95 / PostgreSQL p95 = {ratio:.1f}")


if __name__ == "__main__":
    main()
