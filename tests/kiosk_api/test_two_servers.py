"""Two app servers on one database and one Redis (issue 15): batches synced to both at once are
stored exactly once, either server shows the same figures, a rate limit counts once across
both, and the audit chain does not fork.

Needs a Redis: `.ci/run` starts one and sets HAILONG_TEST_REDIS_URL (REQUIRE_REDIS=1 makes a
missing Redis a failure there instead of a skip).
"""

import http.cookiejar
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import gunicorn_server
from tests.factories import PASSWORD, make_user
from tests.kiosk_api import _client
from tests.kiosk_api.conftest import enroll_kiosk
from tests.kiosk_api.test_concurrency import check_exactly_once, overlapping_batches, the_pool
from webapp.audit.services import verify_chain
from webapp.extensions import db

REDIS_URL = os.environ.get("HAILONG_TEST_REDIS_URL")
pytestmark = pytest.mark.slow

if not REDIS_URL and os.environ.get("REQUIRE_REDIS") == "1":
    raise RuntimeError("REQUIRE_REDIS=1 but HAILONG_TEST_REDIS_URL is not set")


def post_form(opener, url: str, fields: dict) -> int:
    body = urllib.parse.urlencode(fields).encode()
    try:
        with opener.open(url, data=body) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def no_redirects() -> urllib.request.OpenerDirector:
    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Keep)


@pytest.mark.skipif(not REDIS_URL, reason="no Redis (HAILONG_TEST_REDIS_URL)")
def test_two_app_servers_share_one_truth(seeded):
    with seeded.app_context():
        kiosk = enroll_kiosk()
        make_user("admin@q1.vn", "admin")
        db.session.commit()
    pool = the_pool(300)
    bodies = overlapping_batches(pool, count=16, size=60, seed=7)
    settings = {
        "FLASK_RATELIMIT_STORAGE_URI": REDIS_URL,
        "FLASK_LOGIN_RATE_LIMIT": "10 per minute",
        "FLASK_WTF_CSRF_ENABLED": "false",
        # Counters of earlier runs in the same Redis must not count here.
        "FLASK_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }
    with (
        gunicorn_server(workers=2, **settings) as one,
        gunicorn_server(workers=2, **settings) as two,
    ):
        # Batches alternate between the servers, several in flight on each at once.
        targets = [(one if i % 2 else two, body) for i, body in enumerate(bodies)]
        with ThreadPoolExecutor(6) as threads:
            replies = list(
                threads.map(lambda t: _client.post_sync(t[0], kiosk.token, t[1]), targets)
            )
        check_exactly_once(seeded, pool, replies)

        # The same figures from either server (the session cookie is valid on both).
        admin = no_redirects()
        assert (
            post_form(admin, one + "/login", {"email": "admin@q1.vn", "password": PASSWORD}) == 302
        )
        csv_url = "/units/sai-gon/responses.csv"
        exports = []
        for server in (one, two):
            with admin.open(server + csv_url) as reply:
                exports.append(reply.read())
        assert exports[0] == exports[1]
        assert exports[0].count(b"\n") == len(pool) + 1

        # Seven failed sign-ins on each server from one client, after the admin's one: the
        # limit of 10 per minute counts once across both (memory:// would let all 15 through).
        guesser = no_redirects()
        statuses = [
            post_form(guesser, server + "/login", {"email": f"g{i}@q1.vn", "password": "x"})
            for i in range(7)
            for server in (one, two)
        ]
        assert statuses.count(429) == 1 + len(statuses) - 10, statuses
    with seeded.app_context():
        status = verify_chain()
    assert status.intact, status
