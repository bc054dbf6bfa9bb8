"""Hài Lòng: the application factory."""

import logging
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import catalogues
from webapp import config as config_module
from webapp.contacts.crypto import ensure_contact_key
from webapp.extensions import babel, compress, csrf, db, limiter, mail, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
        instance_path=os.environ.get("HAILONG_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
    )
    configure(app, test_config)
    register_url_converters(app)
    register_extensions(app)
    register_template_filters(app)
    register_blueprints(app)
    register_hooks(app)
    register_cli(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_object(config_module.DefaultConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.database_url_from_env(app.instance_path)
    app.config.from_prefixed_env()
    if test_config:
        app.config.update(test_config)
    config_module.ensure_secret_key(app)
    ensure_contact_key(app)
    if app.config["PROXY_HOPS"]:
        # Behind a load balancer / TLS proxy: trust its X-Forwarded-* headers, so that rate
        # limits, audit entries and URLs see the client's address and scheme.
        hops = int(app.config["PROXY_HOPS"])
        # Flask documents wrapping wsgi_app this way; its stub declares it a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    logging.basicConfig(level=logging.INFO)
    # fontTools logs every subsetting step of the PDF fonts at INFO.
    logging.getLogger("fontTools").setLevel(logging.WARNING)


def register_url_converters(app: Flask) -> None:
    from webapp.paging import BoundedIntegerConverter

    app.url_map.converters["int"] = BoundedIntegerConverter


def register_extensions(app: Flask) -> None:
    import webapp.models  # noqa: F401  (registers every table)
    from webapp.auth.login_setup import init_login
    from webapp.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(compile_translations(app)),
    )
    init_login(app)
    limiter.init_app(app)
    compress.init_app(app)
    mail.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _tune_sqlite)


def compile_translations(app: Flask) -> Path:
    """The `.po` sources compiled into the instance folder; production needs Vietnamese."""
    languages = app.config["LANGUAGES"]
    source = Path(app.config.get("TRANSLATIONS_SOURCE") or PROJECT_ROOT / "translations")
    target = catalogues.compiled_catalogues(
        source, Path(app.instance_path) / "translations", languages
    )
    missing = catalogues.missing_catalogues(target, [app.config["BABEL_DEFAULT_LOCALE"]])
    if missing and app.config["PRODUCTION"]:
        raise RuntimeError(
            f"No compiled catalogue for {', '.join(missing)}: pages would be English"
        )
    return target


def _tune_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers and one writer work together; wait for locks instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from webapp.admin.routes import bp as admin_bp
    from webapp.alerts.routes import bp as alerts_bp
    from webapp.api.routes import bp as api_bp
    from webapp.auth.routes import bp as auth_bp
    from webapp.contacts.routes import bp as contacts_bp
    from webapp.core.routes import bp as core_bp
    from webapp.dashboard.routes import bp as dashboard_bp
    from webapp.field.app_routes import bp as field_app_bp
    from webapp.field.results_routes import bp as field_results_bp
    from webapp.kiosk.routes import bp as kiosk_bp
    from webapp.officials.routes import bp as officials_bp
    from webapp.reports.routes import bp as reports_bp

    blueprints = (core_bp, auth_bp, kiosk_bp, api_bp, dashboard_bp, admin_bp, reports_bp)
    field = (field_results_bp, field_app_bp)
    for blueprint in (*blueprints, officials_bp, alerts_bp, contacts_bp, *field):
        app.register_blueprint(blueprint)


def register_template_filters(app: Flask) -> None:
    from webapp import formatting

    formatting.register_template_filters(app)


def register_hooks(app: Flask) -> None:
    from webapp.access import enforce_access
    from webapp.alerts.routes import nav_globals
    from webapp.errors import (
        refuse_nul_characters,
        refuse_oversize_headers,
        register_error_handlers,
    )
    from webapp.i18n import template_globals
    from webapp.security import add_security_headers

    app.before_request(refuse_oversize_headers)
    app.before_request(refuse_nul_characters)
    app.before_request(enforce_access)
    app.after_request(add_security_headers)
    app.context_processor(template_globals)
    app.context_processor(nav_globals)
    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from webapp.alerts.cli import alerts_cli
    from webapp.audit.cli import audit_cli
    from webapp.auth.cli import users_cli
    from webapp.backup.cli import backup_cli
    from webapp.contacts.cli import contacts_cli
    from webapp.demo.cli import demo_cli
    from webapp.kiosk.cli import kiosks_cli, set_pin_command
    from webapp.mailer.cli import mail_cli
    from webapp.officials.cli import officials_cli
    from webapp.reports.cli import reports_cli
    from webapp.responses.cli import responses_cli
    from webapp.surveys.cli import surveys_cli
    from webapp.units.cli import units_cli

    # The staff PIN is a unit's, set through the kiosk services: `flask units set-pin`.
    units_cli.add_command(set_pin_command)
    groups = (
        *(demo_cli, units_cli, surveys_cli, users_cli, kiosks_cli, officials_cli),
        *(responses_cli, reports_cli, audit_cli, backup_cli, mail_cli, alerts_cli),
        contacts_cli,
    )
    for group in groups:
        app.cli.add_command(group)
