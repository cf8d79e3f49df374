"""Scripts with only SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET, on a machine with no keyring (a failing
backend) and no consent to the secrets file: ten commands in a row and four at once all succeed, sign in
once, and never count a failed sign-in against the login. Parallel commands that find the access token
expired refresh it once between them. (Once every command after the first, within the same 30-second step,
failed with "Code not accepted", and a loop of them put the login on hold.)

The commands are the real console script in child processes, as a shell runs them; the session is kept in
memory by the session agent, and the tests stop it when they end."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from runtime_dirs import agent_sockets, short_runtime_dir, stop_agents
from sandbox_harness import SandboxServer

from ssp_tui import clock
from ssp_tui.api.constants import TOTP_PERIOD_S
from ssp_tui.api.models import Role
from ssp_tui.cli.exit_codes import ExitCode


@dataclass
class Machine:
    """A pretend headless machine: its own folders, no keyring, the portal, and the three variables."""

    home: Path
    runtime: Path
    portal: str
    username: str
    env: dict[str, str]

    def run(self, *args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ssp_tui", "--portal", self.portal, *args],
            env={**self.env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=240,
        )


@pytest.fixture
def machine(private_sandbox: SandboxServer, tmp_path: Path) -> Iterator[Machine]:
    account = private_sandbox.account(Role.POLICYHOLDER, 0)
    tmp_path = tmp_path / "machine"  # beside the private sandbox's database, not around it
    runtime = short_runtime_dir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("SSP_")}
    env.update(
        {
            "SSP_CLOCK_SHIFT": os.environ["SSP_CLOCK_SHIFT"],  # the suite's pinned clock
            "SSP_CONFIG": str(tmp_path / "config.toml"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "XDG_RUNTIME_DIR": str(runtime),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # every keyring call fails
            "SSP_USERNAME": account.username,
            "SSP_PASSWORD": account.password,
            "SSP_TOTP_SECRET": account.totp_secret or "",
        }
    )
    yield Machine(tmp_path, runtime, private_sandbox.base_url, account.username, env)
    stop_agents(runtime)


def _sign_ins(server: SandboxServer, username: str) -> int:
    with sqlite3.connect(server.db_path) as conn:
        sql = "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?"
        return conn.execute(sql, [username]).fetchone()[0]


def _last_step(server: SandboxServer, username: str) -> int:
    with sqlite3.connect(server.db_path) as conn:
        sql = "SELECT totp_last_step FROM users WHERE username = ?"
        return conn.execute(sql, [username]).fetchone()[0]


def _failed_sign_ins(server: SandboxServer) -> int:
    with sqlite3.connect(server.db_path) as conn:
        return conn.execute("SELECT COALESCE(SUM(failures), 0) FROM login_throttle").fetchone()[0]


def _nothing_secret_on_disk(machine: Machine, secrets: list[str]) -> None:
    for path in [*machine.home.rglob("*"), *machine.runtime.rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, path


def test_ten_commands_in_a_row_sign_in_once(machine: Machine, private_sandbox: SandboxServer) -> None:
    commands = [
        ("whoami",),
        ("policies", "list"),
        ("billing", "list"),
        ("policies", "list", "--json"),
        ("whoami", "--json"),
        ("billing", "list", "--json"),
        ("policies", "list", "--status", "all"),
        ("whoami",),
        ("policies", "list"),
        ("billing", "list"),
    ]
    for number, command in enumerate(commands, 1):
        result = machine.run(*command)
        assert result.returncode == 0, f"command {number} {command}: {result.stderr}"
        assert "Traceback" not in result.stderr
    assert _sign_ins(private_sandbox, machine.username) == 1
    assert _failed_sign_ins(private_sandbox) == 0
    assert len(agent_sockets(machine.runtime)) == 1  # the session lives in the agent's memory
    account = private_sandbox.by_username(machine.username)
    # Neither the variables nor a kept session (its JSON names its refresh token) went to disk.
    _nothing_secret_on_disk(machine, [account.password, account.totp_secret or "-", '"refresh_token"'])


def test_four_commands_at_once_sign_in_once(machine: Machine, private_sandbox: SandboxServer) -> None:
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: machine.run("policies", "list", "--json"), range(4)))
    for result in results:
        assert result.returncode == 0, result.stderr
    assert _sign_ins(private_sandbox, machine.username) == 1
    assert _failed_sign_ins(private_sandbox) == 0


def test_parallel_commands_refresh_an_expired_access_token_once(
    machine: Machine, private_sandbox: SandboxServer
) -> None:
    assert machine.run("whoami").returncode == 0
    with sqlite3.connect(private_sandbox.db_path) as conn:  # the access token expires
        conn.execute("UPDATE sessions SET access_expires_at = '2000-01-01T00:00:00Z'")
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: machine.run("policies", "list", "--json"), range(3)))
    for result in results:
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(private_sandbox.db_path) as conn:
        rotations = conn.execute("SELECT COUNT(*) FROM retired_refresh_tokens").fetchone()[0]
        live = conn.execute("SELECT COUNT(*) FROM sessions WHERE revoked = 0").fetchone()[0]
    assert rotations == 1 and live == 1
    # The kept session is the refreshed one, and the next command uses it as it is.
    assert machine.run("whoami").returncode == 0
    assert _sign_ins(private_sandbox, machine.username) == 1


@pytest.mark.slow  # it waits for authenticator steps: up to a minute
def test_without_any_place_to_keep_it_each_command_waits_for_a_new_code(
    machine: Machine, private_sandbox: SandboxServer
) -> None:
    """The last resort (SSP_SESSION_AGENT=0): every command signs in, and one that finds the current code
    used waits for the next step, saying so, rather than send a code the portal refuses."""
    nowhere = {"SSP_SESSION_AGENT": "0"}
    # Start at the beginning of a step, so that the second command almost surely begins in the step the
    # first one used (the message is checked only when it clearly did).
    time.sleep(TOTP_PERIOD_S - clock.timestamp() % TOTP_PERIOD_S)
    first = machine.run("whoami", extra=nowhere)
    assert first.returncode == 0, first.stderr
    used = _last_step(private_sandbox, machine.username)
    into_the_step = clock.timestamp() - used * TOTP_PERIOD_S
    second = machine.run("whoami", extra=nowhere)
    assert second.returncode == 0, second.stderr
    assert _last_step(private_sandbox, machine.username) > used  # a new step, never the same code again
    if into_the_step < TOTP_PERIOD_S - 10:  # ten seconds or more left for the second to start in that step
        assert "Waiting" in second.stderr and "next authenticator code" in second.stderr
    assert _sign_ins(private_sandbox, machine.username) == 2
    assert _failed_sign_ins(private_sandbox) == 0
    assert not agent_sockets(machine.runtime)


def test_login_exits_1_when_it_could_keep_nothing(machine: Machine, private_sandbox: SandboxServer) -> None:
    result = machine.run("login", extra={"SSP_SESSION_AGENT": "0"})
    assert result.returncode == ExitCode.ERROR
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not be kept" in lines[0] and "ssp-tui login --help" in lines[0], lines
    with sqlite3.connect(private_sandbox.db_path) as conn:  # the session it could not keep is not left live
        assert conn.execute("SELECT COUNT(*) FROM sessions WHERE revoked = 0").fetchone()[0] == 0


def test_login_then_a_command_without_the_variables(machine: Machine) -> None:
    """The documented first steps: ``ssp-tui login && ssp-tui policies list``; the session is kept in memory
    with no consent, and in the private file once the user agreed to it."""
    assert machine.run("login").returncode == 0
    without = {"SSP_USERNAME": "", "SSP_PASSWORD": "", "SSP_TOTP_SECRET": ""}
    listed = machine.run("policies", "list", extra=without)
    assert listed.returncode == 0, listed.stderr
    assert machine.run("logout", extra=without).returncode == 0
    assert not agent_sockets(machine.runtime)  # logout ended the agent with the session


def test_login_with_consent_keeps_the_session_in_the_private_file(
    machine: Machine, private_sandbox: SandboxServer
) -> None:
    nowhere = {"SSP_SESSION_AGENT": "0"}
    login = machine.run("login", "--allow-secrets-file", extra=nowhere)
    assert login.returncode == 0, login.stderr
    assert "private secrets file" in login.stderr
    without = {**nowhere, "SSP_USERNAME": "", "SSP_PASSWORD": "", "SSP_TOTP_SECRET": ""}
    listed = machine.run("policies", "list", extra=without)
    assert listed.returncode == 0, listed.stderr
    assert "secrets_file_consent = true" in (machine.home / "config.toml").read_text()
    assert _sign_ins(private_sandbox, machine.username) == 1
