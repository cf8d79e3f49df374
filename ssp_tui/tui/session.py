"""The glue between the screens and the PortalClient: who is signed in, and running a call so that an expired
session asks for a new sign-in and then carries on with the same call.

Screens never hold a client of their own: a worker does ``await controller.call(lambda c: c.home.get())``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pathlib import Path

    from ssp_tui.api.client import PortalClient
    from ssp_tui.api.models.auth import LoginResponse, MfaFactor, MfaSendResponse, Session, User
    from ssp_tui.operations.downloads import DownloadEngine
    from ssp_tui.portal.target import PortalTarget
    from ssp_tui.settings.config import Profile
    from ssp_tui.settings.secrets import SecretStore

T = TypeVar("T")

ReloginHandler = Callable[[], Awaitable[bool]]
"""Asks the user to sign in again (the app's re-login modal); True once a new session is installed."""


class SessionController:
    """One per app. Owns the PortalClient for the life of the app and the signed-in user."""

    def __init__(
        self,
        target: PortalTarget,
        *,
        profile_name: str,
        profile: Profile,
        secret_store: SecretStore | None = None,
        download_cache_dir: Path | None = None,
    ) -> None:
        self.target = target
        self.profile_name = profile_name
        self.profile = profile
        self.user: User | None = None
        self.relogin_handler: ReloginHandler | None = None
        self._client: PortalClient | None = None
        self._client_lock = asyncio.Lock()
        self._secrets = secret_store
        """Made on first use (importing keyring is slow); tests pass one with an in-memory backend."""
        self._relogin_lock = asyncio.Lock()
        self._generation = 0
        """Bumped on every installed session, so that calls that failed together re-login once."""
        self._download_engine: DownloadEngine | None = None
        self._download_cache_dir = download_cache_dir
        """None: the platform's cache folder (a browser session keeps its own, which goes with it)."""

    # -- the client and the secret store, made on first use (they import httpx2 and keyring) --

    async def client(self) -> PortalClient:
        async with self._client_lock:
            if self._client is None:
                # httpx2 and the models take most of a second to import on a busy machine: in a thread, so
                # the login screen's first frame is not held up by them (docs/performance.md, start-up).
                await asyncio.to_thread(importlib.import_module, "ssp_tui.api.client")
                from ssp_tui.api.client import PortalClient

                base_url = await self.target.start()
                self._client = PortalClient(base_url, os_trust_store=self.profile.os_trust_store)
            return self._client

    async def download_engine(self) -> DownloadEngine:
        """The one download engine of the app (its cache index is read once); run it through ``call``."""
        if self._download_engine is None:
            from ssp_tui.operations.downloads import DownloadEngine, default_cache_dir

            cache_dir = self._download_cache_dir or default_cache_dir()
            self._download_engine = DownloadEngine(await self.client(), cache_dir)
        return self._download_engine

    async def portal_key(self) -> str:
        """Which portal this is, as the CLI names it too (the ledger is shared between them)."""
        from ssp_tui.portal.target import portal_key

        return portal_key(self.target, (await self.client()).base_url)

    def secrets(self) -> SecretStore:
        if self._secrets is None:
            from ssp_tui.settings.secrets import SecretStore

            self._secrets = SecretStore(self.profile_name)
        return self._secrets

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
            self._download_engine = None
        await self.target.stop()

    # -- signing in --

    async def login(self, username: str, password: str) -> LoginResponse:
        client = await self.client()
        device_token = await asyncio.to_thread(self.secrets().device_token, username)
        return await client.auth.login(username, password, device_token=device_token)

    async def send_code(self, mfa_token: str, factor: MfaFactor) -> MfaSendResponse:
        client = await self.client()
        return await client.auth.send_code(mfa_token, factor)

    async def verify(self, mfa_token: str, factor: MfaFactor, code: str, *, remember_device: bool) -> Session:
        client = await self.client()
        return await client.auth.verify(mfa_token, factor, code, remember_device=remember_device)

    async def install(self, session: Session, *, remembered_password: str | None = None) -> list[str]:
        """Make ``session`` the current one and keep what the user asked to keep.

        Returns what could not be kept (no keyring and no consent to the file): the sign-in still succeeds,
        and the screen tells the user why they will be asked again next time.
        """
        client = await self.client()
        client.auth.set_session(session)
        self.user = session.user
        self._generation += 1
        username = session.user.username
        problems: list[str] = []
        if session.device_token:
            await self._keep(
                problems, "this device", self.secrets().set_device_token, username, session.device_token
            )
        if remembered_password is not None:
            await self._keep(
                problems, "your password", self.secrets().set_password, username, remembered_password
            )
        return problems

    async def _keep(
        self, problems: list[str], what: str, store: Callable[[str, str], None], *args: str
    ) -> None:
        from ssp_tui.errors import SecretStoreError

        try:
            await asyncio.to_thread(store, *args)
        except SecretStoreError as error:
            problems.append(f"Could not remember {what}: {error.full_message}")

    async def logout(self) -> None:
        client = await self.client()
        try:
            await client.auth.logout()
        finally:
            self.user = None

    # -- the consent to keep secrets in a private file (a setting: ``secrets_file_consent``) --

    async def secrets_need_consent(self) -> bool:
        """True when a secret kept now would go nowhere: no OS keyring and no consent to the file."""
        return await asyncio.to_thread(lambda: self.secrets().where == "nowhere")

    async def set_secrets_file_consent(self, consent: bool) -> None:
        """Save the consent in config.toml (raises ConfigError) and apply it to this app's secret store."""
        from ssp_tui.settings.config import set_secrets_file_consent

        await asyncio.to_thread(set_secrets_file_consent, consent)
        self.secrets().set_file_fallback(consent)

    # -- "Remember me": the username per portal, in the profile (it is not a secret) --

    def _portal_key(self) -> str | None:
        from ssp_tui.portal.target import known_portal_key

        return known_portal_key(self.target)

    def _is_profile_portal(self, key: str | None) -> bool:
        from ssp_tui.portal.target import profile_portal_key

        return key is None or key == profile_portal_key(self.profile)

    def remembered_username(self) -> str | None:
        """The username "Remember me" kept for this portal: the profile's own portal keeps it in
        ``username`` (which the CLI's ``login`` keeps too), any other in ``usernames``."""
        key = self._portal_key()
        if self._is_profile_portal(key):
            return self.profile.username
        return self.profile.usernames.get(key or "")

    def remember_username(self, username: str | None) -> bool:
        """Keep ``username`` for this portal (None: forget it); True when the profile changed."""
        if self.remembered_username() == username:
            return False
        key = self._portal_key()
        if self._is_profile_portal(key):
            self.profile.username = username
        elif username is None:
            self.profile.usernames.pop(key or "", None)
        else:
            self.profile.usernames[key or ""] = username
        return True

    # -- the saved password and TOTP secret (opt-in) --

    async def remembered_password(self, username: str) -> str | None:
        return await asyncio.to_thread(self.secrets().password, username)

    async def forget_password(self, username: str) -> None:
        from ssp_tui.errors import SecretStoreError

        with contextlib.suppress(SecretStoreError):  # nothing can have been kept where nothing can be kept
            await asyncio.to_thread(self.secrets().delete_password, username)

    async def totp_secret(self, username: str) -> str | None:
        return await asyncio.to_thread(self.secrets().totp_secret, username)

    async def keep_totp_secret(self, username: str, secret: str) -> list[str]:
        problems: list[str] = []
        await self._keep(
            problems, "the authenticator secret", self.secrets().set_totp_secret, username, secret
        )
        return problems

    # -- calls that survive an expired session --

    async def call(self, request: Callable[[PortalClient], Awaitable[T]]) -> T:
        """Run ``request(client)``; on AuthenticationRequired ask for a new sign-in and run it again.

        ``request`` must be safe to run twice (a read, or a POST with an idempotency key). Must run in a
        worker: the re-login modal is awaited with ``push_screen_wait``.
        """
        # Here, not at the top: the app imports this module before its first frame, and the error tree (with
        # http and the constants) is wanted only once a call is made (docs/performance.md, start-up).
        from ssp_tui.api.errors import AuthenticationRequired

        while True:
            generation = self._generation
            client = await self.client()
            try:
                return await request(client)
            except AuthenticationRequired:
                if not await self._sign_in_again(generation):
                    raise

    async def _sign_in_again(self, failed_generation: int) -> bool:
        async with self._relogin_lock:
            if self._generation != failed_generation:
                return True  # another call already signed in again while this one waited
            if self.relogin_handler is None or self.user is None:
                return False
            return await self.relogin_handler()
