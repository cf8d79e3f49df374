"""One source PDF's pages as objects of another PDF: renumbered, serialised, streams copied raw.

``SourceObjects`` walks what a source's pages reach (never a page's /Parent: the page tree is the combined
PDF's own) and turns each object into PDF syntax with new object numbers, so a combined PDF can be written
one source at a time (``pdf.CombinedPdfWriter``) instead of holding every page's object graph until one
``Pdf.save``. pikepdf parses the source (object streams, xref streams, damaged cross-references, decryption
with the empty password); everything written is plain objects.

Hot: this runs for every object of every document, so the dispatch is on Python types first (pikepdf hands
integers, booleans, reals and null over as ``int``, ``bool``, ``Decimal`` and ``None``) and names are
encoded once per spelling.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pikepdf

_DICTIONARY = pikepdf.ObjectType.dictionary
_ARRAY = pikepdf.ObjectType.array
_NAME = pikepdf.ObjectType.name_
_STRING = pikepdf.ObjectType.string
_STREAM = pikepdf.ObjectType.stream
_INTEGER = pikepdf.ObjectType.integer
_REAL = pikepdf.ObjectType.real
_BOOLEAN = pikepdf.ObjectType.boolean
_NULL = pikepdf.ObjectType.null

_DETACHED = frozenset({"/Pages", "/Catalog"})
"""Types of objects a page's content never needs: a reference to one (other than a page's /Parent, which
is never followed) is written as null, rather than pull the source's whole document in."""

# PDF 32000-1 7.3.5: in a name, anything but a regular character (0x21-0x7E, not a delimiter, not #) is
# written as #xx.
_NAME_PLAIN = frozenset(range(0x21, 0x7F)) - frozenset(b"()<>[]{}/%#")
_names: dict[str, bytes] = {}


def name_bytes(name: str) -> bytes:
    """``/Some Name`` as PDF syntax (``/Some#20Name``); the bytes of the name after its slash, escaped."""
    found = _names.get(name)
    if found is None:
        raw = name[1:].encode("utf-8", "surrogateescape")
        found = b"/" + b"".join(bytes((byte,)) if byte in _NAME_PLAIN else b"#%02X" % byte for byte in raw)
        if len(_names) < 10_000:  # a hostile file's endless distinct names must not grow this forever
            _names[name] = found
    return found


def string_bytes(raw: bytes) -> bytes:
    """A PDF string as a hex string: nothing in it needs escaping, whatever bytes it holds."""
    return b"<" + raw.hex().encode("ascii") + b">"


def real_bytes(value: Decimal | float) -> bytes:
    """A real number in plain notation (PDF has no exponents)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (text if text not in ("", "-", "-0") else "0").encode("ascii")


class SourceObjects:
    """The objects of one source reachable from its pages, numbered from ``first_number`` in the order they
    are reached. The source's pages take the first numbers, in page order, so that whatever refers to a page
    (a link, a form field) refers to the page as written.

    The source must be opened with ``inherit_page_attributes=True`` (pikepdf's default, asked for anyway):
    the Resources, MediaBox, CropBox and Rotate a page takes from its ancestors are then on the page itself,
    and the source's page tree is left behind."""

    def __init__(self, pages: list[pikepdf.Object], first_number: int, pages_ref: bytes) -> None:
        self._pages_ref = pages_ref
        self._numbers: dict[tuple[int, int], int] = {}
        self._queue: list[pikepdf.Object] = []
        self.next_number = first_number
        self.page_numbers: list[int] = []
        for page in pages:
            self.page_numbers.append(self.next_number)
            self.next_number += 1
            # A page listed twice in a broken tree is written twice; references go to its first copy.
            self._numbers.setdefault(page.objgen, self.page_numbers[-1])
        self._pages = pages

    def objects(self) -> Iterator[tuple[int, bytes]]:
        """Each object's number and its serialised body (``n 0 obj`` ... ``endobj`` not included), pages
        first. Raises what pikepdf raises for a source it cannot read."""
        for number, page in zip(self.page_numbers, self._pages, strict=True):
            yield number, self._page(page)
        position = 0
        while position < len(self._queue):  # grows as objects are reached
            obj = self._queue[position]
            position += 1
            number = self._numbers[obj.objgen]
            if obj._type_code == _STREAM:
                yield number, self._stream(obj)
            else:
                yield number, self._direct(obj)

    def _page(self, page: pikepdf.Object) -> bytes:
        parts = [b"<<"]
        for key, value in page.items():
            if key != "/Parent":
                parts += (name_bytes(key), b" ", self._value(value))
        parts += (b"/Parent ", self._pages_ref, b">>")
        return b"".join(parts)

    def _stream(self, stream: pikepdf.Object) -> bytes:
        """The stream's dictionary and its data as stored (still filtered): no decoding, no recompression.
        /Length is written direct, from the data, whatever the source said (an indirect one included)."""
        data = stream.read_raw_bytes()
        parts = [b"<<"]
        for key, value in stream.stream_dict.items():
            if key != "/Length":
                parts += (name_bytes(key), b" ", self._value(value))
        parts.append(b"/Length %d>>\nstream\n" % len(data))
        parts += (data, b"\nendstream")
        return b"".join(parts)

    def _reference(self, obj: pikepdf.Object) -> bytes:
        key = obj.objgen
        number = self._numbers.get(key)
        if number is None:
            if obj._type_code == _DICTIONARY and str(obj.get("/Type", "")) in _DETACHED:
                return b"null"
            number = self._numbers[key] = self.next_number
            self.next_number += 1
            self._queue.append(obj)
        return b"%d 0 R" % number

    def _value(self, value: object) -> bytes:
        kind = type(value)
        if kind is int:
            return b"%d" % value  # type: ignore[str-bytes-safe]
        if kind is bool:
            return b"true" if value else b"false"
        if kind is Decimal or kind is float:
            return real_bytes(value)  # type: ignore[arg-type]
        if value is None:
            return b"null"
        if value.is_indirect:  # type: ignore[attr-defined]
            return self._reference(value)  # type: ignore[arg-type]
        return self._direct(value)  # type: ignore[arg-type]

    def _direct(self, obj: pikepdf.Object) -> bytes:
        code = obj._type_code
        if code == _NAME:
            return obj.unparse()  # QPDF's own escaping: a name need not be UTF-8, so not through str()
        if code == _DICTIONARY:
            parts = [b"<<"]
            for key, value in obj.items():
                parts += (name_bytes(key), b" ", self._value(value))
            parts.append(b">>")
            return b"".join(parts)
        if code == _ARRAY:
            return b"[" + b" ".join([self._value(item) for item in obj]) + b"]"
        if code == _STRING:
            return string_bytes(bytes(obj))
        if code == _INTEGER:
            return b"%d" % int(obj)
        if code == _REAL:
            return real_bytes(Decimal(str(obj)))
        if code == _BOOLEAN:
            return b"true" if bool(obj) else b"false"
        if code == _NULL:
            return b"null"
        if code == _STREAM:  # a direct stream cannot be: streams are always indirect
            raise pikepdf.PdfError("a stream that is not an indirect object")
        # An operator or inline image is content-stream syntax, never an object of the file.
        raise pikepdf.PdfError(f"an object of type {code.name} outside a content stream")
