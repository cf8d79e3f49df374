"""What parallel CLI commands share besides the session itself: a private runtime folder, a lock around the
kept session, and the last authenticator step each login used. None of it is a secret.

- The runtime folder is ``$XDG_RUNTIME_DIR/ssp-tui`` (memory on most Linux systems), else
  ``<tmp>/ssp-tui-<uid>``; it must be a real folder owned by this user and closed to everyone else (0700),
  or it is not used (the session agent needs it; locks then go to the cache folder).
- ``SessionLock``: one command at a time restores, signs in, refreshes or replaces a kept session, so four
  commands started together sign in once and refresh once between them (``flock`` on Unix, ``msvcrt``'s
  byte lock on Windows; the standard library's, as filelock's import cost every command ~17 ms).
- ``TotpSteps``: an authenticator code is good for one sign-in per 30-second step. The step each sign-in
  used is noted here (a number, per portal and username), so a second sign-in in the same step waits for the
  next code instead of sending one the portal refuses, which counts as a failed sign-in.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import stat
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

from ssp_tui.errors import SspError

LOCK_TIMEOUT_S = 180.0
"""Longer than any sign-in (a password, up to 30 s for the next code, an MFA verify) holding the lock."""
POLL_S = 0.05
"""How often a waiting command tries the lock again: a non-blocking try in a loop, so that waiting can end."""


class SessionLockTimeout(SspError):
    """Another command held the session lock for longer than any sign-in takes."""


def digest(*parts: str) -> str:
    """A short stable file name for a key that may hold a URL or a username."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]


def runtime_dir() -> Path | None:
    """This user's private runtime folder, created if missing; None where there is no safe one."""
    if not hasattr(os, "getuid"):
        return None
    base = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    folder = Path(base) / "ssp-tui" if base and Path(base).is_dir() else None
    if folder is None:
        folder = Path(tempfile.gettempdir()) / f"ssp-tui-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    # Someone else's folder, a symlink planted in /tmp, or one others may enter: not ours to trust.
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def _lock_dir() -> Path:
    folder = runtime_dir()
    if folder is not None:
        return folder
    import platformdirs

    folder = platformdirs.user_cache_path("ssp-tui", appauthor=False) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class SessionLock:
    """An inter-process lock for one kept session (one profile and portal); waited for in a worker thread, so
    the event loop goes on while another command holds it. Within the process it counts: holding it again
    (from any task or thread of this command) does not wait for itself."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._guard = threading.Lock()  # the count and the descriptor, between this command's threads
        self._fd = -1
        self._count = 0

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        await asyncio.to_thread(self._acquire, LOCK_TIMEOUT_S)
        try:
            yield
        finally:
            self._release()

    def _acquire(self, timeout_s: float) -> None:
        with self._guard:
            if self._count == 0:
                self._fd = _lock_file(_lock_dir() / f"{self.name}.lock", timeout_s)
            self._count += 1

    def _release(self) -> None:
        with self._guard:
            self._count -= 1
            if self._count == 0:
                fd, self._fd = self._fd, -1
                _unlock_file(fd)


def _lock_file(path: Path, timeout_s: float) -> int:
    """Open ``path`` (0600; created if missing) and lock it exclusively: the open descriptor, which holds the
    lock until ``_unlock_file``. Raises SessionLockTimeout after ``timeout_s`` of waiting."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + timeout_s
    try:
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise SessionLockTimeout(
                    f"Another ssp-tui command has held the session for {timeout_s:g} s; "
                    "try again when it is done."
                )
            time.sleep(POLL_S)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _try_lock(fd: int) -> bool:
    """One non-blocking try; False when another process holds the lock."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks bytes from the current position: always the first
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDEADLK):
            return False  # held elsewhere (EACCES: some file systems' flock; EDEADLK: msvcrt's "locked")
        raise
    return True


def _unlock_file(fd: int) -> None:
    """Give the lock back; closing the descriptor alone would, but say so first where closing is late."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class TotpSteps:
    """The last authenticator step used to sign in, per portal and username (see the module docstring)."""

    def __init__(self, portal_key: str, username: str) -> None:
        self._name = f"totp-{digest(portal_key, username.lower())}"

    def _path(self) -> Path:
        return _lock_dir() / self._name

    def last(self) -> int:
        with contextlib.suppress(OSError, ValueError):
            return int(self._path().read_text(encoding="ascii").strip() or 0)
        return 0

    def used(self, step: int) -> None:
        with contextlib.suppress(OSError):
            self._path().write_text(str(max(step, self.last())), encoding="ascii")
