"""An in-process sandbox on a private database with a clock the test moves, for the auth tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import pyotp
from sandbox_harness import read_accounts
from starlette.applications import Starlette

from ssp_tui.api.constants import API_PREFIX
from ssp_tui.sandbox.app import create_app
from ssp_tui.sandbox.auth_tokens import SecurityPolicy
from ssp_tui.sandbox.db import DemoAccount

START = datetime(2026, 11, 28, 15, 0, 5, tzinfo=UTC)
"""Five seconds into a TOTP step, so codes computed for "now" stay in that step."""


class Clock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class AuthBench:
    client: httpx2.AsyncClient
    clock: Clock
    db_path: Path
    accounts: list[DemoAccount]
    app: Starlette

    def client_from(self, address: str) -> httpx2.AsyncClient:
        """Another client of the same portal, from another address (close it after use)."""
        transport = httpx2.ASGITransport(app=self.app, client=(address, 50000))
        return httpx2.AsyncClient(transport=transport, base_url=f"http://sandbox.test{API_PREFIX}")

    def account(self, username: str) -> DemoAccount:
        return next(a for a in self.accounts if a.username == username)

    def totp(self, username: str, offset_steps: int = 0) -> str:
        secret = self.account(username).totp_secret
        assert secret
        return pyotp.TOTP(secret).at(self.clock.now + timedelta(seconds=30 * offset_steps))

    async def login(self, username: str, password: str | None = None, **extra: object) -> httpx2.Response:
        account = self.account(username)
        body = {"username": username, "password": account.password if password is None else password, **extra}
        return await self.client.post("/auth/login", json=body)

    async def challenge(self, username: str, **extra: object) -> str:
        answer = await self.login(username, **extra)
        assert answer.status_code == 200, answer.text
        assert answer.json()["state"] in {"mfa_required", "enroll_totp"}, answer.json()
        return answer.json()["mfa_token"]

    async def verify(
        self, mfa_token: str, code: str, factor: str = "totp", **extra: object
    ) -> httpx2.Response:
        body = {"mfa_token": mfa_token, "factor": factor, "code": code, **extra}
        return await self.client.post("/auth/mfa/verify", json=body)

    async def signed_in(self, username: str, **extra: object) -> dict:
        answer = await self.verify(await self.challenge(username), self.totp(username), **extra)
        assert answer.status_code == 200, answer.text
        return answer.json()


@asynccontextmanager
async def auth_bench(db_path: Path, policy: SecurityPolicy | None = None) -> AsyncIterator[AuthBench]:
    clock = Clock()
    app = create_app(db_path, security=policy, clock=clock)
    transport = httpx2.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx2.AsyncClient(transport=transport, base_url=f"http://sandbox.test{API_PREFIX}") as client:
        yield AuthBench(
            client=client, clock=clock, db_path=db_path, accounts=read_accounts(db_path), app=app
        )
