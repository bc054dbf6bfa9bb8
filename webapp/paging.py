"""The `?page=` argument of paged lists."""

from flask import request

# Far beyond any real list; keeps OFFSET arithmetic within the databases' integer range.
MAX_PAGE = 10_000


def page_number() -> int:
    """The 1-based page asked for, clamped to 1..MAX_PAGE (bad values mean page 1)."""
    return min(MAX_PAGE, max(1, request.args.get("page", 1, type=int) or 1))
