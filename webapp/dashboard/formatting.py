"""Locale-aware number, percentage and date formatting for templates (Flask-Babel).

Percentages keep one decimal because targets sit at 95 % and 99 %: "99,2 %" in Vietnamese,
"99.2%" in English.
"""

from datetime import datetime

from flask_babel import format_datetime, format_decimal, get_locale
from markupsafe import Markup

PCT_SUFFIX = {"vi": "\u00a0%", "en": "%"}


def _lang() -> str:
    return str(get_locale() or "vi")


def pct(value) -> str:
    if value is None:
        return "–"
    # Babel's percent patterns round to whole numbers; one decimal and the locale's spacing.
    return format_decimal(float(value), format="#,##0.0") + PCT_SUFFIX.get(_lang(), "%")


def num(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def when(moment: datetime | None, style: str = "short") -> str:
    return "–" if moment is None else format_datetime(moment, style)


def verdict_class(share) -> str:
    """CSS class of a share compared with its target: ok, bad, or muted when not judged."""
    if share is None or not share.enough or share.meets_target is None:
        return "muted"
    return "ok" if share.meets_target else "bad"


def register(app) -> None:
    app.add_template_filter(pct, "pct")
    app.add_template_filter(num, "num")
    app.add_template_filter(when, "when")
    app.add_template_filter(verdict_class, "verdict_class")
    app.add_template_global(Markup, "Markup")
