"""The page frame every sandbox PDF shares, and a small flowing layout on reportlab's low-level canvas.

Why not platypus: the canvas is several times faster and every document here is short. The layout records the
drawing of each page as a list of operations and renders only at the end, so the footer can say "Page X of Y"
without a second pass. Builders that promise a page count pass it to ``render``, which refuses to produce any
other count (a sandbox document's ``pages`` column is set when the database is seeded).

Determinism: ``invariant=1`` fixes the creation date and the document id, and nothing else in the output
depends on the clock, so the same data gives byte-identical PDFs. Only the standard Type1 fonts are used, so
the text stays extractable straight from the content streams.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"
ITALIC = "Helvetica-Oblique"

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 54.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
CONTENT_TOP = PAGE_HEIGHT - 86.0
"""The first baseline below the page header."""
CONTENT_BOTTOM = 64.0
"""Nothing flows below this line: the footer lives underneath."""

BODY_SIZE = 9.5
BODY_LEADING = 12.5
Color = tuple[float, float, float]
INK = (0.1, 0.1, 0.12)
ACCENT = (0.0, 0.27, 0.49)
MUTED = (0.42, 0.42, 0.45)
RULE = (0.72, 0.74, 0.78)

Operation = Callable[[Canvas], None]


class PageCountError(ValueError):
    """A builder produced a different number of pages from the one the document promises."""


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the frame shows on every page and what goes into the PDF's metadata."""

    title: str
    issuer: str
    """Shown at the top of every page (the insurer, or the publishing department) and stored as the author."""
    subject: str
    reference: str = ""
    """Bottom left of every page, e.g. the policy number and form."""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BuiltPdf:
    content: bytes
    pages: int


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: float
    align: str = "left"
    """left or right (numbers and money are right-aligned)."""


@lru_cache(maxsize=65536)
def _width(text: str, font: str, size: float) -> float:
    # Words and boilerplate repeat across thousands of documents; measuring each once makes layout cheap.
    return stringWidth(text, font, size)


@lru_cache(maxsize=8192)
def wrap(text: str, width: float, font: str = REGULAR, size: float = BODY_SIZE) -> tuple[str, ...]:
    """Lines of ``text`` that fit ``width`` (greedy, at spaces); an empty text is one empty line.

    Type1 widths have no kerning, so a line's width is the sum of its words' and spaces' widths."""
    words = text.split()
    if not words:
        return ("",)
    space = _width(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    current_width = 0.0
    for word in words:
        word_width = _width(word, font, size)
        if current and current_width + space + word_width > width:
            lines.append(" ".join(current))
            current, current_width = [word], word_width
        else:
            current_width += space + word_width if current else word_width
            current.append(word)
    lines.append(" ".join(current))
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class TextRun:
    font: str
    size: float
    x: float
    y: float
    text: str
    color: Color


@dataclass(slots=True)
class Page:
    """What one page shows: rules and boxes (drawn first, underneath) and runs of text."""

    graphics: list[Operation] = field(default_factory=list)
    texts: list[TextRun] = field(default_factory=list)


def _draw_line(x1: float, y1: float, x2: float, y2: float, width: float, color: Color) -> Operation:
    def draw(canvas: Canvas) -> None:
        canvas.setStrokeColorRGB(*color)
        canvas.setLineWidth(width)
        canvas.line(x1, y1, x2, y2)

    return draw


def _draw_rect(x: float, y: float, width: float, height: float, fill: Color | None) -> Operation:
    def draw(canvas: Canvas) -> None:
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.6)
        if fill is not None:
            canvas.setFillColorRGB(*fill)
        canvas.rect(x, y, width, height, stroke=1, fill=1 if fill is not None else 0)

    return draw


@dataclass(slots=True)
class Layout:
    """A letter-size document laid out top to bottom; ``render`` draws the frame and returns the PDF bytes."""

    info: DocumentInfo
    pages: list[Page] = field(default_factory=lambda: [Page()])
    y: float = CONTENT_TOP

    # Low-level drawing at absolute positions (forms such as the certificate use these directly).

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        font: str = REGULAR,
        size: float = BODY_SIZE,
        color: Color = INK,
    ) -> None:
        self.pages[-1].texts.append(TextRun(font, size, x, y, text, color))

    def text_right(
        self,
        x: float,
        y: float,
        text: str,
        *,
        font: str = REGULAR,
        size: float = BODY_SIZE,
        color: Color = INK,
    ) -> None:
        self.pages[-1].texts.append(TextRun(font, size, x - _width(text, font, size), y, text, color))

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        width: float = 0.6,
        color: Color = RULE,
    ) -> None:
        self.pages[-1].graphics.append(_draw_line(x1, y1, x2, y2, width, color))

    def rect(self, x: float, y: float, width: float, height: float, fill: Color | None = None) -> None:
        self.pages[-1].graphics.append(_draw_rect(x, y, width, height, fill))

    # Flowing content: each call starts at the cursor ``y`` and moves it down, opening a page when needed.

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = CONTENT_TOP

    def ensure(self, height: float) -> None:
        """Open a new page unless ``height`` points still fit on this one."""
        if self.y - height < CONTENT_BOTTOM:
            self.new_page()

    def space(self, height: float) -> None:
        self.y -= height

    def title(self, text: str, *, size: float = 16.0) -> None:
        self.ensure(size + 8)
        for line in wrap(text, CONTENT_WIDTH, BOLD, size):
            self.text(MARGIN, self.y, line, font=BOLD, size=size, color=ACCENT)
            self.y -= size + 4
        self.y -= 6

    def heading(self, text: str, *, size: float = 11.0) -> None:
        # Keep a heading with at least two lines of what follows it.
        self.ensure(size + 6 + 2 * BODY_LEADING)
        self.y -= 4
        self.text(MARGIN, self.y, text, font=BOLD, size=size, color=ACCENT)
        self.y -= size + 5

    def paragraph(
        self,
        text: str,
        *,
        font: str = REGULAR,
        size: float = BODY_SIZE,
        indent: float = 0.0,
        leading: float | None = None,
        color: Color = INK,
        after: float = 5.0,
    ) -> None:
        step = leading if leading is not None else size * 1.32
        for line in wrap(text, CONTENT_WIDTH - indent, font, size):
            self.ensure(step)
            self.text(MARGIN + indent, self.y, line, font=font, size=size, color=color)
            self.y -= step
        self.y -= after

    def bullets(self, items: Sequence[str], *, size: float = BODY_SIZE) -> None:
        for item in items:
            lines = wrap(item, CONTENT_WIDTH - 14, REGULAR, size)
            self.ensure(BODY_LEADING * min(len(lines), 2))
            self.text(MARGIN + 4, self.y, "\u2022", size=size)
            for line in lines:
                self.ensure(BODY_LEADING)
                self.text(MARGIN + 14, self.y, line, size=size)
                self.y -= BODY_LEADING
            self.y -= 2
        self.y -= 4

    def key_values(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        label_width: float = 150.0,
        size: float = BODY_SIZE,
        x: float = MARGIN,
        width: float = CONTENT_WIDTH,
    ) -> None:
        """Label and value rows; a long value wraps under itself."""
        for label, value in pairs:
            lines = wrap(value, width - label_width, REGULAR, size)
            self.ensure(BODY_LEADING * len(lines))
            self.text(x, self.y, label, font=BOLD, size=size)
            for line in lines:
                self.text(x + label_width, self.y, line, size=size)
                self.y -= BODY_LEADING
            self.y -= 1.5
        self.y -= 4

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, size: float = 8.5) -> None:
        """A ruled table; the header row repeats on every page the table runs onto."""
        row_height = size + 5.5

        def header() -> None:
            self.rect(MARGIN, self.y - 4, sum(c.width for c in columns), row_height, fill=(0.92, 0.94, 0.97))
            self._cells(columns, [c.title for c in columns], BOLD, size)
            self.y -= row_height

        self.ensure(2 * row_height)
        header()
        for row in rows:
            if self.y - row_height < CONTENT_BOTTOM:
                self.new_page()
                header()
            self._cells(columns, row, REGULAR, size)
            self.line(MARGIN, self.y - 4, MARGIN + sum(c.width for c in columns), self.y - 4, width=0.3)
            self.y -= row_height
        self.y -= 8

    def _cells(self, columns: Sequence[Column], values: Sequence[str], font: str, size: float) -> None:
        x = MARGIN
        for column, value in zip(columns, values, strict=True):
            fitted = fit(value, column.width - 8, font, size)
            if column.align == "right":
                self.text_right(x + column.width - 4, self.y, fitted, font=font, size=size)
            else:
                self.text(x + 4, self.y, fitted, font=font, size=size)
            x += column.width

    def signature(self, name: str, role: str) -> None:
        self.ensure(4 * BODY_LEADING + 20)
        self.y -= 18
        self.line(MARGIN, self.y, MARGIN + 200, self.y, width=0.5, color=MUTED)
        self.y -= BODY_LEADING
        self.text(MARGIN, self.y, name, font=BOLD)
        self.y -= BODY_LEADING
        self.text(MARGIN, self.y, role, color=MUTED)
        self.y -= BODY_LEADING

    def render(self, expected_pages: int | None = None) -> BuiltPdf:
        """Draw the frame on every page and return the PDF; ``expected_pages`` is checked first."""
        total = len(self.pages)
        if expected_pages is not None and total != expected_pages:
            raise PageCountError(f"{self.info.title!r} laid out on {total} pages, expected {expected_pages}")
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=letter, invariant=1, pageCompression=1)
        canvas.setTitle(self.info.title)
        canvas.setAuthor(self.info.issuer)
        canvas.setSubject(self.info.subject)
        canvas.setCreator("ssp-tui sandbox portal")
        canvas.setProducer("ssp-tui sandbox portal (reportlab)")
        if self.info.keywords:
            canvas.setKeywords(", ".join(self.info.keywords))
        for number, page in enumerate(self.pages, start=1):
            _draw_frame_rules(canvas)
            for operation in page.graphics:
                operation(canvas)
            _draw_texts(canvas, [*_frame_texts(self.info, number, total), *page.texts])
            canvas.showPage()
        canvas.save()
        return BuiltPdf(content=buffer.getvalue(), pages=total)


def fit(text: str, width: float, font: str, size: float) -> str:
    """``text`` cut with an ellipsis so it fits ``width`` (table cells never wrap)."""
    if _width(text, font, size) <= width:
        return text
    while text and _width(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text + "\u2026"


HEADER_BASELINE = PAGE_HEIGHT - 40
FOOTER_BASELINE = 36.0


def _draw_frame_rules(canvas: Canvas) -> None:
    canvas.setStrokeColorRGB(*ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, HEADER_BASELINE - 8, PAGE_WIDTH - MARGIN, HEADER_BASELINE - 8)
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, FOOTER_BASELINE + 12, PAGE_WIDTH - MARGIN, FOOTER_BASELINE + 12)


def _frame_texts(info: DocumentInfo, number: int, total: int) -> list[TextRun]:
    """The header (issuer, document title) and footer (reference, "Page X of Y") of one page."""
    right = PAGE_WIDTH - MARGIN
    page_label = f"Page {number} of {total}"
    runs = [
        TextRun(BOLD, 11, MARGIN, HEADER_BASELINE, info.issuer, ACCENT),
        TextRun(REGULAR, 8, right - _width(info.title, REGULAR, 8), HEADER_BASELINE, info.title, MUTED),
        TextRun(REGULAR, 7.5, right - _width(page_label, REGULAR, 7.5), FOOTER_BASELINE, page_label, MUTED),
    ]
    if info.reference:
        runs.append(TextRun(REGULAR, 7.5, MARGIN, FOOTER_BASELINE, info.reference, MUTED))
    return runs


def _draw_texts(canvas: Canvas, runs: Sequence[TextRun]) -> None:
    """Every run of a page in one text object, switching font and colour only when they change (one BT..ET
    block per page is several times cheaper than a text object per string)."""
    text = canvas.beginText()
    font: tuple[str, float] | None = None
    color: Color | None = None
    for run in runs:
        if font != (run.font, run.size):
            font = (run.font, run.size)
            text.setFont(run.font, run.size)
        if color != run.color:
            color = run.color
            text.setFillColorRGB(*run.color)
        text.setTextOrigin(run.x, run.y)
        text.textOut(run.text)
    canvas.drawText(text)
