"""Integers from URLs: the `?page=` argument of paged lists and bounded `<int:…>` parts."""

from flask import request
from werkzeug.routing import IntegerConverter

# Far beyond any real list; keeps OFFSET arithmetic within the databases' integer range.
MAX_PAGE = 10_000


def page_number() -> int:
    """The 1-based page asked for, clamped to 1..MAX_PAGE (bad values mean page 1)."""
    return min(MAX_PAGE, max(1, request.args.get("page", 1, type=int) or 1))


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` in URLs, limited to what a database key can hold (64-bit signed).

    Werkzeug's converter takes any length of digits; a larger id reached the database driver
    and answered 500 on SQLite. Out of range is simply no such page: 404.
    """

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)
