"""Fixtures shared by every test: a sandbox portal over real loopback HTTP, and fresh copies of its database.

- ``sandbox`` (session): a ``SandboxServer`` (``.base_url`` without /api/v1, ``.api_url``, ``.db_path``,
  ``.accounts``, ``.account(role, index)``, ``.session(username)`` cached, ``.fresh_session(username)``,
  ``.device_token(username)``), seeded with seed 1, scale 1, today 2026-11-28. Do not change its data in ways
  other tests would notice (lock, enroll or log out shared users): use ``fresh_db`` for that.
- ``sandbox_template_db`` (session): the seeded database file; ``fresh_db``: a private copy of it per test.
- ``private_sandbox``: a server of the test's own over ``fresh_db``, for tests that change what others would
  notice (revoked sessions, failed attempts, holder requests, an enrolled authenticator, new PDFs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from runtime_dirs import short_runtime_dir, stop_agents
from sandbox_harness import SEED_TODAY, SandboxServer, ServerThread, copy_db, read_accounts, seed_template

from ssp_tui import clock

# Pin the one clock to noon of the day the test data was seeded for, whatever the real date: the suite passes
# today, in six weeks and in a year. The shift is in the environment, so every process a test starts (the CLI,
# an embedded sandbox) keeps the same time and the same authenticator codes.
os.environ[clock.SHIFT_ENV] = str(round(clock.shift_to(datetime.combine(SEED_TODAY, time(12), tzinfo=UTC))))


# The CLI's session locks, authenticator steps and session agents go to a runtime folder of this test run's
# own, never the developer's; agents a test left running are stopped when the run ends.
_RUNTIME = short_runtime_dir()
os.environ["XDG_RUNTIME_DIR"] = str(_RUNTIME)


@pytest.fixture(scope="session", autouse=True)
def _stop_session_agents() -> Iterator[None]:
    yield
    stop_agents(_RUNTIME)


@pytest.fixture(scope="session")
def sandbox_template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_template(tmp_path_factory.mktemp("sandbox-template"))


@pytest.fixture
def fresh_db(sandbox_template_db: Path, tmp_path: Path) -> Path:
    return copy_db(sandbox_template_db, tmp_path / "sandbox.sqlite3")


@pytest.fixture(scope="session")
def sandbox(sandbox_template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    db_path = copy_db(sandbox_template_db, tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3")
    thread = ServerThread(db_path)
    thread.start()
    try:
        yield SandboxServer(base_url=thread.base_url, db_path=db_path, accounts=read_accounts(db_path))
    finally:
        thread.stop()


@pytest.fixture
def private_sandbox(fresh_db: Path) -> Iterator[SandboxServer]:
    """A sandbox of this test's own, over a fresh copy of the seeded database: change it freely."""
    thread = ServerThread(fresh_db)
    thread.start()
    try:
        yield SandboxServer(base_url=thread.base_url, db_path=fresh_db, accounts=read_accounts(fresh_db))
    finally:
        thread.stop()
