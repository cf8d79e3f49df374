"""A sandbox portal served over real loopback HTTP for tests, and demo logins through MFA.

TOTP replay protection means a user's code is accepted once per 30-second step, so the first login of each
user asks to remember the device and every later login of that user presents the device token instead of a
code. ``session(username)`` is cached; ``fresh_session(username)`` is a new one (for tests that log out).
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx2
import msgspec
import pyotp
import uvicorn

from ssp_tui import clock
from ssp_tui.api.constants import API_PREFIX
from ssp_tui.api.models import LoginResponse, LoginState, MfaFactor, Role, Session
from ssp_tui.sandbox.app import create_app
from ssp_tui.sandbox.auth_tokens import SecurityPolicy
from ssp_tui.sandbox.db import DemoAccount, connect, create_and_seed, demo_accounts
from ssp_tui.sandbox.server import base_url, bind_loopback

SEED_TODAY = date(2026, 11, 28)


def seed_template(directory: Path) -> Path:
    """The seeded database (seed 1, scale 1, today 2026-11-28) that every test database is a copy of."""
    path = directory / "template.sqlite3"
    create_and_seed(path, seed=1, scale=1, today=SEED_TODAY)
    return path


def copy_db(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


def read_accounts(db_path: Path) -> list[DemoAccount]:
    conn = connect(db_path)
    try:
        return demo_accounts(conn)
    finally:
        conn.close()


def login_through_mfa(
    client: httpx2.Client, account: DemoAccount, *, device_token: str | None = None, remember: bool = False
) -> Session:
    """Password, then (unless the device is remembered) the current TOTP code; ``client`` is on /api/v1."""
    answer = client.post(
        "/auth/login",
        json={"username": account.username, "password": account.password, "device_token": device_token},
    )
    answer.raise_for_status()
    login = msgspec.json.decode(answer.content, type=LoginResponse)
    if login.state is LoginState.AUTHENTICATED and login.session is not None:
        return login.session
    assert login.state is LoginState.MFA_REQUIRED and account.totp_secret, login
    verify = client.post(
        "/auth/mfa/verify",
        json={
            "mfa_token": login.mfa_token,
            "factor": MfaFactor.TOTP.value,
            "code": pyotp.TOTP(account.totp_secret).at(clock.now()),
            "remember_device": remember,
        },
    )
    verify.raise_for_status()
    return msgspec.json.decode(verify.content, type=Session)


@dataclass
class SandboxServer:
    base_url: str
    """Without /api/v1."""
    db_path: Path
    accounts: list[DemoAccount]
    _sessions: dict[str, Session] = field(default_factory=dict)
    _devices: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    def account(self, role: Role | str, index: int = 0) -> DemoAccount:
        matching = [a for a in self.accounts if a.role == Role(role)]
        return matching[index]

    def by_username(self, username: str) -> DemoAccount:
        return next(a for a in self.accounts if a.username == username)

    def client(self, token: str | None = None) -> httpx2.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx2.Client(base_url=self.api_url, headers=headers, timeout=30.0)

    def fresh_session(self, username: str) -> Session:
        """A new session of its own (log it out freely)."""
        with self._lock, self.client() as client:
            account = self.by_username(username)
            session = login_through_mfa(
                client,
                account,
                device_token=self._devices.get(username),
                remember=username not in self._devices,
            )
            if session.device_token:
                self._devices[username] = session.device_token
            return session

    def device_token(self, username: str) -> str:
        """A remember-device token for the user: later logins skip MFA (and TOTP replay protection)."""
        if username not in self._devices:
            self.fresh_session(username)
        return self._devices[username]

    def session(self, username: str) -> Session:
        """A session shared by every test in this process; never log it out."""
        if username not in self._sessions:
            self._sessions[username] = self.fresh_session(username)
        return self._sessions[username]

    def token(self, username: str) -> str:
        return self.session(username).access_token


class ServerThread:
    """uvicorn in a background thread on a free loopback port."""

    def __init__(self, db_path: Path, security: SecurityPolicy | None = None) -> None:
        app = create_app(db_path, security=security)
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._socket = bind_loopback(0)
        self.base_url = base_url(self._socket)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self, timeout_s: float = 20.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx2.get(f"{self.base_url}{API_PREFIX}/forms/frequent", timeout=2.0).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
