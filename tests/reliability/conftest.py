"""Fixtures for the reliability suite: a fault proxy in front of the sandbox, a client and a CLI that talk to
the sandbox only through it, and a private home (config, cache, data, in-memory keyring) per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from fault_proxy import FaultProxy
from reliability_helpers import CliHome, MemoryKeyring
from runtime_dirs import stop_agents
from sandbox_harness import SandboxServer


@pytest.fixture
def proxy(sandbox: SandboxServer) -> Iterator[FaultProxy]:
    """A fault proxy in front of the shared sandbox; the test adds its rules."""
    faults = FaultProxy(sandbox.base_url)
    faults.start()
    try:
        yield faults
    finally:
        faults.stop()


@pytest.fixture
def private_proxy(private_sandbox: SandboxServer) -> Iterator[FaultProxy]:
    faults = FaultProxy(private_sandbox.base_url)
    faults.start()
    try:
        yield faults
    finally:
        faults.stop()


@pytest.fixture
def home(tmp_path: Path) -> Iterator[CliHome]:
    """Config, cache and data folders of this test's own, and an in-memory keyring installed for it."""
    cli_home = CliHome(tmp_path / "home", MemoryKeyring())
    previous = keyring.get_keyring()
    keyring.set_keyring(cli_home.keyring)
    try:
        yield cli_home
    finally:
        keyring.set_keyring(previous)
        stop_agents(cli_home.runtime)
