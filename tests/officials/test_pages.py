"""The ranking page, /me and the signed ranking PDF, as each role meets them (SPEC 9, 11)."""

import io
import re
import subprocess
from datetime import timedelta

import pytest

from tests.factories import PASSWORD, kiosk_for, login, make_user
from tests.officials.conftest import FEB, add_answers
from webapp.extensions import db
from webapp.officials.services import create_official
from webapp.units.services import get_unit

LAN, BINH, CUC, DUNG = "Nguyễn Thị Lan", "Trần Văn Bình", "Lê Thị Cúc", "Phạm Văn Dũng"


@pytest.fixture
def world(seeded):
    """Sài Gòn: Lan 36/40 (90 %), Bình 20/30 (66,7 %), Dũng 3 answers (not ranked);
    Tân Định: Cúc 30/30 (100 %). All in February 2025, MIN_N 30."""
    seeded.config["MIN_N"] = 30
    with seeded.app_context():
        saigon, tandinh = get_unit("sai-gon"), get_unit("tan-dinh")
        lan = create_official(saigon, "SG-001", LAN, "Công chức Tư pháp – Hộ tịch")
        binh = create_official(saigon, "SG-002", BINH)
        dung = create_official(saigon, "SG-003", DUNG)
        cuc = create_official(tandinh, "TD-001", CUC)
        kiosk, other = kiosk_for("sai-gon"), kiosk_for("tan-dinh")
        add_answers(kiosk, lan, [5] * 36 + [2] * 4, answers={"staff": 5, "receipt": "co"})
        add_answers(
            kiosk, lan, [5], at=FEB + timedelta(days=1), answers={"comment": "Chị Lan rất tận tình"}
        )
        add_answers(kiosk, binh, [4] * 20 + [1] * 10, at=FEB + timedelta(hours=2),
                    answers={"receipt": "khong", "comment": "Anh Bình thiếu kiên nhẫn"})  # fmt: skip
        add_answers(kiosk, binh, [5] * 5, at=FEB + timedelta(hours=4), flagged=True)
        add_answers(kiosk, dung, [5, 5, 5], at=FEB + timedelta(hours=5))
        add_answers(other, cuc, [5] * 30)
        make_user("admin@q1.vn", "admin")
        make_user("auditor@q1.vn", "auditor")
        make_user("saigon@q1.vn", "manager", "sai-gon")
        make_user("tandinh@q1.vn", "manager", "tan-dinh")
        make_user("lan@q1.vn", "official", official=lan)
        make_user("binh@q1.vn", "official", official=binh)
        db.session.commit()
    return seeded


def pdf_words(pdf: bytes, tmp_path) -> str:
    """The PDF's text in reading order, whitespace collapsed (a name wrapped in its table
    cell reads as one)."""
    path = tmp_path / "ranking.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


def client_for(app, email):
    client = app.test_client()
    reply = login(client, email, PASSWORD)
    assert reply.status_code in (302, 303), reply.status_code
    return client


RANKING = "/units/sai-gon/officials?period=2025-Q1"


@pytest.mark.parametrize(
    ("email", "status"),
    [("admin@q1.vn", 200), ("auditor@q1.vn", 200), ("saigon@q1.vn", 200), ("tandinh@q1.vn", 403)],
)
def test_ranking_page_roles(world, email, status):
    reply = client_for(world, email).get(RANKING)
    assert reply.status_code == status
    if status == 200:
        page = reply.get_data(as_text=True)
        codes = re.findall(r'data-official-code="([^"]+)"', page)
        assert codes == ["SG-001", "SG-002", "SG-003"]  # ranked by %, then the unranked
        assert CUC not in page  # another unit's official
        assert "90,2" in page
        assert "66,7" in page


def test_ranking_page_anonymous_and_bad_period(world):
    assert world.test_client().get(RANKING).status_code == 302
    admin = client_for(world, "admin@q1.vn")
    assert admin.get("/units/sai-gon/officials?period=2025-Q9").status_code == 400
    assert admin.get("/units/atlantis/officials").status_code == 404


def test_a_parent_unit_ranks_the_officials_below_it(world):
    page = client_for(world, "admin@q1.vn").get("/units/quan-1/officials?period=2025-Q1")
    assert page.status_code == 200
    codes = re.findall(r'data-official-code="([^"]+)"', page.get_data(as_text=True))
    assert codes == ["TD-001", "SG-001", "SG-002", "SG-003"]


def test_me_shows_only_the_officials_own_results(world):
    client = client_for(world, "lan@q1.vn")
    reply = client.get("/me?period=2025-Q1")
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert LAN in page
    assert "90,2" in page  # 37 of 41
    assert "Chị Lan rất tận tình" in page
    for name in (BINH, CUC, DUNG, "SG-002", "TD-001", "Anh Bình thiếu kiên nhẫn"):
        assert name not in page
    # Rank 1 of the 2 ranked officials of Sài Gòn.
    assert re.search(r"\b1\b[^<]*\b2\b", page.split("data-me", 1)[1])
    other = client_for(world, "binh@q1.vn").get("/me?period=2025-Q1").get_data(as_text=True)
    assert BINH in other
    assert LAN not in other
    assert "Chị Lan rất tận tình" not in other
    assert "66,7" in other


@pytest.mark.parametrize(
    "url",
    [
        "/overview",
        "/units/sai-gon",
        "/admin/officials",
        "/units/sai-gon/officials",
        "/units/sai-gon/officials/2025-Q1.pdf",
        "/admin/officials/1",
    ],
)
def test_an_official_sees_nothing_else(world, url):
    assert client_for(world, "lan@q1.vn").get(url).status_code == 403


@pytest.mark.parametrize("email", ["admin@q1.vn", "auditor@q1.vn", "saigon@q1.vn"])
def test_me_is_for_officials_only(world, email):
    assert client_for(world, email).get("/me").status_code == 403


def test_ranking_pdf_verifies(world, tmp_path):
    client = client_for(world, "admin@q1.vn")
    reply = client.get("/units/sai-gon/officials/2025-Q1.pdf")
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    assert reply.mimetype == "application/pdf"
    text = pdf_words(reply.data, tmp_path)
    assert "BẢNG XẾP HẠNG CÁN BỘ" in text
    assert text.index(LAN) < text.index(BINH) < text.index(DUNG)
    assert CUC not in text
    assert "0/40" in text
    assert "30/30" in text
    # The whole table fits the page: the last column is there.
    assert "biên lai" in text  # the heading of the last column
    verified = world.test_client().post(
        "/api/v1/verify",
        data={"file": (io.BytesIO(reply.data), "ranking.pdf")},
        content_type="multipart/form-data",
    )
    assert verified.status_code == 200
    body = verified.get_json()
    assert body["valid"] is True, body
    assert body["unit"] == "sai-gon"
    assert body["period"] == "2025-Q1"
    # Served again from the cache: the same bytes.
    assert client.get("/units/sai-gon/officials/2025-Q1.pdf").data == reply.data


def test_ranking_pdf_of_a_parent_unit_ranks_the_units_too(world, tmp_path):
    reply = client_for(world, "admin@q1.vn").get("/units/quan-1/officials/2025-Q1.pdf")
    assert reply.status_code == 200
    text = pdf_words(reply.data, tmp_path)
    assert "BẢNG XẾP HẠNG CÁN BỘ" in text
    units_at = text.index("I. XẾP HẠNG CÁC ĐƠN VỊ")
    officials_at = text.index("II. XẾP HẠNG CÁN BỘ")
    # Tân Định (30 of 30) before Sài Gòn (74 answers, 81,1 %), ahead of the officials.
    assert units_at < text.index("Phường Tân Định", units_at) < officials_at
    assert text.index("Phường Tân Định", units_at) < text.index("Phường Sài Gòn", units_at)
    assert "1/1" in text[units_at:officials_at]
    assert "0/2" in text[units_at:officials_at]
    assert text.index(CUC) < text.index(LAN) < text.index(BINH) < text.index(DUNG)
    assert officials_at < text.index(CUC)


@pytest.mark.parametrize(
    ("email", "url", "status"),
    [
        ("auditor@q1.vn", "/units/sai-gon/officials/2025-Q1.pdf", 200),
        ("saigon@q1.vn", "/units/sai-gon/officials/2025-Q1.pdf", 200),
        ("tandinh@q1.vn", "/units/sai-gon/officials/2025-Q1.pdf", 403),
        ("admin@q1.vn", "/units/sai-gon/officials/2099-Q1.pdf", 400),
        ("admin@q1.vn", "/units/sai-gon/officials/2025-Q7.pdf", 400),
    ],
)
def test_ranking_pdf_roles_and_periods(world, email, url, status):
    assert client_for(world, email).get(url).status_code == status
