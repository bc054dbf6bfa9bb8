"""Helpers for the contacts tests: an enrolled kiosk and a sync call carrying a contact."""

import pytest

from tests.kiosk_api.conftest import EnrolledKiosk, enroll_kiosk, response_item

SYNC = "/api/v1/sync"
PHONE = "+84 912.345-678"  # as typed: the stored (normalised) form is NATIONAL
NATIONAL = "0912345678"


@pytest.fixture
def kiosk(seeded) -> EnrolledKiosk:
    with seeded.app_context():
        return enroll_kiosk()


def with_contact(phone: str = PHONE, **contact) -> dict:
    return response_item(contact={"phone": phone, "consent": True, **contact})
