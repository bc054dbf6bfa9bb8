"""Who may use which route.

Every view declares its audience with `@allow(...)`; a view without a declaration is
refused (403) so that a forgotten rule fails closed. The route x role test matrix walks
`app.url_map` and reads the same declarations.

Audiences: "public", "kiosk" (Bearer device token), and the user roles
"admin", "manager", "auditor", "official" (one official's own results, /me only),
"surveyor" (the field app and its device token: webapp.field).
Managers are further limited to their own units by
`require_unit_access` inside the view, because the unit comes from the URL.
"""

from collections.abc import Callable

from flask import abort, current_app, g, request
from flask_login import current_user

AUDIENCES = frozenset({"public", "kiosk", "admin", "manager", "auditor", "official", "surveyor"})
ANY_USER = ("admin", "manager", "auditor")


def allow(*audiences: str) -> Callable:
    unknown = set(audiences) - AUDIENCES
    if not audiences or unknown:
        raise ValueError(f"unknown audiences {unknown or audiences}")

    def decorate(view):
        view.allowed_audiences = frozenset(audiences)
        return view

    return decorate


def audiences_of(view) -> frozenset[str] | None:
    return getattr(view, "allowed_audiences", None)


def enforce_access() -> None:
    """before_request hook: apply the view's declared audience."""
    if request.endpoint is None:  # 404/405 are answered by the router
        return
    if request.endpoint == "static" or request.endpoint.endswith(".static"):
        return  # stylesheets and scripts are public files
    view = current_app.view_functions.get(request.endpoint)
    audiences = audiences_of(view)
    if audiences is None:
        current_app.logger.error("route %s has no @allow rule; refusing", request.endpoint)
        abort(403)
    if "public" in audiences:
        return
    if "kiosk" in audiences:
        from webapp.kiosk.services import authenticate_kiosk  # avoids an import cycle

        g.kiosk = authenticate_kiosk(request.headers.get("Authorization", ""))
        return
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in audiences:
        abort(403)


def visible_unit_ids(user) -> set[int] | None:
    """Units a user may see: None means all (admin, auditor); managers get theirs + children."""
    if user.role in ("admin", "auditor"):
        return None
    ids: set[int] = set()
    stack = list(user.units)
    while stack:
        unit = stack.pop()
        if unit.id not in ids:
            ids.add(unit.id)
            stack.extend(unit.children)
            stack.extend(unit.history_units())
    return ids


def can_see_unit(user, unit) -> bool:
    ids = visible_unit_ids(user)
    return ids is None or unit.id in ids


def require_unit_access(unit) -> None:
    if not can_see_unit(current_user, unit):
        abort(403)


def visible_unit_or_404(slug: str):
    """The unit named in a URL: 404 if unknown, 403 if the user may not see it."""
    from webapp.units.services import get_unit  # avoids an import cycle

    unit = get_unit(slug)
    if unit is None:
        abort(404)
    require_unit_access(unit)
    return unit
