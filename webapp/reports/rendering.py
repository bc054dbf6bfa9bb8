"""HTML → PDF with WeasyPrint, sandboxed.

The renderer fetches nothing from the network or the file system: the only URLs it accepts are
`data:` URIs (the QR code) and `hailong-font:<name>` for the vendored fonts, served from
static/fonts/ by an allow-list. A report's HTML is built from database values, so a hostile
string (a unit name, a comment) must never make the server read `file:///etc/…` or call out.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from webapp.reports.signing import FONT_DIR, StampBox

log = logging.getLogger(__name__)

FONT_SCHEME = "hailong-font:"
FONTS = {
    "NotoSans-Regular.ttf": FONT_DIR / "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf": FONT_DIR / "NotoSans-Bold.ttf",
}
STAMP_SLOT_ID = "signature-slot"
CSS_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF user space is in pt (1/72 in)

_fetcher_class = None
_font_cache: dict[str, bytes] = {}


class RefusedURL(ValueError):
    pass


def sandboxed_fetcher():
    """A WeasyPrint URL fetcher that serves only data: URIs and the vendored fonts."""
    global _fetcher_class
    if _fetcher_class is None:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class SandboxedURLFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                if url.startswith(FONT_SCHEME):
                    name = url[len(FONT_SCHEME) :]
                    path = FONTS.get(name)
                    if path is not None:
                        if name not in _font_cache:
                            _font_cache[name] = Path(path).read_bytes()
                        return URLFetcherResponse(
                            url, _font_cache[name], {"Content-Type": "font/ttf"}
                        )
                log.warning("PDF renderer refused to fetch %.120s", url)
                raise RefusedURL(f"refused to fetch {url[:120]!r}: only data: URIs are allowed")

        _fetcher_class = SandboxedURLFetcher
    return _fetcher_class(allowed_protocols=("data", FONT_SCHEME[:-1]))


@dataclass
class RenderedPdf:
    pdf: bytes
    pages: int
    stamp: StampBox | None


def render_pdf(html: str, *, info: dict[str, str]) -> RenderedPdf:
    """Render `html` to PDF bytes; `info` entries go into the PDF's document information.

    Also returns where the element with id="signature-slot" landed, so the signer can put the
    visible stamp exactly into the space the template kept for it.
    """
    import pydyf
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=sandboxed_fetcher(), base_url="about:blank").render()

    def finisher(_document, pdf):
        for key, value in info.items():
            if value is not None:
                pdf.info[key.lstrip("/")] = pydyf.String(str(value))

    pdf = document.write_pdf(finisher=finisher)
    return RenderedPdf(pdf=pdf, pages=len(document.pages), stamp=_find_slot(document))


def _find_slot(document) -> StampBox | None:
    for index, page in enumerate(document.pages):
        box = _find_box(page._page_box, STAMP_SLOT_ID)
        if box is not None:
            page_height_pt = page.height * CSS_PX_TO_PT
            x1 = box.border_box_x() * CSS_PX_TO_PT
            y_top = box.border_box_y() * CSS_PX_TO_PT
            width = box.border_width() * CSS_PX_TO_PT
            height = box.border_height() * CSS_PX_TO_PT
            return StampBox(
                page=index,
                box=(
                    round(x1),
                    round(page_height_pt - y_top - height),
                    round(x1 + width),
                    round(page_height_pt - y_top),
                ),
            )
    return None


def _find_box(box, element_id: str):
    stack = [box]
    while stack:
        current = stack.pop()
        element = getattr(current, "element", None)
        if element is not None and element.get("id") == element_id:
            return current
        stack.extend(getattr(current, "children", ()) or ())
    return None
