"""Demo officials (SPEC 11) for every active unit with a survey, so that `make run` shows a
real ranking of officials. Invented names and staff codes; a unit that already has officials
(imported from its personnel list) is left alone."""

import random

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.officials.models import Official
from webapp.officials.services import create_official
from webapp.units.models import Unit, UnitType

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh"]
MIDDLE = ["Thị", "Văn", "Minh", "Ngọc", "Thanh", "Hữu", "Thu", "Quốc"]
GIVEN = ["Lan", "Hùng", "Mai", "Tuấn", "Hạnh", "Dũng", "Trang", "Phúc", "Thảo", "Khoa", "Nhi"]
TITLES = {
    "tthc_one_stop": [
        "Công chức Tư pháp – Hộ tịch",
        "Công chức Địa chính – Xây dựng",
        "Công chức Văn phòng – Thống kê",
        "Công chức Một cửa",
    ],
    "school_public": ["Giáo viên chủ nhiệm", "Nhân viên văn thư", "Nhân viên y tế học đường"],
    "health_public": ["Bác sĩ", "Điều dưỡng", "Y sĩ", "Nhân viên tiếp đón"],
}
PER_UNIT = 4


def _code(unit: Unit, number: int) -> str:
    initials = "".join(part[0] for part in unit.slug.split("-") if part).upper()
    return f"{initials}{unit.id:02d}-{number:02d}"


def seed_demo_officials(seed: int = 1) -> int:
    """Create PER_UNIT officials in each active surveyed unit that has none; returns how many."""
    units = db.session.scalars(
        select(Unit)
        .join(UnitType)
        .where(UnitType.survey_key.is_not(None), Unit.active.is_(True))
        .order_by(Unit.slug)
    ).all()
    created = 0
    for unit in units:
        has = db.session.scalar(select(func.count()).where(Official.unit_id == unit.id))
        if has:
            continue
        rng = random.Random(f"{seed}:officials:{unit.slug}")
        titles = TITLES.get(unit.type.survey_key or "", ["Công chức"])
        for number in range(1, PER_UNIT + 1):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            create_official(unit, _code(unit, number), name, titles[(number - 1) % len(titles)])
            created += 1
    return created
