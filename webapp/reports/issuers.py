"""Who issues a unit's report, as the body stood on the report's date (SPEC 8, Decree 30/2020).

A ward's one-stop counter reports through its ward's People's Committee, a school issues its
own report under the body that manages it, a ward health station's report is issued by its
health centre, and District 1's bodies exist until the district level was dissolved in the
2025 reform; after that the district-wide summary is issued by the successor body named in the
packaged data (configurable). Everything comes from the unit tree as stored, so a report on a
period before the merger names the wards as they were: the retired ward is its own unit.

The result is plain words for the template (`Issuer`) plus a key for the per-issuer yearly
document-number sequence.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from flask import current_app
from flask_babel import force_locale, gettext

from webapp.units.models import Unit

# Unit types whose reports the ward or district People's Committee issues (the counter is
# a part of the committee, not a body of its own).
COMMITTEE_COUNTERS = {"ward_one_stop", "ward_public_admin_center", "district_one_stop"}
SCHOOLS = {"preschool", "primary_school", "lower_secondary_school"}
HEALTH_CENTRES = {"district_health_center"}
HEALTH_STATIONS = {"ward_health_station"}


@dataclass(frozen=True)
class Issuer:
    key: str  # the document-number sequence: one per issuing body
    name: str  # "ỦY BAN NHÂN DÂN PHƯỜNG SÀI GÒN"
    superior: str | None  # the managing body's line above it (Decree 30: "cơ quan chủ quản")
    code: str  # the body's abbreviation in "Số: 12/BC-UBND"
    on_behalf: str | None  # "TM. ỦY BAN NHÂN DÂN": a collegial body signs on behalf
    signer_title: str  # "CHỦ TỊCH", "HIỆU TRƯỞNG", "GIÁM ĐỐC"
    signer_name: str | None
    recipients: list[str] = field(default_factory=list)
    # The national title at the top right instead of the state's motto (a Fatherland Front
    # document carries "MẶT TRẬN TỔ QUỐC VIỆT NAM"); empty: the state's two lines.
    national_title: str | None = None

    def number_text(self, number: int, locale: str) -> str:
        if locale == "en":
            return f"No.: {number}/BC-{self.code}"
        return f"Số: {number}/BC-{self.code}"


@functools.cache
def _district_data() -> dict:
    text = resources.files("webapp").joinpath("data/units.json").read_text(encoding="utf-8")
    return json.loads(text)["district"]


def district_dissolved_on() -> date:
    configured = current_app.config.get("DISTRICT_DISSOLVED_ON")
    return date.fromisoformat(configured or _district_data()["dissolved_on"])


def upper(text: str) -> str:
    """Vietnamese capitals, keeping the diacritics in their composed form."""
    return unicodedata.normalize("NFC", text.upper())


def abbreviation(name: str) -> str:
    """The initials of a body's name without diacritics: "Trường Mầm non Bến Thành" → "MNBT"
    (the leading kind word "Trường" is implied by the document's heading)."""
    words = [w for w in name.split() if w.lower() not in {"trường", "của"}]
    letters = []
    for word in words:
        first = unicodedata.normalize("NFD", word)[0]
        letters.append("D" if first in "đĐ" else first.upper())
    return "".join(ch for ch in letters if ch.isalnum()) or "BC"


def _committee_of(unit: Unit | None, locale: str, on: date) -> tuple[str, str, Unit | None]:
    """(sequence key, name, its unit if it is one) of the People's Committee a unit belongs
    to, as of `on`."""
    node = unit
    while node is not None:
        if node.type_code == "district":
            if on < district_dissolved_on():
                return f"unit:{node.slug}", node.name(locale), node
            break
        if node.type_code in ("ward_one_stop", "ward_public_admin_center"):
            if locale == "en":
                return f"unit:{node.slug}", f"{node.name_en} People's Committee", node
            return f"unit:{node.slug}", "Ủy ban nhân dân " + _lower_first(node.name_vi), node
        node = node.parent
    data = _district_data()
    return "successor", data["successor_en" if locale == "en" else "successor_vi"], None


def _lower_first(name: str) -> str:
    """ "Phường Sài Gòn" → "phường Sài Gòn" inside a longer name."""
    return name[:1].lower() + name[1:]


def _health_centre(unit: Unit) -> Unit | None:
    """The health centre in the same tree (a ward health station's managing body)."""
    root = unit
    while root.parent is not None:
        root = root.parent
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type_code in HEALTH_CENTRES and node.active:
            return node
        stack.extend(node.children)
    return None


def issuer_for(unit: Unit, on: date, locale: str) -> Issuer:
    """The body that issues `unit`'s report on a period ending `on`."""
    with force_locale(locale):
        committee_key, committee, committee_unit = _committee_of(unit, locale, on)
        committee_signs = {
            "code": "UBND",
            "on_behalf": gettext("ON BEHALF OF THE PEOPLE'S COMMITTEE"),
            "signer_title": gettext("CHAIRMAN"),
        }
        to_report = gettext("(to report)")
        archive = gettext("Archived: Office.")
        if unit.type_code == "district" or unit.type_code in COMMITTEE_COUNTERS:
            superior_recipients = _superior_recipients(unit, on, locale, committee_key)
            return Issuer(
                key=committee_key,
                name=upper(committee),
                superior=None,
                signer_name=_signer_name(committee_unit, committee_key),
                recipients=[*(f"{r} {to_report}" for r in superior_recipients), archive],
                **committee_signs,
            )
        if unit.type_code in HEALTH_STATIONS:
            centre = _health_centre(unit)
            if centre is not None:
                return _own_body(centre, on, locale, to_report, archive, gettext("DIRECTOR"))
        if unit.type_code in SCHOOLS:
            return _own_body(unit, on, locale, to_report, archive, gettext("PRINCIPAL"))
        return _own_body(unit, on, locale, to_report, archive, gettext("DIRECTOR"))


def field_issuer_for(unit: Unit, on: date, locale: str) -> Issuer:
    """The body that issues a ward's (or the district summary's) field-survey report.

    FIELD_REPORT_ISSUER "front": the Fatherland Front committee of the same area (the ward,
    the district while it existed, then the city), signed by its standing board's chair,
    numbered "Số: N/BC-MTTQ" in its own sequence, with the People's Committee of the area
    as a recipient. Anything else: the People's Committee issues it as it does the other
    reports.
    """
    if current_app.config.get("FIELD_REPORT_ISSUER", "") != "front":
        return issuer_for(unit, on, locale)
    with force_locale(locale):
        committee_key, committee, committee_unit = _committee_of(unit, locale, on)
        key = "front:" + committee_key.removeprefix("unit:")
        return Issuer(
            key=key,
            name=upper(
                gettext(
                    "Vietnam Fatherland Front Committee of %(area)s",
                    area=_area(committee_unit, locale),
                )
            ),
            superior=None,
            code="MTTQ",
            on_behalf=gettext("ON BEHALF OF THE STANDING BOARD"),
            signer_title=gettext("CHAIRMAN"),
            signer_name=current_app.config.get("REPORT_SIGNERS", {}).get(key),
            recipients=[
                gettext("%(committee)s (for coordination)", committee=committee),
                gettext("Archived: Office."),
            ],
            national_title=gettext("VIETNAM FATHERLAND FRONT"),
        )


def _area(committee_unit: Unit | None, locale: str) -> str:
    """The area a People's Committee governs, as it reads after "Ủy ban … ": "phường Sài
    Gòn", "Quận 1", "Thành phố Hồ Chí Minh" (en: "Sai Gon Ward", "District 1", …)."""
    data = _district_data()
    if committee_unit is None:
        return data["city_en" if locale == "en" else "city_vi"]
    if committee_unit.type_code == "district":
        return data["en" if locale == "en" else "vi"]
    if locale == "en":
        return committee_unit.name_en
    return _lower_first(committee_unit.name_vi)


def _own_body(
    body: Unit, on: date, locale: str, to_report: str, archive: str, title: str
) -> Issuer:
    """A body that issues in its own name (a school, a health centre, a branch office), with
    the committee that manages it as the superior line and first recipient."""
    parent = body.parent
    superior = _committee_of(parent, locale, on)[1] if parent is not None else None
    return Issuer(
        key=f"unit:{body.slug}",
        name=upper(body.name(locale)),
        superior=upper(superior) if superior else None,
        code=abbreviation(body.name_vi),
        on_behalf=None,
        signer_title=title,
        signer_name=_signer_name(body, f"unit:{body.slug}"),
        recipients=[*([f"{superior} {to_report}"] if superior else []), archive],
    )


def _superior_recipients(unit: Unit, on: date, locale: str, own_key: str) -> list[str]:
    """The committee above this one (a ward reports to the district, or after 2025 to the
    successor body); none above the top."""
    node: Unit | None = unit
    while node is not None and f"unit:{node.slug}" != own_key:
        node = node.parent
    above = node.parent if node is not None else None
    if above is None:
        return []
    key, name, _ = _committee_of(above, locale, on)
    return [] if key == own_key else [name]


def _signer_name(unit: Unit | None, key: str) -> str | None:
    """The head who signs: the unit's own data first, then REPORT_SIGNERS ({key: name})."""
    own = unit.head_name if unit is not None else None
    return own or current_app.config.get("REPORT_SIGNERS", {}).get(key)
