"""Login to a Home screen with its data shown, against the raw HTTP calls, sandbox on loopback.

Run: .venv/bin/python -m benchmarks.bench_login_home [--runs 5] [--scale 1]

The embedded sandbox runs as a child process on loopback (fresh database). Timed, interleaved, --runs rounds:
  app   a headless SspApp driven by Pilot: the sign-in form filled, Enter, the MFA dialog's code filled,
        Enter, until the Home screen shows its data (the "Loading…" line replaced by what needs attention)
  raw   plain httpx2: POST /auth/login, POST /auth/mfa/verify, GET /me, GET /home, each body decoded as JSON
The sandbox refuses a TOTP step a user has already used, so each login takes another demo user (the app and
the raw calls swap users every round) and waits, untimed, for a fresh step when a user comes round again.
No goal in issue 11; the ratio says what the app adds to the four requests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import httpx2
import pyotp
from keyring.backend import KeyringBackend
from textual.widgets import Input, OptionList

from benchmarks.common import Result, Samples, emit, load_average
from ssp_tui import clock
from ssp_tui.api.constants import API_PREFIX, TOTP_PERIOD_S
from ssp_tui.portal.embedded import EmbeddedSandbox, SandboxAccount
from ssp_tui.portal.target import FixedPortal
from ssp_tui.settings.config import CONFIG_ENV, Profile
from ssp_tui.settings.secrets import SecretStore
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sign_in.mfa import MfaScreen

BENCHMARK = "login_home"
SIZE = (120, 40)
WAIT_STEP_S = 0.005


class MemoryKeyring(KeyringBackend):
    """Nothing the benchmark signs in with reaches the real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


async def until(predicate: object, what: str, timeout_s: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not predicate():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        await asyncio.sleep(WAIT_STEP_S)


async def fresh_code(db_path: Path, account: SandboxAccount) -> str:
    """A TOTP code in a step this user has not used yet (waits, untimed, when needed)."""
    with sqlite3.connect(db_path, timeout=10) as conn:
        row = conn.execute(
            "SELECT totp_last_step FROM users WHERE username = ?", [account.username]
        ).fetchone()
    last_step = int(row[0]) if row and row[0] is not None else 0
    while int(clock.timestamp()) // TOTP_PERIOD_S <= last_step:
        await asyncio.sleep(0.5)
    return pyotp.TOTP(account.totp_secret or "").at(clock.now())


def home_shown(app: SspApp) -> bool:
    if not isinstance(app.screen, HomeScreen):
        return False
    found = app.screen.query("#home-attention")
    if not found:
        return False
    attention = found.first(OptionList)
    return attention.option_count > 0 and "Loading" not in str(attention.get_option_at_index(0).prompt)


async def app_login(
    base_url: str, accounts: list[SandboxAccount], account: SandboxAccount, code: str
) -> float:
    app = SspApp(
        FixedPortal(base_url, is_sandbox=True, accounts=accounts, label="sandbox (bench)"),
        profile_name="bench",
        profile=Profile(),
        show_clock=False,
        secret_store=SecretStore("bench", backend=MemoryKeyring()),
    )
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: app.demo_accounts, "the login screen")
        app.screen.query_one("#username", Input).value = account.username
        password = app.screen.query_one("#password", Input)
        password.value = account.password
        password.focus()
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, MfaScreen) and app.screen.query("#mfa-code"), "MFA")
        code_input = app.screen.query_one("#mfa-code", Input)
        code_input.value = code
        code_input.focus()
        await pilot.press("enter")
        await until(lambda: home_shown(app), "Home with its data")
        return time.perf_counter() - started


async def raw_login(base_url: str, account: SandboxAccount, code: str) -> float:
    async with httpx2.AsyncClient(base_url=base_url + API_PREFIX, timeout=60.0) as http:
        started = time.perf_counter()
        answer = await http.post(
            "/auth/login", json={"username": account.username, "password": account.password}
        )
        answer.raise_for_status()
        token = answer.json()["mfa_token"]
        answer = await http.post(
            "/auth/mfa/verify", json={"mfa_token": token, "factor": "totp", "code": code}
        )
        answer.raise_for_status()
        http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        for path in ("/me", "/home"):
            answer = await http.get(path)
            answer.raise_for_status()
            answer.json()
        return time.perf_counter() - started


async def run(args: argparse.Namespace) -> Result:
    with tempfile.TemporaryDirectory() as temp:
        os.environ[CONFIG_ENV] = str(Path(temp) / "config.toml")  # never the real config file
        db_path = Path(temp) / "sandbox.sqlite3"
        sandbox = EmbeddedSandbox(db_path, scale=args.scale)
        base_url = await sandbox.start()
        try:
            accounts = list(await sandbox.demo_accounts())
            users = [
                a
                for a in accounts
                if a.totp_secret and "locked" not in a.note.lower() and a.role.value != "support"
            ]
            samples = Samples()
            await raw_login(base_url, users[0], await fresh_code(db_path, users[0]))  # warm up
            for round_number in range(args.runs):
                samples.load.append(load_average())
                first = users[(2 * round_number + 1) % len(users)]
                second = users[(2 * round_number + 2) % len(users)]
                app_user, raw_user = (first, second) if round_number % 2 else (second, first)
                code = await fresh_code(db_path, app_user)
                samples.add("app", await app_login(base_url, accounts, app_user, code))
                code = await fresh_code(db_path, raw_user)
                samples.add("raw", await raw_login(base_url, raw_user, code))
        finally:
            await sandbox.stop()
    print(f"Login to Home with its data, median of {args.runs} interleaved rounds")
    result = samples.result(
        BENCHMARK,
        "login to Home with data",
        "app",
        "raw",
        note="raw = login+verify+me+home with httpx2",
    )
    emit(result)
    return result


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=1)
    return [asyncio.run(run(parser.parse_args(argv)))]


if __name__ == "__main__":
    main()
