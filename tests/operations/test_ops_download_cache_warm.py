"""Warm runs: jobs served from the cache in batches, and combined PDFs kept and served again."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from ssp_tui.operations.downloads import BulkProgress, DownloadJob, DownloadMode, JobState
from ssp_tui.operations.downloads import combine as download_combine
from ssp_tui.operations.downloads.cache import COMBINED_DIR, INDEX_NAME, MAX_COMBINED
from ssp_tui.operations.downloads.engine import CACHE_BATCH

from .fakes import FakePortal, run_engine, sha256_of
from .test_ops_downloads import all_files, job_for, leftovers


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "cache", tmp_path / "downloads"


@pytest.fixture
def combines(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every path the engine really combined into (a served combined PDF adds nothing)."""
    made: list[Path] = []
    real = download_combine.write_combined

    def counting(opened, temp_path, **kwargs):  # type: ignore[no-untyped-def]
        made.append(temp_path)
        return real(opened, temp_path, **kwargs)

    monkeypatch.setattr(download_combine, "write_combined", counting)
    return made


def combined_files(cache: Path) -> list[Path]:
    folder = cache / COMBINED_DIR
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_the_same_combination_is_served_again_without_combining(
    portal: FakePortal, dirs, combines: list[Path]
) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", i + 1, f"Title {i}") for i in range(3)]
    first = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED)
    second = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED)
    assert len(combines) == 1 and second.fetched == 0
    assert first.combined_path == target / "combined.pdf"
    assert second.combined_path == target / "combined (2).pdf"  # never over the first
    assert second.combined_path.read_bytes() == first.combined_path.read_bytes()
    with pikepdf.open(second.combined_path) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == ["Title 0", "Title 1", "Title 2"]
    assert leftovers(target, cache) == [] and not list((cache / "incoming").rglob("*.pdf"))


async def test_other_titles_or_another_order_are_combined_anew(
    portal: FakePortal, dirs, combines: list[Path]
) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Title {i}") for i in range(3)]
    await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED)
    await run_engine(portal, cache, jobs[::-1], target, DownloadMode.COMBINED)
    renamed = [DownloadJob(j.key, j.api_path, j.relative_path, "Renamed", j.expected_sha256) for j in jobs]
    last = await run_engine(portal, cache, renamed, target, DownloadMode.COMBINED)
    assert len(combines) == 3
    with pikepdf.open(last.combined_path) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == ["Renamed"] * 3


async def test_a_damaged_cached_combination_is_made_again(
    portal: FakePortal, dirs, combines: list[Path]
) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 2, f"Title {i}") for i in range(2)]
    first = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED)
    first.combined_path.unlink()  # the user's copy is a hard link: damage the cache's, not theirs
    (kept,) = combined_files(cache)
    kept.write_bytes(b"%PDF-1.7 edited")
    again = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED)
    assert len(combines) == 2 and again.combined_path == target / "combined.pdf"
    with pikepdf.open(again.combined_path) as pdf:
        assert len(pdf.pages) == 4


async def test_only_the_most_recent_combinations_are_kept(
    portal: FakePortal, dirs, combines: list[Path]
) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Title {i}") for i in range(MAX_COMBINED + 2)]
    for count in range(1, MAX_COMBINED + 3):
        await run_engine(portal, cache, jobs[:count], target / str(count), DownloadMode.COMBINED)
    assert len(combined_files(cache)) == MAX_COMBINED
    index = json.loads((cache / INDEX_NAME).read_text())
    assert len(index["combined"]) == MAX_COMBINED
    made = len(combines)
    await run_engine(portal, cache, jobs[: MAX_COMBINED + 2], target / "again", DownloadMode.COMBINED)
    await run_engine(portal, cache, jobs[:1], target / "oldest", DownloadMode.COMBINED)
    assert len(combines) == made + 1  # the newest served from the cache, the oldest (dropped) made again


async def test_a_combination_with_an_unreadable_document_is_not_kept(
    portal: FakePortal, dirs, combines: list[Path]
) -> None:
    cache, target = dirs
    good = job_for(portal, "good", 1, "Good")
    broken_bytes = b"%PDF-1.7\nnot really a pdf\n"
    portal.documents["/documents/bad/content"] = broken_bytes
    bad = DownloadJob("bad", "/documents/bad/content", "bad.pdf", "Bad", sha256_of(broken_bytes))
    result = await run_engine(portal, cache, [good, bad], target, DownloadMode.COMBINED, allow_missing=True)
    assert result.combined_path == target / "combined.pdf" and result.missing == [bad]
    assert combined_files(cache) == [] and leftovers(target, cache) == []


async def test_a_tampered_index_names_no_file_outside_the_cache(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    cache.mkdir(parents=True)
    digest = "0" * 64
    (cache / INDEX_NAME).write_text(json.dumps({"version": 1, "combined": {"../../escape": digest, 3: 4}}))
    jobs = [job_for(portal, "d0", 1, "Title")]
    result = await run_engine(portal, cache, jobs, target, DownloadMode.COMBINED)
    assert result.complete and result.combined_path is not None
    assert "../../escape" not in json.loads((cache / INDEX_NAME).read_text())["combined"]


async def test_a_warm_run_larger_than_a_batch_serves_every_job_from_the_cache(
    portal: FakePortal, dirs
) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(CACHE_BATCH * 2 + 3)]
    await run_engine(portal, cache, jobs, target)
    events: list[BulkProgress] = []
    again = await run_engine(portal, cache, jobs, target.parent / "again", on_progress=events.append)
    assert again.complete and again.fetched == 0 and len(again.files) == len(jobs)
    assert [saved.job.key for saved in again.files] == [job.key for job in jobs]
    assert sum(1 for e in events if e.job_state is JobState.CACHED) == len(jobs)
    done = [e.files_done for e in events]
    assert done == sorted(done) and done[-1] == len(jobs)


async def test_a_warm_job_that_cannot_be_placed_fails_alone(portal: FakePortal, dirs) -> None:
    cache, target = dirs
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(3)]
    await run_engine(portal, cache, jobs, target)
    outside = DownloadJob("out", jobs[1].api_path, "../outside.pdf", "Outside", jobs[1].expected_sha256)
    fresh = target.parent / "fresh"
    result = await run_engine(portal, cache, [jobs[0], outside, jobs[2]], fresh)
    assert [failed.job.key for failed in result.failed] == ["out"]
    assert [saved.job.key for saved in result.files] == ["d0", "d2"] and result.fetched == 0
    assert not (target.parent / "outside.pdf").exists()
    assert "outside.pdf" not in " ".join(all_files(fresh))
