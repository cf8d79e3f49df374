"""One PDF from many, written as a stream: each source's pages are copied (streams as they are) and the source
closed before the next is opened; the page tree, a bookmark per document, the metadata and the cross-reference
table are written at the end.

Memory holds one source at a time and a few numbers per object and per page, whether 50 or 5,000 documents
are combined (pikepdf's ``Pdf.save`` kept every page's object graph until the end). The bytes are hashed as
they are written, so the cache can keep the result without reading it again.

Blocking (CPU and disk); the engine runs this in a worker thread.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ssp_tui.operations.downloads.pdf_objects import SourceObjects, name_bytes, string_bytes
from ssp_tui.operations.downloads.private_files import create_private
from ssp_tui.operations.downloads.state import NotAPdf

MAX_LISTED_MISSING = 50
"""How many missing titles the "Missing" bookmark lists by name."""
COMBINE_FORMAT = 3
"""Part of every combination key: raise it when the combined PDF is written differently, so that combined
PDFs cached by an older version are not served again."""
_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
"""PDF 1.7 (ISO 32000-1) reads every source this portal serves; the binary comment tells file-transfer tools
the file is binary. A PDF 2.0 source raises the version through the catalog's /Version."""
_CATALOG = 1
_PAGE_TREE = 2
_PAGE_TREE_REF = b"2 0 R"
_FLUSH_AT = 1 << 18
_SLICE = 4096
"""Page-tree kids and cross-reference entries formatted at a time."""

_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024
"""Where a PDF's header may sit: readers accept junk before it, within the first kilobyte."""


def check_pdf_header(path: Path) -> None:
    """Raise ``NotAPdf`` unless the file at ``path`` starts as a PDF does (an HTML error page, a truncated
    answer): what the engine admits into the cache is at least a PDF by its header."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        head = os.read(fd, _PDF_HEADER_WINDOW)
    finally:
        os.close(fd)
    if _PDF_MAGIC not in head:
        raise NotAPdf("The portal sent something that is not a PDF.")


@dataclass(frozen=True, slots=True)
class PdfLabels:
    """What a combined PDF says about itself in its metadata."""

    title: str
    """The Title, e.g. "Policy documents - NC-2041178 current"."""
    subjects: tuple[str, ...] = ()
    """Whom it is for (policy numbers, insureds): the Subject and the Keywords."""


def combination_key(
    documents: Sequence[tuple[str, str]],
    missing_titles: Sequence[str],
    total: int,
    labels: PdfLabels | None = None,
) -> str:
    """What a combined PDF is made of, as a SHA-256 hex digest: the (SHA-256, title) of each document in
    order, the titles listed as missing, the number of documents asked for, and its metadata."""
    meta = [labels.title, list(labels.subjects)] if labels is not None else None
    payload = json.dumps(
        {
            "format": COMBINE_FORMAT,
            "documents": documents,
            "missing": missing_titles,
            "total": total,
            "labels": meta,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CombineSource:
    """A document to combine: its file, its bookmark's title, and its place in the plan (``order``: the
    missing documents are listed in the plan's order, those found unreadable while writing among them)."""

    path: Path
    title: str
    order: int


@dataclass(frozen=True, slots=True)
class WrittenPdf:
    """A finished combined PDF: its pages, and its SHA-256 and size as written."""

    pages: int
    sha256: str
    bytes: int


class CombinedPdfWriter:
    """Writes a new private file at ``path``: ``append`` each source in order, then ``finish``; ``close``
    (also on leaving a ``with``) releases the file, finished or not (the caller removes an unfinished one)."""

    def __init__(self, path: Path) -> None:
        self._file = os.fdopen(create_private(path), "wb")
        self._digest = hashlib.sha256()
        self._offset = 0
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._offsets = array("q", [0, 0, 0])
        """By object number: where each object starts (0 and the two written last, catalog and page tree,
        are filled in by ``finish``)."""
        self._pages = array("q")
        """The object number of each page, in order."""
        self._starts: list[tuple[str, int]] = []
        """Each document's title and first page."""
        self._version = (1, 7)
        self._write(_HEADER)

    def __enter__(self) -> CombinedPdfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    @property
    def documents(self) -> int:
        return len(self._starts)

    def append(self, source: Path, title: str) -> str | None:
        """Copy every page of ``source`` after those already written, with a bookmark titled ``title``.
        Returns None, or why the file is not a readable PDF (and then nothing of it is written)."""
        try:
            # Inherited page attributes are pushed onto each page as it opens, since the source's page
            # tree stays behind (PDF 32000-1 7.7.3.4).
            with pikepdf.open(io.BytesIO(source.read_bytes()), inherit_page_attributes=True) as pdf:
                pages = [page.obj for page in pdf.pages]
                if not pages:
                    return "The PDF has no pages."
                objects = SourceObjects(pages, len(self._offsets), _PAGE_TREE_REF)
                bodies = list(objects.objects())
                version = _version(pdf.pdf_version)
        except pikepdf.PasswordError:
            return "The PDF is password-protected."
        except (pikepdf.PdfError, OSError, ValueError, RecursionError) as exc:
            # RecursionError: objects nested thousands deep (only a hostile file has them).
            return f"Not a readable PDF ({type(exc).__name__})."
        self._starts.append((title, len(self._pages)))
        self._pages.extend(objects.page_numbers)
        self._version = max(self._version, version)
        for number, body in bodies:
            self._object(number, body)
        return None

    def finish(
        self, *, missing_titles: Sequence[str] = (), total: int | None = None, labels: PdfLabels | None = None
    ) -> WrittenPdf:
        """Write the page tree, the bookmarks (a first "MISSING" one listing ``missing_titles`` when there
        are any), the metadata and the cross-reference table; the file is complete and flushed after.
        What grows with the documents (the page tree's kids, the bookmarks, the table) is written a slice at
        a time, so that finishing 50,000 documents takes no more memory than finishing 50."""
        if not self._pages:
            raise ValueError("no pages to write")
        self._offsets[_PAGE_TREE] = self._offset
        self._write(b"%d 0 obj\n<</Type/Pages/Count %d/Kids[" % (_PAGE_TREE, len(self._pages)))
        for start in range(0, len(self._pages), _SLICE):
            self._write(b"".join([b"%d 0 R " % number for number in self._pages[start : start + _SLICE]]))
        self._write(b"]>>\nendobj\n")
        catalog = [
            b"<</Type/Catalog/Pages ",
            _PAGE_TREE_REF,
            b"/Outlines %d 0 R" % self._outline(missing_titles, total),
        ]
        if self._version > (1, 7):
            catalog.append(name_bytes("/Version") + b" " + name_bytes("/{}.{}".format(*self._version)))
        catalog.append(b">>")
        info = self._info(labels) if labels is not None else None
        self._object(_CATALOG, b"".join(catalog))
        table = self._offset
        size = len(self._offsets)
        self._write(b"xref\n0 %d\n0000000000 65535 f\r\n" % size)
        for start in range(1, size, _SLICE):
            self._write(
                b"".join([b"%010d 00000 n\r\n" % offset for offset in self._offsets[start : start + _SLICE]])
            )
        self._flush()
        file_id = string_bytes(self._digest.copy().digest()[:16])  # of everything before the trailer
        trailer = b"trailer\n<</Size %d/Root %d 0 R" % (size, _CATALOG)
        if info is not None:
            trailer += b"/Info %d 0 R" % info
        self._write(trailer + b"/ID[%s%s]>>\nstartxref\n%d\n%%%%EOF\n" % (file_id, file_id, table))
        self._flush()
        self._file.flush()
        return WrittenPdf(len(self._pages), self._digest.hexdigest(), self._offset)

    def _outline(self, missing_titles: Sequence[str], total: int | None) -> int:
        """The bookmarks, one per document at its first page, after a "MISSING" one when documents are
        missing; returns the outline dictionary's number. The top-level bookmarks take consecutive numbers,
        so each one's /Prev and /Next are known without a list of them."""
        root = self._new_number()
        children: list[str] = []
        if missing_titles:
            children = [f"Missing: {title}" for title in missing_titles[:MAX_LISTED_MISSING]]
            if len(missing_titles) > MAX_LISTED_MISSING:
                children.append(f"... and {len(missing_titles) - MAX_LISTED_MISSING} more")
        top = len(self._starts) + (1 if missing_titles else 0)
        first = len(self._offsets)
        self._offsets.extend(array("q", bytes(8 * top)))
        self._object(
            root,
            b"<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>"
            % (first, first + top - 1, top + len(children)),
        )
        position = 0
        if missing_titles:
            count = total if total is not None else len(self._starts) + len(missing_titles)
            title = f"MISSING {len(missing_titles)} of {count} documents (see list)"
            self._bookmark(first, position, top, root, title, self._pages[0], children)
            position += 1
        for title, start in self._starts:
            self._bookmark(first, position, top, root, title or "Untitled", self._pages[start])
            position += 1
        return root

    def _bookmark(
        self,
        first: int,
        position: int,
        count: int,
        parent: int,
        title: str,
        page: int,
        children: Sequence[str] = (),
    ) -> None:
        """Bookmark ``position`` of the ``count`` numbered from ``first`` under ``parent``, at ``page``."""
        number = first + position
        body = [b"<</Title ", _text(title), b"/Parent %d 0 R/Dest[%d 0 R/Fit]" % (parent, page)]
        if position > 0:
            body.append(b"/Prev %d 0 R" % (number - 1))
        if position + 1 < count:
            body.append(b"/Next %d 0 R" % (number + 1))
        if children:
            below = len(self._offsets)
            self._offsets.extend(array("q", bytes(8 * len(children))))
            body.append(
                b"/First %d 0 R/Last %d 0 R/Count %d" % (below, below + len(children) - 1, len(children))
            )
        body.append(b">>")
        self._object(number, b"".join(body))
        for index, child in enumerate(children):
            self._bookmark(below, index, len(children), number, child, page)

    def _info(self, labels: PdfLabels) -> int:
        """The Title, Subject and Keywords in the document information; no dates, so the same documents give
        the same bytes (and the same cached combination)."""
        subject = ", ".join(labels.subjects)
        documents = len(self._starts)
        summary = f"{documents} {'document' if documents == 1 else 'documents'}"
        entries = [("/Title", labels.title), ("/Subject", f"{summary} for {subject}" if subject else summary)]
        if subject:
            entries.append(("/Keywords", subject))
        entries.append(("/Creator", "ssp-tui"))
        number = self._new_number()
        self._object(
            number, b"<<" + b"".join(name_bytes(key) + b" " + _text(value) for key, value in entries) + b">>"
        )
        return number

    def _new_number(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _object(self, number: int, body: bytes) -> None:
        while number >= len(self._offsets):
            self._offsets.append(0)
        self._offsets[number] = self._offset
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _write(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_size += len(data)
        self._offset += len(data)
        if self._pending_size >= _FLUSH_AT:
            self._flush()

    def _flush(self) -> None:
        data = b"".join(self._pending)
        self._pending.clear()
        self._pending_size = 0
        self._digest.update(data)
        self._file.write(data)


@dataclass(slots=True)
class CombineOutcome:
    unreadable: list[tuple[int, str]]
    """(``order``, message) of each source that is not a readable PDF; nothing of it was written."""
    written: WrittenPdf | None = None
    """The finished PDF; None when it was not finished (stopped, nothing readable, or missing documents
    that were not allowed): the caller removes the file."""


def write_combined(
    sources: Sequence[CombineSource],
    path: Path,
    *,
    missing: Sequence[tuple[int, str]] = (),
    total: int | None = None,
    labels: PdfLabels | None = None,
    allow_missing: bool = True,
    stopped: Callable[[], bool] = lambda: False,
) -> CombineOutcome:
    """Combine ``sources``, in order, into a new file at ``path``. ``missing``: the (order, title) of the
    documents that never arrived; with those found unreadable, they are listed in a first "MISSING" bookmark,
    or (``allow_missing`` False) nothing is finished. ``stopped`` is asked before each source."""
    outcome = CombineOutcome(unreadable=[])
    with CombinedPdfWriter(path) as writer:
        titles = dict(missing)
        for source in sources:
            if stopped():
                return outcome
            message = writer.append(source.path, source.title)
            if message is not None:
                outcome.unreadable.append((source.order, message))
                titles[source.order] = source.title
        if not writer.documents or (titles and not allow_missing):
            return outcome
        outcome.written = writer.finish(
            missing_titles=[titles[order] for order in sorted(titles)], total=total, labels=labels
        )
    return outcome


def _text(value: str) -> bytes:
    """A text string: PDFDocEncoding when it can say it, else UTF-16BE with its byte-order mark (as pikepdf
    writes a ``pikepdf.String``), as a hex string."""
    try:
        raw = value.encode("pdfdoc")
    except UnicodeEncodeError:
        raw = b"\xfe\xff" + value.encode("utf-16-be")
    return string_bytes(raw)


def _version(declared: str) -> tuple[int, int]:
    try:
        major, minor = declared.split(".")[:2]
        return int(major), int(minor)
    except ValueError:
        return (1, 0)
