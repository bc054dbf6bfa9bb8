"""Creating, importing, moving and deactivating officials. Operations flush, never commit.

Messages are translated (Flask-Babel) because the admin pages show them; the CLI shows the
same words, in the default locale.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from webapp.audit.services import record
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.formatting import local_time
from webapp.kiosk.services import STAFF_PIN_ITERATIONS
from webapp.officials.models import Official, OfficialMove
from webapp.units.models import Unit
from webapp.units.services import get_unit

# Staff codes as personnel lists write them: letters, digits, '.', '_' and '-'.
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
IMPORT_COLUMNS = ("unit", "code", "name", "title")
# The same columns as a Vietnamese personnel list heads them (shown on the import page).
VIETNAMESE_COLUMNS = {"don_vi": "unit", "ma_can_bo": "code", "ho_ten": "name", "chuc_danh": "title"}


class OfficialError(ValueError):
    """A refused change, with a message for the person who asked for it."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def official_by_code(code: str) -> Official | None:
    return db.session.scalar(select(Official).where(Official.code == code))


def officials_of(unit: Unit, *, active_only: bool = False) -> list[Official]:
    query = select(Official).where(Official.unit_id == unit.id)
    if active_only:
        query = query.where(Official.active.is_(True))
    return list(db.session.scalars(query.order_by(Official.full_name, Official.code)))


@dataclass(frozen=True)
class Serving:
    """An official a response from a unit's kiosk may name, until when (None: still does)."""

    official_id: int
    until: datetime | None


def serving_codes(unit_id: int, zone: str) -> dict[str, Serving]:
    """{code: Serving} of the officials a response from this unit's kiosks may name: the
    unit's active officials, and those who left it (deactivated, or moved to another unit)
    for responses submitted before the local day they left. A tablet that queued answers
    offline before someone left must not lose them to quarantine."""
    tz = ZoneInfo(zone)
    result: dict[str, Serving] = {}

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tz)

    rows = db.session.execute(
        select(Official.code, Official.id, Official.active, Official.left_on).where(
            Official.unit_id == unit_id
        )
    ).all()
    for code, official_id, active, left_on in rows:
        if active:
            result[code] = Serving(official_id, None)
        elif left_on is not None:
            result[code] = Serving(official_id, midnight(left_on))
    moved = db.session.execute(
        select(Official.code, Official.id, func.max(OfficialMove.moved_on))
        .join(OfficialMove, OfficialMove.official_id == Official.id)
        .where(OfficialMove.from_unit_id == unit_id, Official.unit_id != unit_id)
        .group_by(Official.code, Official.id)
    ).all()
    for code, official_id, moved_on in moved:
        result.setdefault(code, Serving(official_id, midnight(moved_on)))
    return result


def _clean(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def check_code(code: str) -> str:
    code = (code or "").strip()
    if not CODE.match(code):
        raise OfficialError(
            _(
                "The staff code %(code)s is not valid: use letters, digits, '.', '_' or '-'.",
                code=code,
            )
        )
    return code


def create_official(unit: Unit, code: str, name: str, title: str | None = None) -> Official:
    code = check_code(code)
    name = _clean(name, 200)
    if not name:
        raise OfficialError(_("The full name is required."))
    if official_by_code(code) is not None:
        raise OfficialError(_("An official with the staff code %(code)s exists.", code=code))
    official = Official(code=code, full_name=name, title=_clean(title, 200) or None, unit=unit)
    db.session.add(official)
    db.session.flush()
    record(
        "official.create",
        unit_id=unit.id,
        target=code,
        name=official.full_name,
        title=official.title,
    )
    return official


def update_official(official: Official, name: str, title: str | None) -> None:
    name = _clean(name, 200)
    if not name:
        raise OfficialError(_("The full name is required."))
    before = {"name": official.full_name, "title": official.title}
    official.full_name, official.title = name, _clean(title, 200) or None
    record(
        "official.update",
        unit_id=official.unit_id,
        target=official.code,
        before=before,
        after={"name": official.full_name, "title": official.title},
    )


def move_official(official: Official, to_unit: Unit, on: date) -> None:
    """The official now serves at `to_unit`; their past answers stay with the unit where they
    were given (a response belongs to its kiosk's unit)."""
    if to_unit.id == official.unit_id:
        raise OfficialError(_("The official already belongs to this unit."))
    db.session.add(
        OfficialMove(
            official_id=official.id,
            from_unit_id=official.unit_id,
            to_unit_id=to_unit.id,
            moved_on=on,
        )
    )
    record(
        "official.move",
        unit_id=to_unit.id,
        target=official.code,
        from_unit=official.unit.slug,
        to_unit=to_unit.slug,
        on=on.isoformat(),
    )
    official.unit = to_unit


def deactivate_official(official: Official, on: date) -> None:
    """The official left (or no longer serves citizens): kiosks stop offering them; their
    figures stay."""
    if not official.active:
        raise OfficialError(_("The official is already inactive."))
    official.active, official.left_on = False, on
    record("official.deactivate", unit_id=official.unit_id, target=official.code, on=on.isoformat())


def reactivate_official(official: Official) -> None:
    if official.active:
        raise OfficialError(_("The official is already active."))
    official.active, official.left_on = True, None
    record("official.reactivate", unit_id=official.unit_id, target=official.code)


def set_official_pin(official: Official, pin: str | None) -> None:
    """The official's own counter PIN (4-6 digits); only its hash is kept, in the format the
    kiosk can check offline (as the unit's staff PIN)."""
    if pin is None:
        official.pin_hash = None
    else:
        if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 6):
            raise OfficialError(_("The PIN must be 4 to 6 digits."))
        official.pin_hash = generate_password_hash(
            pin, method=f"pbkdf2:sha256:{STAFF_PIN_ITERATIONS}"
        )
    record("official.pin", unit_id=official.unit_id, target=official.code, removed=pin is None)


# --- import ---------------------------------------------------------------------------------


def parse_csv(text: str) -> list[dict]:
    """Rows of a CSV exported from a personnel list: a header with unit,code,name,title or
    don_vi,ma_can_bo,ho_ten,chuc_danh (any order, title optional; Excel's BOM is ignored)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [_column(h) for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in ("unit", "code", "name") if c not in header]
    if missing:
        raise OfficialError(
            _("The CSV header lacks the columns: %(columns)s.", columns=", ".join(missing))
        )
    return [{(k or ""): (v or "").strip() for k, v in row.items()} for row in reader]


def _column(heading: str | None) -> str:
    name = (heading or "").strip().lower()
    return VIETNAMESE_COLUMNS.get(name, name)


def import_officials(
    rows: Iterable[Mapping],
    *,
    allowed_units: Iterable[Unit] | None = None,
    first_line: int = 2,
) -> ImportResult:
    """Create or update officials by staff code; all rows or none (the first bad row raises
    OfficialError naming its line). `allowed_units` limits a manager's import to their units
    (None: any unit, for admins and the CLI). `first_line`: the line of the first row (2 in a
    CSV, after its header; 1 for the entries of a JSON list)."""
    allowed = None if allowed_units is None else {u.id for u in allowed_units}
    result = ImportResult()
    seen: set[str] = set()
    for line, row in enumerate(rows, start=first_line):
        where = _("line %(line)s", line=line)
        if not isinstance(row, Mapping):
            raise OfficialError(f"{where}: " + _("each row must be an object"))
        try:
            code = check_code(str(row.get("code") or ""))
            unit = get_unit(str(row.get("unit") or "").strip())
            if unit is None:
                raise OfficialError(_("unknown unit %(slug)s", slug=row.get("unit")))
            if allowed is not None and unit.id not in allowed:
                raise OfficialError(_("the unit %(slug)s is not yours", slug=unit.slug))
            if code in seen:
                raise OfficialError(_("the staff code %(code)s appears twice", code=code))
            seen.add(code)
            name, title = str(row.get("name") or ""), row.get("title")
            existing = official_by_code(code)
            if existing is not None and allowed is not None and existing.unit_id not in allowed:
                raise OfficialError(_("the staff code %(code)s belongs to another unit", code=code))
            if existing is None:
                create_official(unit, code, name, str(title) if title else None)
                result.created += 1
                continue
            changed = False
            if (existing.full_name, existing.title) != (
                _clean(name, 200),
                _clean(title, 200) or None,
            ):
                update_official(existing, name, str(title) if title else None)
                changed = True
            if existing.unit_id != unit.id:
                move_official(existing, unit, local_time(utcnow()).date())
                changed = True
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
        except OfficialError as exc:
            raise OfficialError(f"{where}: {exc}") from exc
    return result
