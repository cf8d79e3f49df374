"""The session lock between commands (issue 15), on the standard library's file locks: one holder at a time
across processes, a wait that ends in SessionLockTimeout, the same command holding it again without waiting
for itself, and a private lock file. (The parallel commands themselves: tests/cli/test_cli_scripts.py.)"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssp_tui.cli.session_lock import SessionLock, SessionLockTimeout

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the other process holds it with flock")

SHORT_WAIT_S = 0.2

HOLDER = """
import sys
from ssp_tui.cli.session_lock import SessionLock
lock = SessionLock(sys.argv[1])
lock._acquire(5)
print("held", flush=True)
sys.stdin.readline()
lock._release()
print("released", flush=True)
"""


@pytest.fixture
def lock_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    return runtime / "ssp-tui"


def test_one_holder_at_a_time_and_a_wait_that_ends(lock_dir: Path) -> None:
    first, second = SessionLock("portal-a"), SessionLock("portal-a")  # two commands' locks on one session
    first._acquire(SHORT_WAIT_S)
    with pytest.raises(SessionLockTimeout, match="held the session"):
        second._acquire(SHORT_WAIT_S)
    SessionLock("portal-b")._acquire(SHORT_WAIT_S)  # another session's lock is another lock
    first._release()
    second._acquire(SHORT_WAIT_S)
    second._release()
    assert (lock_dir / "portal-a.lock").stat().st_mode & 0o777 == 0o600


def test_the_same_command_holds_it_again_without_waiting_for_itself(lock_dir: Path) -> None:
    lock, other = SessionLock("portal-a"), SessionLock("portal-a")

    async def nested() -> None:
        async with lock.held(), lock.held():  # e.g. a refresh while the session is being restored
            pass
        async with lock.held():
            with pytest.raises(SessionLockTimeout):
                await asyncio.to_thread(other._acquire, SHORT_WAIT_S)
        await asyncio.to_thread(other._acquire, SHORT_WAIT_S)  # given back: the count reached zero
        other._release()

    asyncio.run(nested())


def test_another_process_holding_it_is_waited_for(lock_dir: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, "portal-a"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        lock = SessionLock("portal-a")
        with pytest.raises(SessionLockTimeout):
            lock._acquire(SHORT_WAIT_S)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        lock._acquire(SHORT_WAIT_S)
        lock._release()
    finally:
        holder.kill()
        holder.wait(10)

