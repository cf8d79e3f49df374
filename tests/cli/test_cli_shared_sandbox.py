"""The embedded sandbox that CLI commands share: the first command starts it in the background, later ones
reuse it, ``sandbox stop`` ends it, it ends by itself when idle, and one started by other code is replaced.
The real console script in child processes, in a private home whose sandbox database is the seeded copy."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ssp_tui.cli.exit_codes import ExitCode
from ssp_tui.portal.shared_sandbox import LOCK_NAME, STATE_NAME


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("SSP_")}
    environ.update(
        {
            "SSP_CONFIG": str(home / "config.toml"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "SSP_CLOCK_SHIFT": os.environ.get("SSP_CLOCK_SHIFT", ""),
            "SSP_SANDBOX_IDLE_TIMEOUT": "120",
            "SSP_SESSION_AGENT": "0",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "ssp_tui", *args], env=environ, capture_output=True, text=True, timeout=180
    )


def answers(url: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", urlsplit(url).port or 0), timeout=1):
            return True
    except OSError:
        return False


def wait_until(condition: object, what: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def home(sandbox_template_db: Path, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "home"
    (folder / "data" / "ssp-tui").mkdir(parents=True)
    shutil.copyfile(sandbox_template_db, folder / "data" / "ssp-tui" / "sandbox.sqlite3")
    yield folder
    run(folder, "sandbox", "stop")


def state(home: Path) -> dict[str, object] | None:
    path = home / "data" / "ssp-tui" / STATE_NAME
    return json.loads(path.read_text()) if path.exists() else None


def start(home: Path, **env: str) -> dict[str, object]:
    """A command that needs the portal (it exits 3: nobody is logged in, but the sandbox was reached)."""
    result = run(home, "policies", "list", **env)
    assert result.returncode == ExitCode.LOGIN_NEEDED, result.stderr
    assert "embedded sandbox at http://127.0.0.1:" in result.stderr
    found = state(home)
    assert found is not None
    return found


def test_later_commands_reuse_it_and_stop_ends_it(home: Path) -> None:
    first = start(home)
    assert answers(str(first["url"]))
    assert oct((home / "data" / "ssp-tui" / STATE_NAME).stat().st_mode & 0o777) == "0o600"
    assert oct((home / "data" / "ssp-tui" / LOCK_NAME).stat().st_mode & 0o777) == "0o600"
    second = start(home)
    assert second == first  # the same server: same URL, process and token
    stopped = run(home, "sandbox", "stop")
    assert stopped.returncode == 0 and "Stopped" in stopped.stderr
    assert state(home) is None and not answers(str(first["url"]))
    again = run(home, "sandbox", "stop")
    assert again.returncode == 0 and "not running" in again.stderr


def test_it_ends_by_itself_when_idle(home: Path) -> None:
    first = start(home, SSP_SANDBOX_IDLE_TIMEOUT="1")
    wait_until(lambda: state(home) is None and not answers(str(first["url"])), "the idle sandbox to end")


def test_one_started_by_other_code_is_replaced(home: Path) -> None:
    first = start(home)
    path = home / "data" / "ssp-tui" / STATE_NAME
    path.write_text(json.dumps({**first, "stamp": "an older version"}))
    second = start(home)
    assert second["token"] != first["token"] and second["url"] != first["url"]
    # The old server sees the state name another and ends.
    wait_until(lambda: not answers(str(first["url"])), "the replaced sandbox to end")
    assert answers(str(second["url"]))


def test_reset_stops_it_first(home: Path) -> None:
    first = start(home)
    reset = run(home, "sandbox", "reset")
    assert reset.returncode == 0, reset.stderr
    assert state(home) is None and not answers(str(first["url"]))


def test_stop_ends_a_server_that_never_saw_its_claim(home: Path) -> None:
    """A server whose state file was removed before its watcher first read it waits a minute for its claim;
    ``sandbox stop`` must not leave it answering (seen as a flaky reset under load)."""
    folder = home / "data" / "ssp-tui"
    token = "0123456789abcdef0123456789abcdef"
    environ = {key: value for key, value in os.environ.items() if not key.startswith("SSP_")}
    command = [
        sys.executable, "-m", "ssp_tui", "sandbox", "serve", "--port", "0",
        "--db", str(folder / "sandbox.sqlite3"),
        "--lease", str(home / "never-written.json"), "--lock", str(home / "other.lock"),
        "--token", token, "--idle-timeout", "120",
    ]  # fmt: skip
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environ,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert answers(url)
        claim = {"url": url, "pid": server.pid, "token": token, "stamp": "x"}
        (folder / STATE_NAME).write_text(json.dumps(claim))
        stopped = run(home, "sandbox", "stop")
        assert stopped.returncode == 0 and "Stopped" in stopped.stderr
        assert not answers(url)
        assert server.wait(timeout=30) is not None
    finally:
        server.kill()
        server.wait()
