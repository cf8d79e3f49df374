"""The embedded sandbox: the sandbox portal as a child process on a free 127.0.0.1 port.

The client then reaches it over real loopback HTTP, exactly as it would reach a remote portal. This module
never imports ``ssp_tui.sandbox``: it runs ``python -m ssp_tui sandbox serve --port 0`` and reads the base URL
from the child's first line of output.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import msgspec

from ssp_tui.api.errors import PortalError
from ssp_tui.api.models import OutboxMessage, Role

START_TIMEOUT_S = 30.0
"""Long enough to create and seed a new database (under 3 s) on a slow machine."""
STOP_TIMEOUT_S = 10.0
COMMAND_TIMEOUT_S = 60.0
LOOPBACK_PREFIX = "http://127.0.0.1:"
STDERR_TAIL_CHARS = 1500


class SandboxFailed(PortalError):
    """The embedded sandbox could not be started, or one of its commands failed."""


class SandboxAccount(msgspec.Struct, kw_only=True):
    """A demo login as ``ssp-tui sandbox accounts --json`` lists it."""

    username: str
    password: str
    role: Role
    display_name: str
    totp_secret: str | None = None
    note: str = ""

    def __repr__(self) -> str:
        # Demo credentials, yet still credentials: keep them out of logs like any other.
        return f"SandboxAccount(username={self.username!r}, role={self.role.value!r}, password='***')"


class EmbeddedSandbox:
    """``await start()`` returns the base URL (without /api/v1); ``await stop()`` ends the child.

    ``db_path`` None means the sandbox's default database in the platform data folder. ``command`` replaces
    the serve command (tests use it to play a child that fails)."""

    def __init__(
        self,
        db_path: Path | None = None,
        *,
        scale: int = 1,
        python: str = sys.executable,
        start_timeout_s: float = START_TIMEOUT_S,
        command: Sequence[str] | None = None,
    ) -> None:
        self.db_path = db_path
        self.scale = scale
        self.python = python
        self.start_timeout_s = start_timeout_s
        self._command = list(command) if command is not None else None
        self._process: asyncio.subprocess.Process | None = None
        self._stderr: IO[bytes] | None = None
        self._drain: asyncio.Task[None] | None = None
        self._start_lock = asyncio.Lock()
        self.base_url: str | None = None

    def __repr__(self) -> str:
        return f"EmbeddedSandbox(base_url={self.base_url!r}, running={self.running})"

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs (for diagnostics)."""
        return self._process.pid if self.running and self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def _db_args(self) -> list[str]:
        return ["--db", str(self.db_path)] if self.db_path is not None else []

    def _serve_command(self) -> list[str]:
        if self._command is not None:
            return self._command
        serve = ["sandbox", "serve", "--port", "0", "--scale", str(self.scale), "--with-parent"]
        return [self.python, "-m", "ssp_tui", *serve, *self._db_args()]

    async def start(self) -> str:
        async with self._start_lock:
            if self.running and self.base_url:
                return self.base_url
            # stderr goes to a file, not a pipe: nobody reads it while the child runs, and a full pipe
            # would stall the server. It is read back only to explain a failure.
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the child; closed in stop)
            self._process = await asyncio.create_subprocess_exec(
                *self._serve_command(),
                # A pipe never written to: when this process ends, however it ends, the child sees end of
                # file and stops (``sandbox serve --with-parent``).
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=self._stderr,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            try:
                line = await self._first_line()
            except BaseException:
                await self.stop()
                raise
            self.base_url = line
            self._drain = asyncio.create_task(self._drain_stdout())
            return line

    async def _first_line(self) -> str:
        process = self._process
        assert process is not None and process.stdout is not None
        try:
            raw = await asyncio.wait_for(process.stdout.readline(), self.start_timeout_s)
        except TimeoutError:
            raise SandboxFailed(
                f"The embedded sandbox did not start within {self.start_timeout_s:g} s.{self._stderr_tail()}"
            ) from None
        if not raw:
            code = await process.wait()
            raise SandboxFailed(
                f"The embedded sandbox exited (code {code}) before serving.{self._stderr_tail()}"
            )
        line = raw.decode("utf-8", "replace").strip()
        if not line.startswith(LOOPBACK_PREFIX) or not line[len(LOOPBACK_PREFIX) :].isdigit():
            raise SandboxFailed(f"The embedded sandbox printed {line[:80]!r} instead of its address.")
        return line

    async def _drain_stdout(self) -> None:
        # Keep reading so that a chatty child never blocks on a full stdout pipe.
        process = self._process
        if process is None or process.stdout is None:
            return
        with contextlib.suppress(Exception):
            while await process.stdout.read(65536):
                pass

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - STDERR_TAIL_CHARS))
            tail = self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return f" Its last words: {tail}" if tail else ""

    async def stop(self) -> None:
        """Terminate the child and wait for it (kill it if it lingers). Safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.stdin is not None:
            process.stdin.close()
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._drain is not None:
            self._drain.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._drain
            self._drain = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self.base_url = None

    async def demo_accounts(self) -> list[SandboxAccount]:
        """The demo logins (``ssp-tui sandbox accounts --json``) of the same database."""
        output = await self._run_sandbox_command("accounts")
        try:
            return msgspec.json.decode(output, type=list[SandboxAccount])
        except msgspec.MsgspecError as exc:
            raise SandboxFailed(f"`sandbox accounts --json` printed something unexpected ({exc}).") from None

    async def outbox(self) -> list[OutboxMessage]:
        """The SMS and voice codes the sandbox has 'sent' (``ssp-tui sandbox outbox --json``)."""
        output = await self._run_sandbox_command("outbox")
        try:
            return msgspec.json.decode(output, type=list[OutboxMessage])
        except msgspec.MsgspecError as exc:
            raise SandboxFailed(f"`sandbox outbox --json` printed something unexpected ({exc}).") from None

    async def _run_sandbox_command(self, name: str) -> bytes:
        process = await asyncio.create_subprocess_exec(
            self.python,
            "-m",
            "ssp_tui",
            "sandbox",
            name,
            "--json",
            *self._db_args(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), COMMAND_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise SandboxFailed(f"`sandbox {name}` did not finish within {COMMAND_TIMEOUT_S:g} s.") from None
        if process.returncode != 0:
            words = stderr.decode("utf-8", "replace").strip()[-STDERR_TAIL_CHARS:]
            raise SandboxFailed(f"`sandbox {name}` failed (code {process.returncode}): {words}")
        return stdout

    async def __aenter__(self) -> EmbeddedSandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
