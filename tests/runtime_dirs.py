"""Private runtime folders for tests (where the CLI keeps its session locks, authenticator steps and session
agents), and stopping the session agents a test started, by asking each one on its socket."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ssp_tui.cli.session_agent import AgentClient


def short_runtime_dir() -> Path:
    """A new 0700 folder with a short path (a Unix socket's path must stay under about 100 bytes)."""
    return Path(tempfile.mkdtemp(prefix="ssp-rt-", dir="/tmp" if os.path.isdir("/tmp") else None))


def agent_sockets(runtime: Path) -> list[Path]:
    folder = runtime / "ssp-tui"
    return sorted(folder.glob("*.sock")) if folder.is_dir() else []


def stop_agents(runtime: Path) -> None:
    """Every agent under ``runtime`` forgets its session and exits."""
    for socket_path in agent_sockets(runtime):
        AgentClient(socket_path).clear()
