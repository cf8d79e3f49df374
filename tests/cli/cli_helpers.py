"""Running ``ssp-tui`` in-process with click's CliRunner, in a private home: its own config file, cache and
data folders, and an in-memory keyring, so that kept sessions survive from one invocation to the next exactly
as they would between two commands in a shell."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner, Result
from memory_keyring import MemoryKeyring
from runtime_dirs import short_runtime_dir
from sandbox_harness import SandboxServer

from ssp_tui.cli.root import cli
from ssp_tui.settings.secrets import SecretStore

CLEARED_ENV = ("SSP_PORTAL", "SSP_USERNAME", "SSP_PASSWORD", "SSP_TOTP_SECRET", "SSP_SECRETS_FILE")


@dataclass
class CliHome:
    """The folders and keyring of one pretend user; shared by every test in a worker."""

    root: Path
    keyring: MemoryKeyring = field(default_factory=MemoryKeyring)
    runtime: Path = field(default_factory=short_runtime_dir)
    """XDG_RUNTIME_DIR: the CLI's session locks, authenticator steps and session agents."""

    @property
    def config_file(self) -> Path:
        return self.root / "config" / "config.toml"

    @property
    def cache_home(self) -> Path:
        return self.root / "cache"

    @property
    def data_home(self) -> Path:
        return self.root / "data"

    def environ(self) -> dict[str, str]:
        return {
            "XDG_RUNTIME_DIR": str(self.runtime),
            "SSP_CONFIG": str(self.config_file),
            "XDG_CACHE_HOME": str(self.cache_home),
            "XDG_DATA_HOME": str(self.data_home),
            "XDG_CONFIG_HOME": str(self.root / "config"),
        }


@dataclass
class Cli:
    """``cli.run("policies", "list", profile="agent")`` with the portal and profile put first."""

    base_url: str
    home: CliHome

    def run(
        self,
        *args: str,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
        portal: bool = True,
        json: bool = False,
    ) -> Result:
        options: list[str] = []
        if portal:
            options += ["--portal", self.base_url]
        if profile:
            options += ["--profile", profile]
        if json:
            options.append("--json")
        environ: dict[str, str | None] = {name: None for name in CLEARED_ENV}
        environ.update(self.home.environ())
        environ.update(env or {})
        runner = CliRunner()
        result = runner.invoke(cli, [*options, *args], env=environ, input=input, catch_exceptions=True)
        assert_no_traceback(result)
        return result


def assert_no_traceback(result: Result) -> None:
    """A command ends with an exit code, never with an exception (nor a traceback on stderr)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        details = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"the command raised:\n{details}\nstderr:\n{result.stderr}")
    assert "Traceback" not in result.stderr, result.stderr


def all_commands() -> list[Sequence[str]]:
    """Every command path under the root group (groups included), e.g. ("docs", "download")."""
    import click

    paths: list[Sequence[str]] = []
    ctx = click.Context(cli)

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            paths.append((*prefix, name))
            if isinstance(command, click.Group):
                walk(command, (*prefix, name))

    walk(cli, ())
    return paths


LoginAs = Callable[..., str]
"""The ``login_as(role)`` fixture: logs a demo role in once and answers the profile name to use."""


def prime_device(server: SandboxServer, home: CliHome, profile: str, username: str) -> None:
    """Give the CLI's keyring the remember-device token the harness got for ``username``."""
    SecretStore(profile, backend=home.keyring).set_device_token(username, server.device_token(username))


def login_env(server: SandboxServer, username: str) -> dict[str, str]:
    account = server.by_username(username)
    return {"SSP_USERNAME": account.username, "SSP_PASSWORD": account.password}
