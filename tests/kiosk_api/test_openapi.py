"""The OpenAPI document describes the API well enough for a schema-based fuzzer."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.kiosk_api.conftest import enroll_kiosk

EXAMPLES = 20  # per operation and mode: a few seconds in all

# schemathesis' default list of refusals, plus 413.
NEGATIVE_REFUSALS = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
# Every check schemathesis has, with one documented allowance: a request can match the schema
# and still be refused for what it means, not for its shape — an enrollment code of the right
# form that was never issued (400 invalid_code) or has expired (410), a sync whose device_time
# no real clock could show (400). Those answers are listed in the document; the fuzzer may
# expect them from schema-valid data on these two operations only.
CONFIG = schemathesis.Config.from_dict(
    {
        # Schema-violating data must be refused; too many items (over maxItems) is refused as
        # too large (413, documented) rather than as malformed.
        "checks": {"negative_data_rejection": {"expected-statuses": NEGATIVE_REFUSALS}},
        "operations": [
            {
                "include-name": "POST /api/v1/kiosk/enroll",
                "checks": {"positive_data_acceptance": {"expected-statuses": [200, 400, 410]}},
            },
            {
                "include-name": "POST /api/v1/sync",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": [200, 400]},
                    # A malformed *item* is refused inside a 200, in the reply's `rejected`
                    # list with its errors (SPEC 9: one bad response must not block the
                    # batch); the check only sees the status. The envelope's own refusals
                    # (400/413) are covered by tests/kiosk_api/test_sync.py.
                    "negative_data_rejection": {"enabled": False},
                },
            },
            # The fuzzer holds a kiosk's token and no session: a field device's operations
            # refuse it, as documented (their success paths: tests/field/test_field_api.py).
            {
                "include-name": "POST /api/v1/field/token",
                "checks": {"positive_data_acceptance": {"expected-statuses": [200, 401]}},
            },
            {
                "include-name": "GET /api/v1/field/config",
                "checks": {"positive_data_acceptance": {"expected-statuses": [200, 403]}},
            },
        ],
    }
)


def test_openapi_document_is_served_as_openapi_3_1(client):
    reply = client.get("/api/v1/openapi.json")
    assert reply.status_code == 200
    document = reply.get_json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/v1/kiosk/enroll",
        "/api/v1/kiosk/config",
        "/api/v1/kiosk/dead-letters",
        "/api/v1/sync",
        "/api/v1/verify",
        "/api/v1/openapi.json",
        "/api/v1/field/token",
        "/api/v1/field/config",
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzing_the_api_finds_no_5xx_and_no_undocumented_answer(seeded, mode):
    with seeded.app_context():
        kiosk = enroll_kiosk()
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded, config=CONFIG)
    operations = [result.ok() for result in api.get_all_operations()]
    labels = {operation.label for operation in operations}
    assert {
        "POST /api/v1/kiosk/enroll",
        "GET /api/v1/kiosk/config",
        "POST /api/v1/sync",
        "POST /api/v1/verify",
    } <= labels

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            # Schemathesis offers gzip but its WSGI transport does not inflate what it gets
            # (an HTTP client would); compression has its own tests (core/test_compression).
            headers = {**kiosk.headers, "Accept-Encoding": "identity"}
            case.call_and_validate(headers=headers)

        call()
