"""The session agent: a small process that keeps a CLI session in memory, for machines with nowhere else.

Where there is no OS keyring and no consent to the secrets file, nothing may be written to disk; yet each
CLI command is a process of its own, and signing in for every command fails (an authenticator code is good
for one sign-in per 30-second step). So the first command starts this agent, in the manner of ssh-agent and
git's credential-cache daemon: it holds the session (the tokens, as the CLI's own JSON) in memory, answers
``get``, ``put`` and ``clear`` over a Unix socket in a private runtime folder (0700, and on Linux the peer's
user id is checked), and exits after ``idle_s`` without a request, or when the session is cleared (logout).
Nothing of it touches the disk but the socket file itself. It keeps no password and no TOTP secret: its
environment is stripped of them.

The same process that runs it is ``python -m ssp_tui.cli.session_agent SOCKET IDLE_S``; the client half is
``AgentClient``. Standard library only, so the agent starts fast and holds little.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

IDLE_EXIT_S = 15 * 60.0
"""The agent forgets the session and exits after this long without a command asking for it."""
START_TIMEOUT_S = 10.0
_IO_TIMEOUT_S = 5.0
_MAX_MESSAGE = 256 * 1024
_SECRET_ENV = ("SSP_PASSWORD", "SSP_TOTP_SECRET")


class AgentUnavailable(Exception):
    """The agent cannot be reached or started here (no Unix sockets, an unsafe folder, a child that died)."""


def supported() -> bool:
    return hasattr(socket, "AF_UNIX") and hasattr(os, "getuid")


# ---- the client half -------------------------------------------------------------------------------------
class AgentClient:
    """Talks to the agent at ``socket_path``, starting it on the first ``put``."""

    def __init__(self, socket_path: Path, *, idle_s: float = IDLE_EXIT_S) -> None:
        self.socket_path = socket_path
        self.idle_s = idle_s

    def __repr__(self) -> str:
        return f"AgentClient({str(self.socket_path)!r})"

    def get(self) -> str | None:
        """The value kept, or None when there is none (or no agent runs)."""
        try:
            answer = self._ask({"op": "get"})
        except AgentUnavailable:
            return None
        value = answer.get("value")
        return value if isinstance(value, str) else None

    def put(self, value: str) -> None:
        """Keep ``value``, starting the agent if none runs; AgentUnavailable when it cannot be started."""
        try:
            self._ask({"op": "put", "value": value})
            return
        except AgentUnavailable:
            self._start()
        self._ask({"op": "put", "value": value})

    def clear(self) -> None:
        """Forget the value; the agent exits (there is nothing left for it to keep)."""
        with contextlib.suppress(AgentUnavailable):
            self._ask({"op": "clear"})

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(_IO_TIMEOUT_S)
                conn.connect(str(self.socket_path))
                conn.sendall(json.dumps(request).encode("utf-8") + b"\n")
                answer = _read_line(conn)
        except (OSError, ValueError) as exc:
            raise AgentUnavailable(f"no session agent at {self.socket_path} ({type(exc).__name__})") from None
        if not isinstance(answer, dict):
            raise AgentUnavailable("the session agent answered something unexpected")
        return answer

    def _start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()  # a socket left by an agent that died: nobody answers on it
        env = {name: value for name, value in os.environ.items() if name not in _SECRET_ENV}
        command = [sys.executable, "-m", "ssp_tui.cli.session_agent", str(self.socket_path), str(self.idle_s)]
        try:
            subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # outlives this command, and a Ctrl-C in its terminal
                close_fds=True,
            )
        except OSError as exc:
            raise AgentUnavailable(f"the session agent could not be started ({exc.strerror})") from None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                self._ask({"op": "ping"})
                return
            except AgentUnavailable:
                time.sleep(0.05)
        raise AgentUnavailable(f"the session agent did not start within {START_TIMEOUT_S:g} s")


def _read_line(conn: socket.socket) -> Any:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > _MAX_MESSAGE:
            raise ValueError("message too long")
    return json.loads(data.decode("utf-8"))


# ---- the agent ---------------------------------------------------------------------------------------------
def _same_user(conn: socket.socket) -> bool:
    """On Linux, the peer's user id (SO_PEERCRED); elsewhere the 0700 folder is the only gate."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    try:
        raw = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", raw)
    except OSError:
        return False
    return uid == os.getuid()


def serve(socket_path: Path, idle_s: float) -> None:
    """Answer requests one at a time until ``idle_s`` pass without one, or the value is cleared."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    previous_umask = os.umask(0o177)  # the socket file is the owner's alone from the moment it exists
    try:
        listener.bind(str(socket_path))
    except OSError:
        return  # another agent won the race to this socket: it serves, this one is not needed
    finally:
        os.umask(previous_umask)
    identity = os.stat(socket_path).st_ino
    listener.listen(16)
    listener.settimeout(idle_s)
    value: str | None = None
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                return
            with conn:
                if not _same_user(conn):
                    continue
                conn.settimeout(_IO_TIMEOUT_S)
                try:
                    request = _read_line(conn)
                    op = request.get("op") if isinstance(request, dict) else None
                    if op == "put" and isinstance(request.get("value"), str):
                        value = request["value"]
                    elif op == "clear":
                        value = None
                    answer = {"value": value} if op == "get" else {"ok": op in ("put", "clear", "ping")}
                    conn.sendall(json.dumps(answer).encode("utf-8") + b"\n")
                except (OSError, ValueError):
                    continue
                if op == "clear":
                    return
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            if os.stat(socket_path).st_ino == identity:  # never remove a socket a newer agent bound
                socket_path.unlink()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else IDLE_EXIT_S)
