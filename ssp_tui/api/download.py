"""The one download path for every PDF: documents, certificates, claims histories, resource PDFs.

The bytes stream to ``dest.part`` beside the destination, are counted against Content-Length, hashed,
checked against the expected sha256 and checked to be a PDF that opens; then fsynced and renamed into place.
A ``.part`` file survives only while it can be resumed: the transfer was interrupted and the portal gave a
strong ETag (kept in ``dest.part.etag``). The next attempt asks for the rest with Range + If-Range, and
starts again when the portal answers 200 (the document changed). Any verification failure deletes the part.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

import httpx2

from ssp_tui.api.body import BodyError, TruncatedBody, decoded_chunks
from ssp_tui.api.constants import DOWNLOAD_DEADLINE_S, PDF_CONTENT_TYPE
from ssp_tui.api.errors import ConnectionFailed, DownloadError, RequestTimeout, StatusError
from ssp_tui.api.part_files import PartFiles, open_private, write_all
from ssp_tui.api.transport import RequestSpec, Transport

T = TypeVar("T")
ProgressCallback = Callable[[int, int | None], None]
"""``on_progress(bytes_done, bytes_total_or_None)``, called as chunks arrive."""

FinishHook = Callable[["DownloadedFile"], None]
"""Work on a finished download in the worker thread that finished it (``download(..., then=)``)."""
PDF_TRAILER_WINDOW = 1024
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DownloadedFile:
    path: Path
    bytes: int
    sha256: str
    etag: str | None
    filename_hint: str | None
    """The portal's suggested name (Content-Disposition), reduced to a bare name; only ever a hint."""
    pdf_checked: bool = False
    """True when the downloader proved the file a PDF that opens (``%PDF-`` at its first byte, an ``%%EOF``
    near its end, and pikepdf opens it) before handing it over. The client's files always are: one leaves
    ``download`` (returned, or passed to ``then``) only after ``_check_pdf``. A consumer may then skip a check
    of its own (the engine's header check read every file again); a downloader that says nothing gets it."""
    private: bool = False
    """True when the downloader made the file only its user may read (the client's part file is created 0600,
    or chmodded so when it existed), and ``bytes`` is its size: the engine's admission then neither stats
    nor chmods it again."""


class _Interrupted(Exception):
    """The transfer stopped part-way; what arrived is intact and may be resumed."""


async def download(
    transport: Transport,
    api_path: str,
    dest: Path,
    *,
    expected_sha256: str | None = None,
    on_progress: ProgressCallback | None = None,
    deadline_s: float = DOWNLOAD_DEADLINE_S,
    durable: bool = True,
    then: FinishHook | None = None,
) -> DownloadedFile:
    """``durable=False`` skips the fsyncs, for a caller that verifies the file whenever it is used again (the
    download engine's content-addressed cache): an fsync per file was a third of a bulk download's time.

    ``then(file)``: blocking work on the verified file, run in the same worker thread just after it got its
    name ``dest`` (the engine admits it to its cache and places its copy there: one thread hop per file, not
    two). What it raises is raised as it is; the file at ``dest`` is the caller's to clean up then."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    files = PartFiles(dest)
    keep_part = False
    done = False
    try:
        async with asyncio.timeout(deadline_s):
            downloaded = await _download_with_resume(
                transport, api_path, dest, files, expected_sha256, on_progress, durable, then
            )
            done = True  # the part was renamed and its ETag file removed: nothing left to clear
            return downloaded
    except TimeoutError:
        keep_part = True
        raise DownloadError(f"{dest.name}: the download did not finish within {deadline_s:g} s") from None
    except _Interrupted as exc:
        keep_part = True
        raise DownloadError(f"{dest.name}: {exc}") from None
    except (ConnectionFailed, RequestTimeout, asyncio.CancelledError):
        keep_part = True
        raise
    except StatusError as exc:
        keep_part = exc.status >= 500 or exc.status == 429
        raise
    finally:
        if not done and not (keep_part and files.resumable()):
            files.discard()


async def _download_with_resume(
    transport: Transport,
    api_path: str,
    dest: Path,
    files: PartFiles,
    expected_sha256: str | None,
    on_progress: ProgressCallback | None,
    durable: bool,
    then: FinishHook | None = None,
) -> DownloadedFile:
    interruptions = 0
    while True:
        resume_from, etag = files.resume_state()
        headers = {"Accept": PDF_CONTENT_TYPE, "Accept-Encoding": "identity"}
        if resume_from:
            headers["Range"] = f"bytes={resume_from}-"
            headers["If-Range"] = etag or ""
        spec = RequestSpec("GET", api_path, headers=headers, retryable=True)
        receiver = _Receiver(spec.endpoint, dest, files, resume_from, on_progress, durable)
        try:
            received = await transport.exchange(spec, receiver.receive)
        except _Interrupted:
            # Try again like any GET: from where it stopped when the part can resume, else from the start.
            if interruptions >= transport.retry.max_retries:
                raise
            interruptions += 1
            await transport.pause(interruptions - 1)
            continue
        except StatusError as exc:
            if exc.status == 416 and resume_from:
                files.discard()  # our part is longer than the document: start afresh
                continue
            raise
        return await _finish(dest, files, received, expected_sha256, durable, then)


class _Receiver:
    def __init__(
        self,
        endpoint: str,
        dest: Path,
        files: PartFiles,
        resume_from: int,
        on_progress: ProgressCallback | None,
        durable: bool = True,
    ) -> None:
        self.durable = durable
        self.endpoint = endpoint
        self.dest = dest
        self.files = files
        self.resume_from = resume_from
        self.on_progress = on_progress

    async def receive(self, response: httpx2.Response) -> DownloadedFile:
        """Stream the body into the part file; what arrived, described as the file it becomes at ``dest``."""
        media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != PDF_CONTENT_TYPE:
            raise DownloadError(
                f"{self.dest.name}: expected a PDF from {self.endpoint}, got {media or 'nothing'!r}"
            )
        etag = response.headers.get("etag")
        strong_etag = etag if etag and not etag.startswith("W/") else None
        hasher = hashlib.sha256()
        if response.status_code == 206 and self.resume_from:
            total = self._check_content_range(response.headers.get("content-range"))
            done = self.resume_from
            with self.files.part.open("rb") as existing:
                for block in iter(lambda: existing.read(1 << 20), b""):
                    hasher.update(block)
            mode = "ab"
        elif response.status_code == 200:
            # A fresh start: no Range asked, or the document changed since the part was written.
            length = response.headers.get("content-length")
            total = int(length) if length and length.strip().isdigit() else None
            done = 0
            mode = "wb"
        else:
            raise DownloadError(
                f"{self.dest.name}: unexpected answer {response.status_code} from {self.endpoint}"
            )
        # Blocking file work (the ETag beside the part, the fsync below) runs in a worker thread: with six
        # downloads at once, doing it on the event loop stalled every other transfer (issue 23).
        if self.durable:
            await _in_thread(self.files.remember_etag, strong_etag)
        # Otherwise the ETag is written only if the transfer breaks (below): a part that was not fsynced is
        # resumed by this download's next attempt, never by a later process, so nothing is written up front.
        identity = response.headers.get("content-encoding", "identity").strip().lower() in ("", "identity")
        out = open_private(self.files.part, mode)
        try:
            try:
                async for _, chunk in decoded_chunks(response):
                    write_all(out, chunk)
                    hasher.update(chunk)
                    done += len(chunk)
                    if self.on_progress is not None:
                        self.on_progress(done, total)
            except TruncatedBody as exc:
                if identity:
                    self._keep_resumable(strong_etag)
                    raise _Interrupted(str(exc)) from None
                raise DownloadError(f"{self.dest.name}: {exc}") from None
            except BodyError as exc:
                raise DownloadError(f"{self.dest.name}: {exc}") from None
            except httpx2.TransportError as exc:
                # Not for the retry loop in Transport: it would repeat the request without the new offset.
                self._keep_resumable(strong_etag)
                raise _Interrupted(
                    f"the connection broke after {done} bytes ({type(exc).__name__})"
                ) from None
            if self.durable:
                await _in_thread(os.fsync, out)
        finally:
            os.close(out)
        if total is not None and done != total:
            raise DownloadError(f"{self.dest.name}: {done} bytes arrived, the portal announced {total}")
        hint = filename_hint(response.headers.get("content-disposition"))
        # Checked: ``_finish`` runs ``_check_pdf`` before this leaves ``download`` or reaches ``then``.
        # Private: ``open_private`` made the part 0600 (less by an odd umask); ``done`` bytes are all of it.
        digest = hasher.hexdigest()
        return DownloadedFile(self.dest, done, digest, strong_etag, hint, pdf_checked=True, private=True)

    def _keep_resumable(self, strong_etag: str | None) -> None:
        if not self.durable:
            self.files.remember_etag(strong_etag)  # rare, and small: on the event loop

    def _check_content_range(self, header: str | None) -> int | None:
        match = _CONTENT_RANGE.fullmatch((header or "").strip())
        if match is None or int(match.group(1)) != self.resume_from:
            raise DownloadError(
                f"{self.dest.name}: the portal resumed at the wrong place (Content-Range {header!r})"
            )
        return None if match.group(3) == "*" else int(match.group(3))


async def _finish(
    dest: Path,
    files: PartFiles,
    received: DownloadedFile,
    expected_sha256: str | None,
    durable: bool,
    then: FinishHook | None = None,
) -> DownloadedFile:
    if expected_sha256 is not None and received.sha256 != expected_sha256.strip().lower():
        raise DownloadError(
            f"{dest.name}: the content does not match its checksum "
            f"(sha256 {received.sha256[:12]}..., expected {expected_sha256.strip().lower()[:12]}...)"
        )
    await _in_thread(_check_and_rename, files, dest, durable, received, then)
    return received


def _check_and_rename(
    files: PartFiles,
    dest: Path,
    durable: bool,
    received: DownloadedFile | None = None,
    then: FinishHook | None = None,
) -> None:
    """Blocking: the verified part becomes ``dest``, durably, then ``then(received)`` (one thread hop)."""
    _check_pdf(files.part, dest.name)
    os.replace(files.part, dest)
    files.etag_file.unlink(missing_ok=True)
    if durable:
        _fsync_directory(dest.parent)
    if then is not None and received is not None:
        then(received)


async def _in_thread(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in a worker thread. A thread cannot be stopped: when this task is cancelled
    meanwhile, wait for it to finish before giving up, so the cleanup that follows (removing the part and its
    ETag) never races a thread still writing them, and a file descriptor is never closed under an fsync."""
    work = asyncio.ensure_future(asyncio.to_thread(function, *args))
    try:
        return await asyncio.shield(work)
    finally:
        if not work.done():
            with contextlib.suppress(BaseException):
                await work


def _check_pdf(path: Path, name: str) -> None:
    """Cheap checks first (header, and the %%EOF trailer that a cut-short file lacks), then a real parse."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        head = os.read(fd, 5)
        os.lseek(fd, max(0, size - PDF_TRAILER_WINDOW), os.SEEK_SET)
        tail = os.read(fd, PDF_TRAILER_WINDOW)
    finally:
        os.close(fd)
    if head != b"%PDF-":
        raise DownloadError(f"{name}: the portal did not send a PDF")
    if b"%%EOF" not in tail:
        raise DownloadError(
            f"{name}: the PDF is incomplete (no end-of-file marker; the transfer was cut short)"
        )
    import pikepdf  # here, not at the top: only downloads pay for loading it

    try:
        with pikepdf.open(path):
            pass
    except pikepdf.PdfError as exc:
        raise DownloadError(f"{name}: the PDF does not open ({exc})") from None


def _fsync_directory(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def filename_hint(header: str | None) -> str | None:
    """The name a Content-Disposition header suggests, as a bare name with no folder part; never a path."""
    if not header:
        return None
    star = re.search(r"filename\*\s*=\s*(?:[\w-]+)'[^']*'([^;]+)", header, re.IGNORECASE)
    plain = re.search(r'filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]+)', header, re.IGNORECASE)
    if star:
        name = unquote(star.group(1).strip())
    elif plain:
        name = plain.group(1).strip().strip('"').replace('\\"', '"')
    else:
        return None
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:255] or None
