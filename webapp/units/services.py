"""Units, types, procedure domains and targets: lookup and import from a JSON file.

The import file has the shape of the packaged `data/units.json` (District 1 as of 2024,
its 2025 merger, unit types, procedure domains, example schools and clinics) and may add
`report_groups` (targets) and a plain `units` list. Importing is an upsert keyed by slug or
code, so running it twice changes nothing.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from webapp.extensions import db
from webapp.units.models import ProcedureDomain, ReportGroup, Unit, UnitType

DISTRICT_TYPE = "district"
DEFAULT_GROUP_NAMES = {
    "general_99": ("Thủ tục hành chính chung", "General administrative procedures"),
    "land_construction_investment_95": (
        "Đất đai, xây dựng, đầu tư",
        "Land, construction and investment",
    ),
}
MERGER_DATE = date(2025, 7, 1)
# Slugs appear in URLs and file names (reports/<slug>-<period>.pdf): keep them plain.
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class ImportErrorInData(ValueError):
    """The file does not have the expected shape; the message says where."""


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        return f"{len(self.created)} created, {len(self.updated)} updated"


def get_unit(slug: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.slug == slug))


def unit_names(slugs, locale: str) -> list[str]:
    """The names of these units in the order given (a slug without a unit reads as itself)."""
    slugs = list(slugs)
    rows: Iterable[Unit] = (
        db.session.scalars(select(Unit).where(Unit.slug.in_(slugs))) if slugs else []
    )
    names = {u.slug: u.name(locale) for u in rows}
    return [names.get(slug, slug) for slug in slugs]


def ascii_name(text: str) -> str:
    """'Phường Bến Nghé' -> 'Phuong Ben Nghe' (for English names and slugs)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_name(text).lower()).strip("-")


def _target_from_code(code: str) -> Decimal:
    match = re.search(r"_(\d{2,3})$", code)
    return Decimal(match.group(1)) if match else Decimal("99")


def _upsert(model, key: dict, values: dict, summary: ImportSummary, label: str):
    if model is Unit and not SLUG.match(key["slug"]):
        raise ImportErrorInData(f"{label}: slug {key['slug']!r} must be lowercase a-z, 0-9, -")
    row = get_unit(key["slug"]) if model is Unit else db.session.get(model, key)
    if row is None:
        row = model(**key, **values)
        db.session.add(row)
        summary.created.append(label)
        db.session.flush()
        return row
    changed = False
    for name, value in values.items():
        current = getattr(row, name)
        if isinstance(current, Decimal) and value is not None:
            value = Decimal(value)
        if current != value:
            setattr(row, name, value)
            changed = True
    if changed:
        summary.updated.append(label)
        db.session.flush()
    return row


def _require(mapping: dict, key: str, where: str):
    if not isinstance(mapping, dict) or key not in mapping:
        raise ImportErrorInData(f"{where}: missing '{key}'")
    return mapping[key]


def import_units(data: dict) -> ImportSummary:
    if not isinstance(data, dict):
        raise ImportErrorInData("the file must hold a JSON object")
    summary = ImportSummary()
    _import_groups_and_domains(data, summary)
    _import_unit_types(data, summary)
    district = _import_district(data, summary)
    _import_wards(data, district, summary)
    for key in ("example_schools", "example_clinics", "units"):
        for i, item in enumerate(data.get(key) or []):
            _import_plain_unit(item, district, summary, f"{key}[{i}]")
    return summary


def _import_groups_and_domains(data: dict, summary: ImportSummary) -> None:
    groups = {g["code"]: g for g in data.get("report_groups") or []}
    for i, domain in enumerate(data.get("procedure_domains") or []):
        where = f"procedure_domains[{i}]"
        group = _require(domain, "report_group", where)
        groups.setdefault(group, {"code": group})
    for code, group in groups.items():
        default_vi, default_en = DEFAULT_GROUP_NAMES.get(code, (code, code))
        _upsert(
            ReportGroup,
            {"code": code},
            {
                "name_vi": group.get("vi", default_vi),
                "name_en": group.get("en", default_en),
                "target_pct": Decimal(str(group.get("target_pct", _target_from_code(code)))),
            },
            summary,
            f"report group {code}",
        )
    for i, domain in enumerate(data.get("procedure_domains") or []):
        where = f"procedure_domains[{i}]"
        code = _require(domain, "code", where)
        _upsert(
            ProcedureDomain,
            {"code": code},
            {
                "name_vi": _require(domain, "vi", where),
                "name_en": domain.get("en", code),
                "report_group_code": domain["report_group"],
            },
            summary,
            f"domain {code}",
        )


def _import_unit_types(data: dict, summary: ImportSummary) -> None:
    types = list(data.get("unit_types") or [])
    if data.get("district") and not any(t.get("code") == DISTRICT_TYPE for t in types):
        types.append({"code": DISTRICT_TYPE, "vi": "Ủy ban nhân dân quận", "en": "District"})
    for i, item in enumerate(types):
        where = f"unit_types[{i}]"
        code = _require(item, "code", where)
        _upsert(
            UnitType,
            {"code": code},
            {
                "name_vi": _require(item, "vi", where),
                "name_en": item.get("en", code),
                "survey_key": item.get("template"),
                "target_pct": Decimal(str(item.get("target_pct", 99))),
            },
            summary,
            f"unit type {code}",
        )


def _import_district(data: dict, summary: ImportSummary) -> Unit | None:
    district = data.get("district")
    if not district:
        return None
    name_vi = _require(district, "vi", "district")
    name_en = district.get("en", ascii_name(name_vi))
    return _upsert(
        Unit,
        {"slug": district.get("slug") or slugify(name_vi)},
        {
            "name_vi": f"Ủy ban nhân dân {name_vi}",
            "name_en": f"{name_en} People's Committee",
            "type_code": DISTRICT_TYPE,
            "parent_id": None,
        },
        summary,
        "district",
    )


def _ward_names(name_vi: str) -> tuple[str, str]:
    short = ascii_name(name_vi.removeprefix("Phường ").strip())
    return name_vi, f"{short} Ward"


def _import_wards(data: dict, district: Unit | None, summary: ImportSummary) -> None:
    parent_id = district.id if district else None
    new_wards = data.get("wards_after_2025_merger") or []
    new_slugs = {_require(w, "slug", "wards_after_2025_merger") for w in new_wards}
    for ward in new_wards:
        name_vi, name_en = _ward_names(_require(ward, "name_vi", f"ward {ward['slug']}"))
        _upsert(
            Unit,
            {"slug": ward["slug"]},
            {
                "name_vi": name_vi,
                "name_en": name_en,
                "type_code": "ward_one_stop",
                "parent_id": parent_id,
                "active": True,
            },
            summary,
            f"ward {ward['slug']}",
        )
    for i, ward in enumerate(data.get("wards") or []):
        where = f"wards[{i}]"
        slug = _require(ward, "slug", where)
        # A ward of 2024 whose name lives on in a new ward keeps its file id as slug.
        if slug in new_slugs:
            slug = _require(ward, "id", where)
        successors = ward.get("merged_into_2025") or []
        successor_units = [get_unit(s) for s in successors]
        unknown = [s for s, u in zip(successors, successor_units, strict=True) if u is None]
        if unknown:
            raise ImportErrorInData(f"{where}: unknown successor {unknown[0]!r}")
        successor = successor_units[0] if successor_units else None
        name_vi, name_en = _ward_names(_require(ward, "name_vi", where))
        ward_unit = _upsert(
            Unit,
            {"slug": slug},
            {
                "name_vi": name_vi,
                "name_en": name_en,
                "type_code": "ward_one_stop",
                "parent_id": parent_id,
                "active": successor is None,
                "merged_into_id": successor.id if successor else None,
                "retired_on": MERGER_DATE if successor else None,
                "merge_note": ward.get("merge_note"),
            },
            summary,
            f"ward {slug}",
        )
        # Split between several wards: remember all of them (the first is `merged_into`).
        split = [u for u in successor_units if u is not None] if len(successors) > 1 else []
        if {u.id for u in ward_unit.split_into} != {u.id for u in split}:
            ward_unit.split_into = split
            if f"ward {slug}" not in summary.created + summary.updated:
                summary.updated.append(f"ward {slug}")
            db.session.flush()


def _current_unit(slug: str | None) -> Unit | None:
    """The unit a slug names today: a merged ward's children belong to its successor."""
    unit = get_unit(slug) if slug else None
    seen = set()
    while unit is not None and unit.merged_into is not None and unit.id not in seen:
        seen.add(unit.id)
        unit = unit.merged_into
    return unit


def _import_plain_unit(item: dict, district: Unit | None, summary: ImportSummary, where: str):
    slug = item.get("slug") or _require(item, "id", where)
    name_vi = item.get("name_vi") or _require(item, "vi", where)
    type_code = item.get("unit_type") or _require(item, "type", where)
    if db.session.get(UnitType, type_code) is None:
        raise ImportErrorInData(f"{where}: unknown unit type {type_code!r}")
    parent_slug = item.get("parent") or item.get("ward_slug")
    parent = _current_unit(parent_slug) if parent_slug else district
    if parent_slug and parent is None:
        raise ImportErrorInData(f"{where}: unknown parent unit {parent_slug!r}")
    domain = item.get("default_domain")
    if domain and db.session.get(ProcedureDomain, domain) is None:
        raise ImportErrorInData(f"{where}: unknown procedure domain {domain!r}")
    return _upsert(
        Unit,
        {"slug": slug},
        {
            "name_vi": name_vi,
            "name_en": item.get("name_en") or item.get("en") or ascii_name(name_vi),
            "type_code": type_code,
            "parent_id": parent.id if parent else None,
            "default_domain_code": domain,
        },
        summary,
        f"unit {slug}",
    )
