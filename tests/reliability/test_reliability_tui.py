"""The TUI through the fault proxy: a screen whose load hits an HTML 502 page says so plainly (no traceback,
no internal-error modal), and random key sequences on every section never crash the app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_proxy import FaultProxy, Respond, Rule
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from memory_keyring import MemoryKeyring
from sandbox_harness import SandboxServer
from textual.pilot import Pilot
from textual.widgets import Static

from ssp_tui.portal.target import FixedPortal
from ssp_tui.settings.config import Profile
from ssp_tui.settings.secrets import SecretStore
from ssp_tui.tui import app as app_module
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common import links
from ssp_tui.tui.dialogs.error_modal import ErrorModal, describe_error
from ssp_tui.tui.sections.home.screen import HomeScreen

INTERNAL_ERROR_TITLE = "Something went wrong"
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
WAIT_STEPS = 400
"""0.025 s each: a bound so a broken flow fails instead of hanging (not a timing assertion)."""


@pytest.fixture(autouse=True)
def no_browser_and_own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SSP_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr(links, "_open_in_browser", lambda url: True)
    yield


class RecordingApp(SspApp):
    """The app, remembering the title of every error it showed."""

    CSS_PATH = str(Path(app_module.__file__).with_name(str(SspApp.CSS_PATH)))
    shown_errors: list[str]

    def show_error(self, error: BaseException) -> None:
        self.shown_errors.append(describe_error(error)[0])
        super().show_error(error)


def make_app(portal: str, server: SandboxServer, downloads: Path) -> RecordingApp:
    target = FixedPortal(portal, is_sandbox=True, accounts=server.accounts, label="sandbox (test)")
    app = RecordingApp(
        target,
        profile_name="test",
        profile=Profile(download_dir=downloads),
        show_clock=False,
        secret_store=SecretStore("test", backend=MemoryKeyring()),
    )
    app.shown_errors = []
    return app


async def wait_for(pilot: Pilot, predicate: object, what: str) -> None:
    for _ in range(WAIT_STEPS):
        if predicate():  # type: ignore[operator]
            return
        await pilot.pause(0.025)
    raise AssertionError(f"gave up waiting for {what}; the screen is {type(pilot.app.screen).__name__}")


async def enter_as(pilot: Pilot, server: SandboxServer, username: str) -> None:
    app = pilot.app
    assert isinstance(app, SspApp)
    session = await asyncio.to_thread(server.fresh_session, username)
    await app.controller.install(session)
    await app.enter_portal()
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen | ErrorModal), "Home")


def visible_text(app: SspApp) -> str:
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


async def test_a_502_page_on_home_shows_a_plain_message(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, tmp_path: Path
) -> None:
    private_proxy.add(Rule("GET", r"/api/v1/home", Respond(502, HTML_502, "text/html"), times=50))
    app = make_app(private_proxy.base_url, private_sandbox, tmp_path / "downloads")
    async with app.run_test(size=(120, 36)) as pilot:
        await enter_as(pilot, private_sandbox, private_sandbox.account("policyholder").username)
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ErrorModal) and bool(app.screen.query("#error-message")),
            "the error dialog",
        )
        shown = visible_text(app)
        assert "Bad Gateway" in shown and "portal had a problem" in shown.lower(), shown
        assert "Traceback" not in shown and "<html" not in shown.lower()
        assert app.shown_errors == ["The portal had a problem"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home again")
    assert private_proxy.unused() == []


KEYS = [
    *"1234567",
    "tab", "shift+tab", "up", "down", "left", "right", "pageup", "pagedown", "home", "end",
    "enter", "space", "escape", "backspace", "f1", "f2", "f3", "ctrl+p",
    *"adfgrsx/CY",
]  # fmt: skip
"""Section keys, navigation, dialogs and a few letters the screens bind or a filter would take; not the
quit or log-out keys (ending the app is not a crash, and would end the example early)."""


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    role=st.sampled_from(["policyholder", "agent"]),
    keys=st.lists(st.sampled_from(KEYS), min_size=5, max_size=15),
)
def test_random_keys_on_every_section_never_crash_the_app(
    private_sandbox: SandboxServer, tmp_path: Path, role: str, keys: list[str]
) -> None:
    async def scenario() -> None:
        app = make_app(private_sandbox.base_url, private_sandbox, tmp_path / "downloads")
        async with app.run_test(size=(120, 36)) as pilot:
            await enter_as(pilot, private_sandbox, private_sandbox.account(role).username)
            for key in keys:
                await pilot.press(key)
            await pilot.pause()
            assert app.is_running
            assert INTERNAL_ERROR_TITLE not in app.shown_errors, (keys, app.shown_errors)
        # run_test re-raises whatever crashed the app on the way out.

    asyncio.run(scenario())
