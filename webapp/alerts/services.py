"""Recording alerts once, the cases they open or join, and changes to a case.

Recording and delivery are separate steps: `run_rules` records and returns the new alerts
(flushed, not committed); whoever delivers them (in-app, e-mail) takes that list afterwards.
Operations flush; the request or the CLI commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, func, literal, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from webapp.access import visible_unit_ids
from webapp.alerts import rules
from webapp.alerts.models import Alert, AlertRead, Case, CaseEvent
from webapp.audit.services import record
from webapp.auth.models import User
from webapp.choices import CASE_STATUSES
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.field import scoring
from webapp.responses.models import Response

CHUNK = 300


class CaseError(ValueError):
    pass


def open_case_for(unit_id: int, rule: str) -> Case | None:
    return db.session.scalar(
        select(Case)
        .where(Case.unit_id == unit_id, Case.rule == rule, Case.status != "resolved")
        .order_by(Case.id)
        .limit(1)
    )


def record_findings(findings: Iterable[rules.Finding]) -> list[Alert]:
    """Record each finding not recorded before; each new alert joins the open case of its
    unit and rule, or opens one. Returns the new alerts."""
    findings = list(findings)
    if not findings:
        return []
    wanted = sorted({(f.unit_id, f.rule, f.key) for f in findings})
    known: set[tuple[int, str, str]] = set()
    for start in range(0, len(wanted), CHUNK):  # bound the statement's parameters
        rows = db.session.execute(
            select(Alert.unit_id, Alert.rule, Alert.key).where(
                tuple_(Alert.unit_id, Alert.rule, Alert.key).in_(wanted[start : start + CHUNK])
            )
        )
        known.update((unit_id, rule, key) for unit_id, rule, key in rows)
    new: list[Alert] = []
    for finding in findings:
        identity = (finding.unit_id, finding.rule, finding.key)
        if identity in known:
            continue
        known.add(identity)
        alert = _record_one(finding)
        if alert is not None:
            new.append(alert)
    return new


def _record_one(finding: rules.Finding) -> Alert | None:
    try:
        with db.session.begin_nested():
            case = open_case_for(finding.unit_id, finding.rule)
            opened = case is None
            if case is None:
                case = Case(unit_id=finding.unit_id, rule=finding.rule, status="open")
                db.session.add(case)
                db.session.flush()
            alert = Alert(
                unit_id=finding.unit_id,
                rule=finding.rule,
                key=finding.key[:100],
                details=finding.details,
                case_id=case.id,
            )
            db.session.add(alert)
            db.session.flush()
            db.session.add(
                CaseEvent(
                    case_id=case.id,
                    kind="opened" if opened else "alert",
                    changes={"alert_id": alert.id},
                )
            )
            db.session.flush()
    except IntegrityError:  # another run recorded it first
        return None
    return alert


def run_rules(now: datetime | None = None, only: Iterable[str] | None = None) -> list[Alert]:
    """Evaluate the rules now and record what is new (the caller commits, then delivers)."""
    moment = now or datetime.now(UTC)
    return record_findings(rules.evaluate(moment, only))


def record_inspections(response_ids: Iterable[uuid.UUID]) -> list[Alert]:
    """The inspection rule over just-stored field responses (the sync request records its
    alerts in its own transaction, without waiting for `flask alerts run`)."""
    if "inspection_failed" not in rules.enabled_rules():
        return []
    ids = list(response_ids)
    if not ids:
        return []
    return record_findings(rules.inspection_findings(scoring.failed_inspections(ids)))


# --- who sees which cases -----------------------------------------------------------------


def _in_visible_units(query, unit_column, user):
    """`query` limited to the units the user may see (managers: theirs and those below)."""
    ids = visible_unit_ids(user)
    return query if ids is None else query.where(unit_column.in_(sorted(ids)))


def visible_cases(user):
    """A select of the cases the user may see (managers: their units)."""
    return _in_visible_units(select(Case), Case.unit_id, user)


def open_count(user) -> int:
    query = select(func.count(Case.id)).where(Case.status != "resolved")
    return int(db.session.scalar(_in_visible_units(query, Case.unit_id, user)) or 0)


def counts_by_unit(user, today: date) -> dict[int, dict[str, int]]:
    """{unit_id: {"open": n, "overdue": n}} over the cases the user sees."""
    counts: dict[int, dict[str, int]] = {}
    query = visible_cases(user).where(Case.status != "resolved")
    for case in db.session.scalars(query):
        row = counts.setdefault(case.unit_id, {"open": 0, "overdue": 0})
        row["open"] += 1
        if case.overdue_on(today):
            row["overdue"] += 1
    return counts


# --- the inbox: which alerts each person has read -----------------------------------------


def visible_alerts(user):
    """A select of the alerts the user may see (managers: their units and those below)."""
    return _in_visible_units(select(Alert), Alert.unit_id, user)


def _unread_condition(user):
    read = select(AlertRead.alert_id).where(
        AlertRead.user_id == user.id, AlertRead.alert_id == Alert.id
    )
    return ~read.exists()


def unread_count(user) -> int:
    """The user's unread alerts in one query (an anti-join on the (user, alert) key)."""
    query = select(func.count(Alert.id)).where(_unread_condition(user))
    return int(db.session.scalar(_in_visible_units(query, Alert.unit_id, user)) or 0)


def inbox(user, limit: int) -> tuple[list[tuple[Alert, bool]], int]:
    """([(alert, unread)] newest first, at most `limit`; how many the user may see)."""
    query = (
        visible_alerts(user)
        .add_columns(AlertRead.alert_id.is_(None))
        .outerjoin(AlertRead, and_(AlertRead.alert_id == Alert.id, AlertRead.user_id == user.id))
        .order_by(Alert.created_at.desc(), Alert.id.desc())
    )
    rows = [(alert, bool(unread)) for alert, unread in db.session.execute(query.limit(limit))]
    total = db.session.scalar(
        visible_alerts(user).with_only_columns(func.count(Alert.id)).order_by(None)
    )
    return rows, int(total or 0)


def _insert_reads(user, alerts_query) -> int:
    """Record `user` as having read the alerts `alerts_query` selects (ids), ignoring those
    already read: ON CONFLICT DO NOTHING, so two tabs marking at once both succeed."""
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    source = alerts_query.with_only_columns(
        literal(user.id), Alert.id, literal(utcnow(), AlertRead.__table__.c.read_at.type)
    ).order_by(None)
    # RETURNING counts what was inserted: psycopg's rowcount of INSERT … SELECT … ON CONFLICT
    # is 0 even when rows went in.
    inserted = db.session.scalars(
        dialect.insert(AlertRead)
        .from_select(["user_id", "alert_id", "read_at"], source)
        .on_conflict_do_nothing()
        .returning(AlertRead.alert_id)
    ).all()
    return len(inserted)


def mark_all_read(user) -> int:
    """Every alert the user may see is read now; returns how many were unread."""
    return _insert_reads(user, visible_alerts(user).where(_unread_condition(user)))


def mark_case_read(user, case: Case) -> int:
    """Opening a case reads its alerts (the caller has checked the user may see the case)."""
    return _insert_reads(user, select(Alert).where(Alert.case_id == case.id))


# --- changing a case ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseChange:
    status: str
    owner: User | None
    due_on: date | None
    action_taken: str | None


def _snapshot(case: Case) -> dict:
    return {
        "status": case.status,
        "owner": case.owner.email if case.owner else None,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "action_taken": case.action_taken or None,
    }


def update_case(case: Case, change: CaseChange, actor: User | None) -> CaseEvent | None:
    """Apply a change; records a CaseEvent and an audit entry of what changed, or nothing
    when nothing changed. A resolved case needs what was done."""
    if change.status not in CASE_STATUSES:
        raise CaseError(change.status)
    action = (change.action_taken or "").strip() or None
    if change.status == "resolved" and not action:
        raise CaseError("action_taken")
    before = _snapshot(case)
    case.status = change.status
    case.owner_user_id = change.owner.id if change.owner else None
    case.owner = change.owner
    case.due_on = change.due_on
    case.action_taken = action
    if case.status == "resolved" and before["status"] != "resolved":
        case.resolved_at = utcnow()
    elif case.status != "resolved":
        case.resolved_at = None
    after = _snapshot(case)
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changed:
        return None
    event = CaseEvent(
        case_id=case.id,
        kind="update",
        actor_user_id=actor.id if actor else None,
        changes=changed,
    )
    db.session.add(event)
    record(
        "case.update",
        unit_id=case.unit_id,
        target=f"case:{case.id}",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    db.session.flush()
    return event


def comments_of(case: Case) -> dict[int, str]:
    """{alert id: the citizen's comment} for the case's alerts about one response (free text,
    shown to the authorised users who see the case)."""
    by_response: dict[uuid.UUID, int] = {}
    for alert in case.alerts:
        reference = (alert.details or {}).get("response")
        if alert.rule in ("low_rating", "receipt_missing") and reference:
            try:
                by_response[uuid.UUID(str(reference))] = alert.id
            except ValueError:
                continue
    if not by_response:
        return {}
    rows = db.session.execute(
        select(Response.id, Response.answers).where(Response.id.in_(list(by_response)))
    ).all()
    return {
        by_response[response_id]: str(answers.get("comment")).strip()
        for response_id, answers in rows
        if isinstance(answers, dict) and str(answers.get("comment") or "").strip()
    }


def owner_candidates(case: Case) -> list[User]:
    """Who may own the case: active admins and the managers who see its unit."""
    users = db.session.scalars(
        select(User).where(User.role.in_(("admin", "manager"))).order_by(User.email)
    ).all()
    result = []
    for user in users:
        if not getattr(user, "active", True):
            continue
        ids = visible_unit_ids(user)
        if ids is None or case.unit_id in ids:
            result.append(user)
    if case.owner is not None and case.owner not in result:  # keep who owns it now
        result.append(case.owner)
    return result
