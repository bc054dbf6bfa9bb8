"""Dashboard pages in both languages, the CSV and the XLSX downloads."""

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from tests.factories import add_responses, kiosk_for, login, make_user
from webapp.extensions import db
from webapp.responses.export import HEADER

FEB = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)


def _data(app):
    with app.app_context():
        make_user("admin@example.vn", "admin")
        make_user("manager@example.vn", "manager", "tan-dinh")
        # 124 of 125 satisfied: 99.2 %, above the 99 % target.
        add_responses(
            kiosk_for("tan-dinh"), [5] * 124 + [2], at=FEB, answers={"comment": "Rất tốt"}
        )
        add_responses(kiosk_for("sai-gon"), [5] * 30 + [1] * 10, at=FEB)
        db.session.commit()


def test_unit_dashboard_vi_formats_numbers_for_the_locale(seeded, client):
    _data(seeded)
    login(client, "manager@example.vn")
    page = client.get("/units/tan-dinh?period=2025-Q1").get_data(as_text=True)
    assert "99,2\u00a0%" in page
    assert "124 trên 125 lượt trả lời" in page
    assert "đạt chỉ tiêu" in page
    assert "<svg" in page
    assert 'font-family="' in page
    assert "<title id=" in page  # text alternative of each chart
    assert "style=" not in page  # CSP: no inline styles
    assert "Rất tốt" in page
    english = client.get("/units/tan-dinh?period=2025-Q1&lang=en").get_data(as_text=True)
    assert "99.2%" in english
    assert "124 of 125 answers" in english
    assert "meets the target" in english


def test_overview_ranks_and_filters(seeded, client):
    _data(seeded)
    login(client, "admin@example.vn")
    page = client.get("/overview?period=2025-Q1&type=ward_one_stop&lang=en").get_data(as_text=True)
    assert page.index("Tan Dinh Ward") < page.index("Sai Gon Ward")
    assert "below the target" in page
    assert "too few answers" not in page or "no answers" in page
    assert client.get("/overview?period=2025-Q9").status_code == 400
    assert client.get("/overview?type=nonsense").status_code == 400


def test_manager_overview_shows_only_their_units(seeded, client):
    _data(seeded)
    login(client, "manager@example.vn")
    page = client.get("/overview?period=2025-Q1&lang=en").get_data(as_text=True)
    assert "Tan Dinh Ward" in page
    assert "Sai Gon Ward" not in page
    assert client.get("/units/sai-gon/responses.csv").status_code == 403
    vi = client.get("/overview?period=2025-Q1&lang=vi").get_data(as_text=True)
    assert "Tổng quan các đơn vị của bạn" in vi  # not "the whole district" for two units
    assert "Tổng quan toàn quận" not in vi


def test_csv_matches_the_cli(seeded, client, runner):
    _data(seeded)
    login(client, "manager@example.vn")
    reply = client.get("/units/tan-dinh/responses.csv?period=2025-Q1")
    assert reply.status_code == 200
    assert reply.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert len(rows) == 126
    assert {r[1] for r in rows[1:]} == {"tan-dinh"}
    # The web file starts with a BOM for Excel: the CLI's with --bom.
    cli = runner.invoke(
        args=["responses", "export", "--unit", "tan-dinh", "--period", "2025-Q1", "--bom"]
    )
    assert cli.stdout_bytes == reply.data
    assert client.get("/units/tan-dinh/responses.csv?period=2025-Q2").data.count(b"\n") == 1
    assert client.get("/units/tan-dinh/responses.csv?period=25").status_code == 400


def test_xlsx_overview_contents(seeded, client):
    _data(seeded)
    login(client, "admin@example.vn")
    reply = client.get("/overview.xlsx?period=2025-Q1&type=ward_one_stop&lang=en")
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:3] == ("Rank", "Unit", "Slug")
    first, second = rows[3], rows[4]
    assert first[:3] == (1, "Tan Dinh Ward", "tan-dinh")
    assert first[4:7] == (124, 125, 99.2)
    assert first[9] == 99.0
    assert first[10] == "meets the target"
    assert second[2] == "sai-gon"
    assert second[4:7] == (30, 40, 75.0)
    assert second[10] == "below the target"
