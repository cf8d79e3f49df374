"""The one download path: verified, atomic, resumable, and never leaving a bad file behind."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from client_helpers import Harness, make_pdf, problem_response

from ssp_tui.api.download import DownloadedFile, filename_hint
from ssp_tui.api.errors import DownloadError, NotFound

PDF = make_pdf(pages=3)
SHA = hashlib.sha256(PDF).hexdigest()
ETAG = f'"{SHA[:16]}"'
PATH = "/documents/d1/content"


def pdf_response(
    body: bytes = PDF, *, status: int = 200, length: bool = True, **headers: str
) -> httpx2.Response:
    all_headers = {"content-type": "application/pdf", "etag": ETAG, **headers}
    if length:
        all_headers.setdefault("content-length", str(len(body)))
    return httpx2.Response(status, content=_stream(body), headers=all_headers)


async def _stream(body: bytes, *, then_fail: bool = False) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 1000):
        yield body[start : start + 1000]
    if then_fail:
        raise httpx2.ReadError("connection reset")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class RangePortal:
    """Serves PDF with Range/If-Range like the sandbox; ``cut_at`` makes the first answers stop early."""

    def __init__(self, body: bytes = PDF, etag: str = ETAG) -> None:
        self.body = body
        self.etag = etag
        self.requests: list[httpx2.Request] = []
        self.cut_first: int | None = None
        self.fail_mid_stream_first = False

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        start = 0
        status = 200
        range_header = request.headers.get("range")
        if range_header and request.headers.get("if-range") == self.etag:
            start = int(range_header.removeprefix("bytes=").rstrip("-"))
            status = 206
        part = self.body[start:]
        headers = {"content-type": "application/pdf", "etag": self.etag, "content-length": str(len(part))}
        if status == 206:
            headers["content-range"] = f"bytes {start}-{len(self.body) - 1}/{len(self.body)}"
        if len(self.requests) == 1 and self.cut_first is not None:
            return httpx2.Response(status, content=_stream(part[: self.cut_first]), headers=headers)
        if len(self.requests) == 1 and self.fail_mid_stream_first:
            return httpx2.Response(status, content=_stream(part[:4000], then_fail=True), headers=headers)
        return httpx2.Response(status, content=_stream(part), headers=headers)


async def test_download_verifies_and_renames_into_place(harness: Harness, tmp_path: Path) -> None:
    progress: list[tuple[int, int | None]] = []
    answer = pdf_response(**{"content-disposition": 'attachment; filename="../../etc/Declarations 2026.pdf"'})
    dest = tmp_path / "out" / "declarations.pdf"
    async with harness.client(lambda r: answer) as client:
        done = await client.download(
            PATH, dest, expected_sha256=SHA.upper(), on_progress=lambda d, t: progress.append((d, t))
        )
    assert dest.read_bytes() == PDF
    assert done.sha256 == SHA and done.bytes == len(PDF) and done.etag == ETAG
    assert done.filename_hint == "Declarations 2026.pdf"
    assert leftovers(dest.parent) == ["declarations.pdf"]
    assert progress[-1] == (len(PDF), len(PDF))
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


@pytest.mark.parametrize("durable", [True, False])
async def test_a_durable_download_is_fsynced_and_a_cache_download_is_not(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    """A file the user asked for is on disk before it is named; the engine's cache, which verifies its files
    whenever they are used, skips the fsyncs (a third of a bulk download's time)."""
    import os

    synced: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    dest = tmp_path / "out" / "declarations.pdf"
    async with harness.client(lambda r: pdf_response()) as client:
        await client.download(PATH, dest, expected_sha256=SHA, durable=durable)
    assert dest.read_bytes() == PDF and leftovers(dest.parent) == ["declarations.pdf"]
    assert len(synced) == (2 if durable else 0)  # the file's bytes, then its folder's new name


async def test_then_runs_on_the_finished_file_in_the_worker_thread(harness: Harness, tmp_path: Path) -> None:
    """``then`` is the engine's admission and placement: it runs once, on the verified file at its name, in
    the thread that checked it (not on the event loop), and what it raises reaches the caller as it is."""
    import threading

    seen: list[tuple[bool, bool, str]] = []

    def then(done: DownloadedFile) -> None:
        on_loop = threading.current_thread() is threading.main_thread()
        seen.append((on_loop, done.path.read_bytes() == PDF, done.sha256))

    dest = tmp_path / "out" / "declarations.pdf"
    async with harness.client(lambda r: pdf_response()) as client:
        await client.download(PATH, dest, expected_sha256=SHA, durable=False, then=then)
        assert seen == [(False, True, SHA)]

        def refuse(done: DownloadedFile) -> None:
            raise PermissionError(13, "Permission denied")

        with pytest.raises(PermissionError):
            await client.download(PATH, tmp_path / "again" / "d.pdf", durable=False, then=refuse)
        with pytest.raises(DownloadError, match="checksum"):
            await client.download(PATH, tmp_path / "bad" / "d.pdf", expected_sha256="0" * 64, then=then)
    assert len(seen) == 1  # never called for a file that failed its checks
    assert leftovers(tmp_path / "again") == ["d.pdf"] and leftovers(tmp_path / "bad") == []


async def test_pdf_requests_ask_for_identity_encoding(harness: Harness, tmp_path: Path) -> None:
    portal = RangePortal()
    async with harness.client(portal.handle) as client:
        await client.download(PATH, tmp_path / "a.pdf")
    (request,) = portal.requests
    assert request.headers["accept-encoding"] == "identity"
    assert request.headers["accept"] == "application/pdf"
    assert request.url.path == "/api/v1/documents/d1/content"


async def test_sha256_mismatch_leaves_no_file(harness: Harness, tmp_path: Path) -> None:
    dest = tmp_path / "a.pdf"
    async with harness.client(lambda r: pdf_response()) as client:
        with pytest.raises(DownloadError, match="checksum"):
            await client.download(PATH, dest, expected_sha256="0" * 64)
    assert leftovers(tmp_path) == []


async def test_cut_short_with_content_length_resumes_with_if_range(harness: Harness, tmp_path: Path) -> None:
    portal = RangePortal()
    portal.cut_first = 5000
    dest = tmp_path / "a.pdf"
    async with harness.client(portal.handle) as client:
        done = await client.download(PATH, dest, expected_sha256=SHA)
    assert dest.read_bytes() == PDF and done.sha256 == SHA
    first, second = portal.requests
    assert "range" not in first.headers
    assert second.headers["range"] == "bytes=5000-"
    assert second.headers["if-range"] == ETAG
    assert leftovers(tmp_path) == ["a.pdf"]


@pytest.mark.parametrize("durable", [True, False])
async def test_broken_connection_mid_body_resumes(harness: Harness, tmp_path: Path, durable: bool) -> None:
    """Also without fsyncs (the engine's cache), where the ETag is written only when the transfer breaks."""
    portal = RangePortal()
    portal.fail_mid_stream_first = True
    dest = tmp_path / "a.pdf"
    async with harness.client(portal.handle) as client:
        await client.download(PATH, dest, expected_sha256=SHA, durable=durable)
    assert dest.read_bytes() == PDF
    assert portal.requests[1].headers["range"] == "bytes=4000-"
    assert portal.requests[1].headers["if-range"] == ETAG
    assert leftovers(tmp_path) == ["a.pdf"]


async def test_a_part_left_by_an_earlier_run_resumes_with_206(harness: Harness, tmp_path: Path) -> None:
    dest = tmp_path / "a.pdf"
    (tmp_path / "a.pdf.part").write_bytes(PDF[:7000])
    (tmp_path / "a.pdf.part.etag").write_text(ETAG)
    portal = RangePortal()
    async with harness.client(portal.handle) as client:
        await client.download(PATH, dest, expected_sha256=SHA)
    assert dest.read_bytes() == PDF
    assert portal.requests[0].headers["range"] == "bytes=7000-"
    assert leftovers(tmp_path) == ["a.pdf"]


async def test_a_200_to_a_range_request_starts_again(harness: Harness, tmp_path: Path) -> None:
    dest = tmp_path / "a.pdf"
    (tmp_path / "a.pdf.part").write_bytes(b"%PDF-old content of a previous version")
    (tmp_path / "a.pdf.part.etag").write_text('"old-etag"')
    portal = RangePortal()  # the ETag changed: If-Range fails, the portal sends the whole new document
    async with harness.client(portal.handle) as client:
        done = await client.download(PATH, dest, expected_sha256=SHA)
    assert portal.requests[0].headers["if-range"] == '"old-etag"'
    assert dest.read_bytes() == PDF and done.bytes == len(PDF)


async def test_interrupted_again_and_again_keeps_a_resumable_part(harness: Harness, tmp_path: Path) -> None:
    def always_short(request: httpx2.Request) -> httpx2.Response:
        return pdf_response(PDF[:3000], **{"content-length": str(len(PDF))})

    dest = tmp_path / "a.pdf"
    async with harness.client(always_short) as client:
        with pytest.raises(DownloadError, match="cut short"):
            await client.download(PATH, dest)
    assert leftovers(tmp_path) == ["a.pdf.part", "a.pdf.part.etag"]
    assert not dest.exists()


async def test_cut_short_without_a_strong_etag_leaves_nothing(harness: Harness, tmp_path: Path) -> None:
    requests: list[httpx2.Request] = []

    def weak(request: httpx2.Request) -> httpx2.Response:
        requests.append(request)
        return pdf_response(PDF[:3000], **{"content-length": str(len(PDF)), "etag": 'W/"weak"'})

    async with harness.client(weak) as client:
        with pytest.raises(DownloadError, match="3000 of"):
            await client.download(PATH, tmp_path / "a.pdf")
    assert leftovers(tmp_path) == []
    assert len(requests) == 3 and not any("range" in r.headers for r in requests)  # whole again each time


async def test_cut_short_without_etag_then_whole_succeeds(harness: Harness, tmp_path: Path) -> None:
    answers = iter([PDF[:3000], PDF])

    def flaky(request: httpx2.Request) -> httpx2.Response:
        response = pdf_response(next(answers), **{"content-length": str(len(PDF))})
        del response.headers["etag"]
        return response

    async with harness.client(flaky) as client:
        done = await client.download(PATH, tmp_path / "a.pdf", expected_sha256=SHA)
    assert done.etag is None and (tmp_path / "a.pdf").read_bytes() == PDF


async def test_cut_short_without_content_length_is_caught_by_the_pdf_check(
    harness: Harness, tmp_path: Path
) -> None:
    async with harness.client(lambda r: pdf_response(PDF[: len(PDF) - 600], length=False)) as client:
        with pytest.raises(DownloadError, match="incomplete"):
            await client.download(PATH, tmp_path / "a.pdf")
    assert leftovers(tmp_path) == []


async def test_truncated_gzip_body_fails(harness: Harness, tmp_path: Path) -> None:
    cut = gzip.compress(PDF)[:-8]  # inflates to the whole PDF, but the stream never ended
    answer = pdf_response(cut, **{"content-encoding": "gzip"})
    async with harness.client(lambda r: answer) as client:
        with pytest.raises(DownloadError, match="compressed stream did not end"):
            await client.download(PATH, tmp_path / "a.pdf", expected_sha256=SHA)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx2.Response(200, html="<html>sign in</html>"), "expected a PDF"),
        (pdf_response(b"<html>not a pdf</html>\n%%EOF"), "did not send a PDF"),
        (pdf_response(b"%PDF-1.7\ngarbage that is no PDF at all\n%%EOF\n"), "does not open"),
    ],
)
async def test_what_is_not_a_pdf_is_refused(
    harness: Harness, tmp_path: Path, answer: httpx2.Response, message: str
) -> None:
    async with harness.client(lambda r: answer) as client:
        with pytest.raises(DownloadError, match=message):
            await client.download(PATH, tmp_path / "a.pdf")
    assert leftovers(tmp_path) == []


async def test_status_errors_propagate_and_leave_nothing(harness: Harness, tmp_path: Path) -> None:
    (tmp_path / "a.pdf.part").write_bytes(PDF[:100])
    (tmp_path / "a.pdf.part.etag").write_text(ETAG)
    async with harness.client(lambda r: problem_response(404, "Not found", "No such document.")) as client:
        with pytest.raises(NotFound):
            await client.download(PATH, tmp_path / "a.pdf")
    assert leftovers(tmp_path) == []


async def test_overall_deadline_stops_a_slow_drip(harness: Harness, tmp_path: Path) -> None:
    async def drip() -> AsyncIterator[bytes]:
        yield PDF[:100]
        await asyncio.Event().wait()  # and then nothing, for ever
        yield b""

    answer = httpx2.Response(200, content=drip(), headers={"content-type": "application/pdf"})
    async with harness.client(lambda r: answer, download_deadline_s=0.05) as client:
        with pytest.raises(DownloadError, match="did not finish within"):
            await client.download(PATH, tmp_path / "a.pdf")
    assert leftovers(tmp_path) == []  # no strong ETag: nothing to resume from


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        ('attachment; filename="report.pdf"', "report.pdf"),
        ("attachment; filename*=UTF-8''Cert%20of%20Insurance.pdf", "Cert of Insurance.pdf"),
        ('attachment; filename="..\\\\..\\\\windows\\\\evil.pdf"', "evil.pdf"),
        ('attachment; filename="/etc/passwd"', "passwd"),
        ('attachment; filename="..."', None),
        ("inline", None),
        (None, None),
    ],
)
def test_content_disposition_is_only_a_bare_name(header: str | None, hint: str | None) -> None:
    assert filename_hint(header) == hint
