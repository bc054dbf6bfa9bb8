def test_healthz_answers_ok_when_database_answers(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.get_json() == {"status": "ok"}


def test_healthz_has_security_headers(client):
    reply = client.get("/healthz")
    assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_the_site_icon_is_served(client):
    reply = client.get("/favicon.ico")
    assert reply.status_code == 200
    assert reply.mimetype == "image/png"
    assert reply.data.startswith(b"\x89PNG")
