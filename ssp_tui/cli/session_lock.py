"""What parallel CLI commands share besides the session itself: a private runtime folder, a lock around the
kept session, and the last authenticator step each login used. None of it is a secret.

- The runtime folder is ``$XDG_RUNTIME_DIR/ssp-tui`` (memory on most Linux systems), else
  ``<tmp>/ssp-tui-<uid>``; it must be a real folder owned by this user and closed to everyone else (0700),
  or it is not used (the session agent needs it; locks then go to the cache folder).
- ``SessionLock``: one command at a time restores, signs in, refreshes or replaces a kept session, so four
  commands started together sign in once and refresh once between them (filelock: fcntl or msvcrt).
- ``TotpSteps``: an authenticator code is good for one sign-in per 30-second step. The step each sign-in
  used is noted here (a number, per portal and username), so a second sign-in in the same step waits for the
  next code instead of sending one the portal refuses, which counts as a failed sign-in.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from ssp_tui.errors import SspError

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT_S = 180.0
"""Longer than any sign-in (a password, up to 30 s for the next code, an MFA verify) holding the lock."""


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
    """An inter-process lock for one kept session (one profile and portal); held in a worker thread, so the
    event loop goes on while another command holds it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock: FileLock | None = None

    def _file_lock(self) -> FileLock:
        if self._lock is None:
            from filelock import FileLock

            # thread_local=False: acquired and released from different worker threads of one command.
            self._lock = FileLock(_lock_dir() / f"{self.name}.lock", thread_local=False)
        return self._lock

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        from filelock import Timeout

        lock = self._file_lock()
        try:
            await asyncio.to_thread(lock.acquire, timeout=LOCK_TIMEOUT_S)
        except Timeout:
            raise SessionLockTimeout(
                f"Another ssp-tui command has held the session for {LOCK_TIMEOUT_S:g} s; "
                "try again when it is done."
            ) from None
        try:
            yield
        finally:
            lock.release()


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
