"""A tiny HTTP client for the concurrency test's child processes (imports nothing of ours,
so spawning a process does not re-run the test suite's set-up)."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def post_sync(base_url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        base_url + "/api/v1/sync",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        return reply.status, json.loads(reply.read())


def post_many(base_url: str, token: str, bodies: list[dict], threads: int = 3) -> list:
    """Post the bodies from several threads at once; the (status, reply) of each."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda body: post_sync(base_url, token, body), bodies))
