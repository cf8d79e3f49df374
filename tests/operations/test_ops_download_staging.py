"""The cache's staging folders: one per download in flight, used again once emptied, none left after a run
(a folder made and removed per file cost 1.4 ms a file on an ext4 disk: issue 23)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from ssp_tui.operations.downloads import DownloadJob, DownloadMode
from ssp_tui.operations.downloads.cache import ContentCache

from .fakes import FakePortal, run_engine, sha256_of


def jobs_for(portal: FakePortal, count: int) -> list[DownloadJob]:
    jobs = []
    for number in range(count):
        api_path = f"/credentialing/certificates/c{number}/pdf"
        data = portal.add(api_path, 1, label=f"certificate {number}")
        jobs.append(
            DownloadJob(f"c{number}", api_path, f"POL/c{number}.pdf", f"COI {number}", sha256_of(data))
        )
    return jobs


@pytest.mark.parametrize("mode", [DownloadMode.COMBINED, DownloadMode.SEPARATE])
async def test_a_run_uses_a_few_staging_folders_again_and_leaves_none(
    portal: FakePortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: DownloadMode
) -> None:
    folders: list[Path] = []
    real = ContentCache.new_staging_path

    def recording(self: ContentCache, name: str) -> Path:
        path = real(self, name)
        folders.append(path.parent)
        return path

    monkeypatch.setattr(ContentCache, "new_staging_path", recording)
    jobs = jobs_for(portal, 24)
    result = await run_engine(portal, tmp_path / "cache", jobs, tmp_path / "out", mode, concurrency=3)
    assert result.complete and result.fetched == 24
    assert len(folders) >= 24  # the combined PDF is written in a staging folder too
    assert len(set(folders)) <= 3 + 1, "a folder per download in flight, not one per file"
    assert list((tmp_path / "cache" / "incoming").iterdir()) == []


def test_an_emptied_folder_is_used_again_and_one_with_leftovers_is_removed(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "cache")
    first = cache.new_staging_path("a.pdf")
    cache.discard_staging(first)  # nothing in it: kept
    second = cache.new_staging_path("b.pdf")
    assert second.parent == first.parent and second.parent.is_dir()
    (second.parent / "b.pdf.part").write_bytes(b"%PDF-half")  # a broken attempt's part
    cache.discard_staging(second)
    assert not second.parent.exists()
    third = cache.new_staging_path("c.pdf")
    assert third.parent != first.parent
    cache.discard_staging(third)
    cache.end_run()
    assert list((tmp_path / "cache" / "incoming").iterdir()) == []


def test_a_folder_given_back_twice_is_handed_out_once(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "cache")
    staged = cache.new_staging_path("a.pdf")
    cache.discard_staging(staged)
    cache.discard_staging(staged)
    assert cache.new_staging_path("b.pdf").parent != cache.new_staging_path("c.pdf").parent
    cache.end_run()


class StoppedAfterAdmission(FakePortal):
    """The client's thread admitted the file (``then``), and the run was stopped as it finished."""

    async def download(self, api_path, dest, *, then=None, **options):  # type: ignore[no-untyped-def]
        downloaded = await super().download(api_path, dest, **options)
        if then is not None:
            then(downloaded)
        raise asyncio.CancelledError


async def test_a_run_stopped_just_after_an_admission_gives_its_folder_back_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's cleanup after a stop gave back the folder the admission had already given back: two
    later downloads of the run could then share one folder (and, with the same title, one ``.part``)."""
    from ssp_tui.operations.downloads import Destination, DownloadEngine, DownloadPlan

    events: list[tuple[str, Path]] = []
    handed_out, given_back = ContentCache.new_staging_path, ContentCache.discard_staging

    def hand_out(self: ContentCache, name: str) -> Path:
        path = handed_out(self, name)
        events.append(("out", path.parent))
        return path

    def give_back(self: ContentCache, path: Path) -> None:
        events.append(("back", path.parent))
        given_back(self, path)

    monkeypatch.setattr(ContentCache, "new_staging_path", hand_out)
    monkeypatch.setattr(ContentCache, "discard_staging", give_back)
    portal = StoppedAfterAdmission()
    plan = DownloadPlan(jobs_for(portal, 1), Destination.separate(tmp_path / "out"), concurrency=1)
    with contextlib.suppress(asyncio.CancelledError):
        await DownloadEngine(portal, tmp_path / "cache").run(plan)
    assert events and [kind for kind, _ in events] == ["out", "back"], events
