"""Files and folders readable by the user only: downloads, the cache and the manifest are private records.

Every file is created new (``O_EXCL``), never through a symlink (``O_NOFOLLOW``), with mode 0600; every
folder this package creates is 0700. Existing folders the user chose are left as they are.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def make_private_folders(folder: Path) -> None:
    """``folder`` and any missing parents, each created 0700 (existing folders are left as they are)."""
    missing: list[Path] = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=PRIVATE_FOLDER)


def create_private(path: Path) -> int:
    """A new file at ``path`` (0600, never through a symlink); FileExistsError when the name is taken."""
    return os.open(path, _CREATE_NEW, PRIVATE_FILE)


def temp_path_beside(final: Path, suffix: str = ".part") -> Path:
    """A hidden temporary name in the same folder (so the rename is atomic)."""
    return final.with_name(f".{final.name}.{secrets.token_hex(4)}{suffix}")


def write_private(final: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace ``final`` (the manifest, say) with ``data`` (or its chunks, written as they come) atomically,
    as a 0600 file; no temp file stays."""
    temp = temp_path_beside(final, ".tmp")
    try:
        fd = create_private(temp)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def fsync_folder(folder: Path) -> None:
    """Make the names created in ``folder`` durable; a no-op where a folder cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
