"""TUI test fixtures: an app wired to the test sandbox, an isolated config and an in-memory keyring."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from memory_keyring import MemoryKeyring
from tui_helpers import SandboxLike

from ssp_tui.portal.target import FixedPortal
from ssp_tui.settings.config import Profile, config_path
from ssp_tui.settings.secrets import SecretStore
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common import links
from ssp_tui.tui.section_registry import SECTIONS, Section

SANDBOX_LABEL = "sandbox (test)"
"""Shown instead of the URL, whose port changes every run (snapshots)."""


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings and 'remember me' write here, never to the real config file."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SSP_CONFIG", str(path))
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield path


@pytest.fixture
def opened_in_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A desktop with a browser: every link the app opens is recorded here instead."""
    opened: list[str] = []
    monkeypatch.setattr(links, "browser_can_open", lambda *args, **kwargs: True)
    monkeypatch.setattr(links, "_open_in_browser", lambda url: opened.append(url) or True)
    return opened


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def make_app(sandbox: SandboxLike, tmp_path: Path, keyring_backend: MemoryKeyring) -> Callable[..., SspApp]:
    """``make_app()``: an SspApp on the shared test sandbox (or ``make_app(server=...)``), showing no clock
    or countdown."""

    def make(
        profile: Profile | None = None,
        server: SandboxLike | None = None,
        registry: Sequence[Section] = SECTIONS,
        keymap: Mapping[str, str] | None = None,
    ) -> SspApp:
        server = server or sandbox
        target = FixedPortal(server.base_url, is_sandbox=True, accounts=server.accounts, label=SANDBOX_LABEL)
        return SspApp(
            target,
            profile_name="test",
            profile=profile or Profile(download_dir=tmp_path / "downloads"),
            registry=registry,
            show_clock=False,
            secret_store=SecretStore("test", backend=keyring_backend),
            keymap=keymap,
            keymap_source=config_path(),
        )

    return make
