"""Every HTML page, crawled in Vietnamese as each role, shows no raw code and no English (issue 11).

Each registered GET route (URL parameters filled as the access matrix fills them) is fetched
as admin, as a ward's manager and as auditor with the default locale (vi), over the demo data
plus responses, kiosks in every state, a report, a quarantined response and an audit event of
every kind. Of every HTML 200 page the visible text (and the attributes a person reads or
hears: placeholder, title, aria-label, alt, a button's value) must contain none of:

- a code of webapp/choices.py (role, kiosk state, unit type, audit action, flag reason …);
- a unit's slug or a survey's key (fine in URLs and attributes, not in text);
- an ISO period such as 2026-Q4 (a person reads "Quý 4/2026");
- an English word or phrase of the interface, or a Python value leaking (None, True, False).
"""

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import select

from tests.factories import PASSWORD, add_responses, kiosk_for, login, make_user
from tests.field._data import add_field, checklist, surveyor
from tests.test_access_matrix import build, routes
from webapp.alerts.models import Case
from webapp.alerts.rules import RULES, Finding
from webapp.alerts.services import CaseChange, record_findings, record_inspections, update_case
from webapp.audit.services import record
from webapp.choices import KINDS, LANGUAGES
from webapp.extensions import db
from webapp.flags.services import review as flag_review
from webapp.kiosk.services import revoke_kiosk
from webapp.officials.services import create_official
from webapp.reports.models import Report
from webapp.responses.models import QuarantinedResponse
from webapp.surveys.models import Survey
from webapp.units.models import Unit
from webapp.units.services import get_unit

OWN_UNIT = "tan-dinh"
ROLES = ("admin", "manager", "auditor", "official")

# Routes that are not HTML pages, or that change the session rather than show something.
SKIP_ENDPOINTS = {
    "core.set_language",  # a redirect that switches the locale: would end the Vietnamese crawl
    "core.healthz",
    "core.favicon",
    "kiosk.service_worker",
}
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".js", ".ico")

# Pages worth a second look with a query: the data above is in 2025-Q1 and in the current
# period, lists have filters, and a wrong value shows an error page.
EXTRA_QUERIES = {
    "dashboard.overview": ["?period=2025-Q1", "?period=2025", "?period=2025-02", "?period=bad"],
    "dashboard.unit": ["?period=2025-Q1", "?period=2025-02"],
    "admin.audit": ["?page=2", "?action=auth.login", "?unit=no-such-unit"],
    "admin.flags": ["?decided=yes", "?reason=drift", "?period=2025-Q1", "?reason=bad"],
    "kiosk.enroll_page": ["?code=AAAA-AAAA"],
    "field_results.results": ["?year=2025", "?year=bad"],
    "field_results.inspections": ["?year=2025", "?year=1999"],
}

ENGLISH_PHRASES = [
    "Overview",
    "Dashboard",
    "Sign in",
    "Sign out",
    "Log in",
    "Log out",
    "Logout",
    "Password",
    "Units",
    "Unit",
    "Kiosks",
    "Users",
    "User",
    "Targets",
    "Target",
    "Surveys",
    "Survey",
    "Audit",
    "Quarantine",
    "Download",
    "Upload",
    "Save",
    "Cancel",
    "Delete",
    "Edit",
    "Create",
    "New",
    "Search",
    "Filter",
    "Submit",
    "Back",
    "Next",
    "Previous",
    "Status",
    "Satisfied",
    "Dissatisfied",
    "Responses",
    "Period",
    "Quarter",
    "Month",
    "Year",
    "Report",
    "Reports",
    "Verify",
    "Page",
    "Not found",
    "Forbidden",
    "Error",
    "Name",
    "Role",
    "Actions",
    "Total",
    "Home",
    "Settings",
    "Language",
    "Yes",
    "No",
    "None",
    "True",
    "False",
    "null",
    "undefined",
    "NaN",
]
# English function words never written in Vietnamese (case-insensitive): catch a sentence
# that slipped through untranslated even when none of its words is in the list above.
ENGLISH_FUNCTION_WORDS = [
    "the",
    "and",
    "of",
    "with",
    "your",
    "this",
    "has",
    "have",
    "was",
    "are",
    "from",
    "been",
    "will",
    "not",
    "must",
    "should",
    "which",
    "please",
]

# E-mail addresses are data a person typed (the demo accounts are admin@example.vn …); they
# are shown as they are and would match the role codes, so they are removed before checking.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ISO_PERIOD = re.compile(r"(?<![\w-])\d{4}-(?:Q[1-4]|0[1-9]|1[0-2])(?![\w-])")
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")  # a person reads 01/07/2025
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class VisibleText(HTMLParser):
    """Text a person reads: data outside <script>/<style>, plus the attributes read out.

    Text inside <code> is kept apart (`code_parts`): admins type a unit's slug and a survey's
    key on the command line (`flask kiosks create --unit SLUG`), so the admin pages show them,
    marked as code, as they may show an address to type (/units/…/reports/2025-Q2.pdf). Only
    those identifiers and period codes may appear there; every other check reads it too.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code_parts: list[str] = []
        self._hidden_depth = 0
        self._code_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden_depth += 1
        if tag == "code":
            self._code_depth += 1
        attrs = dict(attrs)
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        is_button = tag == "button" or (
            tag == "input" and (attrs.get("type") or "").lower() in BUTTON_INPUT_TYPES
        )
        if is_button and tag == "input" and attrs.get("value"):  # a <button> shows its content
            self.parts.append(attrs["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style", "template"):
            self._hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden_depth:
            self._hidden_depth -= 1
        if tag == "code" and self._code_depth:
            self._code_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth and data.strip():
            (self.code_parts if self._code_depth else self.parts).append(data)


# The error for a mistyped period (webapp/periods.py) shows how to type one in the address:
# there the codes are the format asked for, not a period to read.
PERIOD_FORMAT_HINT = "2024, 2024-Q2 hoặc 2024-04"


def visible_text(html: str) -> tuple[str, str]:
    """(prose, code): the visible text outside and inside <code>, e-mail addresses removed."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    prose, code = ("\n".join(parts) for parts in (parser.parts, parser.code_parts))
    return EMAIL.sub(" ", prose).replace(PERIOD_FORMAT_HINT, " "), EMAIL.sub(" ", code)


def word(token: str, flags=0) -> re.Pattern:
    """`token` as a whole word: not inside a longer word, code or slug."""
    return re.compile(r"(?<![\w.-])" + re.escape(token) + r"(?![\w-]|\.\w)", flags)


ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]|[{}]")


def untranslated_sources() -> list[str]:
    """The English of every message in the code (as `make i18n-extract` finds them), cut at
    its placeholders, for pieces of two words or more that its Vietnamese does not contain:
    on a Vietnamese page such a piece is a string nobody translated (or never wrapped)."""
    with (ROOT / "translations/vi/LC_MESSAGES/messages.po").open("rb") as source:
        catalogue = read_po(source)
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    pieces = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT / "webapp", method_map=method_map, keywords=KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if not msgid:
                continue
            entry = catalogue.get(msgid, context=context)
            translated = entry.string if entry is not None else ""
            translated = " ".join(translated) if isinstance(translated, tuple) else translated
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip(" .,:;!?()-–—…\"'")
                if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 2 and piece not in translated:
                    pieces.add(piece)
    return sorted(pieces)


def forbidden_patterns(app) -> list[tuple[str, re.Pattern]]:
    patterns = []
    with app.app_context():
        for kind, choices in KINDS.items():
            if choices is LANGUAGES:
                continue  # vi/en: the language switch names languages by their own names
            patterns += [(f"{kind} code", word(code)) for code in choices.codes]
        slugs = db.session.scalars(select(Unit.slug)).all()
        keys = db.session.scalars(select(Survey.key)).all()
    patterns += [("unit slug", word(slug)) for slug in slugs]
    patterns += [("survey key", word(key)) for key in keys]
    patterns.append(("ISO period", ISO_PERIOD))
    patterns.append(("ISO date", ISO_DATE))
    patterns += [("English", word(phrase)) for phrase in ENGLISH_PHRASES]
    patterns += [("English", word(w, re.IGNORECASE)) for w in ENGLISH_FUNCTION_WORDS]
    patterns += [("untranslated", word(piece)) for piece in untranslated_sources()]
    return patterns


# What may be read inside <code>: identifiers and period codes a person types (see VisibleText).
IDENTIFIERS = ("unit slug", "survey key", "ISO period")


def findings(texts: tuple[str, str], patterns) -> list[str]:
    prose, code = texts
    found = []
    for what, pattern in patterns:
        for text in (prose,) if what in IDENTIFIERS else (prose, code):
            found += _matches(what, pattern, text)
    return found


def _matches(what, pattern, text) -> list[str]:
    found = []
    for match in pattern.finditer(text):
        start, end = match.span()
        context = text[max(0, start - 40) : end + 40].replace("\n", " | ")
        found.append(f"{what} {match.group(0)!r} in …{context}…")
    return found


# Targets and details as the app records them (see the record() calls), for the audit log.
AUDIT_SHAPES = {
    "user.create": ("manager@example.vn", {"role": "manager", "units": [OWN_UNIT]}),
    "user.update": (
        "manager@example.vn",
        {
            "before": {"role": "auditor", "units": [], "active": True},
            "after": {"role": "manager", "units": [OWN_UNIT, "sai-gon"], "active": False},
        },
    ),
    "unit.update": (
        OWN_UNIT,
        {
            "before": {"name_vi": "Phường Tân Định", "type": "ward_one_stop", "parent": "quan-1"},
            "after": {"name_vi": "Phường Tân Định", "type": "ward_health_station", "parent": None},
        },
    ),
    "unit.retire": (OWN_UNIT, {"retired_on": "2025-07-01"}),
    "unit.merge": (OWN_UNIT, {"into": "sai-gon", "retired_on": "2025-07-01", "note": "sáp nhập"}),
    "unit.pin_set": (OWN_UNIT, {"pin": "set"}),
    "target.update": ("unit_type:preschool", {"before": "99.00", "after": "98.50"}),
    "survey.publish": ("tthc_one_stop v2", {}),
    "survey.retire": ("school_public", {}),
    "kiosk.create": ("kiosk:1", {"name": "Quầy 1"}),
    "quarantine.replay": ("quarantine:1", {"stored": "accepted", "note": "đã sửa"}),
    "quarantine.dismiss": ("quarantine:1", {"reason": "phiếu thử"}),
    "flag.review": (
        "response:0190a0b0-0000-7000-8000-000000000000",
        {
            "decision": "cleared",
            "reasons": ["burst", "drift"],
            "reason": "khách thật",
            "counted": True,
        },
    ),
    "responses.reflag": (
        None,
        {"period": "2025-02", "units": [OWN_UNIT], "responses": 9, "changed": 2, "flagged": 1},
    ),
    "overview.export": ("2025-Q1", {"unit_type": "preschool", "format": "xlsx"}),
    "responses.export": (OWN_UNIT, {"period": "2025-Q1"}),
    "report.generate": (
        f"{OWN_UNIT}/2025-Q1",
        {"period": "2025-Q1", "locale": "vi", "kind": "unit", "pdf_sha256": "ab" * 32},
    ),
    "report.download": (
        f"{OWN_UNIT}/2025-Q1",
        {"period": "2025-Q1", "locale": "en", "kind": "summary", "report_id": 1},
    ),
    "auth.account_under_attack": ("manager@example.vn", {"failures": 10}),
    "case.update": (
        "case:1",
        {
            "before": {"status": "open", "owner": None, "due_on": None},
            "after": {
                "status": "resolved",
                "owner": "manager@example.vn",
                "due_on": "2025-03-01",
                "action_taken": "Đã nhắc nhở",
            },
        },
    ),
}


ALERT_DETAILS = {
    "below_target": {
        "satisfied": 30,
        "n": 40,
        "pct": 75.0,
        "low": 60.0,
        "high": 86.0,
        "target": "99.00",
        "clearly": True,
        "first_day": "2025-01-12",
        "last_day": "2025-02-10",
    },
    "low_rating": {"response": "x", "overall": 1, "at": "2025-02-10T03:00:00+00:00"},
    "receipt_missing": {"response": "y", "overall": 4, "at": "2025-02-10T03:00:00+00:00"},
    "kiosk_silent": {
        "kiosk": 1,
        "kiosk_name": "Quầy 1",
        "last_contact": "2025-02-08T09:00:00+00:00",
        "office_hours_silent": 12.5,
    },
    "quarantined": {"item": 1, "fields": ["overall"]},
    "inspection_failed": {
        "response": "0190a0b0-0000-7000-8000-000000000002",
        "at": "2025-02-10T03:00:00+00:00",
        "surveyor": "ban-mttq@example.vn",
        "checks": 10,
        "failed": [
            {
                "question": "insp_card_worn",
                "text": {"vi": "Cán bộ đeo thẻ công chức", "en": "Staff wear their cards"},
                "finding": "Không đeo thẻ",
            }
        ],
    },
}
# Every case page of the world, not only the first: each rule explains itself differently.
EXTRA_QUERIES["alerts.cases"] = [
    "?status=resolved",
    "?rule=below_target",
    "?overdue=1",
    "?unit=tan-dinh",
    "?rule=bad",
]


@pytest.fixture
def world(seeded):
    """Users of every role, data on every kind of page, values for every URL parameter."""
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        manager = make_user("manager@example.vn", "manager", OWN_UNIT)
        make_user("auditor@example.vn", "auditor")
        official = create_official(
            get_unit(OWN_UNIT), "TD-001", "Nguyễn Thị Lan", "Công chức Tư pháp – Hộ tịch"
        )
        make_user("official@example.vn", "official", official=official)
        unit = get_unit(OWN_UNIT)
        enrolled = kiosk_for(OWN_UNIT, "Quầy 1")
        enrolled.token_hash = "0" * 64
        enrolled.enrolled_at = enrolled.created_at
        kiosk_for(OWN_UNIT, "Quầy 2")  # waiting for enrollment
        revoked = kiosk_for(OWN_UNIT, "Quầy 3")
        revoke_kiosk(revoked)
        school_slug = db.session.scalar(select(Unit.slug).where(Unit.type_code == "preschool"))
        school = kiosk_for(school_slug) if school_slug else None
        add_responses(enrolled, [5, 5, 4, 3, 1, 2, 5, 4])
        add_responses(enrolled, [5, 1], flagged=True, flags=["burst", "off_hours", "replay"])
        drifted = add_responses(enrolled, [5, 5], flagged=True, flags=["drift"])
        now = datetime.now(UTC) - timedelta(hours=2)
        add_responses(enrolled, [5, 4, 2, 5], at=now)
        if school is not None:
            add_responses(school, [5, 4, 1], survey="school_public")
        report = Report(
            unit_id=unit.id,
            period="2025-Q1",
            pdf_sha256="0" * 64,
            data_sha256="0" * 64,
            signer_fingerprint="0" * 64,
            pdf=b"%PDF-",
        )
        held = QuarantinedResponse(
            kiosk_id=enrolled.id, payload={"id": "x"}, errors={"id": "không hợp lệ"}
        )
        done = QuarantinedResponse(
            kiosk_id=enrolled.id,
            payload={"id": "y"},
            errors={"overall": "?"},
            resolved_at=now,
            resolution="dismissed",
        )
        db.session.add_all([report, held, done])
        db.session.flush()
        flag_review(drifted[0], "cleared", "khách thật", None)
        flag_review(drifted[1], "confirmed", "bấm thử", None)
        # A case of every rule (the alerts carry the details each rule records), one resolved.
        alerts = record_findings(
            [Finding(code, unit.id, "crawl", ALERT_DETAILS[code]) for code in RULES]
        )
        resolved = db.session.get(Case, alerts[-1].case_id)
        update_case(
            resolved,
            CaseChange("resolved", manager, date(2025, 3, 1), "Đã nhắc nhở"),
            None,
        )
        for action in KINDS["audit_action"].codes:
            target, details = AUDIT_SHAPES.get(action, (OWN_UNIT, {}))
            record(action, unit_id=unit.id, target=target, actor_label="cli", **details)
        record("kiosk.enroll", unit_id=unit.id, target=f"kiosk:{enrolled.id}", kiosk_id=enrolled.id)
        field_interviews_and_inspections()
        db.session.commit()
        return {
            "slug": OWN_UNIT,
            "period": "2025-Q1",
            "kiosk_id": enrolled.id,
            "user_id": manager.id,
            "report_id": report.id,
            "item_id": held.id,
            "key": "tthc_one_stop",
            "code": "vi",
            "official_id": official.id,
            "public_id": report.public_id or "x",
            "case_id": alerts[0].case_id,
            "response_id": drifted[1],
            "year": 2025,
        }


def field_interviews_and_inspections() -> None:
    """Household interviews in the own ward (enough for every axis to be shown) and in
    another, one failed and one passed inspection, so the field results pages show figures."""
    _user, device, _token = surveyor("ban-mttq@example.vn", OWN_UNIT, "sai-gon")
    answers = {
        "par_grassroots_law": True,
        "par_meeting_invited": False,
        "par_voted_leader": True,
        "par_leader_candidates": True,
        "par_contributions_overseen": "public_only",
        "tra_poor_list_posted": True,
        "tra_land_price_info": 4,
        "acc_contacted": True,
        "acc_contact_outcome": "partly",
        "cor_extra_pay_procedure": False,
        "adm_used_ward": True,
        "adm_trips": "twice",
        "pub_health_station": 3,
        "env_waste_collected": True,
        "egov_internet_use": True,
        "egov_portal_used": True,
        "egov_portal_rating": 5,
    }
    for i in range(12):
        add_field(device, OWN_UNIT, {**answers, "tra_land_price_info": 1 + i % 5})
    add_field(device, "sai-gon", answers)
    failed = add_field(
        device,
        OWN_UNIT,
        checklist({"insp_card_worn": "Không đeo thẻ", "insp_polite": "Quát người dân"}),
        survey="conduct_inspection",
    )
    add_field(device, OWN_UNIT, checklist(), survey="conduct_inspection")
    record_inspections([failed.id])


def html_routes(app, values):
    for rule, method, endpoint, audiences in routes(app):
        if method != "GET" or endpoint.startswith("api.") or endpoint in SKIP_ENDPOINTS:
            continue
        if rule.rule.startswith("/api/") or rule.rule.endswith(SKIP_SUFFIXES):
            continue
        url = build(rule, values)
        yield endpoint, audiences, url
        for query in EXTRA_QUERIES.get(endpoint, ()):
            yield endpoint, audiences, url + query


# Besides the pages themselves, the error pages a person meets (refused, not found, bad input).
CHECKED_STATUSES = {200, 400, 403, 404}


def crawl(app, values, endpoints=None) -> tuple[int, list[str]]:
    """GET every page as each role; (pages checked, findings)."""
    patterns = forbidden_patterns(app)
    failures = []
    checked = 0
    for role in ROLES:
        client = app.test_client()
        reply = login(client, f"{role}@example.vn", PASSWORD)
        assert reply.status_code == 302, reply.data[:500]
        for endpoint, _audiences, url in html_routes(app, values):
            if endpoints is not None and endpoint not in endpoints:
                continue
            reply = client.get(url)
            if reply.status_code not in CHECKED_STATUSES or reply.mimetype != "text/html":
                continue
            checked += 1
            html = reply.get_data(as_text=True)
            assert 'lang="vi"' in html, f"{role} {url}: not served in Vietnamese"
            for finding in findings(visible_text(html), patterns):
                failures.append(f"{role} GET {url} ({reply.status_code}): {finding}")
    return checked, failures


def test_pages_are_vietnamese_for_every_role(world, seeded):
    checked, failures = crawl(seeded, world)
    assert checked > 60
    assert failures == [], "\n" + "\n".join(failures)


def test_the_report_list_is_vietnamese(world, seeded):
    checked, failures = crawl(seeded, world, {"reports.report_list"})
    assert checked >= 3
    assert failures == [], "\n" + "\n".join(failures)


def test_anonymous_pages_are_vietnamese(world, seeded):
    app = seeded
    patterns = forbidden_patterns(app)
    client = app.test_client()
    failures = []
    for _endpoint, audiences, url in html_routes(app, world):
        if "public" not in audiences:
            continue
        reply = client.get(url)
        if reply.status_code not in CHECKED_STATUSES or reply.mimetype != "text/html":
            continue
        for finding in findings(visible_text(reply.get_data(as_text=True)), patterns):
            failures.append(f"anonymous GET {url} ({reply.status_code}): {finding}")
    for url in ("/no-such-page", "/admin/users"):  # the 404 page; the login it redirects to
        reply = client.get(url, follow_redirects=True)
        for finding in findings(visible_text(reply.get_data(as_text=True)), patterns):
            failures.append(f"anonymous GET {url}: {finding}")
    assert failures == [], "\n" + "\n".join(failures)


def test_the_checker_finds_what_it_should():
    """The extraction and the patterns themselves: codes in text are caught, in URLs not."""
    html = (
        '<html><head><style>.Overview{}</style><script>var x = "Sign in";</script></head>'
        '<body><a href="/units/tan-dinh">Phường Tân Định</a> <p>Trạng thái: enrolled</p>'
        '<input type="submit" value="Save"><input name="q" value="tan-dinh">'
        '<span title="Quý 4/2026">2026-Q4</span> admin@example.vn</body></html>'
    )
    text = visible_text(html)
    assert "Sign in" not in "".join(text)
    assert "Overview" not in "".join(text)
    patterns = [
        ("slug", word("tan-dinh")),
        ("code", word("enrolled")),
        ("code", word("admin")),
        ("English", word("Save")),
        ("period", ISO_PERIOD),
    ]
    found = findings(text, patterns)
    assert [f.split(" in ")[0] for f in found] == [
        "code 'enrolled'",
        "English 'Save'",
        "period '2026-Q4'",
    ]
