"""The bulk download engine against a fake client that serves real PDFs."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from ssp_tui.operations.downloads import (
    BulkProgress,
    Destination,
    DownloadJob,
    DownloadMode,
    DownloadPlan,
    JobState,
    Phase,
)
from ssp_tui.operations.downloads.pdf import CombinedPdfWriter
from ssp_tui.operations.safe_names import render_template

from .fakes import FakePortal, run_engine, sha256_of

TEMPLATE = "{policy}/{term}/{date}-{type}-{title}.pdf"


def job_for(portal: FakePortal, key: str, pages: int, title: str, *, with_sha: bool = True) -> DownloadJob:
    api_path = f"/documents/{key}/content"
    data = portal.add(api_path, pages, label=key)
    fields = {
        "policy": "PL-100",
        "term": "current",
        "date": "2026-11-01",
        "type": "declarations",
        "title": title,
    }
    return DownloadJob(
        key=key,
        api_path=api_path,
        relative_path=render_template(TEMPLATE, fields),
        title=title,
        expected_sha256=sha256_of(data) if with_sha else None,
        pages=pages,
    )


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())


def leftovers(*roots: Path) -> list[Path]:
    return [
        p for root in roots if root.exists() for p in root.rglob("*") if p.name.endswith((".part", ".tmp"))
    ]


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "cache", tmp_path / "downloads"


async def test_separate_files_land_at_template_paths_with_a_manifest(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", i + 1, f"Doc {i}") for i in range(3)]
    result = await run_engine(portal, cache, jobs, target, concurrency=2)
    assert result.complete and result.fetched == 3
    assert [saved.job.key for saved in result.files] == ["d0", "d1", "d2"]
    for saved, job in zip(result.files, jobs, strict=True):
        assert saved.path == target / job.relative_path
        assert sha256_of(saved.path.read_bytes()) == job.expected_sha256
    manifest = json.loads((target / "manifest.json").read_text())
    assert result.manifest_path == target / "manifest.json"
    assert [entry["key"] for entry in manifest["files"]] == ["d0", "d1", "d2"]
    first = manifest["files"][0]
    assert first["file"] == "PL-100/current/2026-11-01-declarations-Doc 0.pdf"
    assert (
        first["sha256"] == jobs[0].expected_sha256
        and first["bytes"] == (target / first["file"]).stat().st_size
    )
    assert manifest["failed"] == [] and manifest["complete"] is True


async def test_second_run_fetches_nothing_and_duplicates_nothing(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 2, f"Doc {i}") for i in range(4)]
    await run_engine(portal, cache, jobs, target)
    before = all_files(target)
    again = await run_engine(portal, cache, jobs, target)
    assert again.fetched == 0 and sum(portal.fetches.values()) == 4
    assert all(saved.from_cache for saved in again.files)
    assert all_files(target) == before  # the same files, no "name (2).pdf"
    elsewhere = await run_engine(portal, cache, jobs, target.parent / "other", DownloadMode.COMBINED)
    assert elsewhere.fetched == 0 and elsewhere.combined_path is not None


async def test_same_bytes_in_one_run_are_fetched_once(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    first = job_for(portal, "form", 1, "Form A")
    portal.documents["/documents/copy/content"] = portal.documents[first.api_path]
    second = DownloadJob("copy", "/documents/copy/content", "copy.pdf", "Form A again", first.expected_sha256)
    result = await run_engine(portal, cache, [first, second], target)
    assert result.complete and result.fetched == 1
    assert (target / "copy.pdf").read_bytes() == (target / first.relative_path).read_bytes()


async def test_combined_pdf_has_every_page_and_a_bookmark_per_document(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", pages, f"Title {i}") for i, pages in enumerate([1, 3, 2, 4])]
    result = await run_engine(
        portal, cache, jobs, target, DownloadMode.COMBINED, combined_path=Path("out/all.pdf"), concurrency=3
    )
    assert result.complete and result.combined_path == target / "out" / "all.pdf"
    with pikepdf.open(result.combined_path) as pdf, pdf.open_outline() as outline:
        assert len(pdf.pages) == 10
        assert [item.title for item in outline.root] == ["Title 0", "Title 1", "Title 2", "Title 3"]
        starts = [pikepdf.Page(item.destination[0]).index for item in outline.root]
        assert starts == [0, 1, 4, 6]
    assert leftovers(target, cache) == []
    assert not (target / "manifest.json").exists()


async def test_a_failed_job_is_named_and_no_combined_pdf_is_written(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Title {i}") for i in range(3)]
    portal.fail[jobs[1].api_path] = "The portal is not answering (503)."
    result = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED)
    assert result.combined_path is None and not result.complete
    assert [(failed.job.title, failed.message) for failed in result.failed] == [
        ("Title 1", "The portal is not answering (503).")
    ]
    assert result.failure_lines() == ["Title 1: The portal is not answering (503)."]
    assert result.missing == jobs
    assert all_files(target) == []


async def test_allow_missing_writes_the_rest_and_says_what_is_missing(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", i + 1, f"Title {i}") for i in range(3)]
    portal.fail[jobs[0].api_path] = "Not found."
    result = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED, allow_missing=True)
    assert result.missing == [jobs[0]] and result.combined_path == target / "combined.pdf"
    with pikepdf.open(result.combined_path) as pdf, pdf.open_outline() as outline:
        assert len(pdf.pages) == 2 + 3
        titles = [item.title for item in outline.root]
        assert titles[0].startswith("MISSING 1 of 3") and titles[1:] == ["Title 1", "Title 2"]
        assert [child.title for child in outline.root[0].children] == ["Missing: Title 0"]


async def test_a_download_cut_mid_body_leaves_no_partial_file(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 2, f"Title {i}") for i in range(3)]
    portal.cut.add(jobs[2].api_path)
    result = await run_engine(portal, cache, jobs, target)
    assert [failed.job.key for failed in result.failed] == ["d2"]
    assert not (target / jobs[2].relative_path).exists()
    assert leftovers(target, cache) == []
    manifest = json.loads((target / "manifest.json").read_text())
    assert [entry["key"] for entry in manifest["failed"]] == ["d2"]
    assert manifest["failed"][0]["message"] == "The connection was reset during the download."
    assert len(manifest["files"]) == 2 and manifest["complete"] is False


async def test_cancel_event_stops_downloads_and_leaves_nothing_partial(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Title {i}") for i in range(5)]
    portal.gate = asyncio.Event()  # never opened: downloads stall half-written
    cancel = asyncio.Event()
    run = asyncio.create_task(run_engine(portal, cache, jobs, target, cancel=cancel, concurrency=2))
    await portal.half_written.wait()
    cancel.set()
    result = await run
    assert result.cancelled and result.files == [] and result.missing == jobs
    assert all_files(target) == ["manifest.json"]
    assert leftovers(target, cache) == []
    assert list((cache / "incoming").iterdir()) == []


async def test_cancelling_the_task_mid_combined_run_leaves_nothing(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Title {i}") for i in range(3)]
    portal.gate = asyncio.Event()
    run = asyncio.create_task(run_engine(portal, cache, jobs, target, DownloadMode.COMBINED))
    await portal.half_written.wait()
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert all_files(target) == []
    assert leftovers(target, cache) == []


def cancel_at_second_document(monkeypatch: pytest.MonkeyPatch, cancel: Callable[[], None]) -> list[str]:
    """Make the combined PDF's writer call ``cancel`` on the event loop once two documents are written, and
    wait there until it has run: a cancel that arrives mid-write, at a known point."""
    loop = asyncio.get_running_loop()
    appended: list[str] = []
    real = CombinedPdfWriter.append

    def append(writer: CombinedPdfWriter, source: Path, title: str) -> str | None:
        outcome = real(writer, source, title)
        appended.append(title)
        if len(appended) == 2:
            done = threading.Event()
            loop.call_soon_threadsafe(lambda: (cancel(), done.set()))
            done.wait(10)
        return outcome

    monkeypatch.setattr(CombinedPdfWriter, "append", append)
    return appended


async def test_a_cancel_while_the_combined_pdf_is_written_stops_it_and_leaves_nothing(
    portal: FakePortal, dirs, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Title {i}") for i in range(6)]
    cancel = asyncio.Event()
    appended = cancel_at_second_document(monkeypatch, cancel.set)
    result = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED, cancel=cancel)
    assert result.cancelled and result.combined_path is None and not result.complete
    assert appended == ["Title 0", "Title 1"]  # the writer stopped before its next document
    assert all_files(target) == [] and leftovers(target, cache) == []
    assert not (cache / "combined").exists() and list((cache / "incoming").iterdir()) == []


async def test_cancelling_the_task_while_the_combined_pdf_is_written_leaves_nothing(
    portal: FakePortal, dirs, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Title {i}") for i in range(6)]
    run: asyncio.Task[object] | None = None
    cancel_at_second_document(monkeypatch, lambda: run.cancel() if run is not None else None)
    run = asyncio.create_task(run_engine(portal, cache, jobs, target, DownloadMode.COMBINED))
    with pytest.raises(asyncio.CancelledError):
        await run
    assert all_files(target) == [] and leftovers(target, cache) == []
    assert not (cache / "combined").exists() and list((cache / "incoming").iterdir()) == []


@pytest.mark.parametrize("relative", ["../../etc/passwd", "/etc/passwd", "sub/../../escape.pdf"])
async def test_a_path_outside_the_folder_is_refused(portal: FakePortal, dirs, relative: str) -> None:
    cache, target = dirs
    job = job_for(portal, "d0", 1, "Doc")
    hostile = DownloadJob(job.key, job.api_path, relative, job.title, job.expected_sha256)
    result = await run_engine(portal, cache, [hostile], target)
    assert [failed.job.key for failed in result.failed] == ["d0"]
    assert "outside the folder" in result.failed[0].message
    assert all_files(target) == ["manifest.json"]
    assert not (target.parent / "escape.pdf").exists()


async def test_a_symlink_inside_the_folder_cannot_lead_out(portal: FakePortal, dirs, tmp_path: Path) -> None:
    cache, target = dirs
    outside = tmp_path / "outside"
    outside.mkdir()
    target.mkdir()
    (target / "PL-100").symlink_to(outside, target_is_directory=True)
    result = await run_engine(portal, cache, [job_for(portal, "d0", 1, "Doc")], target)
    assert len(result.failed) == 1 and list(outside.iterdir()) == []


async def test_html_served_as_a_pdf_is_rejected(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    job = job_for(portal, "d0", 1, "Doc", with_sha=False)
    portal.documents[job.api_path] = b"<html><body>502 Bad Gateway</body></html>"
    result = await run_engine(portal, cache, [job], target)
    assert result.failed[0].message == "The portal sent something that is not a PDF."
    assert all_files(target) == ["manifest.json"] and leftovers(cache) == []


async def test_other_content_at_the_final_name_is_never_overwritten(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    job = job_for(portal, "d0", 1, "Doc")
    existing = target / job.relative_path
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"the user's own file")
    result = await run_engine(portal, cache, [job], target)
    assert existing.read_bytes() == b"the user's own file"
    assert result.files[0].path == existing.with_name(f"{existing.stem} (2).pdf")


async def test_progress_reports_each_file_and_the_whole(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Title {i}") for i in range(3)]
    events: list[BulkProgress] = []
    result = await run_engine(portal, cache, jobs, target, on_progress=events.append)
    total_bytes = sum(saved.bytes for saved in result.files)
    assert {e.job.key for e in events if e.job and e.job_state is JobState.DOWNLOADING} == {"d0", "d1", "d2"}
    assert {e.job.key for e in events if e.job_state is JobState.DONE} == {"d0", "d1", "d2"}
    assert events[-1].phase is Phase.FINISHED and events[-1].files_done == 3 and events[-1].files_total == 3
    assert events[-1].bytes_done == total_bytes
    done_counts = [e.files_done for e in events]
    assert done_counts == sorted(done_counts)
    cached_events: list[BulkProgress] = []
    await run_engine(portal, cache, jobs, target, on_progress=cached_events.append)
    assert {e.job.key for e in cached_events if e.job_state is JobState.CACHED} == {"d0", "d1", "d2"}


async def test_a_corrupted_cache_blob_is_fetched_again(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    job = job_for(portal, "d0", 1, "Doc")
    await run_engine(portal, cache, [job], target, DownloadMode.COMBINED)
    blob = cache / job.expected_sha256[:2] / f"{job.expected_sha256}.pdf"
    blob.write_bytes(b"%PDF-1.7 damaged")
    result = await run_engine(portal, cache, [job], target, DownloadMode.COMBINED)
    assert result.fetched == 1 and result.complete
    assert sha256_of(blob.read_bytes()) == job.expected_sha256


async def test_a_strong_etag_from_an_earlier_run_is_served_from_the_cache(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    job = job_for(portal, "cert", 1, "Certificate", with_sha=False)
    first = await run_engine(portal, cache, [job], target)
    etag = f'"{first.files[0].sha256}"'
    known = DownloadJob(job.key, job.api_path, job.relative_path, job.title, etag=etag)
    again = await run_engine(portal, cache, [known], target.parent / "again")
    assert again.fetched == 0 and portal.fetches[job.api_path] == 1


async def test_an_invalid_listed_checksum_is_a_named_failure(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    job = job_for(portal, "d0", 1, "Doc")
    bad = DownloadJob(job.key, job.api_path, job.relative_path, job.title, expected_sha256="../../x")
    result = await run_engine(portal, cache, [bad], target)
    assert result.failed and portal.fetches[job.api_path] == 0
    assert not any(p for p in cache.rglob("*") if p.is_file() and p.stem == "x")


def test_concurrency_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        DownloadPlan([], Destination.separate(tmp_path), concurrency=0)


async def test_no_jobs_is_a_complete_empty_run(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    separate = await run_engine(portal, cache, [], target)
    assert separate.complete and separate.files == [] and separate.manifest_path is not None
    combined = await run_engine(portal, cache, [], target, DownloadMode.COMBINED)
    assert combined.combined_path is None and combined.missing == []


async def test_an_unreadable_document_among_many_is_named_missing_and_the_rest_combined(
    portal: FakePortal, dirs
) -> None:
    """A document found unreadable while the PDF is being written is left out whole: every other page in
    order, a bookmark per document at its first page, the unreadable one named missing, nothing left over."""
    cache, target = dirs
    pages = [1, 2, 1, 3, 1, 2, 1, 1]
    jobs = [job_for(portal, f"d{i}", count, f"Title {i}") for i, count in enumerate(pages)]
    broken = b"%PDF-1.4 but nothing a PDF reader can use"
    portal.documents[jobs[4].api_path] = broken
    jobs[4] = DownloadJob(jobs[4].key, jobs[4].api_path, jobs[4].relative_path, "Title 4", sha256_of(broken))
    result = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED, allow_missing=True)
    assert [failed.job.key for failed in result.failed] == ["d4"]
    assert result.failed[0].message.startswith("Not a readable PDF")
    assert result.combined_path is not None
    with pikepdf.open(result.combined_path) as pdf, pdf.open_outline() as outline:
        assert pdf.check_pdf_syntax() == []
        assert len(pdf.pages) == sum(pages) - pages[4]
        titles = [item.title for item in outline.root]
        assert titles[0].startswith("MISSING 1 of 8")
        assert [child.title for child in outline.root[0].children] == ["Missing: Title 4"]
        assert titles[1:] == [f"Title {i}" for i in range(8) if i != 4]
        starts = [pikepdf.Page(item.destination[0]).index for item in list(outline.root)[1:]]
        assert starts == [0, 1, 3, 4, 7, 9, 10]
    assert leftovers(target, cache) == []
