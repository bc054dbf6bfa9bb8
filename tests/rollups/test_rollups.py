"""The figures' per-day counts: kept exactly at ingest, rebuilt on demand, and giving the same
figures as counting the raw responses one by one."""

import random
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import uuid6
from sqlalchemy import func, insert, select

from tests.factories import kiosk_for
from tests.kiosk_api.conftest import batch, enroll_kiosk, local_past, response_item
from webapp.dashboard import figures
from webapp.extensions import db
from webapp.periods import parse_period
from webapp.responses import rollups
from webapp.responses.models import AnswerCount, Response
from webapp.responses.services import store_responses
from webapp.surveys.models import Survey, SurveyVersion
from webapp.surveys.services import get_version, publish
from webapp.units.models import ProcedureDomain, ReportGroup, Unit
from webapp.units.services import get_unit

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def total(question_id: str = rollups.ALL) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(AnswerCount.responses), 0)).where(
            AnswerCount.question_id == question_id
        )
    )


# --- ingest through the real API ---------------------------------------------------------------


def test_sync_counts_what_it_stores_and_nothing_else(seeded, client):
    with seeded.app_context():
        kiosk = enroll_kiosk("sai-gon")
    monday_10h = local_past(0, 10)
    items = [
        response_item(submitted=monday_10h + timedelta(minutes=i), answers=answers)
        for i, answers in enumerate(
            [
                {"overall": 5, "domain": "ho_tich", "staff": 4, "receipt": "co"},
                {"overall": 2, "problem": "cho_lau", "comment": "Chờ lâu"},
                {"overall": 4, "comment": ""},
                {"overall": 3, "timeliness": "tre_hen"},
            ]
        )
    ]
    sunday = response_item(submitted=local_past(6, 10), answers={"overall": 1})  # off hours
    repeat = dict(items[0])  # the same id twice in one batch: stored once
    invalid = response_item(answers={"overall": 9})
    reply = client.post("/api/v1/sync", json=batch([*items, sunday, repeat, invalid]),
                        headers=kiosk.headers)  # fmt: skip
    assert reply.status_code == 200, reply.json
    assert len(reply.json["accepted"]) == 5
    assert len(reply.json["rejected"]) == 1

    # Re-sent (all duplicates), and one id again with other answers (a conflict).
    conflict = {**items[1], "answers": {"overall": 5}}
    again = client.post("/api/v1/sync", json=batch([*items, conflict]), headers=kiosk.headers)
    assert again.status_code == 200
    assert again.json["accepted"] == []
    assert len(again.json["duplicates"]) == 5  # the conflict is answered as one, and quarantined

    with seeded.app_context():
        assert rollups.rollup_differences() == {}
        assert total() == 5
        assert total("_flag") == 1  # the Sunday one: off_hours
        unit = get_unit("sai-gon")
        week = parse_period(f"{monday_10h.astimezone(HCMC):%Y-%m}")
        summary = figures.unit_summary(unit, week, include_predecessors=False)
        if summary.headline.n == 0:  # the Sunday may fall in the next or previous month
            week = parse_period(f"{monday_10h.astimezone(HCMC):%Y}")
            summary = figures.unit_summary(unit, week, include_predecessors=False)
        assert (summary.headline.satisfied, summary.headline.n) == (2, 4)
        stats = {q.id: q for q in summary.questions}
        assert stats["comment"].n == 1  # the empty comment is not an answer
        assert summary.comments_total == 1
        assert [c["text"] for c in summary.comments] == ["Chờ lâu"]
        assert stats["staff"].distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}
        assert summary.by_hour[10] == 4


# --- rebuild -------------------------------------------------------------------------------------


def _raw_rows(kiosk, count: int, at: datetime, **extra) -> list[dict]:
    version = get_version("tthc_one_stop", 1)
    return [
        {
            "id": uuid6.uuid7(),
            "kiosk_id": kiosk.id,
            "unit_id": kiosk.unit_id,
            "survey_version_id": version.id,
            "locale": "vi",
            "answers": {"overall": 4 + i % 2, "staff": 5, "comment": "ok"},
            "overall": 4 + i % 2,
            "domain_code": "ho_tich",
            "device_submitted_at": at + timedelta(minutes=i),
            "submitted_at": at + timedelta(minutes=i),
            "received_at": at,
            "clock_skew_seconds": 0,
            "flagged": False,
            "flags": [],
            **extra,
        }
        for i in range(count)
    ]


def test_rebuild_command_recounts_loaded_responses(seeded, runner):
    feb = datetime(2025, 2, 3, 3, tzinfo=UTC)
    with seeded.app_context():
        saigon, tandinh = kiosk_for("sai-gon"), kiosk_for("tan-dinh")
        # Loaded behind the application's back (as a restore or a bulk SQL load would).
        db.session.execute(insert(Response), _raw_rows(saigon, 7, feb))
        db.session.execute(insert(Response), _raw_rows(tandinh, 3, feb, flagged=True))
        db.session.commit()
        assert figures.unit_summary(get_unit("sai-gon"), parse_period("2025-02")).headline.n == 0

    check = runner.invoke(args=["responses", "rebuild-rollups", "--check"])
    assert check.exit_code == 1
    assert "rollup rows differ from the responses" in check.output

    one = runner.invoke(args=["responses", "rebuild-rollups", "--unit", "tan-dinh"])
    assert one.exit_code == 0, one.output
    assert "3 responses counted" in one.output
    assert runner.invoke(args=["responses", "rebuild-rollups", "--unit", "tan-dinh", "--check"]
                         ).exit_code == 0  # fmt: skip
    assert runner.invoke(args=["responses", "rebuild-rollups", "--check"]).exit_code == 1

    for _ in range(2):  # a second rebuild changes nothing (no double counting)
        every = runner.invoke(args=["responses", "rebuild-rollups"])
        assert every.exit_code == 0, every.output
        assert "10 responses counted" in every.output
    check = runner.invoke(args=["responses", "rebuild-rollups", "--check"])
    assert check.exit_code == 0, check.output
    assert "rollups match" in check.output
    with seeded.app_context():
        summary = figures.unit_summary(get_unit("sai-gon"), parse_period("2025-02"))
        assert (summary.headline.satisfied, summary.headline.n) == (7, 7)
        assert (
            figures.unit_summary(get_unit("tan-dinh"), parse_period("2025-Q1")).flagged_count == 3
        )

    unknown = runner.invoke(args=["responses", "rebuild-rollups", "--unit", "atlantis"])
    assert unknown.exit_code == 1
    assert "unknown unit 'atlantis'" in unknown.output


def test_migration_counts_responses_stored_before_it(seeded):
    """Upgrading a database that already holds responses fills the new table."""
    from flask_migrate import downgrade, upgrade

    with seeded.app_context():
        db.session.execute(
            insert(Response),
            _raw_rows(kiosk_for("sai-gon"), 4, datetime(2025, 2, 3, 3, tzinfo=UTC)),
        )
        db.session.commit()
        db.session.remove()
        try:
            downgrade(revision="96dc803076de")
        finally:
            upgrade()  # the suite's schema must stay at head whatever happens
        assert total() == 4
        assert rollups.rollup_differences() == {}


def test_period_in_another_zone_is_refused(seeded):
    with seeded.app_context():
        other = parse_period("2025-Q1", "Europe/Paris")
        with pytest.raises(ValueError, match="figures are kept in Asia/Ho_Chi_Minh"):
            figures.unit_summary(get_unit("sai-gon"), other)


# --- the same figures as counting raw responses --------------------------------------------------


def _as_text(value):
    """`answers ->> 'q'`: the JSON value as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def brute_summary(unit: Unit, period, *, include_predecessors=True, limit=20, offset=0) -> dict:
    """Every figure of unit_summary, counted response by response in Python."""
    ids, slugs = (
        figures.unit_ids_with_predecessors(unit) if include_predecessors else ([unit.id], [])
    )
    zone = ZoneInfo(period.tz)
    rows = [
        r
        for r in db.session.scalars(select(Response).where(Response.unit_id.in_(ids)))
        if period.start <= r.submitted_at < period.end
    ]
    counted = [r for r in rows if not r.flagged and 1 <= r.overall <= 5]
    target = unit.type.target_pct

    def share(subset, tgt):
        return figures.make_share(sum(r.overall >= 4 for r in subset), len(subset), tgt)

    group_of = dict(db.session.execute(select(ProcedureDomain.code,
                                              ProcedureDomain.report_group_code)).all())  # fmt: skip
    by_group: dict = {}
    for r in counted:
        by_group.setdefault(group_of.get(r.domain_code), []).append(r)
    groups = []
    if any(code is not None for code in by_group):
        for code in sorted(c for c in by_group if c is not None):
            group = db.session.get(ReportGroup, code)
            groups.append({"code": code, "name": {"vi": group.name_vi, "en": group.name_en},
                           "share": share(by_group[code], group.target_pct)})  # fmt: skip
        if None in by_group:
            groups.append({"code": None, "name": dict(figures.NO_GROUP_NAME),
                           "share": share(by_group[None], target)})  # fmt: skip

    months = [
        {
            "period": m.code,
            "share": share([r for r in counted if m.contains(r.submitted_at)], target),
        }  # fmt: skip
        for m in period.months()
    ]
    by_hour, by_weekday = [0] * 24, [0] * 7
    for r in counted:
        local = r.submitted_at.astimezone(zone)
        by_hour[local.hour] += 1
        by_weekday[local.weekday()] += 1
    kiosks = []
    for kid in sorted({r.kiosk_id for r in rows}):
        mine = [r for r in rows if r.kiosk_id == kid]
        kiosks.append({"id": kid, "name": mine[0].kiosk.name,
                       "count": sum(not r.flagged and 1 <= r.overall <= 5 for r in mine),
                       "flagged": sum(r.flagged for r in mine)})  # fmt: skip
    reasons: Counter = Counter()
    for r in rows:
        if r.flagged:
            reasons.update(r.flags or ["unspecified"])

    versions = sorted({r.survey_version for r in rows},
                      key=lambda v: (v.published_at, v.id), reverse=True)  # fmt: skip
    if not versions:
        survey = db.session.scalar(select(Survey).where(Survey.key == unit.type.survey_key))
        versions = [survey.latest] if survey is not None and survey.latest else []
    questions = []
    for q in figures._questions_of([v.definition for v in versions]):
        qid, kind = q["id"], q["kind"]
        values = [_as_text(r.answers.get(qid)) for r in counted]
        if kind == "text":
            n = sum(v is not None and v != "" for v in values)
            questions.append(figures.QuestionStat(qid, kind, q.get("text", {}), n, None, {}))
            continue
        options = [{"code": o["code"], "vi": o.get("vi", o["code"]), "en": o.get("en", o["code"])}
                   for o in q.get("options") or []]  # fmt: skip
        dist: dict = {"rating5": dict.fromkeys(range(1, 6), 0),
                      "yesno": {"yes": 0, "no": 0}}.get(kind, {})  # fmt: skip
        dist.update({o["code"]: 0 for o in options})
        for v in values:
            key = figures._normalise(kind, v)
            if key is not None:
                dist[key] = dist.get(key, 0) + 1
        n = sum(dist.values())
        mean = sum(k * c for k, c in dist.items()) / n if kind == "rating5" and n else None
        questions.append(figures.QuestionStat(qid, kind, q.get("text", {}), n, mean, dist,
                                              options))  # fmt: skip

    comments, comments_total = [], 0
    text_ids = [q.id for q in questions if q.kind == "text"]
    if text_ids:
        qid = text_ids[0]
        with_text = [r for r in counted if _as_text(r.answers.get(qid)) not in (None, "")]
        comments_total = len(with_text)
        with_text.sort(key=lambda r: (r.submitted_at, r.id), reverse=True)
        comments = [
            {
                "submitted_at": r.submitted_at.astimezone(zone).isoformat(),
                "overall": r.overall,
                "text": str(r.answers[qid]),
            }  # fmt: skip
            for r in with_text[offset : offset + limit]
        ]
    return figures.UnitSummary(
        unit_slug=unit.slug,
        unit_name={"vi": unit.name_vi, "en": unit.name_en},
        unit_type={"code": unit.type.code, "vi": unit.type.name_vi, "en": unit.type.name_en},
        period_code=period.code,
        headline=share(counted, target),
        groups=groups,
        questions=questions,
        months=months,
        receipt_not_received=figures._receipt_rate(questions),
        by_hour=by_hour,
        by_weekday=by_weekday,
        kiosks=kiosks,
        comments=comments,
        comments_total=comments_total,
        flagged_count=sum(r.flagged for r in rows),
        flag_reasons=dict(reasons),
        includes_predecessors=slugs,
        shared_predecessors=figures.shared_history(unit) if include_predecessors else [],
    ).to_dict()


def _random_answer(rng: random.Random, question: dict):
    kind = question["kind"]
    if kind == "rating5":
        return rng.randint(1, 5)
    if kind == "yesno":
        return rng.random() < 0.6
    if kind == "choice":
        return rng.choice(question["options"])["code"]
    return rng.choice(["", "  ", "Tốt", "Chờ lâu quá", "x" * 300])


def _random_moment(rng: random.Random) -> datetime:
    """Mostly office hours in 2025-Q1, often right at a local day or quarter boundary."""
    if rng.random() < 0.3:
        edge = rng.choice(["2025-01-01", "2025-02-01", "2025-04-01", "2025-03-15"])
        local = datetime.fromisoformat(edge).replace(tzinfo=HCMC)
        return (local + timedelta(seconds=rng.choice([-61, -1, 0, 1, 3600]))).astimezone(UTC)
    start = datetime(2024, 12, 20, tzinfo=UTC)
    return start + timedelta(seconds=rng.randrange(110 * 86400))


def _second_tthc_version() -> SurveyVersion:
    """A newer tthc_one_stop: a yes/no question added, `visits` dropped."""
    definition = dict(get_version("tthc_one_stop", 1).definition)
    questions = [q for q in definition["questions"] if q["id"] != "visits"]
    questions.insert(2, {"id": "again", "kind": "yesno", "text": {"vi": "Quay lại?",
                                                                  "en": "Come back?"}})  # fmt: skip
    return publish({**definition, "questions": questions})


@pytest.mark.parametrize("seed", [1, 2])
def test_figures_from_rollups_equal_counting_raw_responses(seeded, seed):
    rng = random.Random(seed)
    with seeded.app_context():
        seeded.config["MIN_N"] = 5
        v2 = _second_tthc_version()
        slugs = ["sai-gon", "ben-nghe", "tan-dinh", "q1-dang-ky-dat-dai", "q1-mn-ben-thanh"]
        kiosks = {slug: [kiosk_for(slug), kiosk_for(slug)] for slug in slugs}
        tthc = [get_version("tthc_one_stop", 1), v2]
        school = [get_version("school_public", 1)]
        pending = []
        for i in range(500):
            slug = rng.choice(slugs)
            kiosk = rng.choice(kiosks[slug])
            version = rng.choice(school if slug == "q1-mn-ben-thanh" else tthc)
            overall = rng.choice([5, 5, 5, 4, 4, 3, 2, 1, 0, 6]) if i % 7 else 5
            answers = {"overall": overall}
            for question in version.definition["questions"][1:]:
                if rng.random() < 0.5:
                    answers[question["id"]] = _random_answer(rng, question)
            if rng.random() < 0.05:
                answers["stray"] = rng.choice([3, "x", None, True])  # in no definition
            flagged = rng.random() < 0.12
            flags = rng.sample(["burst", "off_hours", "replay"], rng.randint(0, 2))
            moment = _random_moment(rng)
            pending.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "kiosk_id": kiosk.id,
                    "unit_id": kiosk.unit_id,
                    "survey_version_id": version.id,
                    "locale": "vi",
                    "answers": answers,
                    "overall": overall,
                    "domain_code": rng.choice(
                        [None, "", "ho_tich", "dat_dai", "kinh_doanh", "not_a_domain"]
                    ),  # fmt: skip
                    "device_submitted_at": moment,
                    "submitted_at": moment,
                    "received_at": moment,
                    "clock_skew_seconds": 0,
                    "flagged": flagged,
                    "flags": flags if flagged else [],
                }
            )
            if len(pending) == rng.randint(1, 60) or i == 499:  # batches of random size
                store_responses(pending)
                pending = []
        db.session.commit()
        assert rollups.rollup_differences() == {}

        for code in ["2025-Q1", "2025-01", "2025-03", "2025-Q2", "2025", "2024"]:
            period = parse_period(code)
            for slug in slugs:
                unit = get_unit(slug)
                for with_predecessors in (True, False):
                    got = figures.unit_summary(
                        unit, period, include_predecessors=with_predecessors
                    ).to_dict()
                    want = brute_summary(unit, period, include_predecessors=with_predecessors)
                    assert got == want, (code, slug, with_predecessors)
            ranking = figures.district_overview(period)
            for row in ranking:
                want = brute_summary(get_unit(row["unit_slug"]), period)["headline"]
                assert row["share"].to_dict() == want
        # A later page of comments reads only the days it needs and still finds them.
        period, unit = parse_period("2025-Q1"), get_unit("sai-gon")
        got = figures.unit_summary(unit, period, comments_limit=4, comments_offset=7)
        assert got.to_dict() == brute_summary(unit, period, limit=4, offset=7)
        assert len(got.comments) == 4


def test_racing_batches_of_one_unit_add_up(seeded):
    """Requests upserting the same rollup rows at once (PostgreSQL: real concurrent
    transactions) neither deadlock nor lose or double a count."""
    with seeded.app_context():
        kiosks = [enroll_kiosk("tan-dinh"), enroll_kiosk("tan-dinh")]
    start = local_past(1, 9)
    pool = [
        response_item(submitted=start + timedelta(seconds=20 * i),
                      answers={"overall": 1 + i % 5, "staff": 5, "receipt": "co"})
        for i in range(150)
    ]  # fmt: skip
    chooser = random.Random(3)
    jobs = [(chooser.choice(kiosks), chooser.sample(pool, 40)) for _ in range(12)]
    jobs += [(kiosks[0], pool[i : i + 50]) for i in range(0, 150, 50)]

    def send(job):
        kiosk, items = job
        reply = seeded.test_client().post("/api/v1/sync", json=batch(items), headers=kiosk.headers)
        return reply.status_code, reply.get_json()

    with ThreadPoolExecutor(6) as threads:
        replies = list(threads.map(send, jobs))
    assert {status for status, _ in replies} == {200}
    with seeded.app_context():
        stored = db.session.scalar(select(func.count()).select_from(Response))
        assert stored == 150  # an id sent by the other kiosk is a conflict, not a second row
        assert total() == 150
        assert rollups.rollup_differences() == {}
