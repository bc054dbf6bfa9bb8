"""Codes people meet, with their translated labels (in the manner of NetBox's choices.py).

The code is what is stored, sent and typed on the command line; the label is what a person
reads on a page, in an export or in a PDF. Labels are lazy so they follow the locale of the
request (or of `force_locale` when a PDF is built). Infrastructure: imports no feature package.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext


class Choices:
    """An ordered set of codes with labels; unknown codes read as themselves."""

    def __init__(self, *pairs: tuple[str, object]) -> None:
        self._labels = dict(pairs)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._labels)

    def label(self, code: str | None) -> str:
        if code is None:
            return "–"
        return str(self._labels.get(code, code))

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) pairs for a form's select."""
        return [(code, str(label)) for code, label in self._labels.items()]

    def __contains__(self, code: object) -> bool:
        return code in self._labels

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)


FLAG_REASONS = Choices(
    ("burst", _l("burst of responses from one kiosk")),
    ("off_hours", _l("outside office hours")),
    ("replay", _l("replayed response")),
    ("drift", _l("share of 5s far above this kiosk's own history")),
)

# What a reviewer decided about a flagged response (webapp/flags).
FLAG_DECISIONS = Choices(
    ("confirmed", _l("confirmed: left out of the figures")),
    ("cleared", _l("cleared: counted in the figures")),
)

ROLES = Choices(
    ("admin", _l("Administrator")),
    ("manager", _l("Unit manager")),
    ("auditor", _l("Auditor")),
    ("official", _l("Official (own results only)")),
    ("surveyor", _l("Field surveyor (Fatherland Front, inspections)")),
)

KIOSK_STATES = Choices(
    ("pending", _l("waiting for enrollment")),
    ("enrolled", _l("enrolled")),
    ("revoked", _l("revoked")),
)

# The packaged unit types (webapp/data/units.json); a unit type added by hand has its own
# names in the database, and those are shown where the row is at hand.
UNIT_TYPES = Choices(
    ("ward_one_stop", _l("Ward People's Committee one-stop counter")),
    ("district_one_stop", _l("District one-stop counter")),
    ("land_registration_branch", _l("Land Registration Office branch")),
    ("ward_public_admin_center", _l("Ward public-administration service center (post-2025 model)")),
    ("preschool", _l("Public kindergarten")),
    ("primary_school", _l("Public primary school")),
    ("lower_secondary_school", _l("Public lower-secondary school")),
    ("ward_health_station", _l("Ward health station")),
    ("district_health_center", _l("District 1 Health Center")),
    ("district_hospital", _l("District 1 Hospital")),
)

AUDIT_ACTIONS = Choices(
    ("auth.login", _l("signed in")),
    ("auth.login_failed", _l("sign-in failed")),
    ("auth.account_under_attack", _l("account under a password-guessing attack")),
    ("quarantine.replay", _l("quarantined response corrected and stored")),
    ("quarantine.dismiss", _l("quarantined response dismissed")),
    ("auth.logout", _l("signed out")),
    ("auth.password_change", _l("password changed")),
    ("user.create", _l("user created")),
    ("user.update", _l("user changed")),
    ("unit.create", _l("unit created")),
    ("unit.update", _l("unit changed")),
    ("unit.retire", _l("unit retired")),
    ("unit.merge", _l("unit merged")),
    ("unit.pin_set", _l("staff PIN changed")),
    ("target.update", _l("target changed")),
    ("survey.publish", _l("survey published")),
    ("survey.retire", _l("survey retired")),
    ("kiosk.create", _l("kiosk created")),
    ("kiosk.enroll", _l("kiosk enrolled")),
    ("kiosk.enrollment_code", _l("enrollment code issued")),
    ("kiosk.revoke", _l("kiosk revoked")),
    ("sync.conflict", _l("conflicting response kept aside")),
    ("overview.export", _l("overview exported")),
    ("responses.export", _l("responses exported")),
    ("report.generate", _l("report generated")),
    ("report.download", _l("report downloaded")),
    ("official.create", _l("official added")),
    ("official.update", _l("official changed")),
    ("official.move", _l("official moved to another unit")),
    ("official.deactivate", _l("official deactivated")),
    ("official.reactivate", _l("official reactivated")),
    ("official.pin", _l("official's counter PIN changed")),
    ("official.review", _l("official reviewed")),
    ("case.update", _l("case changed")),
    ("contacts.export", _l("follow-up contacts downloaded")),
    ("contacts.purge", _l("expired follow-up contacts deleted")),
    ("contacts.delete", _l("follow-up contacts deleted on request")),
    ("contacts.rotate", _l("follow-up contacts re-encrypted with a new key")),
    ("flag.review", _l("flagged response reviewed")),
    ("responses.reflag", _l("flags recomputed")),
)

REPORT_KINDS = Choices(
    ("unit", lazy_pgettext("report kind", "Unit report")),
    ("summary", lazy_pgettext("report kind", "Summary report")),
    ("officials", lazy_pgettext("report kind", "Ranking of officials")),
)

# Each language by its own name, as language switches write it.
LANGUAGES = Choices(("vi", "Tiếng Việt"), ("en", "English"))

# Why the audit log's hash chain broke (webapp/audit/chain.py), in the words an auditor reads.
AUDIT_CHAIN_PROBLEMS = Choices(
    ("missing", _l("an entry before it was deleted")),
    ("reordered", _l("entries were moved out of order")),
    ("relinked", _l("it no longer follows the entry before it (moved or replaced)")),
    ("edited", _l("its content was changed after it was written")),
    ("truncated", _l("the last entries were deleted")),
)

QUARANTINE_RESOLUTIONS = Choices(
    ("replayed", _l("corrected and stored")),
    ("dismissed", _l("dismissed")),
)

# Alert rules (webapp/alerts/rules.py, SPEC 12) and the states of the case an alert opens.
ALERT_RULES = Choices(
    ("below_target", _l("unit below its target (last 30 days)")),
    ("low_rating", _l("rating of 1-2 with a comment")),
    ("receipt_missing", _l("receipt not given")),
    ("kiosk_silent", _l("kiosk silent for more than a working day")),
    ("quarantined", _l("new quarantined response")),
    ("inspection_failed", _l("code-of-conduct inspection found violations")),
)

CASE_STATUSES = Choices(
    ("open", _l("open")),
    ("in_progress", _l("in progress")),
    ("resolved", _l("resolved")),
)

KINDS: dict[str, Choices] = {
    "flag_reason": FLAG_REASONS,
    "flag_decision": FLAG_DECISIONS,
    "role": ROLES,
    "kiosk_state": KIOSK_STATES,
    "unit_type": UNIT_TYPES,
    "audit_action": AUDIT_ACTIONS,
    "report_kind": REPORT_KINDS,
    "language": LANGUAGES,
    "audit_chain_problem": AUDIT_CHAIN_PROBLEMS,
    "quarantine_resolution": QUARANTINE_RESOLUTIONS,
    "alert_rule": ALERT_RULES,
    "case_status": CASE_STATUSES,
}


def label(code: str | None, kind: str) -> str:
    """`label("enrolled", "kiosk_state")`; in templates `{{ k.status|label("kiosk_state") }}`."""
    return KINDS[kind].label(code)
