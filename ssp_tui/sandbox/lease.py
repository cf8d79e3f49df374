"""A sandbox serving on a lease: the background sandbox that ``ssp-tui`` commands share.

The CLI (``ssp_tui/portal/shared_sandbox.py``) starts ``sandbox serve --lease STATE --lock LOCK --token T
--idle-timeout S`` once, writes STATE (a small JSON file naming the server's URL and ``token``) while it
holds LOCK exclusively, and every later command holds LOCK shared while it uses the server. This side only
keeps to that lease:

- it serves while STATE names its token; when STATE is removed or names another server (``sandbox stop``,
  ``sandbox reset``, a newer version), it shuts down;
- after ``idle_timeout_s`` with no request it takes LOCK exclusively without waiting (so never while a
  command holds it), removes STATE if it is still its own, and shuts down. A command that arrives then finds
  no STATE and starts a new server.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHECK_EVERY_S = 0.5
CLAIM_WITHIN_S = 60.0
"""How long a new server waits for the state file to name it before giving up (its starter died)."""

Scope = MutableMapping[str, Any]
Asgi = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class ActivityTracker:
    """An ASGI wrapper that knows when the last request ended and whether one is running."""

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self.active = 0
        self.last_seen = time.monotonic()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        self.active += 1
        self.last_seen = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            self.last_seen = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self.active else time.monotonic() - self.last_seen


@dataclass(frozen=True, slots=True)
class Lease:
    state_file: Path
    lock_file: Path
    token: str
    idle_timeout_s: float

    def names_me(self) -> bool:
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(state, dict) and state.get("token") == self.token

    def try_release_when_idle(self) -> bool:
        """Under LOCK taken without waiting: forget STATE if it is ours. False when a command holds LOCK."""
        import fcntl

        try:
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return False
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # a command is using the server (or starting one): stay
            if self.names_me():
                with contextlib.suppress(OSError):
                    self.state_file.unlink()
            return True
        finally:
            os.close(fd)  # releases the lock


def keep_lease(lease: Lease, activity: ActivityTracker, stop: Callable[[], None]) -> threading.Thread:
    """Watch the lease in a daemon thread; call ``stop`` once it ends."""

    def watch() -> None:
        started = time.monotonic()
        claimed = False
        while True:
            time.sleep(CHECK_EVERY_S)
            if lease.names_me():
                claimed = True
            elif claimed or time.monotonic() - started > CLAIM_WITHIN_S:
                break  # stopped or replaced, or never claimed
            if claimed and activity.idle_for() >= lease.idle_timeout_s and lease.try_release_when_idle():
                break
        stop()

    thread = threading.Thread(target=watch, name="sandbox-lease", daemon=True)
    thread.start()
    return thread
