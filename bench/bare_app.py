"""A bare Flask endpoint for calibration: parses the same sync body and inserts the rows with
raw sqlite3 executemany ... ON CONFLICT DO NOTHING, without authentication, validation, flags,
clock correction or duplicate reporting. It shows what Flask + gunicorn + SQLite alone reach on
this machine, next to which the real endpoint's figure can be read.

    BARE_DB=path/to.db gunicorn --workers 2 bench.bare_app:app
"""

import json
import os
import sqlite3
from datetime import UTC, datetime

from flask import Flask, g, jsonify, request

app = Flask(__name__)
INSERT = (
    "INSERT INTO responses (id, kiosk_id, unit_id, survey_version_id, locale, answers,"
    " overall, domain_code, device_started_at, device_submitted_at, submitted_at,"
    " received_at, clock_skew_seconds, flagged, flags)"
    " VALUES (?, 1, 1, 1, ?, ?, ?, NULL, ?, ?, ?, ?, 0, 0, '[]')"
    " ON CONFLICT (id) DO NOTHING"
)


def connection() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(os.environ["BARE_DB"], isolation_level=None, timeout=10)
        g.db.execute("PRAGMA journal_mode=WAL")
        g.db.execute("PRAGMA synchronous=NORMAL")
    return g.db


@app.teardown_appcontext
def close(_exc) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/api/v1/sync")
def sync():
    body = json.loads(request.get_data())
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    rows = [
        (
            bytes.fromhex(item["id"].replace("-", "")),
            item["locale"],
            json.dumps(item["answers"]),
            item["answers"]["overall"],
            item["started_at"],
            item["submitted_at"],
            item["submitted_at"],
            now,
        )
        for item in body["responses"]
    ]
    db = connection()
    db.execute("BEGIN")
    db.executemany(INSERT, rows)
    db.execute("COMMIT")
    return jsonify(accepted=[item["id"] for item in body["responses"]], duplicates=[])
