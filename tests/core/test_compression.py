"""Responses are compressed where it is safe, so a tablet on slow 3G gets the kiosk quickly."""

import gzip

GZIP = {"Accept-Encoding": "gzip"}


def test_scripts_are_sent_gzipped_and_decode_to_the_file(client):
    plain = client.get("/static/js/kiosk/main.js")
    packed = client.get("/static/js/kiosk/main.js", headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers  # a client that cannot inflate gets it raw
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 2
    assert gzip.decompress(packed.data) == plain.data


def test_a_compressed_file_can_still_be_revalidated(client):
    """The service worker revalidates its precache with the ETag it got: still a 304."""
    first = client.get("/static/js/kiosk/main.js", headers=GZIP)
    again = client.get(
        "/static/js/kiosk/main.js", headers={**GZIP, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""


def test_json_is_compressed(client):
    packed = client.get("/api/v1/openapi.json", headers=GZIP)
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data).startswith(b"{")


def test_html_pages_are_never_compressed(client):
    """Forms carry a CSRF token next to echoed input: compressing them invites BREACH."""
    page = client.get("/login?next=/overview", headers=GZIP)
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers
    assert page.mimetype == "text/html"
    assert b"<form" in page.data
