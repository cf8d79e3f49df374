"""Files and folders readable by the user only: downloads, the cache and the manifest are private records.

Every file is created new (``O_EXCL``), never through a symlink (``O_NOFOLLOW``), with mode 0600; every
folder this package creates is 0700. Existing folders the user chose are left as they are.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterable, Sequence
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


def sync_files(fds: Sequence[int]) -> None:
    """Make the bytes of every open file of ``fds`` durable, as an ``fsync`` of each would.

    On Linux 5.8 or later, one ``syncfs`` per file system among them: it writes back every dirty file of that
    file system and commits its journal once, where an fsync a file waited for a commit each (a warm bulk
    download of 5,000 files: 1.2-2.0 s one fsync at a time, 0.7-1.3 s so, and a third less CPU; issue 23).
    From 5.8 on, ``syncfs`` reports a write-back error met since the descriptor was opened, as fsync does;
    before, it did not, so older kernels and other systems fsync each file. It also writes back what other
    programs left dirty on that file system: its cost is shared with them (docs/performance.md)."""
    syncfs = _syncfs() if len(fds) > 1 else None
    if syncfs is None:
        for fd in fds:
            os.fsync(fd)
        return
    devices: dict[int, int] = {}
    for fd in fds:
        devices.setdefault(os.fstat(fd).st_dev, fd)
    for fd in devices.values():
        syncfs(fd)


@functools.cache
def _syncfs() -> Callable[[int], None] | None:
    """``syncfs(fd)`` raising OSError, where it reports write-back errors (Linux 5.8+), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        version = tuple(int(part) for part in re.findall(r"\d+", os.uname().release)[:2])
        if version < (5, 8):
            return None
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.syncfs
    except (OSError, AttributeError, ValueError):
        return None
    call.argtypes = [ctypes.c_int]
    call.restype = ctypes.c_int

    def syncfs(fd: int) -> None:
        if call(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))

    return syncfs
