"""A rerun into a folder that holds an earlier run's files, and what the manifest may vouch for after a crash.

A whole book's rerun must not read every file again when the manifest proves it is what was written (issue
23), and the manifest must never name a file that a crash could lose.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ssp_tui.operations.downloads import DownloadMode, placement
from ssp_tui.operations.downloads import manifest as download_manifest

from .fakes import FakePortal, run_engine
from .test_ops_downloads import job_for, leftovers


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file whose bytes the placement or the manifest read to hash them."""
    read: list[Path] = []

    def counting(real):  # type: ignore[no-untyped-def]
        def file_sha256(path: Path) -> str:
            read.append(Path(path))
            return real(path)

        return file_sha256

    monkeypatch.setattr(placement, "file_sha256", counting(placement.file_sha256))
    monkeypatch.setattr(download_manifest, "file_sha256", counting(download_manifest.file_sha256))
    return read


async def test_a_rerun_reuses_the_files_the_manifest_vouches_for_without_reading_them(
    portal: FakePortal, tmp_path: Path, hashed: list[Path]
) -> None:
    cache, target = tmp_path / "cache", tmp_path / "downloads"
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(4)]
    first = await run_engine(portal, cache, jobs, target)
    hashed.clear()
    second = await run_engine(portal, cache, jobs, target)
    assert second.complete and second.fetched == 0
    assert [saved.path for saved in second.files] == [saved.path for saved in first.files]
    assert not [path for path in hashed if target in path.parents]


async def test_a_file_changed_since_the_manifest_is_not_vouched_for(
    portal: FakePortal, tmp_path: Path
) -> None:
    cache, target = tmp_path / "cache", tmp_path / "downloads"
    jobs = [job_for(portal, "d0", 1, "Doc 0")]
    first = await run_engine(portal, cache, jobs, target)
    edited = first.files[0].path
    original = edited.read_bytes()
    edited.write_bytes(original[:-1] + b"X")  # the same size, other bytes, a newer mtime
    later = os.stat(target / "manifest.json").st_mtime + 5
    os.utime(edited, (later, later))
    second = await run_engine(portal, cache, jobs, target)
    placed = second.files[0].path
    assert placed != edited and placed.read_bytes() == original
    assert edited.read_bytes() == original[:-1] + b"X"  # the user's edit is never overwritten


async def test_a_file_the_manifest_names_was_made_durable_first(
    portal: FakePortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file is fsynced before it gets its name, and every folder holding one after it got it, all before
    the manifest is written: a crash never leaves a manifest naming a lost or partial file."""
    events: list[tuple[str, tuple[int, int]]] = []
    real_fsync, real_write = os.fsync, download_manifest.write_private

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        events.append(("fsync", (info.st_dev, info.st_ino)))
        real_fsync(fd)

    def write_private(final: Path, data: bytes) -> None:
        events.append(("manifest", (0, 0)))
        real_write(final, data)

    real_sync_files = placement.sync_files

    def sync_files(fds: list[int]) -> None:  # a batch of copies made durable at once (one syncfs)
        real_sync_files(fds)
        events.extend(("fsync", (os.fstat(fd).st_dev, os.fstat(fd).st_ino)) for fd in fds)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(placement, "sync_files", sync_files)
    monkeypatch.setattr(download_manifest, "write_private", write_private)
    cache, target = tmp_path / "cache", tmp_path / "downloads"
    jobs = [job_for(portal, f"d{i}", 1, f"Doc {i}") for i in range(3)]
    result = await run_engine(portal, cache, jobs, target, DownloadMode.SEPARATE)
    manifest_at = events.index(("manifest", (0, 0)))
    synced = [identity for kind, identity in events[:manifest_at] if kind == "fsync"]
    for saved in result.files:
        file_id = (saved.path.stat().st_dev, saved.path.stat().st_ino)
        folder = saved.path.parent.stat()
        assert file_id in synced
        last_folder_sync = max(
            i for i, identity in enumerate(synced) if identity == (folder.st_dev, folder.st_ino)
        )
        assert last_folder_sync > synced.index(file_id)
    assert leftovers(target, cache) == []
