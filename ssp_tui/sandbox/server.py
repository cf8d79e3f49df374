"""Run the sandbox portal with uvicorn on 127.0.0.1.

The socket is bound and listening before anything is printed, so the base URL (the first stdout line, e.g.
``http://127.0.0.1:43117``) can be used the moment it is read: early connections wait in the backlog until
uvicorn starts accepting. uvicorn handles SIGINT and SIGTERM with a graceful shutdown.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
from datetime import date
from pathlib import Path

import uvicorn

from ssp_tui.sandbox.app import create_app
from ssp_tui.sandbox.db import create_and_seed
from ssp_tui.sandbox.lease import ActivityTracker, Lease, keep_lease
from ssp_tui.sandbox.seed_book import BookSize

LOOPBACK = "127.0.0.1"


def bind_loopback(port: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1; port 0 lets the system pick a free one."""
    # IPPROTO_TCP named, not left 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets whose
    # protocol says TCP, and the connections accepted here inherit it. With it on, every answer after the
    # first on a kept-alive connection waited for the client's delayed ACK before its body went out: 40 ms
    # added to each request (issue 23: a 5 ms listing answered in 44 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{host}:{port}"


def make_server(
    db_path: Path, *, track_activity: bool = False
) -> tuple[uvicorn.Server, ActivityTracker | None]:
    """The server, and (``track_activity``) the wrapper that knows how long it has been idle."""
    app = create_app(db_path)
    activity = ActivityTracker(app) if track_activity else None
    config = uvicorn.Config(activity or app, log_level="warning", lifespan="off", access_log=False)
    return uvicorn.Server(config), activity


def stop_when_stdin_closes(server: uvicorn.Server) -> None:
    """Shut ``server`` down (gracefully, like SIGTERM) once standard input reaches end of file.

    The app that starts the embedded sandbox holds the other end of the pipe and never writes to it. However
    that app ends, even by SIGKILL or a crash, the operating system closes its end, and the sandbox follows
    instead of serving on as an orphan.
    """

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        server.should_exit = True

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def serve(
    db_path: Path,
    *,
    port: int = 0,
    scale: int = 1,
    today: date | None = None,
    with_parent: bool = False,
    book: BookSize | None = None,
    lease: Lease | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM (or, ``with_parent``, until stdin closes; or, with a ``lease``, until it
    ends: see ``lease.py``). A missing database is created first with the given scale (and ``book``, the
    large book)."""
    db_path = Path(db_path)
    if not db_path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile: serve that one
            create_and_seed(db_path, scale=scale, today=today, book=book)
    server, activity = make_server(db_path, track_activity=lease is not None)
    if with_parent:
        stop_when_stdin_closes(server)
    sock = bind_loopback(port)
    try:
        sys.stdout.write(base_url(sock) + "\n")
        sys.stdout.flush()
        if lease is not None and activity is not None:
            _detach_stdout()
            keep_lease(lease, activity, lambda: setattr(server, "should_exit", True))
        server.run(sockets=[sock])
    finally:
        sock.close()


def _detach_stdout() -> None:
    """The starter reads the first line and then closes its end of the pipe: nothing may be written to it
    afterwards, so stdout becomes /dev/null."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
