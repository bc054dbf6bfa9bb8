"""Benchmark: compute + render + sign one unit's quarterly PDF, and build all demo units.

    /work/venv/bin/python bench/reports.py [--responses 100000] [--runs 5]

Uses a throw-away SQLite database in a temp instance folder (or DATABASE_URL if set, which it
then FILLS: use an empty benchmark database). Responses are bulk-inserted with executemany and
time-ordered UUIDv7 keys. Figures printed:
- median seconds for one unit's 2025-Q1 report (forced: computed, rendered and signed each
  time) with 1,000 and with N responses in the unit's quarter (should not grow with N);
- seconds for `flask reports build --period 2025-Q1 --force` over all demo units, 2 workers,
  and the peak memory (max RSS) of that command and its worker processes.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def insert_responses(unit_slug: str, count: int, rng: random.Random) -> None:
    """`count` synthetic responses spread over 2025-Q1 office hours, in one executemany."""
    import uuid6

    from webapp.extensions import db
    from webapp.kiosk.services import create_kiosk
    from webapp.responses.services import store_responses
    from webapp.surveys.services import get_version
    from webapp.units.services import get_unit

    unit = get_unit(unit_slug)
    kiosk, _ = create_kiosk(unit, "bench")
    db.session.flush()
    version = get_version(unit.type.survey_key, 1)
    start = datetime(2025, 1, 2, 1, 0, tzinfo=UTC)  # 08:00 local
    span = (datetime(2025, 3, 31, 10, 0, tzinfo=UTC) - start).total_seconds()
    domains = ["ho_tich", "chung_thuc", "dat_dai", "kinh_doanh", None]
    comments = ["Cán bộ nhiệt tình.", "Phải chờ hơi lâu.", "Phòng chờ nóng, cần thêm quạt."]
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
    rows = []
    for moment in moments:
        overall = rng.choices([5, 4, 3, 2, 1], weights=[80, 15, 3, 1, 1])[0]
        answers = {"overall": overall}
        if unit.type.survey_key == "tthc_one_stop":
            answers["receipt"] = rng.choice(["co", "co", "co", "khong", "khong_thu_phi"])
            answers["staff"] = rng.choice([4, 5, 5])
            if rng.random() < 0.02:
                answers["comment"] = rng.choice(comments)
        rows.append(
            {
                "id": uuid6.uuid7(),
                "kiosk_id": kiosk.id,
                "unit_id": unit.id,
                "survey_version_id": version.id,
                "locale": "vi",
                "answers": answers,
                "overall": overall,
                "domain_code": rng.choice(domains) if "one_stop" in unit.type_code else None,
                "device_submitted_at": moment,
                "submitted_at": moment,
                "received_at": moment,
                "clock_skew_seconds": 0,
                "flagged": rng.random() < 0.005,
                "flags": [],
            }
        )
    for chunk in range(0, len(rows), 20_000):
        store_responses(rows[chunk : chunk + 20_000])  # stored and counted, as ingest does
    db.session.commit()


def time_one(app, slug: str, runs: int) -> list[float]:
    from webapp.extensions import db
    from webapp.periods import parse_period
    from webapp.reports.services import get_or_build_report
    from webapp.units.services import get_unit

    times = []
    with app.app_context():
        unit, period = get_unit(slug), parse_period("2025-Q1")
        get_or_build_report(unit, period, "vi", force=True)  # warm-up: imports, fonts, key
        db.session.rollback()
        for _ in range(runs):
            started = time.perf_counter()
            get_or_build_report(unit, period, "vi", force=True)
            times.append(time.perf_counter() - started)
            db.session.rollback()
    return times


def time_figures(app, slug: str, runs: int) -> list[float]:
    """Seconds of `figures.unit_summary` alone (the part that used to grow with responses)."""
    from webapp.dashboard import figures
    from webapp.extensions import db
    from webapp.periods import parse_period
    from webapp.units.services import get_unit

    times = []
    with app.app_context():
        unit, period = get_unit(slug), parse_period("2025-Q1")
        figures.unit_summary(unit, period)
        for _ in range(runs):
            started = time.perf_counter()
            figures.unit_summary(unit, period)
            figures.ranking_below(unit, period)
            times.append(time.perf_counter() - started)
        db.session.rollback()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="hailong-bench-reports-")
    os.environ["HAILONG_INSTANCE_PATH"] = instance
    os.environ.setdefault("FLASK_SECRET_KEY", "bench")
    os.environ.setdefault("FLASK_PUBLIC_BASE_URL", "https://hailong.example.vn")
    logging_quiet()

    from webapp import create_app
    from webapp.extensions import db

    app = create_app()
    rng = random.Random(20250401)
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        insert_responses("tan-dinh", 1_000, rng)
    small = time_one(app, "tan-dinh", args.runs)
    small_figures = time_figures(app, "tan-dinh", args.runs)

    with app.app_context():
        started = time.perf_counter()
        insert_responses("sai-gon", args.responses, rng)
        inserted = time.perf_counter() - started
        # Every other demo unit gets a realistic quarter too (a few hundred answers each).
        for slug in ("ben-thanh", "cau-ong-lanh", "q1-mot-cua", "q1-dang-ky-dat-dai",
                     "q1-mn-ben-thanh", "q1-mn-tuoi-tho", "q1-th-nguyen-binh-khiem", "q1-ttyt",
                     "q1-tyt-ben-nghe"):  # fmt: skip
            insert_responses(slug, rng.randint(200, 900), rng)
    print(f"inserted {args.responses:,} responses for sai-gon in {inserted:.1f} s")
    with app.app_context():
        from sqlalchemy import func, select

        from webapp.responses.models import AnswerCount
        from webapp.units.services import get_unit

        cells = select(func.count()).where(AnswerCount.unit_id == get_unit("sai-gon").id)
        print(f"answer_counts rows of sai-gon: {db.session.scalar(cells):,}")
    # sai-gon has a child (its health station): its report is a summary with its own figures.
    big = time_one(app, "sai-gon", args.runs)
    big_figures = time_figures(app, "sai-gon", args.runs)

    out = Path(instance) / "out"
    env = dict(os.environ, FLASK_APP="wsgi")
    command = [str(Path(sys.executable).with_name("flask")), "reports", "build", "--period",
               "2025-Q1", "--out", str(out), "--force", "--workers", "2"]  # fmt: skip
    # A child's max RSS includes what it inherited from this (large) process before exec, so
    # the build runs under a small launcher whose own children are measured.
    launcher = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", launcher, *command], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True)  # fmt: skip
    batch = time.perf_counter() - started
    peak_kib = int(done.stdout.split()[-1])
    built = sorted(out.glob("*.pdf"))

    print(f"one unit, 1,000 responses (tan-dinh, unit report): median "
          f"{statistics.median(small):.3f} s  runs={[round(t, 3) for t in small]}")  # fmt: skip
    print(f"one unit, {args.responses:,} responses (sai-gon, summary report): median "
          f"{statistics.median(big):.3f} s  runs={[round(t, 3) for t in big]}")  # fmt: skip
    for label, times in (("1,000", small_figures), (f"{args.responses:,}", big_figures)):
        print(f"figures only (unit_summary + ranking_below), {label} responses: median "
              f"{statistics.median(times) * 1000:.1f} ms")  # fmt: skip
    print(f"all demo units ({len(built)} PDFs), 2 workers: {batch:.1f} s")
    print(f"peak memory of the build command (largest process): {peak_kib / 1024:.0f} MiB")


def logging_quiet() -> None:
    import logging

    logging.disable(logging.WARNING)


if __name__ == "__main__":
    main()
