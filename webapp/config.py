"""Configuration: defaults here, overridden by `DATABASE_URL` and `FLASK_*` variables.

Every key below can be set from the environment with Flask's prefix, e.g.
`FLASK_KIOSK_RESET_SECONDS=10` (values are parsed as JSON, so numbers and booleans work).
"""

import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)


class DefaultConfig:
    # Deployment: production refuses to start without an explicit secret key.
    PRODUCTION = False
    SECRET_KEY: str | None = None

    SQLALCHEMY_DATABASE_URI: str | None = None  # derived from DATABASE_URL
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Sessions and cookies. Set FLASK_SESSION_COOKIE_SECURE=false only for plain-HTTP localhost.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # a form left open all shift must still submit

    # Languages and time.
    BABEL_DEFAULT_LOCALE = "vi"
    LANGUAGES = ("vi", "en")
    TIMEZONE = "Asia/Ho_Chi_Minh"

    # Where links in PDFs, QR codes and enrollment URLs point.
    PUBLIC_BASE_URL = "http://127.0.0.1:8000"

    # Kiosk behaviour (SPEC section 5).
    KIOSK_RESET_SECONDS = 8
    KIOSK_IDLE_SECONDS = 45
    KIOSK_COOLDOWN_SECONDS = 5
    KIOSK_ENROLL_CODE_TTL_HOURS = 24

    # Sync limits (SPEC section 9).
    SYNC_MAX_RESPONSES = 500
    SYNC_MAX_BYTES = 1024 * 1024
    CLOCK_SKEW_TOLERANCE_SECONDS = 120

    # Anti-gaming flags (SPEC section 7): open and configurable.
    FLAG_BURST_COUNT = 10  # more than this many responses from one kiosk ...
    FLAG_BURST_SECONDS = 60  # ... within this many seconds is a burst
    OFFICE_HOURS_START = "07:00"
    OFFICE_HOURS_END = "18:00"
    OFFICE_WEEKDAYS = (0, 1, 2, 3, 4, 5)  # Monday..Saturday morning service is common
    # Drift (`flask responses reflag`, nightly): a kiosk's share of 5s on a local day, with at
    # least this many answers on that day and in its previous FLAG_DRIFT_HISTORY_DAYS, far
    # above that history (flags.stats: +10 points and z >= 3).
    FLAG_DRIFT_MIN_N = 20
    FLAG_DRIFT_HISTORY_DAYS = 30

    # Figures (SPEC section 4).
    MIN_N = 30
    # Field survey scores (SPEC 13, webapp/field/scoring.py): an axis of a ward is shown
    # from this many respondents.
    FIELD_MIN_N = 10

    # Alerts (SPEC 12, webapp/alerts/rules.py): the rules `flask alerts run` evaluates, the
    # days of a unit's share compared with its target, and how far back responses are read.
    ALERT_RULES = (
        "below_target",
        "low_rating",
        "receipt_missing",
        "kiosk_silent",
        "quarantined",
        "inspection_failed",
    )
    ALERT_WINDOW_DAYS = 30
    ALERT_LOOKBACK_DAYS = 7
    # `flask alerts run` mails each new alert to the unit's managers; True: one daily digest
    # per person instead (run it once a day from cron then).
    ALERT_MAIL_DIGEST = False

    # Rate limits (Flask-Limiter). Use a shared store (redis://) behind a load balancer.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"  # per client address
    # Failed sign-ins per account; beyond it only the addresses that failed on it are refused.
    LOGIN_ACCOUNT_RATE_LIMIT = "20 per hour"
    ENROLL_RATE_LIMIT = "10 per minute"
    SYNC_RATE_LIMIT = "120 per minute"
    REPORT_RATE_LIMIT = "30 per minute"  # PDF downloads per account (each may render+sign)
    VERIFY_RATE_LIMIT = "30 per minute"  # PDF uploads to /verify and /api/v1/verify, per address

    # E-mail (SPEC 9), Flask-Mail: FLASK_MAIL_SERVER, _PORT, _USE_TLS, _USERNAME, _PASSWORD,
    # _DEFAULT_SENDER. Without a server every message is written to instance/mail/*.eml.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Hài Lòng <hailong@localhost>"
    # Flask-Mail suppresses sending while testing by default; the mail tests use a real
    # local SMTP server, and without MAIL_SERVER nothing is sent anyway.
    MAIL_SUPPRESS_SEND = False

    # Follow-up contacts (SPEC 13, webapp/contacts/): Fernet keys, comma-separated, the first
    # encrypts (rotation: README); development generates instance/contact.key. Contacts older
    # than the retention are deleted by `flask contacts purge`.
    CONTACT_KEY: str | None = None
    CONTACT_RETENTION_DAYS = 180

    # Reports (SPEC section 8).
    # Each report's issuing body comes from the unit tree as of the report's date (see
    # reports/issuers.py). These name the operator in the development certificate only.
    ISSUING_BODY_VI = "Hệ thống Hài Lòng"
    ISSUING_BODY_EN = "Hai Long system"
    # Who signs, by issuer ("unit:<slug>" or "successor"), when the unit has no head name.
    REPORT_SIGNERS: dict[str, str] = {}
    # When District 1's bodies ceased (the 2025 reform); default from the packaged data.
    DISTRICT_DISSOLVED_ON: str | None = None
    # `flask reports build --mail` sends the district summary also to these addresses (the
    # district office); FLASK_REPORT_SUMMARY_RECIPIENTS="a@q1.vn,b@q1.vn" (comma separated).
    REPORT_SUMMARY_RECIPIENTS: list[str] | str = []
    SIGNING_P12_PATH: str | None = None
    SIGNING_P12_PASSWORD: str | None = None
    TIMESTAMP_URL: str | None = None
    VERIFY_MAX_BYTES = 5 * 1024 * 1024  # reports are a few hundred KB; bigger uploads get 413

    # Compression (Flask-Compress), so that gunicorn alone already meets the kiosk's first-visit
    # budget on slow 3G. HTML is left out on purpose: pages carry CSRF tokens next to echoed
    # filter values, the BREACH pattern; scripts, styles and JSON carry no such pair.
    COMPRESS_MIMETYPES = [
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    ]
    # Files are sent as streams, which have their own list (the default leaves gzip out).
    COMPRESS_ALGORITHM = COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]

    # Nothing legitimate is larger (a PDF to verify is capped at 5 MiB, a sync at 1 MiB).
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    # Number of trusted proxies in front of the app (0: none). Set it behind a load balancer
    # or TLS proxy, never when clients reach gunicorn directly (they could forge headers).
    PROXY_HOPS = 0


def database_url_from_env(instance_path: str) -> str:
    """`DATABASE_URL` if set (psycopg 3 driver for PostgreSQL), else SQLite in instance/."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "hailong.db")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def ensure_secret_key(app) -> None:
    """Production needs FLASK_SECRET_KEY; development keeps a generated one in instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["PRODUCTION"]:
        raise RuntimeError("FLASK_SECRET_KEY must be set when FLASK_PRODUCTION is true")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
        log.warning("Generated a development secret key in %s", key_file)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
