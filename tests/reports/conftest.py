"""Fixtures for the report tests: known responses, logged-in clients, PDF helpers."""

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import add_responses, kiosk_for
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent.parent
FEB = datetime(2025, 2, 10, 2, 0, tzinfo=UTC)  # 09:00 in Ho Chi Minh City, a Monday
COMMENT = "Cán bộ nhiệt tình, hướng dẫn tận tình; phòng chờ hơi nóng."


@pytest.fixture
def figures_app(seeded):
    """Sài Gòn ward: 50 counted answers in 2025-Q1, 48 satisfied (96,0 %), 2 flagged.

    Tân Định: 40 answers, all 5 (100 %); the health station under Sài Gòn: 12 answers (too few).
    """
    with seeded.app_context():
        kiosk = kiosk_for("sai-gon", "Quầy tiếp nhận 1")
        add_responses(
            kiosk,
            [5] * 40 + [4] * 8 + [2, 1],
            at=FEB,
            domain="ho_tich",
            answers={"receipt": "khong", "staff": 5, "comment": COMMENT},
        )
        add_responses(kiosk, [5, 5], at=FEB + timedelta(hours=1), flagged=True, flags=["burst"])
        add_responses(kiosk_for("tan-dinh"), [5] * 40, at=FEB + timedelta(days=31))
        add_responses(kiosk_for("q1-tyt-ben-nghe"), [5] * 12, at=FEB, survey="health_public")
        db.session.commit()
    return seeded


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
