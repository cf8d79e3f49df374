"""The part files of a download in progress (``dest.part`` and its ``.part.etag``), written as private files.

Split from ``download.py``, which streams, resumes and checks; here is what is on disk meanwhile.
"""

from __future__ import annotations

import os
from pathlib import Path


class PartFiles:
    """``dest.part`` (the bytes so far) and ``dest.part.etag`` (their strong ETag, to resume them)."""

    def __init__(self, dest: Path) -> None:
        self.part = dest.with_name(dest.name + ".part")
        self.etag_file = dest.with_name(dest.name + ".part.etag")

    def resume_state(self) -> tuple[int, str | None]:
        """(bytes already here, their strong ETag), or (0, None) after clearing a part that cannot resume."""
        try:
            size = self.part.stat().st_size
        except FileNotFoundError:
            # The usual case, a first attempt: one call to see there is no part, one to clear a stray ETag.
            self.etag_file.unlink(missing_ok=True)
            return 0, None
        if self.etag_file.exists():
            etag = self.etag_file.read_text(encoding="utf-8").strip()
            if etag and not etag.startswith("W/") and size > 0:
                return size, etag
        self.discard()
        return 0, None

    def remember_etag(self, etag: str | None) -> None:
        if etag is None:
            self.etag_file.unlink(missing_ok=True)
        else:
            fd = open_private(self.etag_file, "wb")
            try:
                write_all(fd, etag.encode("utf-8"))
            finally:
                os.close(fd)

    def resumable(self) -> bool:
        return self.part.exists() and self.etag_file.exists()

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)
        self.etag_file.unlink(missing_ok=True)


def open_private(path: Path, mode: str) -> int:
    """``path`` opened for writing (``wb`` or ``ab``) as a file only the user may read (0600), never through a
    symlink: a downloaded insurance document is a private record from its first byte. A plain descriptor: a
    file object cost an ``fstat``, an ``isatty`` ``ioctl`` and an ``lseek`` a download on the event loop, each
    a chance for a worker thread to take the GIL from it (issue 23)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    if mode == "wb":
        try:  # the usual case, a new file: made 0600 by the open itself, nothing to change after
            return os.open(path, flags | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
    fd = os.open(path, flags | (os.O_APPEND if mode == "ab" else os.O_TRUNC), 0o600)
    try:
        if hasattr(os, "fchmod"):  # a part kept from an older version may have been made 0644
            os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    if written < len(data):  # rare: a short write (a full disk reports an error on the next one)
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(fd, view) :]
