"""Where the TUI's portal lives: a configured remote portal, or the embedded sandbox started beside the UI.

The app asks a target for its base URL in a worker, so the login screen is up before a sandbox child
process has even printed its address. Tests hand the app a ``FixedPortal`` pointing at the test server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    from ssp_tui.portal.embedded import EmbeddedSandbox
    from ssp_tui.settings.config import Profile


class DemoLogin(Protocol):
    """A sandbox demo account as ``ssp-tui sandbox accounts`` lists it."""

    username: str
    password: str
    role: str
    display_name: str
    totp_secret: str | None
    note: str


class PortalTarget(Protocol):
    is_sandbox: bool
    """True for a sandbox: the login screen shows the SANDBOX badge and the demo accounts."""

    def describe(self) -> str:
        """A short label for the screen, e.g. the portal URL."""
        ...

    async def start(self) -> str:
        """The base URL (without /api/v1), once the portal is reachable."""
        ...

    async def demo_accounts(self) -> Sequence[DemoLogin]: ...

    async def stop(self) -> None: ...


SANDBOX_PORTAL_KEY = "embedded-sandbox"


def portal_key(target: PortalTarget, base_url: str) -> str:
    """Which portal this is, stable from run to run (the embedded sandbox listens on a new port each time, but
    its database, sessions and ledger history persist): keys kept sessions and the ledger."""
    return SANDBOX_PORTAL_KEY if target.is_sandbox else base_url


def known_portal_key(target: PortalTarget) -> str | None:
    """``portal_key`` before the portal has started, where it is already known (a sandbox, a fixed URL)."""
    if target.is_sandbox:
        return SANDBOX_PORTAL_KEY
    return target.base_url if isinstance(target, FixedPortal) else None


def profile_portal_key(profile: Profile) -> str:
    """The portal key of the profile's own portal (none configured: the embedded sandbox)."""
    from ssp_tui.api.urls import normalize_base_url

    return normalize_base_url(profile.portal_url) if profile.portal_url else SANDBOX_PORTAL_KEY


class FixedPortal:
    """A portal already running at a known URL: a configured portal, or a sandbox started elsewhere."""

    def __init__(
        self,
        base_url: str,
        *,
        is_sandbox: bool = False,
        accounts: Sequence[DemoLogin] = (),
        label: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.is_sandbox = is_sandbox
        self._accounts = list(accounts)
        self._label = label
        """Shown instead of the URL (snapshot tests, whose port changes every run)."""

    def describe(self) -> str:
        return self._label or self.base_url

    async def start(self) -> str:
        return self.base_url

    async def demo_accounts(self) -> Sequence[DemoLogin]:
        return self._accounts

    async def stop(self) -> None:
        return None


class EmbeddedSandboxPortal:
    """The sandbox as a child process (``portal.embedded.EmbeddedSandbox``), started by ``start()``."""

    is_sandbox = True

    def __init__(self, db_path: Path | None = None) -> None:
        self._db_path = db_path
        """None: the sandbox's default database in the platform data folder."""
        self._sandbox: EmbeddedSandbox | None = None
        self._base_url: str | None = None

    def _child(self) -> EmbeddedSandbox:
        # Made (and its module, with msgspec and the models, imported) on first use: the target is chosen
        # before the login screen's first frame, and that import alone was about 20 ms of start-up.
        if self._sandbox is None:
            from ssp_tui.portal.embedded import EmbeddedSandbox

            self._sandbox = EmbeddedSandbox(self._db_path)
        return self._sandbox

    def describe(self) -> str:
        return f"embedded sandbox at {self._base_url}" if self._base_url else "embedded sandbox (starting)"

    async def start(self) -> str:
        if self._base_url is None:
            self._base_url = await self._child().start()
        return self._base_url

    async def demo_accounts(self) -> Sequence[DemoLogin]:
        return await self._child().demo_accounts()

    @property
    def running(self) -> bool:
        return self._sandbox is not None and self._sandbox.running

    async def stop(self) -> None:
        if self._sandbox is not None:
            await self._sandbox.stop()


def choose_target(
    cli_portal: str | None, profile: Profile, *, force_sandbox: bool, shared_sandbox: bool = False
) -> PortalTarget:
    """``--portal``, else SSP_PORTAL, else the profile's portal, else the embedded sandbox; ``--sandbox``
    chooses the sandbox whatever is configured. Raises ConfigError for a URL that is not one.

    ``shared_sandbox``: the CLI's choice, one background sandbox that later commands reuse
    (``portal/shared_sandbox.py``); the TUI starts a child of its own that ends with it."""
    from ssp_tui.settings.config import resolve_portal_url

    url = None if force_sandbox else resolve_portal_url(cli_portal, profile)
    if url:
        return FixedPortal(url)
    if shared_sandbox:
        from ssp_tui.portal.shared_sandbox import SharedSandboxPortal, shared_sandbox_available

        if shared_sandbox_available():
            return SharedSandboxPortal()
    return EmbeddedSandboxPortal()
