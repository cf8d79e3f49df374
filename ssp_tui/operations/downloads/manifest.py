"""``manifest.json`` beside separate downloads: what is there, what it should hash to, and what failed.

A later run into the same folder merges into the manifest: files from earlier runs that are still on disk,
with the bytes the manifest gave them, keep their entries (a file changed since is dropped: the manifest
never vouches for bytes it did not write); ``failed`` and ``missing`` describe the latest run only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import msgspec

from ssp_tui import clock
from ssp_tui.operations.downloads.cache import file_sha256
from ssp_tui.operations.downloads.plan import DownloadJob
from ssp_tui.operations.downloads.private_files import fsync_folder, write_private
from ssp_tui.operations.downloads.results import BulkResult, SavedFile

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
FOLDER_SYNCS = 8
"""Folders fsynced at once before the manifest is written."""


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _job_fields(job: DownloadJob) -> dict[str, Any]:
    return {"key": job.key, "title": job.title, "intended_file": str(job.relative_path)}


def _unchanged(path: Path, entry: dict[str, Any], written_at: float) -> bool:
    """``path`` still holds what ``entry`` says: same size, and (when touched since the manifest was
    written) the same SHA-256. Hashing only the touched files keeps a large folder's rerun cheap."""
    try:
        info = path.lstat()
        if not path.is_file() or path.is_symlink() or info.st_size != entry.get("bytes"):
            return False
        return info.st_mtime <= written_at or file_sha256(path) == entry.get("sha256")
    except OSError:
        return False


def _earlier_files(manifest_path: Path, root: Path) -> dict[str, dict[str, Any]]:
    try:
        written_at = manifest_path.stat().st_mtime
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("files") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return {}
    kept: dict[str, dict[str, Any]] = {}
    for entry in entries:
        name = entry.get("file") if isinstance(entry, dict) else None
        # Only plain relative names that still exist inside the folder survive the merge.
        plain = isinstance(name, str) and ".." not in Path(name).parts and not Path(name).is_absolute()
        if plain and _unchanged(root / name, entry, written_at):
            kept[name] = entry
    return kept


def _entry(name: str, saved: SavedFile) -> dict[str, Any]:
    return {
        "file": name,
        "key": saved.job.key,
        "title": saved.job.title,
        "sha256": saved.sha256,
        "bytes": saved.bytes,
    }


def manifest_chunks(result: BulkResult, root: Path, earlier: dict[str, dict[str, Any]]) -> Iterator[bytes]:
    """The manifest's text, ``json.dumps(document, indent=2, ensure_ascii=False)`` byte for byte, a file entry
    at a time: the whole document as dictionaries and one encoded text was a kilobyte a file at the very end
    of a run, its peak of memory (issue 23)."""
    files: dict[str, dict[str, Any] | SavedFile] = dict(earlier)
    for saved in result.files:
        files[_relative(saved.path, root)] = saved
    failed_keys = {failed.job.key for failed in result.failed}
    head = {
        "version": MANIFEST_VERSION,
        "generated_at": clock.now().isoformat(timespec="seconds"),
        "complete": result.complete,
    }
    tail = {
        "failed": [{**_job_fields(failed.job), "message": failed.message} for failed in result.failed],
        "missing": [_job_fields(job) for job in result.missing if job.key not in failed_keys],
    }
    yield _indented(head)[:-2] + b",\n"  # "{\n  ...\n}" less its closing brace
    names = sorted(files)
    if not names:
        yield b'  "files": [],\n'
    else:
        yield b'  "files": [\n'
        for number, name in enumerate(names, start=1):
            entry = files[name]
            text = _indented(entry if isinstance(entry, dict) else _entry(name, entry))
            yield b"    " + text.replace(b"\n", b"\n    ") + (b",\n" if number < len(names) else b"\n")
        yield b"  ],\n"
    yield _indented(tail)[2:] + b"\n"  # less its opening brace


def _indented(value: object) -> bytes:
    return msgspec.json.format(msgspec.json.encode(value), indent=2)


def recorded_files(root: Path) -> dict[Path, str]:
    """The files ``root``'s manifest names that still hold what it recorded (the same size, and either not
    modified since it was written or hashing to its SHA-256): path to SHA-256. Blocking I/O."""
    earlier = _earlier_files(root / MANIFEST_NAME, root)
    return {root / name: str(entry.get("sha256")) for name, entry in earlier.items()}


def write_manifest(result: BulkResult, root: Path) -> Path:
    """Write (merge) ``root/manifest.json`` atomically, readable by the user only; returns its path.

    Every file it names was fsynced before it got its name (``placement``); the folders holding them are
    fsynced here, once each, before the manifest is written, so after a crash the manifest never names a file
    whose directory entry was lost."""
    path = root / MANIFEST_NAME
    earlier = _earlier_files(path, root)
    folders = sorted({saved.path.parent for saved in result.files} | {root})
    # A few at once: the file system commits concurrent fsyncs together, and one folder at a time was up to a
    # quarter of a warm run of 2,000 files in 123 folders (issue 23).
    with ThreadPoolExecutor(max_workers=min(FOLDER_SYNCS, len(folders))) as pool:
        list(pool.map(fsync_folder, folders))
    write_private(path, manifest_chunks(result, root, earlier))
    fsync_folder(root)
    return path
