"""Section screens built ahead (tui/section_prebuild.py): after Home has drawn its data, while the app idles,
the screens of the sections the user may open are composed; a section key then switches to its screen, which
fetches its data only then. A key pressed while its screen is being built gets that screen; sign-out removes
the screens built for the user who leaves."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from section_helpers import enter_as
from textual import events
from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.worker import Worker
from tui_helpers import SandboxLike, wait_for

from ssp_tui.tui.app import SspApp
from ssp_tui.tui.section_screen import SectionNav, SectionScreen
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sections.payments.screen import PaymentsScreen
from ssp_tui.tui.sign_in.login import LoginScreen
from ssp_tui.widgets.virtual_table import VirtualTable

SIZE = (150, 50)
AGENT = "agent.rivera"
POLICYHOLDER = "dr.patel"


def ahead(app: SspApp) -> list[str]:
    """The sections other than Home this user may open."""
    return [s.id for s in app.visible_sections() if s.id != "home"]


async def all_built(pilot: Pilot[None], app: SspApp) -> dict[str, SectionScreen]:
    await wait_for(
        pilot,
        lambda: not app.prebuilder.running and all(app.prebuilder.built(s) for s in ahead(app)),
        "every section's screen built ahead",
    )
    screens = {section_id: app.prebuilder.built(section_id) for section_id in ahead(app)}
    assert all(isinstance(screen, SectionScreen) for screen in screens.values())
    return screens  # type: ignore[return-value]


def record_workers(app: SspApp) -> list[Worker[object]]:
    """Every worker the app starts from now on (a fetch runs in one), finished or not."""
    started: list[Worker[object]] = []
    add_worker = app.workers.add_worker

    def spy(worker: Worker[object], start: bool = True, exclusive: bool = True) -> None:
        started.append(worker)
        add_worker(worker, start, exclusive)

    app.workers.add_worker = spy  # type: ignore[method-assign]
    return started


def fetches_of(workers: list[Worker[object]], screen: Widget) -> list[str]:
    """The workers started by ``screen`` or a widget on it."""
    return [w.name for w in workers if w.node is screen or w.node in screen.walk_children()]


MAX_TURNS = 500
"""A bound on the event-loop turns given to the app to take a key, so a broken flow fails the test."""


async def press_burst_unwaited(app: SspApp, key: str) -> None:
    """The key as the terminal sends it, without waiting for the screen on top (see ``press_burst``)."""
    driver = app._driver
    assert driver is not None
    event = events.Key(key, key)
    event.set_sender(app)
    driver.send_message(event)


def billing_rows(screen: Widget) -> int:
    return screen.query_one("#billing-table", VirtualTable).model.row_count


async def test_a_section_opens_on_the_screen_built_ahead_which_fetches_only_then(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    workers = record_workers(app)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        screens = await all_built(pilot, app)
        assert set(screens) == {"payments", "policy_services", "credentialing", "risk", "seminars", "agent"}
        for section_id, screen in screens.items():
            assert screen.query(SectionNav), f"{section_id}: composed and mounted before its key"
            assert not fetches_of(workers, screen), f"{section_id}: nothing fetched before it is opened"
            assert not screen.shown
        payments = screens["payments"]
        assert billing_rows(payments) == 0

        await pilot.press("2")
        await wait_for(pilot, lambda: billing_rows(payments) > 0, "the billing accounts")
        assert app.screen is payments, "the key switched to the screen built ahead, not a new one"
        assert app.prebuilder.built("payments") is None, "handed to its mode"
        assert fetches_of(workers, payments).count("load_list") == 1, "its list fetched once, at the key"
        assert isinstance(app.focused, VirtualTable) and app.focused.id == "billing-table"


async def test_home_draws_its_data_before_any_screen_is_built_ahead(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    seen_at_start: list[str] = []
    start = app.prebuilder.start

    def spy(sections: object) -> None:
        home = app.screen
        assert isinstance(home, HomeScreen), "the prebuild starts on Home"
        attention = home.query_one("#home-attention", OptionList)
        seen_at_start.append(str(attention.get_option_at_index(0).prompt) if attention.option_count else "")
        start(sections)  # type: ignore[arg-type]

    app.prebuilder.start = spy  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        await all_built(pilot, app)
    assert seen_at_start, "the prebuild was started"
    assert "Loading" not in seen_at_start[0] and seen_at_start[0], "Home's data was on screen first"


class Gate(Static):
    """Holds its screen's mount until the test opens it, as a slow compose would."""

    opened: asyncio.Event

    async def on_mount(self) -> None:
        await Gate.opened.wait()


@pytest.fixture
def gated_payments(monkeypatch: pytest.MonkeyPatch) -> Iterator[asyncio.Event]:
    """Payments' screen, with a widget whose mount waits for the returned event."""
    Gate.opened = asyncio.Event()
    compose_body = PaymentsScreen.compose_body

    def gated(self: PaymentsScreen) -> ComposeResult:
        yield from compose_body(self)
        yield Gate(id="gate")

    monkeypatch.setattr(PaymentsScreen, "compose_body", gated)
    yield Gate.opened
    Gate.opened.set()


async def test_a_key_pressed_while_its_screen_is_being_built_opens_that_screen(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], gated_payments: asyncio.Event
) -> None:
    app = make_app()
    workers = record_workers(app)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        await wait_for(pilot, lambda: app.prebuilder.built("payments"), "Payments' screen being built")
        payments = app.prebuilder.built("payments")
        assert payments is not None and not payments.is_mounted, "its mount is held by the gate"

        # Pilot's press would wait for the screen on top to handle its events, and that screen is held: the
        # key goes in as the terminal sends it, and the app's own loop is given turns to handle it.
        await press_burst_unwaited(app, "2")
        for _ in range(MAX_TURNS):
            if app.screen is payments:
                break
            await asyncio.sleep(0.01)
        assert app.screen is payments, "switched to the screen being built"
        assert not fetches_of(workers, payments), "not mounted yet: nothing fetched"
        gated_payments.set()
        await wait_for(pilot, lambda: billing_rows(payments) > 0, "the billing accounts")
        assert app.screen is payments
        assert fetches_of(workers, payments).count("load_list") == 1, "fetched once, when shown"
        await wait_for(pilot, lambda: not app.prebuilder.running, "the other sections built")
        assert app.prebuilder.built("payments") is None, "never built twice"
        assert app.prebuilder.built("risk") is not None


async def test_signing_out_drops_the_screens_built_for_that_user(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        agents = await all_built(pilot, app)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        assert not any(screen.is_attached for screen in agents.values()), "the agent's screens are gone"

        await enter_as(pilot, sandbox, POLICYHOLDER)
        patients = await all_built(pilot, app)
        assert "agent" not in patients, "the policyholder has no Agent library"
        for screen in patients.values():
            assert screen not in agents.values()
            who = str(screen.query_one("#header-user", Static).render())
            assert app.controller.user is not None and app.controller.user.display_name in who


async def test_signing_out_while_a_screen_is_being_built_removes_it_whole(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], gated_payments: asyncio.Event
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        await wait_for(pilot, lambda: app.prebuilder.built("payments"), "Payments' screen being built")
        payments = app.prebuilder.built("payments")
        assert payments is not None
        await pilot.press("ctrl+l")
        gated_payments.set()
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        await wait_for(pilot, lambda: not app.prebuilder.running, "the prebuild stopped")
        assert not payments.is_attached
        assert app.prebuilder.built("risk") is None, "nothing more was built for a user who left"


async def test_quitting_while_a_screen_is_being_built_closes_cleanly(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], gated_payments: asyncio.Event
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        await wait_for(pilot, lambda: app.prebuilder.built("payments"), "Payments' screen being built")
        payments = app.prebuilder.built("payments")
        assert payments is not None and not payments.is_mounted
        stop = app.prebuilder.stop

        async def stop_as_the_app_closes() -> list[Screen[None]]:
            gated_payments.set()  # the mount goes on only once the app has begun to close
            return await stop()

        app.prebuilder.stop = stop_as_the_app_closes  # type: ignore[method-assign]
    # run_test raises what failed in the app as it closed (a menu bar mounting after its tabs were closed)
    assert not payments.is_attached
