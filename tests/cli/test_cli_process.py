"""The real console script in a child process, on the embedded sandbox: the first command starts the shared
background sandbox, later ones reuse it; it logs in from SSP_* variables without a prompt and prints only data
on stdout; ``sandbox stop`` ends the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssp_tui.cli.exit_codes import ExitCode


def run_cli(
    args: list[str], home: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SSP_")}
    env.update(
        {
            "SSP_CONFIG": str(home / "config.toml"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            # No keyring at all, as on a headless server.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            # A background sandbox a failed test leaves behind ends by itself soon.
            "SSP_SANDBOX_IDLE_TIMEOUT": "60",
            **(extra_env or {}),
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "ssp_tui", *args], env=env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture(scope="module")
def embedded_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("embedded-home")
    yield home
    stopped = run_cli(["sandbox", "stop"], home)
    assert stopped.returncode == 0, stopped.stderr


def test_embedded_sandbox_without_a_session_exits_3(embedded_home: Path) -> None:
    result = run_cli(["policies", "list"], embedded_home)
    assert result.returncode == ExitCode.LOGIN_NEEDED, result.stderr
    assert "embedded sandbox" in result.stderr and "ssp-tui login" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    # The sandbox database is the persistent one in the data folder: it is there for the next command.
    assert any((embedded_home / "data").rglob("sandbox.sqlite3"))


def test_embedded_sandbox_login_from_the_environment(embedded_home: Path) -> None:
    accounts = run_cli(["sandbox", "accounts", "--json"], embedded_home)
    assert accounts.returncode == 0, accounts.stderr
    import msgspec

    from ssp_tui.portal.embedded import SandboxAccount

    first = msgspec.json.decode(accounts.stdout, type=list[SandboxAccount])[0]
    env = {
        "SSP_USERNAME": first.username,
        "SSP_PASSWORD": first.password,
        "SSP_TOTP_SECRET": first.totp_secret or "",
    }
    result = run_cli(["--sandbox", "policies", "list"], embedded_home, env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Policy\tId\t") and len(lines) >= 2
    # No keyring and no consent: it worked, and it says where the session is kept (in memory only).
    assert "kept in memory" in result.stderr
    for secret in (first.password, first.totp_secret or "-"):
        assert secret not in result.stdout + result.stderr
