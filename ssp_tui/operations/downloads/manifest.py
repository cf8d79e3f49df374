"""``manifest.json`` beside separate downloads: what is there, what it should hash to, and what failed.

A later run into the same folder merges into the manifest: files from earlier runs that are still on disk,
with the bytes the manifest gave them, keep their entries (a file changed since is dropped: the manifest
never vouches for bytes it did not write); ``failed`` and ``missing`` describe the latest run only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from ssp_tui import clock
from ssp_tui.operations.downloads.cache import file_sha256
from ssp_tui.operations.downloads.plan import DownloadJob
from ssp_tui.operations.downloads.private_files import fsync_folder, write_private
from ssp_tui.operations.downloads.results import BulkResult

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


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


def build_manifest(result: BulkResult, root: Path, earlier: dict[str, dict[str, Any]]) -> dict[str, Any]:
    files = dict(earlier)
    for saved in result.files:
        name = _relative(saved.path, root)
        files[name] = {
            "file": name,
            "key": saved.job.key,
            "title": saved.job.title,
            "sha256": saved.sha256,
            "bytes": saved.bytes,
        }
    failed_keys = {failed.job.key for failed in result.failed}
    return {
        "version": MANIFEST_VERSION,
        "generated_at": clock.now().isoformat(timespec="seconds"),
        "complete": result.complete,
        "files": sorted(files.values(), key=lambda entry: entry["file"]),
        "failed": [{**_job_fields(failed.job), "message": failed.message} for failed in result.failed],
        "missing": [_job_fields(job) for job in result.missing if job.key not in failed_keys],
    }


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
    document = build_manifest(result, root, _earlier_files(path, root))
    for folder in sorted({saved.path.parent for saved in result.files} | {root}):
        fsync_folder(folder)
    # msgspec writes the same text as ``json.dumps(indent=2, ensure_ascii=False)`` without the pure-Python
    # encoder's list of small strings: for 5,000 files that list was the run's peak of memory (issue 23).
    write_private(path, msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n")
    fsync_folder(root)
    return path
