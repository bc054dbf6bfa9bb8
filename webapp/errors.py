"""Errors answered as JSON for the API (or JSON clients) and as a page for browsers."""

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    RequestHeaderFieldsTooLarge,
)
from werkzeug.routing import BuildError

from webapp.extensions import db


class APIError(HTTPException):
    """An HTTP error with a machine-readable code, e.g. APIError(409, "conflict", "…")."""

    def __init__(self, status: int, error: str, message: str, headers=None):
        super().__init__(description=message)
        self.code = status
        self.error = error
        self.extra_headers = headers or {}


# What a person reads on an error page: werkzeug's names and descriptions are English and
# written for developers, so pages say in the person's language what happened and what to do.
ERROR_PAGES = {
    400: (_l("The request could not be understood"), _l("Check what you entered and try again.")),
    403: (
        _l("You may not open this page"),
        _l("Your account does not give access here. Ask an administrator if you need it."),
    ),
    404: (
        _l("Page not found"),
        _l("The address may be mistyped, or the page no longer exists."),
    ),
    405: (_l("This action is not allowed here"), _l("Go back and use the page's buttons.")),
    413: (_l("What you sent is too large"), _l("Send a smaller file or fewer items.")),
    429: (_l("Too many attempts"), _l("Wait a minute, then try again.")),
    431: (
        _l("The request's headers are too large"),
        _l("Clear this site's cookies in the browser, then try again."),
    ),
    500: (
        _l("Something went wrong on the server"),
        _l("Try again in a moment; if it keeps happening, tell the IT staff."),
    ),
}
DEFAULT_ERROR_PAGE = (_l("The request could not be completed"), _l("Try again in a moment."))


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_code(exc: HTTPException) -> str:
    return getattr(exc, "error", None) or (exc.name or "error").lower().replace(" ", "_")


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    if status == 401 and not wants_json():
        try:
            return redirect(url_for("auth.login", next=request.full_path))
        except BuildError:
            pass
    headers = dict(getattr(exc, "extra_headers", {}))
    if status == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = str(getattr(exc, "retry_after", None) or 60)
    if status == 405 and exc.get_headers():
        headers.update({k: v for k, v in exc.get_headers() if k == "Allow"})
    if wants_json():
        body = jsonify(error=error_code(exc), message=exc.description or exc.name)
        return body, status, headers
    title, advice = ERROR_PAGES.get(status, DEFAULT_ERROR_PAGE)
    # A view that says why (abort(400, description=_("…"))) is more helpful than the advice;
    # werkzeug's own English descriptions are not shown.
    if exc.description and exc.description != type(exc).description:
        advice = exc.description
    page = render_template("errors/error.html", status=status, title=title, advice=advice)
    return page, status, headers


def handle_unexpected(exc: Exception):
    # A handler for Exception stops Flask from logging the traceback itself.
    current_app.logger.exception("unhandled error: %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_error(InternalServerError())


def handle_data_error(exc: DataError):
    """Input the database refuses (a value out of range, bytes it cannot store) is the
    client's fault: 400, with the transaction rolled back so nothing is half-written."""
    db.session.rollback()
    current_app.logger.warning("database refused input: %s", exc.orig)
    return handle_http_error(BadRequest(_l("A value in the request cannot be stored.")))


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def refuse_nul_characters() -> None:
    """before_request: NUL characters are never valid text here, and PostgreSQL refuses
    them deep inside a query. Answer 400 up front instead of failing later."""
    if "\x00" in request.path or _has_nul(request.args.values()):
        raise BadRequest(_l("The request contains a NUL character."))
    # Only plain forms: parsing a multipart upload here would apply the app-wide size limit
    # before a view can set its own (the PDF verification upload does).
    if request.mimetype == "application/x-www-form-urlencoded" and _has_nul(request.form.values()):
        raise BadRequest(_l("The request contains a NUL character."))


# gunicorn refuses a single header above 8 KiB with its own plain-text 400 before the app sees
# it; below that, the app answers oversize headers itself, as JSON for the API (probe finding L4).
MAX_HEADER_BYTES = 4096
MAX_HEADERS_TOTAL_BYTES = 16384


def refuse_oversize_headers() -> None:
    """before_request: 431 for a header or a header block no client of ours would send."""
    sizes = [len(name) + len(value) for name, value in request.headers.items()]
    if sizes and (max(sizes) > MAX_HEADER_BYTES or sum(sizes) > MAX_HEADERS_TOTAL_BYTES):
        raise RequestHeaderFieldsTooLarge(_l("A request header is too large."))


def register_error_handlers(app) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(Exception, handle_unexpected)
