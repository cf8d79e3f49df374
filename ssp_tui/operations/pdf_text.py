"""The text of a PDF's first page, for a preview on terminals with no PDF viewer.

Read from the page's content stream with pikepdf: the text-showing operators (``Tj``, ``TJ``, ``'``, ``"``)
and the text-positioning ones (``BT``, ``Td``, ``TD``, ``Tm``, ``T*``) for line breaks. Fonts with a
``/ToUnicode`` map are decoded through it; simple fonts through their standard encoding. It is a preview,
not a layout engine: columns come out in drawing order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pikepdf

DEFAULT_MAX_CHARS = 4000
_MAX_FORM_DEPTH = 3
_TJ_SPACE_THRESHOLD = 200
"""A TJ adjustment wider than this (thousandths of an em) is a word gap."""
_SAME_LINE_TOLERANCE = 1.0

Decoder = Callable[[bytes], str]


class PdfTextError(Exception):
    """The file cannot be previewed; the message is fit to show."""

    @property
    def user_message(self) -> str:
        return str(self)


_HEX = r"<([0-9A-Fa-f]+)>"
_CODESPACE = re.compile(rf"{_HEX}\s*{_HEX}")
_BFCHAR = re.compile(rf"{_HEX}\s*{_HEX}")
_BFRANGE = re.compile(rf"{_HEX}\s*{_HEX}\s*(?:{_HEX}|\[([^\]]*)\])")
_SECTION = r"begin{0}(.*?)end{0}"


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be", errors="replace")


def _parse_to_unicode(data: bytes) -> tuple[dict[bytes, str], int]:
    """(code -> text, code width in bytes) from a ToUnicode CMap's bfchar and bfrange sections."""
    text = data.decode("latin-1")
    mapping: dict[bytes, str] = {}
    width = 1
    for section in re.findall(_SECTION.format("codespacerange"), text, re.S):
        for low, _high in _CODESPACE.findall(section):
            width = max(width, len(low) // 2)
    for section in re.findall(_SECTION.format("bfchar"), text, re.S):
        for source, target in _BFCHAR.findall(section):
            mapping[bytes.fromhex(source)] = _utf16(target)
    for section in re.findall(_SECTION.format("bfrange"), text, re.S):
        for low, high, target, array in _BFRANGE.findall(section):
            start, end = int(low, 16), int(high, 16)
            size = len(low) // 2
            if end - start > 0xFFFF:
                continue  # a corrupt range; ignoring it beats spending memory on it
            if array:
                targets = re.findall(_HEX, array)
                for offset, each in enumerate(targets[: end - start + 1]):
                    mapping[(start + offset).to_bytes(size, "big")] = _utf16(each)
            else:
                base = bytes.fromhex(target)
                for offset in range(end - start + 1):
                    last = int.from_bytes(base[-2:], "big") + offset
                    mapping[(start + offset).to_bytes(size, "big")] = (
                        base[:-2] + last.to_bytes(2, "big")
                    ).decode("utf-16-be", errors="replace")
    return mapping, width


def _decoder_for(font: pikepdf.Object | None) -> Decoder:
    if font is None:
        return lambda raw: raw.decode("cp1252", errors="replace")
    to_unicode = font.get("/ToUnicode")
    if isinstance(to_unicode, pikepdf.Stream):
        mapping, width = _parse_to_unicode(to_unicode.read_bytes())
        return lambda raw: "".join(mapping.get(raw[i : i + width], "") for i in range(0, len(raw), width))
    if font.get("/Subtype") == "/Type0":
        return lambda raw: ""  # two-byte glyph ids with no map to text: nothing honest to show
    encoding = font.get("/Encoding")
    codec = "mac_roman" if encoding == "/MacRomanEncoding" else "cp1252"
    return lambda raw: raw.decode(codec, errors="replace")


class _TextCollector:
    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.parts: list[str] = []
        self.length = 0
        self.line_y: float | None = None
        self.x = 0.0
        self.y = 0.0
        self.line_start_x = 0.0
        self.leading = 0.0

    @property
    def full(self) -> bool:
        return self.length >= self.max_chars

    def emit(self, text: str) -> None:
        if not text:
            return
        if self.line_y is not None and abs(self.y - self.line_y) > _SAME_LINE_TOLERANCE:
            self._append("\n")
        elif self.parts and not self.parts[-1].endswith((" ", "\n")) and not text.startswith(" "):
            self._append(" ")  # a new piece on the same line: keep words apart
        self.line_y = self.y
        self._append(text)

    def newline(self) -> None:
        self.y -= self.leading or 1.0 + _SAME_LINE_TOLERANCE
        self.x = self.line_start_x

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def result(self) -> str:
        lines = [line.rstrip() for line in "".join(self.parts).splitlines()]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        return text if len(text) <= self.max_chars else text[: self.max_chars].rstrip() + "…"


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _walk(content: pikepdf.Object, resources: pikepdf.Object, out: _TextCollector, depth: int) -> None:
    fonts = resources.get("/Font", pikepdf.Dictionary()) if resources is not None else pikepdf.Dictionary()
    xobjects = (
        resources.get("/XObject", pikepdf.Dictionary()) if resources is not None else pikepdf.Dictionary()
    )
    decoders: dict[str, Decoder] = {}
    decode: Decoder = _decoder_for(None)
    for operands, operator in pikepdf.parse_content_stream(content):
        if out.full:
            return
        op = str(operator)
        if op == "BT":
            out.x = out.y = out.line_start_x = 0.0
        elif op == "Tf" and operands:
            name = str(operands[0])
            if name not in decoders:
                decoders[name] = _decoder_for(fonts.get(name))
            decode = decoders[name]
        elif op == "Tm" and len(operands) == 6:
            out.x = out.line_start_x = _number(operands[4])
            out.y = _number(operands[5])
        elif op in ("Td", "TD") and len(operands) == 2:
            out.line_start_x += _number(operands[0])
            out.x = out.line_start_x
            out.y += _number(operands[1])
            if op == "TD":
                out.leading = -_number(operands[1])
        elif op == "TL" and operands:
            out.leading = _number(operands[0])
        elif op == "T*":
            out.newline()
        elif op == "Tj" and operands:
            out.emit(decode(bytes(operands[0])))
        elif op in ("'", '"') and operands:
            out.newline()
            out.emit(decode(bytes(operands[-1])))
        elif op == "TJ" and operands:
            pieces: list[str] = []
            for item in operands[0]:
                if isinstance(item, pikepdf.String):
                    pieces.append(decode(bytes(item)))
                elif _number(item) < -_TJ_SPACE_THRESHOLD:
                    pieces.append(" ")
            out.emit("".join(pieces))
        elif op == "Do" and operands and depth < _MAX_FORM_DEPTH:
            form = xobjects.get(str(operands[0]))
            if isinstance(form, pikepdf.Stream) and form.get("/Subtype") == "/Form":
                _walk(form, form.get("/Resources", resources), out, depth + 1)


def first_page_text(path: Path, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The text of page 1, at most ``max_chars`` characters ("" when the page has no text, e.g. a scan).

    Raises PdfTextError with a plain message when the file is missing, not a PDF, encrypted or damaged.
    """
    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                raise PdfTextError("The PDF has no pages.")
            page = pdf.pages[0]
            collector = _TextCollector(max_chars)
            _walk(page.obj, page.obj.get("/Resources"), collector, 0)
            return collector.result()
    except pikepdf.PasswordError:
        raise PdfTextError("The PDF is password-protected, so it cannot be previewed.") from None
    except pikepdf.PdfError:
        raise PdfTextError("The file is not a readable PDF.") from None
    except FileNotFoundError:
        raise PdfTextError(f"The file {Path(path).name!r} is not there any more.") from None
    except OSError as exc:
        raise PdfTextError(
            f"Could not read {Path(path).name!r}: {exc.strerror or type(exc).__name__}."
        ) from None
