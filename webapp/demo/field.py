"""Demo field interviews and inspections (`flask demo field`), so that the Fatherland Front's
results pages and PDFs have something to show on a fresh install.

They go in through the same checks and insert as a surveyor's phone's sync
(webapp.field.ingest), by a demo surveyor bound to every live ward. Deterministic for a seed:
ids come from the seeded generator, so running the command twice adds nothing.
"""

import random
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from webapp.auth.models import User
from webapp.auth.services import create_user
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.field.devices import issue_field_token
from webapp.field.ingest import ingest_field_batch, shown
from webapp.kiosk.models import Kiosk
from webapp.surveys.services import field_surveys
from webapp.sync.validation import Envelope
from webapp.units.models import Unit

DEMO_SURVEYOR = "khaosat.demo@hailong.local"
# What an inspector writes when a check fails, per check of the packaged checklist.
FINDINGS = {
    "insp_card_worn": "Một cán bộ tại quầy không đeo thẻ công chức khi tiếp dân.",
    "insp_attire_proper": "Cán bộ mặc áo thun, không đúng trang phục công sở.",
    "insp_nameplate": "Quầy số 3 không có bảng tên, chức danh.",
    "insp_at_desk": "Quầy số 2 vắng người lúc 9 giờ 40 khi có 5 người đang chờ.",
    "insp_polite": "Cán bộ trả lời cộc lốc, yêu cầu người dân quay lại mà không giải thích.",
    "insp_no_money_asked": "Người dân phản ánh được gợi ý nộp thêm tiền để nhận kết quả sớm.",
    "insp_queue_working": "Máy lấy số hỏng từ đầu tuần, người dân tự xếp hàng.",
    "insp_procedures_fees_posted": "Bảng niêm yết phí, lệ phí đã cũ, thiếu thủ tục mới.",
    "insp_feedback_posted": "Không thấy số điện thoại đường dây nóng tại khu vực chờ.",
    "insp_receipts_issued": "Không phát giấy tiếp nhận hồ sơ và hẹn trả kết quả cho người dân.",
}
GENERIC_FINDING = "Đoàn kiểm tra ghi nhận chưa đạt yêu cầu tại thời điểm kiểm tra."


def _demo_device() -> tuple[Kiosk, User]:
    user = db.session.scalar(select(User).where(User.email == DEMO_SURVEYOR))
    if user is None:
        wards = db.session.scalars(
            select(Unit).where(Unit.active, Unit.type_code.startswith("ward_"))
        ).all()
        # Nobody signs in as the demo surveyor: its password is thrown away.
        user = create_user(DEMO_SURVEYOR, "surveyor", secrets.token_urlsafe(24), wards)
    device = db.session.scalar(
        select(Kiosk).where(Kiosk.surveyor_id == user.id, Kiosk.revoked_at.is_(None))
    )
    if device is None:
        device, _token = issue_field_token(user)
    return device, user


def _value(rng: random.Random, question: dict, quality: float):
    kind = question["kind"]
    score = question.get("score")
    if kind == "yesno":
        good = rng.random() < quality
        if isinstance(score, dict) and score.get("true", 1) < score.get("false", 0):
            return not good  # "yes" is the bad answer here (paid a bribe...)
        return good
    if kind == "rating5":
        return min(5, max(1, round(rng.gauss(1 + 4 * quality, 0.9))))
    if kind == "choice":
        options = [o["code"] for o in question["options"]]
        if isinstance(score, dict):
            options.sort(key=lambda code: -score[code])  # best first
            return options[min(len(options) - 1, int(rng.expovariate(quality * 3 + 0.5)))]
        return rng.choice(options)
    return None  # free text is left empty in the demo


def _answers(rng: random.Random, definition: dict, quality: float) -> dict:
    answers: dict = {}
    for question in definition["questions"]:
        if not shown(question, answers):
            continue
        if question["kind"] == "text":
            if question["id"].endswith("_finding"):
                check = question["show_if"]["question"]
                answers[question["id"]] = FINDINGS.get(check, GENERIC_FINDING)
            continue
        answers[question["id"]] = _value(rng, question, quality)
    return answers


def generate_field(year: int | None = None, seed: int = 1, per_ward: int = 30) -> int:
    """Household interviews (`per_ward` each) and two inspections per live ward for `year`
    (the current one by default), up to today. Returns how many were stored now."""
    now = utcnow()
    year = year or now.year
    rng = random.Random(f"field-{seed}-{year}")
    device, surveyor = _demo_device()
    start = datetime(year, 1, 2, 1, 0, tzinfo=UTC)
    if start >= now:
        return 0  # nothing of that year has happened yet
    span = min(now, datetime(year, 12, 30, tzinfo=UTC)) - start
    items = []
    for version in field_surveys():
        definition = version.definition
        household = definition.get("kind") == "household"
        count = per_ward if household else 2
        for unit in sorted(surveyor.units, key=lambda u: u.slug):
            if unit.type_code not in (version.survey.unit_types or []):
                continue
            # Households vary from ward to ward; most checks of a counter pass.
            quality = rng.uniform(0.55, 0.9) if household else rng.uniform(0.85, 0.97)
            for _ in range(count):
                submitted = start + span * rng.random()
                items.append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "survey": version.survey.key,
                        "version": version.version,
                        "locale": "vi",
                        "unit": unit.slug,
                        "started_at": (submitted - timedelta(minutes=20)).isoformat(),
                        "submitted_at": submitted.isoformat(),
                        "answers": _answers(rng, definition, quality),
                    }
                )
    stored = 0
    for first in range(0, len(items), 500):
        batch = Envelope(device_time=now, items=items[first : first + 500])
        result = ingest_field_batch(device, batch, now)
        if result.rejected:  # the demo's own answers must pass the checks
            raise ValueError(f"demo field interview refused: {result.rejected[0]}")
        stored += len(result.accepted)
    return stored
