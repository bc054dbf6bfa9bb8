"""Errors answered as JSON for the API (or JSON clients) and as a page for browsers."""

from flask import jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import BuildError

from webapp.extensions import db


class APIError(HTTPException):
    """An HTTP error with a machine-readable code, e.g. APIError(409, "conflict", "…")."""

    def __init__(self, status: int, error: str, message: str, headers=None):
        super().__init__(description=message)
        self.code = status
        self.error = error
        self.extra_headers = headers or {}


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
    return render_template("errors/error.html", status=status, exc=exc), status, headers


def handle_unexpected(exc: Exception):
    db.session.rollback()
    return handle_http_error(InternalServerError())


def register_error_handlers(app) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
