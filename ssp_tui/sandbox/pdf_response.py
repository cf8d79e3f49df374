"""Serving a generated PDF: strong ETag, Content-Length, Content-Disposition, Range and If-Range.

One function for every PDF route (documents, certificates, claims-history letters), so a client's resumable
download works the same everywhere:
- ``ETag`` is the quoted SHA-256 of the bytes, so it also verifies them;
- ``Range: bytes=a-b`` (one range; suffix ``-n`` and open ``a-`` too) answers 206 with Content-Range; a range
  that starts past the end answers 416 with ``Content-Range: bytes */size``; several ranges or an unreadable
  header are ignored (RFC 9110 allows it) and the whole file is sent;
- ``If-Range`` with any validator other than the current ETag sends the whole file (200), so a resumed
  download never splices two versions;
- ``If-None-Match`` with the current ETag answers 304.
"""

from __future__ import annotations

import re
from typing import Protocol

from starlette.datastructures import Headers
from starlette.responses import Response

from ssp_tui.api.constants import PDF_CONTENT_TYPE
from ssp_tui.sandbox.problems import ProblemError

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]+")


class PdfBlob(Protocol):
    content: bytes
    sha256: str


def safe_filename(name: str) -> str:
    """ASCII letters, digits, dot, dash, underscore and space only (no quotes or paths in the header)."""
    cleaned = _UNSAFE_FILENAME.sub("_", name).strip(" .") or "document"
    return cleaned if cleaned.lower().endswith(".pdf") else f"{cleaned}.pdf"


def _requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive, or None to send the whole file; raises 416 when nothing of it exists."""
    if not header or "," in header:
        return None
    match = _RANGE.match(header)
    if match is None or (match.group(1) == "" and match.group(2) == ""):
        return None
    first_text, last_text = match.groups()
    if first_text == "":
        suffix = int(last_text)
        if suffix == 0:
            raise _unsatisfiable(size)
        return max(0, size - suffix), size - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None  # syntactically invalid: ignored
    if first >= size:
        raise _unsatisfiable(size)
    return first, min(int(last_text), size - 1) if last_text else size - 1


def _unsatisfiable(size: int) -> ProblemError:
    return ProblemError(
        416,
        f"The requested range is outside the file ({size} bytes).",
        headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"},
    )


def pdf_response(blob: PdfBlob, filename: str, request_headers: Headers) -> Response:
    etag = f'"{blob.sha256}"'
    size = len(blob.content)
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Content-Disposition": f'attachment; filename="{safe_filename(filename)}"',
        "Cache-Control": "private, no-cache",
    }
    if_none_match = request_headers.get("if-none-match")
    if if_none_match and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    if_range = request_headers.get("if-range")
    wanted = None if if_range is not None and if_range.strip() != etag else request_headers.get("range")
    span = _requested_range(wanted, size)
    if span is None:
        return Response(blob.content, status_code=200, headers=headers, media_type=PDF_CONTENT_TYPE)
    first, last = span
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return Response(
        blob.content[first : last + 1], status_code=206, headers=headers, media_type=PDF_CONTENT_TYPE
    )
