"""A content-addressed cache of downloaded PDFs: ``cache_dir/ab/abcdef....pdf``, plus an ETag index.

A blob's name is the SHA-256 of its bytes, so a blob is either right or detectably wrong: every hit is
re-hashed before use (a placed copy is hashed as it is written instead), and a blob that no longer matches its
name is removed and fetched again, never vouched for. Blobs are never handed out as links, only copied, so
nothing a user does to a downloaded file can change one. Everything here is private (0600 files, 0700
folders).

The last few combined PDFs are kept too (``cache_dir/combined/<key>.pdf``, key = what went into them, see
``pdf_combine.combination_key``), with their SHA-256 in the index: combining costs the same warm or cold, so
without them a warm combined download could not be much faster than a cold one (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from ssp_tui.operations.downloads.private_files import PRIVATE_FILE, make_private_folders, write_private

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_HASH_CHUNK = 1 << 20
INDEX_NAME = "etag-index.json"
INCOMING_DIR = "incoming"
COMBINED_DIR = "combined"
MAX_COMBINED = 8
"""Combined PDFs kept, least recently used dropped first: each can be as big as all its documents."""
SPARE_STAGING = 16
"""Emptied staging folders kept to be used again (a run's workers use a few at a time)."""


def normalise_sha256(value: str | None) -> str | None:
    """Lower-case hex digest, or None when ``value`` is not one (server text never becomes a path)."""
    if value is None:
        return None
    if _SHA256_HEX.fullmatch(value):
        return value  # already one: the same string, not a copy per caller (memory per file, issue 23)
    lowered = value.strip().lower()
    return lowered if _SHA256_HEX.fullmatch(lowered) else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class CachedBlob:
    path: Path
    sha256: str
    bytes: int


class ContentCache:
    """Blobs by SHA-256, and which strong ETag named which SHA-256. One per engine, for the life of the app:
    its index is changed under a lock, since runs do their file work in worker threads."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._etags: dict[str, str] = {}
        self._combined: dict[str, str] = {}
        """Combination key to SHA-256, least recently used first."""
        self._index_dirty = False
        self._folders: set[str] = set()
        """Blob folders made or found by ``admit``."""
        self._lock = threading.Lock()
        self._spare_staging: list[Path] = []
        """Staging folders this cache made and its downloads emptied, to be used again (never another
        process's: two processes share a cache folder)."""
        self._load_index()

    def blob_path(self, sha256: str) -> Path:
        checked = normalise_sha256(sha256)
        if checked is None:
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / checked[:2] / f"{checked}.pdf"

    def lookup(
        self, *, sha256: str | None = None, etag: str | None = None, verify: bool = True
    ) -> CachedBlob | None:
        """The verified blob for this digest (or for the digest the ETag named), else None. Blocking I/O.

        ``verify=False`` only checks the size is plausible: for callers that hash the bytes as they copy them
        (``placement.place_file``) and call ``evict`` when they do not match."""
        wanted = normalise_sha256(sha256)
        if wanted is None and etag:
            wanted = self._etags.get(etag)
        if wanted is None:
            return None
        path = self.blob_path(wanted)
        if verify:
            return _verified(path, wanted)
        try:
            return CachedBlob(path=path, sha256=wanted, bytes=path.stat().st_size)
        except OSError:
            return None

    def evict(self, blob: CachedBlob) -> None:
        """Remove a blob found to be wrong, so the next lookup misses and it is fetched again."""
        with contextlib.suppress(OSError):
            blob.path.unlink()

    def lookup_combined(self, key: str) -> CachedBlob | None:
        """The verified combined PDF made from exactly what ``key`` names, else None. Blocking I/O."""
        digest = self._combined.get(key)
        if digest is None:
            return None
        blob = _verified(self._combined_path(key), digest)
        if blob is None:
            self._forget_combined(key)
            return None
        with self._lock:
            self._combined[key] = self._combined.pop(key, digest)  # now the most recently used
            self._index_dirty = True
        return blob

    def admit_combined(self, key: str, staged: Path, sha256: str) -> CachedBlob:
        """Keep a finished combined PDF under ``key``; the oldest beyond MAX_COMBINED are removed.

        ``sha256``: the digest of the bytes as the writer wrote them (so the file is not read again here).
        It is recorded, not trusted: every later ``lookup_combined`` hashes the file and drops it on a
        mismatch, as for any blob."""
        digest = normalise_sha256(sha256)
        if digest is None:
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        path = self._combined_path(key)
        make_private_folders(path.parent)
        size = staged.stat().st_size
        os.chmod(staged, PRIVATE_FILE)
        os.replace(staged, path)
        with self._lock:
            self._combined.pop(key, None)
            self._combined[key] = digest
            self._index_dirty = True
            oldest = list(self._combined)[: max(0, len(self._combined) - MAX_COMBINED)]
        for old_key in oldest:
            self._forget_combined(old_key)
        return CachedBlob(path=path, sha256=digest, bytes=size)

    def _combined_path(self, key: str) -> Path:
        checked = normalise_sha256(key)
        if checked is None:
            raise ValueError(f"not a combination key: {key!r}")
        return self.root / COMBINED_DIR / f"{checked}.pdf"

    def _forget_combined(self, key: str) -> None:
        with self._lock:
            self._combined.pop(key, None)
            self._index_dirty = True
        with contextlib.suppress(OSError, ValueError):
            self._combined_path(key).unlink()

    def new_staging_path(self, name: str) -> Path:
        """A fresh ``incoming/<random>/<name>`` for the client to download to (same filesystem as the blobs).

        The folder is per download, so the client's error messages can name the file as the user knows it.
        A folder an earlier download emptied is used again before a new one is made: a folder made (on the
        event loop) and removed (in a thread) per file cost 1.4 ms a file on an ext4 disk, as much as the
        baseline's whole GET and write of a certificate (issue 23).
        """
        with self._lock:
            folder = self._spare_staging.pop() if self._spare_staging else None
        if folder is None:
            make_private_folders(self.root / INCOMING_DIR)
            folder = self.root / INCOMING_DIR / secrets.token_hex(8)
            folder.mkdir(mode=0o700)
        return folder / name

    def discard_staging(self, path: Path) -> None:
        """Be done with a download's staging folder: kept to be used again when the attempt left nothing in it
        (after an admission), else removed with whatever is in it (``.part`` and all)."""
        folder = path.parent
        try:
            if not os.listdir(folder):
                with self._lock:
                    if folder in self._spare_staging:
                        return  # already given back: twice in the pool, two downloads would share it
                    if len(self._spare_staging) < SPARE_STAGING:
                        self._spare_staging.append(folder)
                        return
            os.rmdir(folder)  # empty after an admission: one call, where rmtree made a dozen
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)

    def end_run(self) -> None:
        """Blocking, once a run has fetched and combined: the spare staging folders removed, then the index
        saved (one thread hop for both)."""
        self.release_staging()
        self.save_index()

    def release_staging(self) -> None:
        """Remove the emptied staging folders kept for reuse (blocking; at the end of a run)."""
        with self._lock:
            spare, self._spare_staging = self._spare_staging, []
        for folder in spare:
            with contextlib.suppress(OSError):
                os.rmdir(folder)

    def admit(
        self, staged: Path, sha256: str, *, etag: str | None = None, private_size: int | None = None
    ) -> CachedBlob:
        """Move a verified download into the cache (or drop it if the blob is already there).

        ``private_size``: the caller's word that ``staged`` is already private (0600) and of that size (the
        real client's downloads are): a stat and a chmod less a file (issue 23). Without it, both are made."""
        digest = normalise_sha256(sha256)
        path = self.blob_path(sha256)
        if private_size is None:
            size = os.stat(staged).st_size
            os.chmod(staged, PRIVATE_FILE)  # a fake downloader's file may be 0644
        else:
            size = private_size
        # The 256 folders are made once for the cache's life, not looked for at every admission (issue 23);
        # one removed since (the user cleared the cache) is made again.
        folder = os.path.dirname(path)
        if folder not in self._folders:
            make_private_folders(path.parent)
            self._folders.add(folder)
        try:
            os.replace(staged, path)
        except FileNotFoundError:
            if not os.path.exists(staged):
                raise
            make_private_folders(path.parent)
            os.replace(staged, path)
        digest = digest or path.stem
        if etag:
            self.remember_etag(etag, digest)
        return CachedBlob(path=path, sha256=digest, bytes=size)

    def remember_etag(self, etag: str, sha256: str) -> None:
        checked = normalise_sha256(sha256)
        with self._lock:
            if etag and checked and self._etags.get(etag) != checked:
                self._etags[etag] = checked
                self._index_dirty = True

    def save_index(self) -> None:
        """Write the ETag index atomically if it changed; a failure only costs future fetches."""
        with self._lock:
            if not self._index_dirty:
                return
            document = json.dumps({"version": 1, "etags": self._etags, "combined": self._combined})
            self._index_dirty = False
        try:
            make_private_folders(self.root)
            write_private(self.root / INDEX_NAME, document.encode("utf-8"))
        except OSError:
            with self._lock:
                self._index_dirty = True

    def _load_index(self) -> None:
        try:
            data = json.loads((self.root / INDEX_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # no index yet, or unreadable: start empty (blobs are still found by SHA-256)
        if not isinstance(data, dict):
            return
        self._etags = _digests_by_name(data.get("etags"))
        self._combined = {
            key: digest
            for key, digest in _digests_by_name(data.get("combined")).items()
            if normalise_sha256(key) == key  # the key becomes a file name: only a hex digest will do
        }


def _digests_by_name(table: object) -> dict[str, str]:
    """The ``name -> SHA-256`` entries of an index table that are well formed (the file may be edited)."""
    if not isinstance(table, dict):
        return {}
    return {
        str(name): digest
        for name, digest in table.items()
        if isinstance(digest, str) and normalise_sha256(digest) == digest
    }


def _verified(path: Path, wanted: str) -> CachedBlob | None:
    """``path`` as a blob if its bytes still hash to ``wanted``; a file that does not is removed."""
    try:
        size = path.stat().st_size
        actual = file_sha256(path)
    except OSError:
        return None
    if actual != wanted:
        # Corrupted on disk (or edited through a hard link): drop it so it is made again.
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return CachedBlob(path=path, sha256=wanted, bytes=size)


def default_cache_dir() -> Path:
    """Where the TUI and the CLI both keep the cache: neither fetches a file the other already has."""
    from platformdirs import user_cache_path

    return user_cache_path("ssp-tui", appauthor=False) / "downloads"
