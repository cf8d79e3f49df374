"""What lands on the user's disk (issue 17): private, independent files, only where they asked, and a run that
keeps and reports what it saved when the disk is full, the folder read-only, or the session ends."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from small_disks import read_only_folder, small_disk

from ssp_tui.api.errors import AuthenticationRequired, DownloadError
from ssp_tui.operations.downloads import (
    BulkProgress,
    Destination,
    DestinationUnusable,
    DownloadEngine,
    DownloadJob,
    DownloadMode,
    DownloadPlan,
)

from .fakes import FakePortal, run_engine, sha256_of
from .test_ops_downloads import all_files, job_for, leftovers


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Path]:
    """96 KiB: room for a few PDFs, not all of them."""
    with small_disk(tmp_path / "small", kib=96) as where:
        yield where


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    with read_only_folder(tmp_path / "read-only") as where:
        yield where


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# -- symlinks: nothing is written through a link planted at a final name --


async def test_a_symlink_planted_at_a_separate_file_is_not_followed(
    portal: FakePortal, tmp_path: Path
) -> None:
    cache, target, outside = tmp_path / "cache", tmp_path / "out", tmp_path / "elsewhere"
    outside.mkdir()
    victim = outside / "victim.pdf"
    victim.write_bytes(b"keep me")
    job = job_for(portal, "d0", 1, "Doc")
    final = target / job.relative_path
    final.parent.mkdir(parents=True)
    final.symlink_to(victim)
    dangling = job_for(portal, "d1", 1, "Other")
    (target / dangling.relative_path).symlink_to(outside / "created-by-us.pdf")

    result = await run_engine(portal, cache, [job, dangling], target)

    assert result.complete
    assert victim.read_bytes() == b"keep me", "the link's target was not written"
    assert not (outside / "created-by-us.pdf").exists(), "a dangling link was not followed"
    assert all(not saved.path.is_symlink() and saved.path.parent == final.parent for saved in result.files)
    assert sorted(saved.path.name for saved in result.files) == sorted(
        [final.with_name(f"{final.stem} (2).pdf").name, f"{Path(dangling.relative_path).stem} (2).pdf"]
    )


@pytest.mark.parametrize("dangling", [False, True], ids=["symlink", "dangling-symlink"])
async def test_a_symlink_planted_at_the_combined_pdf_is_not_followed(
    portal: FakePortal, tmp_path: Path, dangling: bool
) -> None:
    folder, outside = tmp_path / "D", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    victim = outside / "c.pdf"
    if not dangling:
        victim.write_bytes(b"keep me")
    (folder / "c.pdf").symlink_to(victim)
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(2)]

    plan = DownloadPlan(jobs, Destination.combined(folder / "c.pdf"))
    result = await DownloadEngine(portal, tmp_path / "cache").run(plan)

    assert result.combined_path == folder.resolve() / "c (2).pdf"
    assert not result.combined_path.is_symlink()
    assert victim.read_bytes() == b"keep me" if not dangling else not victim.exists()


# -- independent copies: no hard links, and a cache blob never changes once admitted --


async def test_placed_files_are_independent_copies_of_the_cache(portal: FakePortal, tmp_path: Path) -> None:
    cache, target = tmp_path / "cache", tmp_path / "out"
    job = job_for(portal, "d0", 1, "Doc")
    twin = DownloadJob("d0-again", job.api_path, "twin/copy.pdf", "Doc again", job.expected_sha256)
    result = await run_engine(portal, cache, [job, twin], target)
    assert result.complete and portal.fetches[job.api_path] == 1
    blob = cache / job.expected_sha256[:2] / f"{job.expected_sha256}.pdf"
    original = blob.read_bytes()
    first, second = (saved.path for saved in result.files)
    assert [p.stat().st_nlink for p in (first, second, blob)] == [1, 1, 1]

    first.write_bytes(b"%PDF-1.4 edited by the user")
    assert second.read_bytes() == original and blob.read_bytes() == original

    again = await run_engine(portal, cache, [job], target)
    manifest = json.loads((target / "manifest.json").read_text())
    vouched = {entry["file"]: entry["sha256"] for entry in manifest["files"]}
    edited = first.relative_to(target).as_posix()
    assert again.files[0].path != first, "the edited file is not taken for the download"
    assert sha256_of(again.files[0].path.read_bytes()) == job.expected_sha256
    assert vouched.get(edited) != job.expected_sha256 or sha256_of(first.read_bytes()) == job.expected_sha256


async def test_a_blob_altered_in_the_cache_is_fetched_again_not_vouched_for(
    portal: FakePortal, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    job = job_for(portal, "d0", 1, "Doc")
    await run_engine(portal, cache, [job], tmp_path / "first")
    blob = cache / job.expected_sha256[:2] / f"{job.expected_sha256}.pdf"
    data = bytearray(blob.read_bytes())
    data[-20] ^= 0xFF  # same size, different bytes: someone else's edit
    blob.write_bytes(bytes(data))

    result = await run_engine(portal, cache, [job], tmp_path / "second")

    assert result.complete and portal.fetches[job.api_path] == 2, "fetched again"
    assert sha256_of(result.files[0].path.read_bytes()) == job.expected_sha256
    assert sha256_of(blob.read_bytes()) == job.expected_sha256


# -- permissions: readable by the user only --


@pytest.mark.parametrize("mode", [DownloadMode.SEPARATE, DownloadMode.COMBINED])
async def test_every_file_and_folder_written_is_private(
    portal: FakePortal, tmp_path: Path, mode: DownloadMode
) -> None:
    cache, target = tmp_path / "cache", tmp_path / "new" / "downloads"
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(3)]
    old_umask = os.umask(0o022)  # the usual default: without care, files would be 0644
    try:
        await run_engine(portal, cache, jobs, target, mode)
    finally:
        os.umask(old_umask)
    written = [p for root in (cache, tmp_path / "new") for p in [root, *root.rglob("*")]]
    assert any(p.name == "manifest.json" for p in written) or mode is DownloadMode.COMBINED
    assert any(p.suffix == ".pdf" for p in written)
    wrong = {str(p): oct(mode_of(p)) for p in written if mode_of(p) != (0o700 if p.is_dir() else 0o600)}
    assert wrong == {}


# -- a full disk, a read-only folder, a folder that cannot be made --


async def test_a_full_disk_keeps_every_verified_file_and_says_what_was_not_saved(
    portal: FakePortal, tmp_path: Path, small: Path
) -> None:
    jobs = [job_for(portal, f"d{i}", 12, f"Doc {i}") for i in range(48)]  # about 3 KB each: not all fit
    result = await run_engine(portal, tmp_path / "cache", jobs, small, concurrency=1)

    assert result.files and result.failed, "some saved, some not"
    assert not result.complete
    for saved in result.files:
        assert sha256_of(saved.path.read_bytes()) == saved.sha256, "every saved file is whole and verified"
    for failed in result.failed:
        assert "No space left on device" in failed.message and str(small) in failed.message
    assert leftovers(small) == [] and not [p for p in small.rglob(".*")]
    if result.manifest_path is None:
        assert result.problems and "manifest" in result.problems[0]
    else:
        listed = json.loads(result.manifest_path.read_text())
        assert len(listed["files"]) == len(result.files) and len(listed["failed"]) == len(result.failed)


async def test_a_read_only_folder_names_the_folder(
    portal: FakePortal, tmp_path: Path, read_only: Path
) -> None:
    job = job_for(portal, "d0", 1, "Doc")
    with pytest.raises(DestinationUnusable) as caught:
        await run_engine(portal, tmp_path / "cache", [job], read_only / "sub")
    message = caught.value.user_message
    assert str(read_only / "sub") in message and "cache" not in message
    assert portal.fetches[job.api_path] == 0, "nothing is fetched for a folder that cannot take it"


async def test_a_folder_that_cannot_be_created_says_which_and_why(portal: FakePortal, tmp_path: Path) -> None:
    job = job_for(portal, "d0", 1, "Doc")
    with pytest.raises(DestinationUnusable) as caught:
        await run_engine(portal, tmp_path / "cache", [job], Path("/proc/nope/dl"))
    assert caught.value.user_message.startswith("Cannot create the download folder /proc/nope/dl: ")


# -- names --


class NotPdfPortal(FakePortal):
    """Answers like the real client when the portal sends HTML: the error names the file being written."""

    async def download(
        self, api_path, dest, *, expected_sha256=None, on_progress=None, durable=True, then=None
    ):
        self.fetches[api_path] += 1
        raise DownloadError(f"{dest.name}: the portal did not send a PDF")


async def test_a_title_with_a_slash_is_named_whole_in_the_failure(tmp_path: Path) -> None:
    portal = NotPdfPortal()
    title = "Policy 2026/2027 renewal"
    job = DownloadJob("d0", "/documents/d0/content", "d0.pdf", title)
    result = await run_engine(portal, tmp_path / "cache", [job], tmp_path / "out")
    [line] = result.failure_lines()
    assert line == f"{title}: Policy 2026-2027 renewal.pdf: the portal did not send a PDF"


async def test_the_combined_pdf_says_what_it_is_and_whom_it_is_for(
    portal: FakePortal, tmp_path: Path
) -> None:
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(2)]
    plan = DownloadPlan(
        jobs,
        Destination.combined(tmp_path / "all.pdf"),
        title="Certificates of insurance - Ann Lee (NC-1)",
        labels=("Ann Lee (NC-1)",),
    )
    result = await DownloadEngine(portal, tmp_path / "cache").run(plan)
    with pikepdf.open(result.combined_path) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Certificates of insurance - Ann Lee (NC-1)"
        assert str(pdf.docinfo["/Subject"]) == "2 documents for Ann Lee (NC-1)"


# -- a run stopped part-way (cancel, or the session ended) keeps what it saved and resumes --


class GatedPortal(FakePortal):
    """Serves every document at once except those in ``held``, which stall until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.held: set[str] = set()
        self.release = asyncio.Event()
        self.waiting = asyncio.Event()
        self.ended: set[str] = set()
        self.others_saved = asyncio.Event()
        self.others_saved.set()

    async def download(
        self, api_path, dest, *, expected_sha256=None, on_progress=None, durable=True, then=None
    ):
        if api_path in self.ended:
            await self.others_saved.wait()  # so that the test knows exactly what was saved before
            self.fetches[api_path] += 1
            raise AuthenticationRequired(401, "Your session has ended", "Sign in again.")
        if api_path in self.held:
            dest.with_name(dest.name + ".part").write_bytes(b"%PDF-half")
            dest.with_name(dest.name + ".part.etag").write_text('"abc"')
            self.waiting.set()
            await self.release.wait()
        return await super().download(
            api_path, dest, expected_sha256=expected_sha256, on_progress=on_progress
        )


def every_name(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*")]


async def test_cancel_writes_the_manifest_of_what_was_saved_and_leaves_no_part_in_the_cache(
    tmp_path: Path,
) -> None:
    portal = GatedPortal()
    cache, target = tmp_path / "cache", tmp_path / "out"
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(3)]
    portal.held.add(jobs[2].api_path)
    cancel = asyncio.Event()
    two_saved = asyncio.Event()

    def on_progress(progress: BulkProgress) -> None:
        if progress.files_done == 2:
            two_saved.set()

    engine = DownloadEngine(portal, cache)
    plan = DownloadPlan(jobs, Destination.separate(target))
    run = asyncio.create_task(engine.run(plan, on_progress=on_progress, cancel=cancel))
    await portal.waiting.wait()
    await two_saved.wait()
    cancel.set()
    result = await run

    assert result.cancelled and [saved.job.key for saved in result.files] == ["d0", "d1"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert [entry["key"] for entry in manifest["files"]] == ["d0", "d1"]
    assert [entry["key"] for entry in manifest["missing"]] == ["d2"]
    assert not [name for name in every_name(cache) if name.endswith((".part", ".part.etag"))]
    assert leftovers(target) == []

    portal.held.clear()
    again = await engine.run(DownloadPlan(jobs, Destination.separate(target)))
    assert again.complete and portal.fetches[jobs[0].api_path] == 1, "the next run resumes from the cache"


async def test_an_ended_session_stops_the_run_keeps_what_was_saved_and_escapes(tmp_path: Path) -> None:
    portal = GatedPortal()
    cache, target = tmp_path / "cache", tmp_path / "out"
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(4)]
    portal.ended.add(jobs[3].api_path)
    portal.others_saved.clear()

    def on_progress(progress: BulkProgress) -> None:
        if progress.files_done == 3:
            portal.others_saved.set()

    engine = DownloadEngine(portal, cache)
    plan = DownloadPlan(jobs, Destination.separate(target), concurrency=2)

    with pytest.raises(AuthenticationRequired):
        await engine.run(plan, on_progress=on_progress)

    manifest = json.loads((target / "manifest.json").read_text())
    assert [entry["key"] for entry in manifest["files"]] == ["d0", "d1", "d2"]
    assert manifest["failed"] == [], "an ended session is not a failure of the file"
    assert not [name for name in every_name(cache) if name.endswith((".part", ".part.etag"))]

    portal.ended.clear()  # signed in again: the same plan completes, the saved files from the cache
    result = await engine.run(plan)
    assert result.complete and result.fetched == 1
    assert all_files(target) == sorted(
        [*(Path(job.relative_path).as_posix() for job in jobs), "manifest.json"]
    )
