"""The OpenAPI document describes the API well enough for a schema-based fuzzer."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from tests.kiosk_api.conftest import enroll_kiosk

EXAMPLES = 20  # per operation and mode: a few seconds in all

# Conformance, not negative-data policy: the API deliberately accepts a body whose optional
# "kiosk" facts are malformed (telemetry must never block a sync).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def test_openapi_document_is_served_as_openapi_3_1(client):
    reply = client.get("/api/v1/openapi.json")
    assert reply.status_code == 200
    document = reply.get_json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/v1/kiosk/enroll",
        "/api/v1/kiosk/config",
        "/api/v1/sync",
        "/api/v1/openapi.json",
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzing_the_api_finds_no_5xx_and_no_undocumented_answer(seeded, mode):
    with seeded.app_context():
        kiosk = enroll_kiosk()
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded)
    operations = [result.ok() for result in api.get_all_operations()]
    labels = {operation.label for operation in operations}
    assert {"POST /api/v1/kiosk/enroll", "GET /api/v1/kiosk/config", "POST /api/v1/sync"} <= labels

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
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
