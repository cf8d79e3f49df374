"""The text of a PDF's first page, for a preview on terminals with no PDF viewer.

PDFium (through pypdfium2, BSD-3/Apache-2.0) lays the text out: lines placed with ``cm`` transforms stay
apart, fonts decode through their maps, and with the form environment loaded (``init_forms``) the page's form
fields are flattened into it, so a filled-in field's value shows too (the appearance is made from the value
when the file has none). It is a preview, not a layout engine: columns come out in reading order.

PDFium is not thread-safe and previews run in worker threads, so every use holds one lock.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ssp_tui.errors import SspError

if TYPE_CHECKING:
    from pypdfium2 import PdfTextPage

DEFAULT_MAX_CHARS = 4000
_PDFIUM_LOCK = threading.Lock()
_BLANKS = re.compile(r"[^\S\n]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
"""Control and direction characters, dropped: text from a file never moves the terminal's cursor or reorders
what is on screen."""


class PdfTextError(SspError):
    """The file cannot be previewed; the message is fit to show."""


def first_page_text(path: Path, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The text of page 1 with its form-field values, at most ``max_chars`` characters ("" when the page has
    no text, e.g. a scan).

    Raises PdfTextError with a plain message when the file is missing, not a PDF, encrypted or damaged.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PdfTextError(f"The file {path.name!r} is not there any more.") from None
    except OSError as exc:
        raise PdfTextError(f"Could not read {path.name!r}: {exc.strerror or type(exc).__name__}.") from None
    with _PDFIUM_LOCK:
        raw = _extract(data)
    return _tidy(raw, max_chars)


def _extract(data: bytes) -> str:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise PdfTextError("The PDF is password-protected, so it cannot be previewed.") from None
        raise PdfTextError("The file is not a readable PDF.") from None
    try:
        # Before any page is loaded, or the fields stay out of reach (pypdfium2's rule).
        document.init_forms()
        if len(document) == 0:
            raise PdfTextError("The PDF has no pages.")
        page = document[0]
        try:
            has_fields = document.formenv is not None  # None: the file has no form
            if has_fields:
                page.flatten()  # the fields into the page's content; the open handle is stale after this
                page.close()
                page = document[0]
            text_page = page.get_textpage()
            try:
                # In drawing order (PDFium's own lines) unless fields were flattened in: they are drawn last.
                return _text_by_position(text_page) if has_fields else text_page.get_text_bounded()
            finally:
                text_page.close()
        finally:
            page.close()
    except pdfium.PdfiumError:
        raise PdfTextError("The file is not a readable PDF.") from None
    finally:
        document.close()


def _text_by_position(text_page: PdfTextPage) -> str:
    """The page's text runs top to bottom, runs that share a line joined left to right.

    PDFium reads text in drawing order, and flattened fields are drawn last: by position, a field's value
    sits beside its label ("Holder: Mercy Hospital") instead of after the whole page. About twice the time
    of reading in drawing order, so only pages with fields pay it.
    """
    runs: list[_Run] = []
    for index in range(text_page.count_rects()):
        left, bottom, right, top = text_page.get_rect(index)
        text = text_page.get_text_bounded(left, bottom, right, top)
        if text.strip():
            runs.append(_Run(top, bottom, left, text.strip()))
    runs.sort(key=lambda run: (-run.top, run.left))
    lines: list[list[_Run]] = []
    for run in runs:
        middle = (run.top + run.bottom) / 2
        line = lines[-1] if lines else None
        if line is not None and line[0].bottom <= middle <= line[0].top:
            line.append(run)
        else:
            lines.append([run])
    return "\n".join(" ".join(run.text for run in sorted(line, key=lambda run: run.left)) for line in lines)


class _Run(NamedTuple):
    top: float
    bottom: float
    left: float
    text: str


def _tidy(raw: str, max_chars: int) -> str:
    lines = [_CONTROLS.sub("", _BLANKS.sub(" ", line)).strip() for line in raw.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    text = re.sub(r" {2,}", " ", text)
    return text if len(text) <= max_chars else text[:max_chars].rstrip() + "…"
