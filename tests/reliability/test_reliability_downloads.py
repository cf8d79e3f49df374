"""The download engine (BulkDownloader with the real PortalClient) through the fault proxy.

For each fault: the run ends with every file complete and verified, or the faulty job is named with a plain
message; no partial file is left at a final path, nothing is written outside the target folder, and a
second run once the fault is gone completes."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from fault_proxy import (
    CutBody,
    Delay,
    Drip,
    FaultProxy,
    Respond,
    Rewrite,
    Rule,
    TruncatedGzip,
)
from reliability_helpers import (
    assert_complete_pdf,
    assert_no_partial_files,
    assert_only_inside,
    content_path_pattern,
    document_jobs,
    files_under,
    signed_in_client,
)
from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Document
from ssp_tui.operations.downloads import BulkResult, Destination, DownloadEngine, DownloadJob, DownloadPlan

HTML_PAGE = b"<!doctype html><html><body><h1>Session expired</h1><p>Please sign in.</p></body></html>"


async def run_engine(
    client: PortalClient, jobs: list[DownloadJob], target: Path, cache: Path, *, combined: Path | None = None
) -> BulkResult:
    where = Destination.separate(target) if combined is None else Destination.combined(combined)
    return await DownloadEngine(client, cache).run(DownloadPlan(jobs, where, concurrency=3))


async def one_faulty_document(
    proxy: FaultProxy,
    sandbox: SandboxServer,
    tmp_path: Path,
    action: object,
    *,
    times: int = 1,
    client: PortalClient | None = None,
) -> tuple[BulkResult, list[tuple[Document, DownloadJob]], Path]:
    """Three documents downloaded separately, the first through ``action``; checks what every fault must
    leave: no partial file anywhere, nothing outside the target, the unaffected files complete."""
    client = client or signed_in_client(proxy.base_url, sandbox)
    async with client:
        docs = await document_jobs(client)
        proxy.add(Rule("GET", content_path_pattern(docs[0][0].id), action, times=times))  # type: ignore[arg-type]
        target = tmp_path / "out" / "target"
        before = files_under(tmp_path)
        result = await run_engine(client, [job for _, job in docs], target, tmp_path / "cache")
    assert proxy.unused() == [], "the fault never happened"
    assert_no_partial_files(tmp_path)
    assert_only_inside(before, files_under(tmp_path), target, tmp_path / "cache")
    saved = {saved.job.key: saved.path for saved in result.files}
    for doc, _ in docs[1:]:
        assert_complete_pdf(saved[doc.id], doc)
    return result, docs, target


def assert_failed_cleanly(result: BulkResult, doc: Document, target: Path, *words: str) -> None:
    """The job is named with a message (no traceback) and nothing is at its final path."""
    assert [f.job.key for f in result.failed] == [doc.id]
    message = result.failed[0].message
    assert "Traceback" not in message and all(w.lower() in message.lower() for w in words), message
    assert not (target / f"{doc.id}.pdf").exists()


async def rerun_completes(proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path, docs: list) -> None:
    async with signed_in_client(proxy.base_url, sandbox) as client:
        result = await run_engine(
            client, [job for _, job in docs], tmp_path / "out" / "target", tmp_path / "cache"
        )
    assert result.complete, result.failure_lines()
    for saved, (doc, _) in zip(result.files, docs, strict=True):
        assert_complete_pdf(saved.path, doc)


async def test_latency_under_the_timeout_completes(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    result, docs, _ = await one_faulty_document(proxy, sandbox, tmp_path, Delay(0.2), times=3)
    assert result.complete
    assert_complete_pdf(result.files[0].path, docs[0][0])


async def test_a_stall_past_the_read_timeout_fails_that_file_only(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    client = signed_in_client(proxy.base_url, sandbox, timeout=httpx2.Timeout(0.3, connect=2.0))
    result, docs, target = await one_faulty_document(
        proxy, sandbox, tmp_path, Delay(1.0), times=3, client=client
    )
    assert_failed_cleanly(result, docs[0][0], target, "did not answer in time")
    assert len(proxy.requests_to("GET", content_path_pattern(docs[0][0].id))) == 3  # the first try, 2 retries
    await rerun_completes(proxy, sandbox, tmp_path, docs)


@pytest.mark.parametrize(
    "action",
    [CutBody(0.5, keep_length=True, reset=True), CutBody(0.4, keep_length=True)],
    ids=["reset-mid-body", "cut-short-with-content-length"],
)
async def test_an_interrupted_body_resumes_from_where_it_stopped(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path, action: CutBody
) -> None:
    result, docs, _ = await one_faulty_document(proxy, sandbox, tmp_path, action)
    assert result.complete, result.failure_lines()
    assert_complete_pdf(result.files[0].path, docs[0][0])
    attempts = proxy.requests_to("GET", content_path_pattern(docs[0][0].id))
    assert len(attempts) == 2 and attempts[1].headers.get("range", "").startswith("bytes=")


async def test_a_body_cut_short_without_content_length_is_refused_then_fetched_again(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    action = CutBody(0.6, keep_length=False)
    result, docs, target = await one_faulty_document(proxy, sandbox, tmp_path, action)
    assert_failed_cleanly(result, docs[0][0], target, "checksum")
    await rerun_completes(proxy, sandbox, tmp_path, docs)


async def test_a_truncated_gzip_body_is_refused(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    result, docs, target = await one_faulty_document(proxy, sandbox, tmp_path, TruncatedGzip(0.6))
    assert_failed_cleanly(result, docs[0][0], target, "cut short")
    await rerun_completes(proxy, sandbox, tmp_path, docs)


def _unavailable(retry_after: str) -> Respond:
    return Respond(
        503,
        b'{"title":"Service Unavailable","status":503}',
        "application/problem+json",
        {"Retry-After": retry_after},
    )


async def test_a_short_503_burst_with_retry_after_is_ridden_out(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    result, docs, _ = await one_faulty_document(proxy, sandbox, tmp_path, _unavailable("0"), times=2)
    assert result.complete
    assert_complete_pdf(result.files[0].path, docs[0][0])


async def test_a_long_503_burst_fails_that_file_with_the_portals_words(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    result, docs, target = await one_faulty_document(proxy, sandbox, tmp_path, _unavailable("0"), times=3)
    assert_failed_cleanly(result, docs[0][0], target, "service unavailable")


async def test_429_with_a_huge_retry_after_fails_at_once_with_the_wait(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    action = Respond(429, b"slow down", "text/plain", {"Retry-After": "86400"})
    result, docs, target = await one_faulty_document(proxy, sandbox, tmp_path, action, times=5)
    assert_failed_cleanly(result, docs[0][0], target, "try again in")
    assert len(proxy.requests_to("GET", content_path_pattern(docs[0][0].id))) == 1  # no waiting a day


@pytest.mark.parametrize("listed_checksum", [True, False], ids=["checksum-listed", "no-checksum"])
async def test_an_html_page_served_as_a_pdf_is_refused(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path, listed_checksum: bool
) -> None:
    async with signed_in_client(proxy.base_url, sandbox) as client:
        docs = await document_jobs(client, limit=1)
        doc, job = docs[0]
        if not listed_checksum:
            job = DownloadJob(job.key, job.api_path, job.relative_path, job.title, expected_sha256=None)
        proxy.add(
            Rule("GET", content_path_pattern(doc.id), Respond(200, HTML_PAGE, "application/pdf"), times=3)
        )
        target = tmp_path / "target"
        result = await run_engine(client, [job], target, tmp_path / "cache")
    assert_failed_cleanly(result, doc, target, "checksum" if listed_checksum else "not send a pdf")
    assert_no_partial_files(tmp_path)


HOSTILE_DISPOSITIONS = {
    "traversal": 'attachment; filename="../../../../etc/passwd.pdf"',
    "traversal-star": "attachment; filename*=UTF-8''..%2F..%2Fhome%2F.bashrc",
    "windows-path": 'attachment; filename="C:\\Windows\\System32\\evil.pdf"',
    "device-name": 'attachment; filename="CON.pdf"',
    "device-aux": 'attachment; filename="aux"',
    "control-chars": "attachment; filename*=UTF-8''a%0Ab%0D%00c%1B%5B31m.pdf",
    "very-long": 'attachment; filename="' + "x" * 5000 + '.pdf"',
    "empty": "attachment; filename=",
}


@pytest.mark.parametrize("disposition", HOSTILE_DISPOSITIONS.values(), ids=HOSTILE_DISPOSITIONS.keys())
async def test_content_disposition_never_chooses_where_a_file_goes(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path, disposition: str
) -> None:
    action = Rewrite({"Content-Disposition": disposition})
    result, docs, target = await one_faulty_document(proxy, sandbox, tmp_path, action)
    assert result.complete
    assert result.files[0].path == target / f"{docs[0][0].id}.pdf"
    assert_complete_pdf(result.files[0].path, docs[0][0])


async def test_a_slow_drip_past_the_deadline_fails_without_a_partial_file(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    client = signed_in_client(proxy.base_url, sandbox, download_deadline_s=0.5)
    result, docs, target = await one_faulty_document(
        proxy, sandbox, tmp_path, Drip(chunk_size=64, interval_s=0.05), client=client
    )
    assert_failed_cleanly(result, docs[0][0], target, "did not finish within")
    await rerun_completes(proxy, sandbox, tmp_path, docs)


async def test_a_slow_drip_inside_the_timeouts_completes(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    client = signed_in_client(proxy.base_url, sandbox, timeout=httpx2.Timeout(1.0, connect=2.0))
    result, docs, _ = await one_faulty_document(
        proxy, sandbox, tmp_path, Drip(chunk_size=4096, interval_s=0.002), client=client
    )
    assert result.complete
    assert_complete_pdf(result.files[0].path, docs[0][0])


async def test_an_etag_that_changes_between_attempts_starts_the_file_again(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    # The first answer is cut short under an ETag the portal will not recognise on the next attempt: the
    # client asks for the rest with If-Range, the portal sends the whole (current) document, and the client
    # starts again instead of splicing two versions together.
    stale = '"etag-of-an-older-version"'
    action = CutBody(0.5, keep_length=True, headers={"ETag": stale})
    result, docs, _ = await one_faulty_document(proxy, sandbox, tmp_path, action)
    assert result.complete, result.failure_lines()
    assert_complete_pdf(result.files[0].path, docs[0][0])
    attempts = proxy.requests_to("GET", content_path_pattern(docs[0][0].id))
    assert [a.headers.get("if-range") for a in attempts] == [None, stale]


async def test_a_combined_pdf_is_not_written_when_a_document_fails(
    proxy: FaultProxy, sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with signed_in_client(proxy.base_url, sandbox) as client:
        docs = await document_jobs(client)
        proxy.add(Rule("GET", content_path_pattern(docs[1][0].id), TruncatedGzip(0.5)))
        target = tmp_path / "target"
        combined = target / "all.pdf"
        result = await run_engine(
            client,
            [job for _, job in docs],
            target,
            tmp_path / "cache",
            combined=combined,
        )
    assert result.combined_path is None and not combined.exists()
    assert [f.job.key for f in result.failed] == [docs[1][0].id]
    assert_no_partial_files(tmp_path)
