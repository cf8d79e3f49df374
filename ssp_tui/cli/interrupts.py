"""Ctrl+C (SIGINT) and SIGTERM during a command: stop cleanly, keep what is saved, say so, exit 130 or 143.

While a download runs, the first signal sets the engine's cancel event: every finished file stays, the
staging area in the cache is cleared (no ``.part`` or ``.part.etag`` is left), the manifest lists what was
saved and what is missing, and the next run of the same command resumes from the cache. At any other moment
(listing, resolving, starting the sandbox) the signal cancels the command's task at once. A second signal
cancels whatever is still running. ``timeout`` and CI runners send SIGTERM, hence the same treatment.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field

from ssp_tui.cli.exit_codes import ExitCode

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass
class StopRequest:
    """What the signal handlers found; one per command run."""

    event: asyncio.Event = field(default_factory=asyncio.Event)
    """Set by the first signal; the download engine's ``cancel``."""
    signum: int | None = None
    downloading: bool = False
    """While True the first signal only sets ``event`` (the engine stops itself and writes the manifest)."""

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.TERMINATED if self.signum == signal.SIGTERM else ExitCode.INTERRUPTED

    @property
    def name(self) -> str:
        return "SIGTERM" if self.signum == signal.SIGTERM else "Ctrl+C"


_current: StopRequest | None = None


def last_stop() -> StopRequest | None:
    """The stop request of the command that ran last in this process, if a signal came."""
    return _current if _current is not None and _current.signum is not None else None


@contextlib.contextmanager
def stop_on_signals(task: asyncio.Task[object]) -> Iterator[StopRequest]:
    """Handle SIGINT and SIGTERM for the running loop while the block runs (``task`` is the command's)."""
    global _current
    stop = _current = StopRequest()
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        if stop.signum is not None or not stop.downloading:
            if stop.signum is None:
                stop.signum = signum
            stop.event.set()
            task.cancel()
            return
        stop.signum = signum
        stop.event.set()

    installed: list[int] = []
    for signum in _SIGNALS:
        try:
            loop.add_signal_handler(signum, on_signal, signum)
            installed.append(signum)
        except (ValueError, RuntimeError, NotImplementedError):
            pass  # not the main thread, or a platform without it: Ctrl+C still ends the command
    try:
        yield stop
    finally:
        for signum in installed:
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(signum)
