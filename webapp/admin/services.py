"""Management operations. They validate, change rows, write the audit log and flush;
the route commits (one commit per request) or rolls back on ManagementError."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.audit.models import AuditEvent
from webapp.audit.services import record
from webapp.auth.models import ROLES, User
from webapp.auth.services import UNIT_BOUND_ROLES
from webapp.choices import CASE_STATUSES, FLAG_REASONS, LANGUAGES, REPORT_KINDS, UNIT_TYPES
from webapp.choices import ROLES as ROLE_CHOICES
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.formatting import date_text, period_text
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import issue_enrollment_code
from webapp.responses.models import QuarantinedResponse
from webapp.surveys.models import Survey, SurveyVersion
from webapp.surveys.services import publish
from webapp.units.models import ProcedureDomain, ReportGroup, Unit, UnitType
from webapp.units.services import get_unit

AUDIT_PAGE = 50
QUARANTINE_SHOWN = 200


class ManagementError(ValueError):
    """A change refused for a reason the user can fix; the message is shown in the form."""


def all_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.active.desc(), Unit.slug)))


def unit_types() -> list[UnitType]:
    return list(db.session.scalars(select(UnitType).order_by(UnitType.code)))


def report_groups() -> list[ReportGroup]:
    return list(db.session.scalars(select(ReportGroup).order_by(ReportGroup.code)))


def domains() -> list[ProcedureDomain]:
    return list(db.session.scalars(select(ProcedureDomain).order_by(ProcedureDomain.code)))


def _ancestors(unit: Unit | None):
    seen = set()
    while unit is not None and unit.id not in seen:
        seen.add(unit.id)
        yield unit
        unit = unit.parent


def save_unit(
    unit: Unit | None,
    *,
    slug,
    name_vi,
    name_en,
    type_code,
    parent_slug,
    domain,
    head_name=None,
    contact_optin=None,
) -> Unit:
    """Create (unit None) or edit a unit; the slug of an existing unit never changes."""
    if db.session.get(UnitType, type_code) is None:
        raise ManagementError(_("Unknown unit type %(code)s.", code=type_code))
    parent = get_unit(parent_slug) if parent_slug else None
    if parent_slug and parent is None:
        raise ManagementError(_("Unknown parent unit %(slug)s.", slug=parent_slug))
    if domain and db.session.get(ProcedureDomain, domain) is None:
        raise ManagementError(_("Unknown procedure domain %(code)s.", code=domain))
    if unit is None:
        if get_unit(slug) is not None:
            raise ManagementError(
                _("A unit with the short name %(slug)s already exists.", slug=slug)
            )
        unit = Unit(slug=slug)
        db.session.add(unit)
        action = "unit.create"
    else:
        if parent is not None and unit in list(_ancestors(parent)):
            raise ManagementError(_("A unit cannot be placed under itself or its own units."))
        action = "unit.update"
    before = {
        "name_vi": unit.name_vi,
        "name_en": unit.name_en,
        "type": unit.type_code,
        "parent": unit.parent.slug if unit.parent else None,
        "domain": unit.default_domain_code,
        "head_name": unit.head_name,
        "contact_optin": bool(unit.contact_optin),
    }
    unit.name_vi, unit.name_en, unit.type_code = name_vi.strip(), name_en.strip(), type_code
    unit.head_name = (head_name or "").strip() or None
    unit.parent = parent
    unit.default_domain_code = domain or None
    if contact_optin is not None:  # None: leave the opt-in as it is
        unit.contact_optin = contact_optin
    db.session.flush()
    record(
        action,
        unit_id=unit.id,
        target=unit.slug,
        before=before,
        after={
            "name_vi": unit.name_vi,
            "name_en": unit.name_en,
            "type": type_code,
            "parent": parent_slug or None,
            "domain": domain or None,
            "head_name": unit.head_name,
            "contact_optin": bool(unit.contact_optin),
        },
    )
    return unit


def retire_unit(unit: Unit, on: date) -> None:
    """Retire without successor: history stays reportable under the unit's name."""
    if not unit.active:
        raise ManagementError(_("The unit is already retired."))
    unit.active = False
    unit.retired_on = on
    db.session.flush()
    record("unit.retire", unit_id=unit.id, target=unit.slug, retired_on=on.isoformat())


def merge_unit(unit: Unit, into: Unit, on: date, note: str | None = None) -> None:
    """Retire `unit` into `into`; its responses then count for `into` when asked."""
    if not unit.active:
        raise ManagementError(_("The unit is already retired."))
    if unit.id == into.id:
        raise ManagementError(_("A unit cannot be merged into itself."))
    if not into.active:
        raise ManagementError(_("Merge into a unit that is still active."))
    successor: Unit | None = into
    seen = set()
    while successor is not None and successor.id not in seen:  # no merge cycles
        if successor.id == unit.id:
            raise ManagementError(_("This merge would make a cycle."))
        seen.add(successor.id)
        successor = successor.merged_into
    unit.active = False
    unit.retired_on = on
    unit.merged_into = into
    unit.merge_note = (note or "").strip() or None
    db.session.flush()
    record(
        "unit.merge",
        unit_id=unit.id,
        target=unit.slug,
        into=into.slug,
        retired_on=on.isoformat(),
        note=unit.merge_note,
    )


def set_targets(type_targets: dict[str, Decimal], group_targets: dict[str, Decimal]) -> int:
    """Update targets; returns how many changed (each change is audited with old and new)."""
    changed = 0
    # Looked up per class: a loop over the two classes would type each row as their common base.
    rows: list[tuple[str, str, UnitType | ReportGroup | None, Decimal]] = [
        ("unit_type", code, db.session.get(UnitType, code), value)
        for code, value in type_targets.items()
    ]
    rows += [
        ("report_group", code, db.session.get(ReportGroup, code), value)
        for code, value in group_targets.items()
    ]
    for kind, code, row, value in rows:
        if row is None:
            raise ManagementError(_("Unknown code %(code)s.", code=code))
        value = Decimal(value).quantize(Decimal("0.01"))
        if not Decimal(50) <= value <= Decimal(100):
            raise ManagementError(_("Targets lie between 50 and 100 %%."))
        if Decimal(row.target_pct) != value:
            record(
                "target.update",
                target=f"{kind}:{code}",
                before=str(row.target_pct),
                after=str(value),
            )
            row.target_pct = value
            changed += 1
    db.session.flush()
    return changed


def surveys() -> list[Survey]:
    return list(db.session.scalars(select(Survey).order_by(Survey.key)))


def publish_survey(definition: dict, *, unit_types, user) -> SurveyVersion:
    """Publish a new version (DefinitionError if the definition is invalid) and audit it."""
    version = publish(definition, unit_types=unit_types, user=user)
    record("survey.publish", target=f"{version.survey.key} v{version.version}")
    return version


def retire_survey(survey: Survey) -> None:
    if survey.retired_at is not None:
        raise ManagementError(_("The survey is already retired."))
    survey.retired_at = utcnow()
    db.session.flush()
    record("survey.retire", target=survey.key)


def users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_kiosk(kiosk_id: int) -> Kiosk | None:
    return db.session.get(Kiosk, kiosk_id)


def field_devices() -> list[Kiosk]:
    """Surveyors' phones, the live ones first, newest first."""
    query = (
        select(Kiosk)
        .where(Kiosk.surveyor_id.is_not(None))
        .order_by(Kiosk.revoked_at.is_not(None), Kiosk.id.desc())
    )
    return list(db.session.scalars(query))


def new_enrollment_code(kiosk: Kiosk) -> str:
    """A fresh one-time code for an existing kiosk (e.g. a replaced tablet), audited."""
    code = issue_enrollment_code(kiosk)
    record("kiosk.enrollment_code", unit_id=kiosk.unit_id, target=f"kiosk:{kiosk.id}")
    return code


def quarantined() -> list[QuarantinedResponse]:
    """The newest rejected responses, as sent, with their reasons."""
    query = select(QuarantinedResponse).order_by(QuarantinedResponse.received_at.desc())
    return list(db.session.scalars(query.limit(QUARANTINE_SHOWN)))


def update_user(user: User, *, role: str, unit_slugs: list[str], active: bool, by: User) -> None:
    if role not in ROLES:
        raise ManagementError(_("Unknown role %(role)s.", role=role))
    found = [get_unit(s) for s in unit_slugs]
    units = [u for u in found if u is not None]
    if len(units) != len(found):
        raise ManagementError(_("Unknown unit."))
    if role == "manager" and not units:
        raise ManagementError(_("A manager must be bound to at least one unit."))
    if role == "surveyor" and not units:
        raise ManagementError(_("A surveyor must be bound to the units they survey."))
    if role not in UNIT_BOUND_ROLES:
        units = []
    if user.id == by.id and (not active or role != "admin"):
        raise ManagementError(_("You cannot disable or demote your own account."))
    before = {"role": user.role, "units": [u.slug for u in user.units], "active": user.active}
    user.role, user.units, user.active = role, units, active
    db.session.flush()
    record(
        "user.update",
        target=user.email,
        before=before,
        after={"role": role, "units": [u.slug for u in units], "active": active},
    )


def audit_events(
    *, action: str | None = None, unit: Unit | None = None, actor: str | None = None, page: int = 1
) -> tuple[list[AuditEvent], bool]:
    """Newest first, filtered; returns (events, has_more)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if unit is not None:
        query = query.where(AuditEvent.unit_id == unit.id)
    if actor:
        like = f"%{actor.strip().lower()}%"
        query = query.outerjoin(User, User.id == AuditEvent.actor_user_id).where(
            db.or_(db.func.lower(User.email).like(like), AuditEvent.actor_label.ilike(like))
        )
    rows = list(db.session.scalars(query.limit(AUDIT_PAGE + 1).offset((page - 1) * AUDIT_PAGE)))
    return rows[:AUDIT_PAGE], len(rows) > AUDIT_PAGE


def audit_targets(events: list[AuditEvent], locale: str) -> dict[int, str]:
    """What each entry's target names, as a person reads it: kiosks, units, unit types and
    groups by name, periods by label; anything else (e-mails, survey keys) as recorded."""
    kiosk_ids = {
        int(e.target.split(":", 1)[1])
        for e in events
        if e.target and e.target.startswith("kiosk:") and e.target[6:].isdigit()
    }
    kiosks = (
        {k.id: k for k in db.session.scalars(select(Kiosk).where(Kiosk.id.in_(kiosk_ids)))}
        if kiosk_ids
        else {}
    )
    units = {u.slug: u for u in all_units()}
    groups = {g.code: g for g in report_groups()}
    surveys = {s.key: s for s in db.session.scalars(select(Survey))}
    return {
        e.id: _target_text(e.target, e.action, kiosks, units, groups, locale, surveys)
        for e in events
        if e.target
    }


def _target_text(target: str, action: str, kiosks, units, groups, locale: str, surveys) -> str:
    if action.startswith("survey."):
        key, _sep, version = target.partition(" v")
        if key in surveys:
            title = surveys[key].title_en if locale == "en" else surveys[key].title_vi
            if version.isdigit():
                return _("%(title)s, version %(version)s", title=title, version=version)
            return title
    kind, _sep, code = target.partition(":")
    if kind == "kiosk" and code.isdigit() and int(code) in kiosks:
        kiosk = kiosks[int(code)]
        return f"{kiosk.name} ({kiosk.unit.name(locale)})"
    if kind == "unit_type":
        return UNIT_TYPES.label(code)
    if kind == "report_group" and code in groups:
        group = groups[code]
        return group.name_en if locale == "en" else group.name_vi
    slug, _sep, period = target.partition("/")
    if period and slug in units:
        return f"{units[slug].name(locale)} · {period_text(period, locale)}"
    if target in units:
        return units[target].name(locale)
    if action == "overview.export":
        return period_text(target, locale)
    return target


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


# What an audit entry's details say, as a person reads them (not the stored JSON): each key
# by its label, codes by their labels, units by name, periods and dates as written in the
# locale. A key recorded later without a label here is shown as recorded.
DETAIL_LABELS = {
    "role": _l("role"),
    "units": _l("units"),
    "active": _l("active"),
    "before": _l("before"),
    "after": _l("after"),
    "name": _l("name"),
    "name_vi": _l("name (Vietnamese)"),
    "name_en": _l("name (English)"),
    "type": _l("unit type"),
    "parent": _l("parent unit"),
    "domain": _l("procedure domain"),
    "into": _l("merged into"),
    "retired_on": _l("retired on"),
    "note": _l("note"),
    "reason": _l("reason"),
    "failures": _l("failed attempts"),
    "pin": _l("staff PIN"),
    "stored": _l("result"),
    "id": _l("response"),
    "period": _l("period"),
    "locale": _l("language"),
    "kind": _l("kind"),
    "report_id": _l("report no."),
    "pdf_sha256": _l("PDF SHA-256"),
    "data_sha256": _l("data SHA-256"),
    "unit_type": _l("unit type"),
    "format": _l("format"),
    "official": _l("official"),
    "title": _l("title"),
    "head_name": _l("head who signs"),
    "contact_optin": _l("follow-up contact opt-in"),
    "count": _l("count"),
    "retention_days": _l("retention (days)"),
    "from_unit": _l("from unit"),
    "to_unit": _l("to unit"),
    "on": _l("on"),
    "removed": _l("removed"),
    "cached": _l("from the archive"),
    "decision": _l("decision"),
    "status": _l("case status"),
    "owner": _l("owner"),
    "due_on": _l("due date"),
    "action_taken": _l("what was done"),
    "reasons": _l("flag reasons"),
    "counted": _l("counted in the figures"),
    "responses": _l("responses"),
    "changed": _l("changed"),
    "flagged": _l("flagged"),
}
DETAIL_VALUES = {
    "pin": {"set": _l("set"), "removed": _l("removed")},
    "stored": {"accepted": _l("stored"), "duplicate": _l("already stored (duplicate)")},
    "decision": {
        "confirmed": _l("confirmed: excluded from the figure"),
        "dismissed": _l("dismissed: kept in the figure"),
        "cleared": _l("cleared: counted in the figures"),
    },
}


def audit_details(details: dict | None, units: dict[str, Unit], locale: str) -> list[tuple]:
    """(label, text) pairs of an entry's details; `units` by slug."""
    return [
        (str(DETAIL_LABELS.get(key, key)), _detail_value(key, value, units, locale))
        for key, value in (details or {}).items()
    ]


def _detail_value(key: str, value, units: dict[str, Unit], locale: str) -> str:
    def unit_name(slug):
        return units[slug].name(locale) if slug in units else str(slug)

    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, dict):
        pairs = audit_details(value, units, locale)
        return "; ".join(f"{label}: {text}" for label, text in pairs)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key == "role":
        return ROLE_CHOICES.label(value)
    if key in ("units", "into", "parent", "from_unit", "to_unit"):
        slugs = value if isinstance(value, list) else [value]
        return ", ".join(unit_name(slug) for slug in slugs)
    if key in ("type", "unit_type"):
        return UNIT_TYPES.label(value)
    if key == "kind":
        return REPORT_KINDS.label(value)
    if key == "reasons":
        codes = value if isinstance(value, list) else [value]
        return ", ".join(FLAG_REASONS.label(str(code)) for code in codes)
    if key == "locale":
        return LANGUAGES.label(value)
    if key == "period":
        return period_text(value, locale)
    if key == "status":
        return CASE_STATUSES.label(value)
    if key in ("retired_on", "due_on"):
        try:
            return date_text(date.fromisoformat(value), locale)
        except (TypeError, ValueError):
            return str(value)
    if key == "format":
        return str(value).upper()
    if key in DETAIL_VALUES:
        return str(DETAIL_VALUES[key].get(value, value))
    return str(value)
