"""Fixtures for the CLI tests: a private home (config, cache, data, in-memory keyring) shared by the tests of
a worker, a ``cli`` runner pointed at the shared sandbox, a ``login_as(role)`` that logs each demo role in
once (through its remembered device, so TOTP replay protection never bites), and a private sandbox for tests
that change data or must use a fresh TOTP code."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import keyring
import pytest
from cli_helpers import Cli, CliHome, LoginAs, login_env, prime_device
from runtime_dirs import short_runtime_dir, stop_agents
from sandbox_harness import SandboxServer


@pytest.fixture(scope="session")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliHome]:
    home = CliHome(tmp_path_factory.mktemp("cli-home"))
    yield home
    stop_agents(home.runtime)


@pytest.fixture(autouse=True)
def _cli_keyring(cli_home: CliHome) -> Iterator[None]:
    """The in-memory keyring for this test only; whatever other tests in the worker use is put back."""
    previous = keyring.get_keyring()
    keyring.set_keyring(cli_home.keyring)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def cli(sandbox: SandboxServer, cli_home: CliHome) -> Cli:
    return Cli(sandbox.base_url, cli_home)


@pytest.fixture(scope="session")
def _logged_in_profiles() -> set[str]:
    return set()


@pytest.fixture
def login_as(sandbox: SandboxServer, cli: Cli, cli_home: CliHome, _logged_in_profiles: set[str]) -> LoginAs:
    """``login_as("agent")`` -> the profile name whose kept session is that demo user's."""

    def ensure(role: str, index: int = 0) -> str:
        account = sandbox.account(role, index)
        profile = f"{role}-{index}"
        if profile not in _logged_in_profiles:
            prime_device(sandbox, cli_home, profile, account.username)
            result = cli.run("login", profile=profile, env=login_env(sandbox, account.username))
            assert result.exit_code == 0, result.stderr
            _logged_in_profiles.add(profile)
        return profile

    return ensure


@pytest.fixture
def private_cli(private_sandbox: SandboxServer, cli_home: CliHome) -> Iterator[Cli]:
    # A runtime folder of the test's own: its session agent and the authenticator steps it used are this
    # test's, like its sandbox.
    home = dataclasses.replace(cli_home, runtime=short_runtime_dir())
    yield Cli(private_sandbox.base_url, home)
    stop_agents(home.runtime)
