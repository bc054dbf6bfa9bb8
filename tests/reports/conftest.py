"""Fixtures for the report tests: known responses, logged-in clients, PDF helpers."""

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.factories import add_responses, kiosk_for
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent.parent
FEB = datetime(2025, 2, 10, 2, 0, tzinfo=UTC)  # 09:00 in Ho Chi Minh City, a Monday
COMMENT = "Cán bộ nhiệt tình, hướng dẫn tận tình; phòng chờ hơi nóng."


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """The PDFs are Vietnamese through gettext: make sure the .mo files are current."""
    for po_path in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


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
