"""Benchmark (issue 12): the yearly ranking of officials for a district of 60 units x 15
officials, at 100,000 and at 1,000,000 responses in the year.

    .venv/bin/python bench/officials.py [--small 100000] [--large 1000000] [--runs 5]

Throw-away SQLite database in a temp instance folder (or DATABASE_URL if set, which it then
FILLS: use an empty benchmark database). Responses go in through `store_responses`, the one
ingest path, so the per-official counts are kept as in production. Printed, per size:
- page data: median ms of `officials_below(district, year)` (what /units/<slug>/officials and
  the PDF read);
- baseline: median ms of the same figure as a GROUP BY over the raw responses (same run);
- PDF: median s to compute, render and sign the yearly ranking PDF (forced, no cache);
and the ratios large/small, which should stay near 1 for the page data and the PDF.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = 60
OFFICIALS = 15
YEAR_START = datetime(2025, 1, 2, 1, 0, tzinfo=UTC)
YEAR_SPAN = (datetime(2025, 12, 30, 10, 0, tzinfo=UTC) - YEAR_START).total_seconds()


def build_district():
    """60 wards under District 1, each with 15 officials and a kiosk; returns the pools."""
    from webapp.extensions import db
    from webapp.kiosk.services import create_kiosk
    from webapp.officials.services import create_official
    from webapp.surveys.services import get_version
    from webapp.units.models import Unit
    from webapp.units.services import get_unit

    district = get_unit("quan-1")
    pools = []
    for number in range(UNITS):
        unit = Unit(
            slug=f"bench-{number:02d}",
            name_vi=f"Phường thử {number}",
            name_en=f"Bench ward {number}",
            type_code="ward_one_stop",
            parent=district,
        )
        db.session.add(unit)
        db.session.flush()
        kiosk, _ = create_kiosk(unit, "bench")
        officials = [
            create_official(unit, f"B{number:02d}-{k:02d}", f"Cán bộ {number}-{k}").id
            for k in range(OFFICIALS)
        ]
        db.session.flush()
        pools.append((unit.id, kiosk.id, officials))
    version = get_version("tthc_one_stop", 1)
    db.session.commit()
    return pools, version.id


def insert(count: int, pools, version_id: int, rng: random.Random) -> None:
    import uuid6

    from webapp.extensions import db
    from webapp.responses.services import store_responses

    batch = []
    for _ in range(count):
        unit_id, kiosk_id, officials = rng.choice(pools)
        moment = YEAR_START + timedelta(seconds=rng.random() * YEAR_SPAN)
        overall = rng.choices([5, 4, 3, 2, 1], weights=[80, 15, 3, 1, 1])[0]
        batch.append(
            {
                "id": uuid6.uuid7(),
                "kiosk_id": kiosk_id,
                "unit_id": unit_id,
                "survey_version_id": version_id,
                "locale": "vi",
                "answers": {
                    "overall": overall,
                    "staff": rng.choice([4, 5, 5]),
                    "receipt": rng.choice(["co", "co", "khong"]),
                },
                "overall": overall,
                "device_submitted_at": moment,
                "submitted_at": moment,
                "official_id": rng.choice(officials),
            }
        )
        if len(batch) == 5000:
            store_responses(batch)
            db.session.commit()
            batch = []
    if batch:
        store_responses(batch)
        db.session.commit()


def baseline_ms(year) -> float:
    """The same per-official satisfied/n as a GROUP BY over the raw responses."""
    from sqlalchemy import case, func, select

    from webapp.extensions import db
    from webapp.responses.models import Response

    started = time.perf_counter()
    db.session.execute(
        select(
            Response.official_id,
            func.sum(case((Response.overall >= 4, 1), else_=0)),
            func.count(),
        )
        .where(
            Response.submitted_at >= year.start,
            Response.submitted_at < year.end,
            Response.flagged.is_(False),
            Response.official_id.is_not(None),
        )
        .group_by(Response.official_id)
    ).all()
    return 1000 * (time.perf_counter() - started)


def measure(runs: int) -> dict:
    from webapp.extensions import db
    from webapp.officials.figures import officials_below
    from webapp.periods import parse_period
    from webapp.reports.services import KIND_OFFICIALS, get_or_build_report
    from webapp.units.services import get_unit

    year = parse_period("2025")
    district = get_unit("quan-1")
    page, base, pdf = [], [], []
    for _ in range(runs):
        db.session.expire_all()
        started = time.perf_counter()
        rows = officials_below(district, year)
        page.append(1000 * (time.perf_counter() - started))
        base.append(baseline_ms(year))
    for _ in range(max(1, runs // 2)):
        started = time.perf_counter()
        get_or_build_report(district, year, "vi", kind=KIND_OFFICIALS, force=True)
        pdf.append(time.perf_counter() - started)
        db.session.rollback()
    return {
        "officials": len(rows),
        "page_ms": statistics.median(page),
        "baseline_ms": statistics.median(base),
        "pdf_s": statistics.median(pdf),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="hailong-bench-officials-")
    os.environ.setdefault("HAILONG_INSTANCE_PATH", instance)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{instance}/bench.db")
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.demo.cli import seed_packaged_data

    app = create_app({"PUBLIC_BASE_URL": "http://localhost"})
    rng = random.Random(12)
    with app.test_request_context():
        upgrade()
        seed_packaged_data()
        pools, version_id = build_district()
        results = {}
        inserted = 0
        for size in (args.small, args.large):
            started = time.perf_counter()
            insert(size - inserted, pools, version_id, rng)
            inserted = size
            print(f"{size:,} responses stored in {time.perf_counter() - started:.0f} s", flush=True)
            results[size] = measure(args.runs)
            r = results[size]
            print(
                f"n={size:>9,}  officials={r['officials']}  page data {r['page_ms']:.1f} ms  "
                f"baseline GROUP BY {r['baseline_ms']:.1f} ms  "
                f"(x{r['baseline_ms'] / r['page_ms']:.1f})  signed PDF {r['pdf_s']:.2f} s",
                flush=True,
            )
    small, large = results[args.small], results[args.large]
    print(
        f"large/small: page data x{large['page_ms'] / small['page_ms']:.2f}, "
        f"baseline x{large['baseline_ms'] / small['baseline_ms']:.2f}, "
        f"PDF x{large['pdf_s'] / small['pdf_s']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
