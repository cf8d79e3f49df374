"""The session agent keeps a value in memory behind a private Unix socket, and its runtime folder is trusted
only when it is this user's alone. (The scripts that rely on it: test_cli_scripts.py.)"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from runtime_dirs import short_runtime_dir, stop_agents

from ssp_tui.cli import session_agent
from ssp_tui.cli.session_agent import AgentClient
from ssp_tui.cli.session_lock import TotpSteps, runtime_dir

pytestmark = pytest.mark.skipif(not session_agent.supported(), reason="Unix sockets only")


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = short_runtime_dir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    stop_agents(folder)


def _agent(runtime: Path, idle_s: float = 60.0) -> AgentClient:
    folder = runtime_dir()
    assert folder == runtime / "ssp-tui"
    return AgentClient(folder / "test.sock", idle_s=idle_s)


def _gone(path: Path, within_s: float = 30.0) -> bool:
    deadline = time.monotonic() + within_s
    while path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _agent_pid(socket_path: Path) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(socket_path).encode() in cmdline and b"session_agent" in cmdline:
                return int(entry.name)
    raise AssertionError("no agent process")


def test_the_agent_keeps_a_value_in_memory_until_it_is_cleared(
    runtime: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSP_PASSWORD", "never-in-the-agent")
    agent = _agent(runtime)
    assert agent.get() is None  # none runs yet, and asking starts none
    assert not agent.socket_path.exists()
    agent.put('{"session": 1}')
    assert agent.get() == '{"session": 1}'
    agent.put('{"session": 2}')
    assert agent.get() == '{"session": 2}'
    assert stat.S_IMODE(os.stat(agent.socket_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(agent.socket_path.parent).st_mode) == 0o700
    if Path("/proc").is_dir():
        environ = (Path("/proc") / str(_agent_pid(agent.socket_path)) / "environ").read_bytes()
        assert b"never-in-the-agent" not in environ and b"SSP_PASSWORD" not in environ
    agent.clear()
    assert _gone(agent.socket_path)  # nothing left to keep: the agent ended
    assert agent.get() is None


def test_an_idle_agent_forgets_and_exits(runtime: Path) -> None:
    agent = _agent(runtime, idle_s=0.5)
    agent.put("value")
    assert _gone(agent.socket_path)
    assert agent.get() is None


def test_a_socket_left_by_a_dead_agent_is_replaced(runtime: Path) -> None:
    agent = _agent(runtime)
    agent.socket_path.write_text("not a socket")
    assert agent.get() is None
    agent.put("value")
    assert agent.get() == "value"


def test_a_runtime_folder_others_may_enter_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "run"
    (base / "ssp-tui").mkdir(parents=True)
    os.chmod(base / "ssp-tui", 0o755)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
    assert runtime_dir() is None
    os.chmod(base / "ssp-tui", 0o700)
    assert runtime_dir() == base / "ssp-tui"
    (base / "ssp-tui").rmdir()
    (base / "ssp-tui").symlink_to(tmp_path)  # a planted link is not a folder of ours
    assert runtime_dir() is None


def test_authenticator_steps_are_noted_per_portal_and_user(runtime: Path) -> None:
    steps = TotpSteps("https://portal.example", "jdoe")
    assert steps.last() == 0
    steps.used(100)
    steps.used(99)  # never goes back
    assert TotpSteps("https://portal.example", "JDoe").last() == 100
    assert TotpSteps("https://other.example", "jdoe").last() == 0


async def test_a_sign_in_in_a_used_step_waits_for_the_next_code_and_says_so(
    runtime: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyotp

    from ssp_tui import clock
    from ssp_tui.cli import login_flow

    secret = pyotp.random_base32()
    now = [1_000_000 * 30 + 12.0]  # 12 s into a step
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(clock, "timestamp", lambda: now[0])
    said: list[str] = []
    steps = TotpSteps("https://portal.example", "jdoe")
    first = await login_flow.fresh_totp(secret, steps, said.append, sleep=sleep)
    assert first == pyotp.TOTP(secret).at(now[0]) and slept == [] and said == []
    second = await login_flow.fresh_totp(secret, steps, said.append, sleep=sleep)
    assert slept and 18 <= slept[0] <= 19  # to the next step, with a small margin
    assert second == pyotp.TOTP(secret).at(now[0]) and second != first
    assert len(said) == 1 and "Waiting 18 s for the next authenticator code" in said[0]
