"""Snapshots of every section at 80x24 (the smallest supported size) and 120x36, each as the role that sees
it, and of the sign-in screen at 80x24 (test_snapshots.py has it at 120x36). Each test has a sandbox of its
own over the seeded database and the pinned clock; the picture is taken once every worker of the app has
finished and no input shows a blinking cursor. Update with ``pytest tests/tui --snapshot-update`` after
checking the new pictures in the report: no money, policy number or id may be cut."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from section_helpers import enter_as
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import SandboxLike, app_of, wait_for

from ssp_tui.tui.app import SspApp

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
SECTIONS = {
    # section id: the role that sees it (a client's sections as a policyholder or an agent)
    "home": "policyholder",
    "payments": "policyholder",
    "policy_services": "agent",
    "credentialing": "agent",
    "risk": "agent",
    "seminars": "agent",
    "agent": "agent",
    "support": "support",
}
STEADY_PASSES = 3
"""Rounds of "wait for every worker, then let the screen settle": a worker's result may start another
(a list, then the first row's details), so one round is not always the last."""


async def steady(pilot: Pilot) -> None:
    """Nothing left to change on screen: every worker done, every message handled, no blinking cursor."""
    app = pilot.app
    for _ in range(STEADY_PASSES):
        await app.workers.wait_for_complete()
        await pilot.pause()
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    app.clear_notifications()
    await pilot.pause()


async def open_section(pilot: Pilot, sandbox: SandboxLike, section_id: str) -> None:
    app = app_of(pilot)
    await enter_as(pilot, sandbox, sandbox.account(SECTIONS[section_id], 0).username)
    if section_id != "home":
        section = next(s for s in app.visible_sections() if s.id == section_id)
        await pilot.press(section.key)
    await wait_for(pilot, lambda: getattr(app.screen, "SECTION_ID", None) == section_id, section_id)
    if section_id == "support":
        # An empty search lists every account: a picture of the triage list, not of an empty box.
        app.screen.query_one("#support-query", Input).focus()
        await pilot.press("enter")


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("section_id", SECTIONS)
def test_section(
    section_id: str,
    size: tuple[int, int],
    snap_compare: Callable[..., bool],
    private_sandbox: SandboxLike,
    make_app: Callable[..., SspApp],
) -> None:
    app = make_app(server=private_sandbox)

    async def ready(pilot: Pilot) -> None:
        await open_section(pilot, private_sandbox, section_id)
        await steady(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_login_screen_80x24(
    snap_compare: Callable[..., bool], private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox)

    async def ready(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: app.demo_accounts, "the demo accounts")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=ready)
