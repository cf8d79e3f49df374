"""Pilot steps shared by the TUI tests: wait for a state, sign in through MFA, read the sandbox outbox."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pyotp
from textual.errors import NoWidget
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import Worker

from ssp_tui import clock
from ssp_tui.api.constants import TOTP_PERIOD_S
from ssp_tui.sandbox.db import DemoAccount
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sign_in.mfa import MfaScreen


class SandboxLike(Protocol):
    """What the tests use of tests/conftest.py's ``sandbox`` fixture."""

    base_url: str
    db_path: Path
    accounts: list[DemoAccount]

    def account(self, role: str, index: int = 0) -> DemoAccount: ...


MAX_WAIT_STEPS = 600
"""A bound on the wake-ups, so a broken flow fails the test instead of hanging it (not a timing assertion)."""

_RECHECK_S = 0.025
"""With nothing running, how long a step sleeps before it looks again (a timer or a debounce may be due)."""


async def settle(pilot: Pilot) -> None:
    """Until every worker the app has started is finished and the screen has handled what they posted.

    Work the screens start (portal calls, downloads) runs in Textual workers: waiting on them, as harlequin's
    functional tests do, is exact where a fixed pause is a guess. A worker that fails is the test's business
    (its assertions see the error shown); it is not raised here."""
    workers = pilot.app.workers
    await wait_for(pilot, lambda: all(worker.is_finished for worker in workers), "the workers to end")
    await pilot.pause()


_ENDS: weakref.WeakKeyDictionary[Worker[object], asyncio.Task[None]] = weakref.WeakKeyDictionary()


def _end_of(worker: Worker[object]) -> asyncio.Task[None]:
    """One task per worker that ends when the worker does. Never cancelled from here: cancelling a task
    that awaits ``worker.wait()`` would cancel the worker itself (asyncio passes the cancel on)."""
    if worker not in _ENDS:
        _ENDS[worker] = asyncio.ensure_future(_finished(worker))
    return _ENDS[worker]


async def _finished(worker: Worker[object]) -> None:
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await worker.wait()


async def wait_for(pilot: Pilot, predicate: Callable[[], object], what: str) -> None:
    """Until ``predicate()`` holds: it is checked again each time a running worker ends (and its messages are
    handled), or after a short sleep when none runs."""
    app = pilot.app
    for _ in range(MAX_WAIT_STEPS):
        if predicate():
            return
        running = [worker for worker in app.workers if not worker.is_finished]
        if running:
            waits = [_end_of(worker) for worker in running]
            await asyncio.wait(waits, timeout=_RECHECK_S * 4, return_when=asyncio.FIRST_COMPLETED)
            await pilot.pause()
        else:
            await pilot.pause(_RECHECK_S)
    raise AssertionError(f"gave up waiting for {what}; the screen is {type(pilot.app.screen).__name__}")


def usable_account(sandbox: SandboxLike, role: str, index: int) -> DemoAccount:
    """The ``index``-th login of ``role`` that can sign in (enrolled in MFA, not locked)."""
    usable = [
        a for a in sandbox.accounts if a.role == role and a.totp_secret and "locked" not in a.note.lower()
    ]
    return usable[index]


async def wait_for_screen(pilot: Pilot, screen_type: type, selector: str) -> None:
    """Until a ``screen_type`` is on top and composed (``selector`` matches in it)."""
    app = pilot.app
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, screen_type) and bool(app.screen.query(selector)),
        f"{screen_type.__name__} with {selector}",
    )


async def click(pilot: Pilot, selector: str) -> None:
    """Click the widget ``selector`` names once it sits still where it is drawn.

    ``Pilot.click`` aims at the widget's region as it is at the call and clicks after a pause: a list that
    arrives meanwhile (the demo accounts under the sign-in form) moves the widget, the click lands on
    whatever is there now, and the test waits in vain for what the click should have done. Here the click
    waits until the widget is on screen, at the same place on two looks in a row, and is what the screen
    has at that place."""
    app = pilot.app
    last: object = None
    for _ in range(MAX_WAIT_STEPS):
        await pilot.pause()
        widget = next(iter(app.screen.query(selector)), None)
        if widget is None or not widget.region.area:
            last = None
            continue
        region = widget.region
        try:
            at_offset, _ = app.get_widget_at(*region.offset)
        except NoWidget:  # not drawn there (yet)
            at_offset = None
        if region == last and at_offset is widget and await pilot.click(widget):
            return
        last = region
    raise AssertionError(f"could not click {selector}; the screen is {type(app.screen).__name__}")


def app_of(pilot: Pilot) -> SspApp:
    assert isinstance(pilot.app, SspApp)
    return pilot.app


async def enter_password(pilot: Pilot, username: str, password: str) -> None:
    """Type the sign-in form as a user would: username (focused at start), Tab, password, Enter."""
    app = app_of(pilot)
    await wait_for(pilot, lambda: app.demo_accounts, "the sandbox's demo accounts")
    assert app.focused is not None and app.focused.id == "username"
    await pilot.press(*username, "tab", *password, "enter")


def db(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, timeout=10)
    conn.row_factory = sqlite3.Row
    return conn


async def fresh_totp(db_path: Path, username: str, secret: str) -> str:
    """A TOTP code the sandbox will accept: its replay guard refuses a step already used by this user (by
    another test in this process), so wait for the next step in that case."""
    with db(db_path) as conn:
        row = conn.execute("SELECT totp_last_step FROM users WHERE username = ?", [username]).fetchone()
    last_step = int(row["totp_last_step"]) if row else 0
    while int(clock.timestamp()) // TOTP_PERIOD_S <= last_step:
        await asyncio.sleep(0.5)
    return pyotp.TOTP(secret).at(clock.now())


def last_outbox_id(db_path: Path) -> int:
    with db(db_path) as conn:
        return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()[0])


def outbox_code_after(db_path: Path, username: str, after_id: int) -> str | None:
    with db(db_path) as conn:
        row = conn.execute(
            "SELECT code FROM outbox WHERE username = ? AND id > ? ORDER BY id DESC LIMIT 1",
            [username, after_id],
        ).fetchone()
    return row["code"] if row else None


async def sign_in_totp(
    pilot: Pilot, sandbox: SandboxLike, account: DemoAccount, *, remember_device: bool = False
) -> None:
    """Password, then the authenticator code (the default factor, already focused), then Home."""
    app = app_of(pilot)
    await enter_password(pilot, account.username, account.password)
    await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA dialog")
    await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "mfa-code", "focus on the code")
    if remember_device:
        await click(pilot, "#remember-device")
        app.screen.query_one("#mfa-code", Input).focus()
    code = await fresh_totp(sandbox.db_path, account.username, account.totp_secret)
    await pilot.press(*code, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")


async def sign_in_sms(pilot: Pilot, sandbox: SandboxLike, account: DemoAccount) -> None:
    """Password, then 'Text message': the sandbox puts the code in its outbox, which the test reads."""
    app = app_of(pilot)
    before = last_outbox_id(sandbox.db_path)
    await enter_password(pilot, account.username, account.password)
    await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA dialog")
    await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "mfa-code", "the dialog ready")
    await click(pilot, "#factor-sms")
    code: list[str] = []

    def code_arrived() -> bool:
        found = outbox_code_after(sandbox.db_path, account.username, before)
        if found:
            code.append(found)
        return bool(found)

    await wait_for(pilot, code_arrived, "the SMS code in the sandbox outbox")
    assert app.focused is not None and app.focused.id == "mfa-code"
    await pilot.press(*code[0], "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")


def nav_section_ids(app: SspApp) -> list[str]:
    from textual.widgets import Tab

    return [(tab.id or "").removeprefix("nav-") for tab in app.screen.query(Tab)]


async def press_burst(pilot: Pilot, *keys: str) -> None:
    """Send ``keys`` in one go, as a password manager's auto-type or a fast typist does: unlike
    ``pilot.press``, no key waits for the one before it to be handled. Then wait for all of them."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        char = key if len(key) == 1 else {"enter": "\r", "tab": "\t", "space": " "}.get(key)
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, char)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()
