"""Realistic demo responses (`flask demo responses`) so dashboards and PDFs have data.

Deterministic for a given seed and date range: ids are UUIDv7 built from the submission
time and the seeded random generator, and inserts skip ids already stored, so running the
command twice adds nothing.
"""

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import uuid6
from sqlalchemy import select

from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import create_kiosk
from webapp.officials.models import Official
from webapp.periods import current_period, parse_period
from webapp.responses.services import store_responses
from webapp.surveys.services import surveys_for_unit_type
from webapp.units.models import Unit, UnitType

COMMENTS_GOOD = [
    "Cán bộ nhiệt tình, hướng dẫn rõ ràng.",
    "Nhanh gọn, đúng hẹn. Cảm ơn.",
    "Phòng chờ sạch sẽ, có máy lạnh.",
    "Thái độ phục vụ tốt.",
]
COMMENTS_BAD = [
    "Chờ lâu quá, hơn một tiếng.",
    "Phải đi lại nhiều lần vì thiếu giấy tờ.",
    "Không được giải thích rõ về lệ phí.",
    "Trả kết quả trễ hẹn.",
]


def uuid7_at(moment: datetime, rng: random.Random) -> uuid.UUID:
    """A UUIDv7 (RFC 9562) for `moment` with seeded random bits (reproducible ids)."""
    millis = int(moment.timestamp() * 1000)
    value = (millis & ((1 << 48) - 1)) << 80 | rng.getrandbits(80)
    return uuid6.UUID(int=value, version=7)


def _rating(rng: random.Random, quality: float) -> int:
    roll = rng.random()
    if roll < quality:
        return 5 if rng.random() < 0.7 else 4
    return rng.choice((3, 3, 2, 1))


def _answers(rng, definition: dict, overall: int, domain: str | None) -> dict:
    answers: dict = {"overall": overall}
    if rng.random() < 0.45:  # most people stop after one tap
        return answers
    for question in definition["questions"][1:]:
        show_if = question.get("show_if")
        if show_if and answers.get(show_if["question"]) not in show_if["in"]:
            continue
        if rng.random() < 0.35:
            continue
        kind, qid = question["kind"], question["id"]
        if qid == "domain" and domain:
            answers[qid] = domain
        elif kind == "rating5":
            answers[qid] = max(1, min(5, overall + rng.choice((-1, 0, 0, 0, 1))))
        elif kind == "yesno":
            answers[qid] = rng.random() < 0.8
        elif kind == "choice":
            codes = [o["code"] for o in question["options"]]
            if qid == "receipt":
                answers[qid] = (
                    "khong" if rng.random() < 0.03 else rng.choice(["co", "co", "khong_thu_phi"])
                )
            else:
                answers[qid] = rng.choice(codes)
        elif kind == "text" and rng.random() < 0.25:
            answers[qid] = rng.choice(COMMENTS_GOOD if overall >= 4 else COMMENTS_BAD)
    return answers


def _office_moment(rng: random.Random, day: date, tz: ZoneInfo) -> datetime:
    hour = rng.choice((7, 8, 8, 9, 9, 9, 10, 10, 10, 11, 13, 14, 14, 15, 15, 16, 16))
    local = datetime(
        day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz
    )
    return local.astimezone(UTC)


def _kiosk(unit: Unit) -> Kiosk:
    kiosk = db.session.scalar(
        select(Kiosk).where(Kiosk.unit_id == unit.id, Kiosk.name == f"{unit.slug}-demo")
    )
    if kiosk is None:
        kiosk, _code = create_kiosk(unit, f"{unit.slug}-demo")
        kiosk.enrolled_at = kiosk.created_at
        kiosk.enroll_code_hash = None
        kiosk.token_hash = None  # no tablet holds it: demo only
    return kiosk


def generate(quarters: int, seed: int, per_day: float, until: date | None = None) -> int:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    last = (
        current_period("quarter")
        if until is None
        else parse_period(f"{until.year}-Q{(until.month - 1) // 3 + 1}")
    )
    first_day = last.first_day
    for _ in range(quarters - 1):
        first_day = (first_day.replace(day=1) - timedelta(days=1)).replace(day=1)
        first_day = first_day.replace(month=((first_day.month - 1) // 3) * 3 + 1)
    end_day = min(last.end_day, (until or datetime.now(tz).date()) + timedelta(days=1))
    units = db.session.scalars(
        select(Unit).join(UnitType).where(UnitType.survey_key.is_not(None)).order_by(Unit.slug)
    ).all()
    rows = []
    for unit in units:
        versions = surveys_for_unit_type(unit.type_code)
        if not versions:
            continue
        version = versions[0]
        rng = random.Random(f"{seed}:{unit.slug}")
        quality = rng.uniform(0.9, 0.995)
        kiosk = _kiosk(unit)
        # Who served: the unit's active officials, each a little better or worse than the
        # unit (a real spread for the ranking); the retired wards' days name nobody.
        officials = [
            (o.id, min(0.999, max(0.8, quality + rng.uniform(-0.04, 0.03))))
            for o in db.session.scalars(
                select(Official)
                .where(Official.unit_id == unit.id, Official.active.is_(True))
                .order_by(Official.code)
            )
        ]
        day = first_day
        while day < end_day:
            alive = unit.active or (unit.retired_on is not None and day < unit.retired_on)
            if (
                unit.active
                and unit.predecessors
                and day < min(p.retired_on or day for p in unit.predecessors)
            ):
                alive = rng.random() < 0.5  # new wards open later, at lower volume
            if alive and day.weekday() < 6:
                for _ in range(int(rng.expovariate(1 / per_day))):
                    official_id, served_quality = (
                        rng.choice(officials) if officials else (None, quality)
                    )
                    overall = _rating(rng, served_quality)
                    moment = _office_moment(rng, day, tz)
                    domain = unit.default_domain_code
                    if version.survey.key == "tthc_one_stop" and domain is None:
                        domain = rng.choice(
                            [
                                "ho_tich",
                                "ho_tich",
                                "chung_thuc",
                                "chung_thuc",
                                "kinh_doanh",
                                "dat_dai",
                                "xay_dung",
                            ]
                        )
                    elif version.survey.key != "tthc_one_stop":
                        domain = None
                    flagged = rng.random() < 0.01
                    rows.append(
                        {
                            "id": uuid7_at(moment, rng),
                            "kiosk_id": kiosk.id,
                            "unit_id": unit.id,
                            "survey_version_id": version.id,
                            "locale": "vi" if rng.random() < 0.93 else "en",
                            "answers": _answers(rng, version.definition, overall, domain),
                            "overall": overall,
                            "domain_code": domain,
                            "device_started_at": moment - timedelta(seconds=rng.randrange(5, 40)),
                            "device_submitted_at": moment,
                            "submitted_at": moment,
                            "received_at": moment + timedelta(seconds=rng.randrange(1, 30)),
                            "clock_skew_seconds": 0,
                            "flagged": flagged,
                            "flags": ["burst"] if flagged else [],
                            "official_id": official_id,
                        }
                    )
            day += timedelta(days=1)
        kiosk.last_seen_at = kiosk.last_sync_at = utcnow() - timedelta(hours=rng.choice((1, 2, 30)))
        kiosk.app_version, kiosk.queued_count, kiosk.storage_persisted = "demo", 0, True
    added = 0
    for start in range(0, len(rows), 1000):
        # Stored and counted like synced responses; a re-run's repeats are neither.
        added += len(store_responses(rows[start : start + 1000]))
    db.session.flush()
    return added
