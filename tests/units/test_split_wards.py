"""A ward of 2024 split between several wards of 2025 (Đa Kao → Tân Định and Sài Gòn): its
history is shown under each ward it fed, marked as shared, and counted once in a total."""

from datetime import UTC, datetime

from tests.factories import add_responses, kiosk_for, login, make_user
from webapp.dashboard import figures
from webapp.extensions import db
from webapp.periods import parse_period
from webapp.units.services import get_unit

YEAR_2024 = parse_period("2024")
NOV_2024 = datetime(2024, 11, 5, 2, tzinfo=UTC)  # 09:00 local, a Tuesday


def test_the_import_records_every_ward_a_split_ward_went_to(seeded):
    with seeded.app_context():
        da_kao = get_unit("da-kao")
        assert da_kao.merged_into.slug == "tan-dinh"  # the first listed: kiosks, links
        assert [u.slug for u in da_kao.split_into] == ["sai-gon", "tan-dinh"]
        assert get_unit("ben-nghe").split_into == []  # a whole ward is not a split
        assert {u.slug for u in get_unit("sai-gon").split_from} == {"da-kao", "nguyen-thai-binh"}


def test_a_split_wards_history_is_shown_under_each_successor_and_counted_once(seeded):
    with seeded.app_context():
        add_responses(kiosk_for("da-kao"), [5] * 8 + [2] * 2, at=NOV_2024)
        add_responses(kiosk_for("ben-nghe"), [4] * 5, at=NOV_2024)
        tan_dinh = figures.unit_summary(get_unit("tan-dinh"), YEAR_2024)
        sai_gon = figures.unit_summary(get_unit("sai-gon"), YEAR_2024)

        assert (tan_dinh.headline.satisfied, tan_dinh.headline.n) == (8, 10)
        assert tan_dinh.shared_predecessors == ["da-kao"]
        # Sài Gòn: Bến Nghé whole, plus the share it shows of Đa Kao.
        assert (sai_gon.headline.satisfied, sai_gon.headline.n) == (13, 15)
        assert "da-kao" in sai_gon.includes_predecessors
        assert "ben-nghe" not in sai_gon.shared_predecessors

        district = get_unit("quan-1")
        total = figures.share_with_units_below(district, YEAR_2024)
        assert (total.satisfied, total.n) == (13, 15)  # Đa Kao's 10 once, not twice

        rows = {
            r["unit_slug"]: r for r in figures.rank_rows(figures.units_below(district), YEAR_2024)
        }
        assert rows["tan-dinh"].get("shared_history") is True
        assert rows["sai-gon"].get("shared_history") is True
        # A unit with no split ward in its history (a school, a clinic) is not marked.
        unmarked = set(rows) - {"tan-dinh", "sai-gon", "ben-thanh", "cau-ong-lanh"}
        assert unmarked
        assert not any("shared_history" in rows[slug] for slug in unmarked)


def test_the_unit_page_says_the_history_is_shared(seeded, client):
    with seeded.app_context():
        make_user("manager@example.vn", "manager", "tan-dinh")
        add_responses(kiosk_for("da-kao"), [5] * 3, at=NOV_2024)
        db.session.commit()
    login(client, "manager@example.vn")  # the manager of a successor sees the shared history
    page = client.get("/units/tan-dinh?period=2024").get_data(as_text=True)
    assert "Phường Đa Kao được chia cho nhiều phường năm 2025" in page
    assert "chỉ được tính một lần" in page
