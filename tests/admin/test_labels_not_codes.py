"""A Vietnamese session reads labels and names, never the codes behind them (issue 11).

The main dashboard and admin pages are rendered as an admin with kiosks in every state,
flagged responses, audit entries and a unit of each packaged type; their visible text (not
attributes, links or `<code>` blocks, which carry identifiers on purpose) must not contain
a raw code.
"""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from tests.factories import add_responses, kiosk_for, login, make_user
from webapp import choices
from webapp.audit.services import record
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.kiosk.services import revoke_kiosk

FEB = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)
PAGES = (
    "/overview?period=2025-Q1",
    "/overview?period=2026-Q4",
    "/units/tan-dinh?period=2025-Q1",
    "/units/tan-dinh/kiosks",
    "/units/tan-dinh/reports",
    "/admin/units",
    "/admin/units/tan-dinh/edit",
    "/admin/users",
    "/admin/users/new",
    "/admin/kiosks",
    "/admin/audit",
    "/admin/targets",
    "/admin/surveys",
)
PERIOD_CODES = ("2025-Q1", "2026-Q4", "2025-02")


class VisibleText(HTMLParser):
    """The text a person sees: no scripts, styles or <code> (identifiers shown as such)."""

    HIDDEN = {"script", "style", "code", "title"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def raw_codes() -> list[str]:
    codes = [*PERIOD_CODES]
    for kind in ("unit_type", "kiosk_state", "audit_action", "role", "flag_reason"):
        codes.extend(choices.KINDS[kind].codes)
    return codes


def _data(app):
    with app.app_context():
        make_user("admin@example.vn", "admin")
        make_user("manager@example.vn", "manager", "tan-dinh")
        make_user("auditor@example.vn", "auditor")
        kiosk_for("tan-dinh", "Quầy 1")  # pending
        enrolled = kiosk_for("tan-dinh", "Quầy 2")
        enrolled.enrolled_at = utcnow()
        revoke_kiosk(kiosk_for("tan-dinh", "Quầy 3"))
        add_responses(enrolled, [5] * 40, at=FEB)
        add_responses(enrolled, [1] * 3, at=FEB, flags=["off_hours"], flagged=True)
        # Entries whose targets are codes: a unit type's target, an export of a period.
        record("target.update", target="unit_type:ward_health_station", before="95", after="96")
        record("overview.export", target="2026-Q4", format="xlsx")
        record("report.generate", unit_id=enrolled.unit_id, target="tan-dinh/2025-Q1")
        db.session.commit()


def test_vietnamese_pages_show_no_raw_codes(seeded, client):
    _data(seeded)
    login(client, "admin@example.vn")
    pattern = re.compile(
        r"(?<![\w@./-])(" + "|".join(re.escape(c) for c in raw_codes()) + r")(?![\w@/-])"
    )
    found = {}
    for url in PAGES:
        reply = client.get(url + ("&" if "?" in url else "?") + "lang=vi")
        assert reply.status_code == 200, url
        text = visible_text(reply.get_data(as_text=True))
        hits = sorted(set(pattern.findall(text)))
        if hits:
            found[url] = hits
    assert found == {}


def test_the_same_pages_name_things_in_vietnamese(seeded, client):
    _data(seeded)
    login(client, "admin@example.vn")
    kiosks = visible_text(client.get("/units/tan-dinh/kiosks?lang=vi").get_data(as_text=True))
    for state in ("chờ kết nối", "đã kết nối", "đã thu hồi"):
        assert state in kiosks
    users = visible_text(client.get("/admin/users?lang=vi").get_data(as_text=True))
    assert "Cán bộ quản lý đơn vị" in users
    assert "Phường Tân Định" in users  # the manager's unit by name
    audit = visible_text(client.get("/admin/audit?lang=vi").get_data(as_text=True))
    assert "đăng nhập" in audit
    assert "Đối tượng" in audit  # the object column, not "Chỉ tiêu" (a target percentage)
    assert "Trạm Y tế phường" in audit  # unit_type:ward_health_station
    assert "Phường Tân Định · Quý I/2025" in audit  # tan-dinh/2025-Q1
    assert "Quầy 3 (Phường Tân Định)" in audit  # kiosk:N
    unit = visible_text(client.get("/units/tan-dinh?period=2025-Q1&lang=vi").get_data(as_text=True))
    assert "Quý I/2025" in unit
    assert "ngoài giờ hành chính: 3" in unit  # the flag reason by its label
    assert "Phường Tân Định" in unit
    targets = client.get("/admin/targets?lang=vi").get_data(as_text=True)
    assert 'value="99"' in targets
    assert "99.00" not in targets
