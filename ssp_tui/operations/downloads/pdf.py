"""One PDF from many, with pikepdf: pages appended as they are (streams preserved), a bookmark per document.

Blocking (CPU and disk); the engine runs these functions in a worker thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

MAX_LISTED_MISSING = 50
"""How many missing titles the "Missing" bookmark lists by name."""
COMBINE_FORMAT = 2
"""Part of every combination key: raise it when ``write_combined`` writes something different, so that
combined PDFs cached by an older version are not served again."""


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
    path: Path
    title: str


@dataclass(slots=True)
class OpenedSources:
    """Sources that opened as PDFs (kept open: pikepdf copies their streams only when saving)."""

    opened: list[tuple[int, CombineSource, pikepdf.Pdf]]
    unreadable: list[tuple[int, str]]
    """(index into the sources, message) for each file that is not a readable PDF."""

    def close(self) -> None:
        for _, _, pdf in self.opened:
            with contextlib.suppress(Exception):
                pdf.close()
        self.opened.clear()


def open_sources(sources: Sequence[CombineSource]) -> OpenedSources:
    """Open every source; a bad one is reported, not raised.

    Each file is read into memory rather than memory-mapped: a mapped file holds a descriptor until the save,
    and 500 documents would exhaust the 256-1024 descriptors many systems allow.
    """
    result = OpenedSources(opened=[], unreadable=[])
    for index, source in enumerate(sources):
        try:
            pdf = pikepdf.open(io.BytesIO(source.path.read_bytes()))
            if len(pdf.pages) == 0:
                pdf.close()
                result.unreadable.append((index, "The PDF has no pages."))
                continue
        except pikepdf.PasswordError:
            result.unreadable.append((index, "The PDF is password-protected."))
            continue
        except (pikepdf.PdfError, OSError, ValueError) as exc:
            result.unreadable.append((index, f"Not a readable PDF ({type(exc).__name__})."))
            continue
        result.opened.append((index, source, pdf))
    return result


def _missing_bookmark(missing_titles: Sequence[str], total: int) -> pikepdf.OutlineItem:
    item = pikepdf.OutlineItem(f"MISSING {len(missing_titles)} of {total} documents (see list)", 0)
    for title in missing_titles[:MAX_LISTED_MISSING]:
        item.children.append(pikepdf.OutlineItem(f"Missing: {title}", 0))
    if len(missing_titles) > MAX_LISTED_MISSING:
        item.children.append(
            pikepdf.OutlineItem(f"... and {len(missing_titles) - MAX_LISTED_MISSING} more", 0)
        )
    return item


def write_combined(
    sources: OpenedSources,
    temp_path: Path,
    *,
    missing_titles: Sequence[str] = (),
    total: int | None = None,
    labels: PdfLabels | None = None,
) -> int:
    """Write the opened sources, in order, to ``temp_path``; returns the page count.

    One top-level bookmark per document, at its first page; when documents are missing, a first bookmark says
    how many and lists them. Streams are copied as they are: no decoding, no recompression.
    """
    parts = [(pdf, [(source.title, 0)]) for _, source, pdf in sources.opened]
    return _save(parts, temp_path, missing_titles, total, labels)


def write_part(sources: OpenedSources, path: Path) -> list[tuple[str, int]]:
    """Write the opened sources' pages to ``path`` (a part of a larger combination, no bookmarks); returns
    each document's title and first page in the part."""
    part = pikepdf.new()
    starts: list[tuple[str, int]] = []
    for _, source, pdf in sources.opened:
        starts.append((source.title, len(part.pages)))
        part.pages.extend(pdf.pages)
    _save_plain(part, path)
    part.close()
    return starts


def write_from_parts(
    parts: Sequence[tuple[Path, list[tuple[str, int]]]],
    temp_path: Path,
    *,
    missing_titles: Sequence[str] = (),
    total: int | None = None,
    labels: PdfLabels | None = None,
) -> int:
    """``write_combined`` over parts written by ``write_part``: a bookmark per document of every part. Each
    part is opened from its file (a descriptor each, not its bytes in memory)."""
    opened = [(pikepdf.open(path), starts) for path, starts in parts]
    try:
        return _save(opened, temp_path, missing_titles, total, labels)
    finally:
        for pdf, _ in opened:
            with contextlib.suppress(Exception):
                pdf.close()


def _save(
    parts: Sequence[tuple[pikepdf.Pdf, Sequence[tuple[str, int]]]],
    temp_path: Path,
    missing_titles: Sequence[str],
    total: int | None,
    labels: PdfLabels | None,
) -> int:
    combined = pikepdf.new()
    starts: list[tuple[str, int]] = []
    for pdf, bookmarks in parts:
        offset = len(combined.pages)
        starts += [(title, offset + first) for title, first in bookmarks]
        combined.pages.extend(pdf.pages)
    with combined.open_outline() as outline:
        if missing_titles:
            count = total if total is not None else len(starts) + len(missing_titles)
            outline.root.append(_missing_bookmark(missing_titles, count))
        for title, first_page in starts:
            outline.root.append(pikepdf.OutlineItem(title or "Untitled", first_page))
    if labels is not None:
        _label(combined, labels, len(starts))
    _save_plain(combined, temp_path)
    pages = len(combined.pages)
    combined.close()
    return pages


def _save_plain(pdf: pikepdf.Pdf, path: Path) -> None:
    pdf.save(
        path,
        compress_streams=False,
        recompress_flate=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        object_stream_mode=pikepdf.ObjectStreamMode.preserve,
    )


def _label(pdf: pikepdf.Pdf, labels: PdfLabels, documents: int) -> None:
    """The Title, Subject and Keywords in the document information; no dates, so the same documents give
    the same bytes (and the same cached combination)."""
    subject = ", ".join(labels.subjects)
    summary = f"{documents} {'document' if documents == 1 else 'documents'}"
    pdf.docinfo["/Title"] = pikepdf.String(labels.title)
    pdf.docinfo["/Subject"] = pikepdf.String(f"{summary} for {subject}" if subject else summary)
    if subject:
        pdf.docinfo["/Keywords"] = pikepdf.String(subject)
    pdf.docinfo["/Creator"] = pikepdf.String("ssp-tui")
