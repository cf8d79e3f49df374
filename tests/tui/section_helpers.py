"""Pilot steps for section-screen tests: enter the portal as a demo user without typing the sign-in form
(the sign-in flow has its own tests), open a section, and read what a screen shows."""

from __future__ import annotations

import asyncio

import httpx2
from textual.pilot import Pilot
from textual.widgets import Static
from tui_helpers import SandboxLike, app_of, wait_for

from ssp_tui.api.models.auth import Session
from ssp_tui.tui.sections.home.screen import HomeScreen

_SIGN_IN_ATTEMPTS = 40


async def session_for(sandbox: SandboxLike, username: str) -> Session:
    """A session of the test's own. The first login of a user uses a TOTP code, which the sandbox refuses
    when another test used the same 30-second step for that user: then wait for the next step."""
    for _ in range(_SIGN_IN_ATTEMPTS):
        try:
            return await asyncio.to_thread(sandbox.fresh_session, username)  # type: ignore[attr-defined]
        except httpx2.HTTPStatusError:
            await asyncio.sleep(1)
    raise AssertionError(f"could not sign in {username}")


async def enter_as(pilot: Pilot, sandbox: SandboxLike, username: str) -> None:
    """Sign ``username`` in through the controller, as the MFA screen does, and wait for Home."""
    app = app_of(pilot)
    session = await session_for(sandbox, username)
    await app.controller.install(session)
    await app.enter_portal()
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")


def shown_text(node: object) -> str:
    """Every Static's text under ``node`` (a screen or a widget), one per line."""
    return "\n".join(str(widget.render()) for widget in node.query(Static))  # type: ignore[attr-defined]
