"""The embedded sandbox for CLI commands: one background server that every command shares.

Starting the sandbox costs about a second (Python, starlette, uvicorn, the database), more than most
commands take, so the first command that needs it starts ``ssp-tui sandbox serve`` in the background (in its
own session: Ctrl+C on a command does not reach it) and later commands reuse it. The server ends by itself
after ``SSP_SANDBOX_IDLE_TIMEOUT`` seconds without a request (default 15 minutes), and at once on
``ssp-tui sandbox stop`` or ``sandbox reset``. Files, in the sandbox's data folder beside its database:

- ``embedded-sandbox.json``: ``{url, pid, token, stamp}`` of the running server (0600);
- ``embedded-sandbox.lock``: held shared by every command while it uses the server, and exclusively while a
  server is started or stopped; the server only gives up its lease when it can take it exclusively, so it
  never stops under a running command (``ssp_tui/sandbox/lease.py`` is the other side);
- ``embedded-sandbox.log``: the server's stderr, for when it fails to start.

``stamp`` names the version and the sandbox's code: a server started by another version is replaced.
Where file locks do not exist (Windows), each command starts its own child as the TUI does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from ssp_tui.api.errors import PortalError

STATE_NAME = "embedded-sandbox.json"
LOCK_NAME = "embedded-sandbox.lock"
LOG_NAME = "embedded-sandbox.log"
IDLE_TIMEOUT_ENV = "SSP_SANDBOX_IDLE_TIMEOUT"
DEFAULT_IDLE_TIMEOUT_S = 900.0
START_TIMEOUT_S = 60.0
"""Long enough to create and seed a new database on a slow, busy machine."""
STOP_TIMEOUT_S = 10.0
LOOPBACK_PREFIX = "http://127.0.0.1:"
log = logging.getLogger("ssp_tui.sandbox")


class SharedSandboxFailed(PortalError):
    """The shared sandbox could not be started."""


def data_dir() -> Path:
    """The sandbox's data folder (where ``sandbox.sqlite3`` lives), without importing the sandbox."""
    from platformdirs import user_data_path

    return user_data_path("ssp-tui", appauthor=False)


def code_stamp() -> str:
    """What identifies the server's code: a server started by other code (another version, or a source file
    edited since) is replaced, never reused. About 300 stats: a millisecond."""
    import ssp_tui

    newest = 0
    for folder, subfolders, files in os.walk(os.path.dirname(ssp_tui.__file__)):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in files:
            if name.endswith((".py", ".sql")):
                with contextlib.suppress(OSError):
                    newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
    return f"{ssp_tui.__version__}:{sys.executable}:{newest}"


def idle_timeout_s() -> float:
    raw = os.environ.get(IDLE_TIMEOUT_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_IDLE_TIMEOUT_S
    except ValueError:
        value = DEFAULT_IDLE_TIMEOUT_S
    return max(value, 1.0)


def _read_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not str(state.get("url", "")).startswith(LOOPBACK_PREFIX):
        return None
    return state


def _write_state(path: Path, state: dict[str, Any]) -> None:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(state, out)
    os.replace(temp, path)


def _answers(url: str) -> bool:
    """Something listens at the URL's port (one loopback connect, well under a millisecond)."""
    port = urlsplit(url).port
    if port is None:
        return False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class SharedSandbox:
    """``start()`` (blocking) returns the base URL of a running shared server, holding the lock shared until
    ``release()``."""

    def __init__(self, folder: Path | None = None, *, python: str = sys.executable) -> None:
        self.folder = folder or data_dir()
        self.python = python
        self._lock: IO[bytes] | None = None
        self.base_url: str | None = None
        self.reused = False

    @property
    def state_file(self) -> Path:
        return self.folder / STATE_NAME

    @property
    def lock_file(self) -> Path:
        return self.folder / LOCK_NAME

    def start(self) -> str:
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = code_stamp()
        self._lock = self.lock_file.open("a+b")
        os.chmod(self.lock_file, 0o600)
        for _attempt in range(3):
            fcntl.flock(self._lock, fcntl.LOCK_SH)
            state = _read_state(self.state_file)
            if state is not None and state.get("stamp") == stamp and _answers(state["url"]):
                self.reused = True
                self.base_url = str(state["url"])
                return self.base_url
            # Start (or replace) it under the exclusive lock; whoever gets it first starts one.
            fcntl.flock(self._lock, fcntl.LOCK_EX)
            state = _read_state(self.state_file)
            if state is None or state.get("stamp") != stamp or not _answers(state["url"]):
                with contextlib.suppress(OSError):
                    self.state_file.unlink()  # a server of other code sees this and ends
                state = self._start_server(stamp)
                _write_state(self.state_file, state)
            token = state["token"]
            # flock cannot turn exclusive into shared atomically: check the lease is still the same after.
            fcntl.flock(self._lock, fcntl.LOCK_SH)
            again = _read_state(self.state_file)
            if again is not None and again.get("token") == token:
                self.base_url = str(again["url"])
                return self.base_url
        raise SharedSandboxFailed("The embedded sandbox kept stopping while it was being started.")

    def _start_server(self, stamp: str) -> dict[str, Any]:
        token = secrets.token_hex(16)
        command = [
            self.python, "-m", "ssp_tui", "sandbox", "serve", "--port", "0",
            "--lease", str(self.state_file), "--lock", str(self.lock_file), "--token", token,
            "--idle-timeout", f"{idle_timeout_s():g}",
        ]  # fmt: skip
        started = time.perf_counter()
        with (self.folder / LOG_NAME).open("wb") as errors:
            os.chmod(errors.name, 0o600)
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                start_new_session=True,  # Ctrl+C in the terminal goes to the command, not to the server
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        url = self._first_line(process)
        log.debug(
            "started the embedded sandbox at %s in %.0f ms", url, (time.perf_counter() - started) * 1000
        )
        return {"url": url, "pid": process.pid, "token": token, "stamp": stamp}

    def _first_line(self, process: subprocess.Popen[bytes]) -> str:
        import selectors

        assert process.stdout is not None
        with process.stdout, selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(START_TIMEOUT_S):
                process.kill()
                raise SharedSandboxFailed(
                    f"The embedded sandbox did not start within {START_TIMEOUT_S:g} s.{self._log_tail()}"
                )
            line = process.stdout.readline().decode("utf-8", "replace").strip()
        if not line.startswith(LOOPBACK_PREFIX) or not line[len(LOOPBACK_PREFIX) :].isdigit():
            with contextlib.suppress(OSError):
                process.kill()
            raise SharedSandboxFailed(f"The embedded sandbox did not start.{self._log_tail()}")
        return line

    def _log_tail(self) -> str:
        try:
            text = (self.folder / LOG_NAME).read_bytes()[-1500:].decode("utf-8", "replace").strip()
        except OSError:
            return ""
        return f" Its last words: {text}" if text else ""

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # releases the shared lock: the server may now end when idle
            self._lock = None


def stop_shared_sandbox(folder: Path | None = None) -> bool:
    """End the shared server, if one runs (waits until it stops answering); True if there was one."""
    import fcntl

    folder = folder or data_dir()
    state_file, lock_file = folder / STATE_NAME, folder / LOCK_NAME
    if not state_file.exists():
        return False
    with lock_file.open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # waits for the commands that use it
        state = _read_state(state_file)
        with contextlib.suppress(OSError):
            state_file.unlink()
    if state is None:
        return False
    url = str(state.get("url", ""))
    if _stopped_within(url, STOP_TIMEOUT_S):
        return True
    # It did not notice: a server that had not yet seen the state file name it waits up to a minute for its
    # claim before it gives up (lease.CLAIM_WITHIN_S). Signal it, but only if the process is still ours.
    pid, token = state.get("pid"), str(state.get("token", ""))
    for signal_number in (signal.SIGTERM, signal.SIGKILL):
        if not isinstance(pid, int) or not token or not _runs_with(pid, token):
            break
        with contextlib.suppress(OSError):
            os.kill(pid, signal_number)
        if _stopped_within(url, STOP_TIMEOUT_S):
            break
    return True


def _stopped_within(url: str, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while _answers(url):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _runs_with(pid: int, token: str) -> bool:
    """The process ``pid`` is a sandbox started with ``token`` (a pid may have been reused since)."""
    try:
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        try:
            command_line = subprocess.run(
                ["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, timeout=5
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return False
    return token in command_line


SHARED_ENV = "SSP_SHARED_SANDBOX"
"""``0``: each command starts and stops a sandbox child of its own, as before (to compare, or to debug)."""


def shared_sandbox_available() -> bool:
    if os.environ.get(SHARED_ENV, "").strip() == "0":
        return False
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return True


class SharedSandboxPortal:
    """A ``PortalTarget`` for the CLI: the shared background sandbox."""

    is_sandbox = True

    def __init__(self, folder: Path | None = None) -> None:
        self._sandbox = SharedSandbox(folder)

    def describe(self) -> str:
        url = self._sandbox.base_url
        return f"embedded sandbox at {url}" if url else "embedded sandbox (starting)"

    async def start(self) -> str:
        started = time.perf_counter()
        url = await asyncio.to_thread(self._sandbox.start)
        how = "reused" if self._sandbox.reused else "started"
        log.debug("embedded sandbox %s at %s (%.0f ms)", how, url, (time.perf_counter() - started) * 1000)
        return url

    async def demo_accounts(self) -> list[Any]:
        return []

    async def stop(self) -> None:
        self._sandbox.release()
