"""The large book for the ``--large`` benchmarks: built once (cached), copied, served and signed in to.

The database (the demo data plus ``seed_book.LARGE_BOOK``: one agency, agent ``bigbook``) is built into
``$SSP_BENCH_CACHE`` (default: ``<tmp>/ssp-tui-bench``) under a name made from the seed's source, the book's
size and today's date, so a change to the seed (or a new day) builds it again and nothing stale is measured.
Each benchmark serves its own copy (sessions and generated PDFs land in the copy) through the embedded
sandbox, a child process on loopback, exactly as the app and the CLI reach it.

Sign-in: the agent's TOTP code is accepted once per 30-second step, so the first sign-in of a copy asks to
remember the device and every later one presents the device token (no MFA step, no wait).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import msgspec
import pyotp

from ssp_tui import clock
from ssp_tui.api.constants import API_PREFIX, TOTP_PERIOD_S
from ssp_tui.api.models import LoginResponse, LoginState, MfaFactor, Role, Session
from ssp_tui.portal.embedded import EmbeddedSandbox, SandboxAccount
from ssp_tui.sandbox import db as sandbox_db
from ssp_tui.sandbox.seed_book import BOOK_AGENT, LARGE_BOOK

SANDBOX_SOURCES = Path(sandbox_db.__file__).parent
AGENT = BOOK_AGENT.username


def cache_dir() -> Path:
    return Path(os.environ.get("SSP_BENCH_CACHE", Path(tempfile.gettempdir()) / "ssp-tui-bench"))


def book_key() -> str:
    """Changes with the seed's code, the schema, the book's size and the day the data is built around."""
    digest = hashlib.sha256()
    for path in sorted([*SANDBOX_SOURCES.glob("seed*.py"), SANDBOX_SOURCES / "schema.sql"]):
        digest.update(path.read_bytes())
    digest.update(f"{sandbox_db.SCHEMA_VERSION}|{LARGE_BOOK.to_text()}|{clock.today()}".encode())
    return digest.hexdigest()[:16]


def large_db_path() -> Path:
    return cache_dir() / f"large-book-{book_key()}.sqlite3"


def build_large_db(path: Path) -> float:
    """Build the database at ``path`` (replacing one there); returns the seconds it took."""
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    sandbox_db.reset_db(path, seed=1, scale=1, book=LARGE_BOOK)
    return time.perf_counter() - started


def ensure_large_db() -> Path:
    """The cached large-book database, built first when missing (about a minute on a quiet machine)."""
    path = large_db_path()
    if not path.exists():
        print(f"Building the large book into {path} (untimed here; see large_build)…", flush=True)
        # Built beside and renamed: two benchmarks started at once never read a half-built book.
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        seconds = build_large_db(partial)
        os.replace(partial, path)
        print(f"  built in {seconds:.1f} s", flush=True)
    return path


@dataclass
class LargeSandbox:
    """A copy of the large book served on loopback; ``async with LargeSandbox() as book: ...``."""

    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ssp-bench-")))
    sandbox: EmbeddedSandbox | None = None
    base_url: str = ""
    accounts: list[SandboxAccount] = field(default_factory=list)
    _devices: dict[str, str] = field(default_factory=dict)

    async def __aenter__(self) -> LargeSandbox:
        source = ensure_large_db()
        copy = self.workdir / "sandbox.sqlite3"
        await asyncio.to_thread(shutil.copyfile, source, copy)
        self.sandbox = EmbeddedSandbox(copy)
        self.base_url = await self.sandbox.start()
        self.accounts = list(await self.sandbox.demo_accounts())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.sandbox is not None:
            await self.sandbox.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    def account(self, username: str) -> SandboxAccount:
        return next(a for a in self.accounts if a.username == username)

    def first_of(self, role: Role) -> SandboxAccount:
        return next(a for a in self.accounts if a.role is role and a.totp_secret and "lock" not in a.note)

    async def device_token(self, username: str) -> str:
        """A remember-device token for ``username`` (one MFA sign-in the first time)."""
        if username not in self._devices:
            await self.sign_in(username)
        return self._devices[username]

    async def sign_in(self, username: str) -> Session:
        """A new session over plain httpx: with the device token once there is one, else through MFA."""
        account = self.account(username)
        async with httpx2.AsyncClient(base_url=self.api_url, timeout=60.0) as http:
            answer = await http.post(
                "/auth/login",
                json={
                    "username": username,
                    "password": account.password,
                    "device_token": self._devices.get(username),
                },
            )
            answer.raise_for_status()
            login = msgspec.json.decode(answer.content, type=LoginResponse)
            if login.state is LoginState.AUTHENTICATED and login.session is not None:
                return login.session
            for attempt in range(2):
                verify = await http.post(
                    "/auth/mfa/verify",
                    json={
                        "mfa_token": login.mfa_token,
                        "factor": MfaFactor.TOTP.value,
                        "code": pyotp.TOTP(account.totp_secret or "").at(clock.now()),
                        "remember_device": True,
                    },
                )
                if verify.status_code != 401 or attempt:
                    break
                # This 30-second step's code was used already (by a CLI login, say): wait for the next one.
                await asyncio.sleep(TOTP_PERIOD_S - clock.timestamp() % TOTP_PERIOD_S + 0.5)
            verify.raise_for_status()
            session = msgspec.json.decode(verify.content, type=Session)
            if session.device_token:
                self._devices[username] = session.device_token
            return session

    def raw_client(self, token: str) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(
            base_url=self.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=300.0
        )
