"""``PortalClient``: the one way the app and the CLI talk to a portal.

Use it as ``async with PortalClient(base_url) as client:``, sign in with ``client.auth``, then call the
resources (``client.policies.list()``, ``client.download(...)``); see docs/client.md.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from types import TracebackType

import httpx2

from ssp_tui.api.constants import CLIENT_PAGE_LIMIT, DOWNLOAD_DEADLINE_S
from ssp_tui.api.download import DownloadedFile, FinishHook, ProgressCallback, download
from ssp_tui.api.models import User
from ssp_tui.api.resources import (
    AccountResource,
    AgentResourceApi,
    AuthResource,
    BillingResource,
    ChangesResource,
    CredentialingResource,
    DocumentsResource,
    HomeResource,
    MfaResource,
    PoliciesResource,
    RenewalsResource,
    RiskResourceApi,
    SeminarsResource,
    SupportResource,
)
from ssp_tui.api.transport import RetryPolicy, SessionCallback, SessionShare, Sleep, Transport
from ssp_tui.api.urls import normalize_base_url

__all__ = ["PortalClient", "normalize_base_url"]


class PortalClient:
    """Holds one httpx2.AsyncClient for its whole life; close it (or use ``async with``) when done."""

    def __init__(
        self,
        base_url: str,
        transport: httpx2.AsyncBaseTransport | None = None,
        on_session: SessionCallback | None = None,
        *,
        share: SessionShare | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        timeout: httpx2.Timeout | None = None,
        page_size: int = CLIENT_PAGE_LIMIT,
        download_deadline_s: float = DOWNLOAD_DEADLINE_S,
        os_trust_store: bool = False,
    ) -> None:
        """``os_trust_store``: verify TLS with the operating system's trust store (see api/network.py);
        proxies and ``SSL_CERT_FILE`` come from the environment either way."""
        self.base_url = normalize_base_url(base_url)
        self._transport = Transport(
            self.base_url,
            transport=transport,
            on_session=on_session,
            share=share,
            retry=retry,
            sleep=sleep,
            rng=rng,
            timeout=timeout,
            page_size=page_size,
            os_trust_store=os_trust_store,
        )
        self.download_deadline_s = download_deadline_s
        self.auth = AuthResource(self._transport)
        self.home = HomeResource(self._transport)
        self.billing = BillingResource(self._transport)
        self.policies = PoliciesResource(self._transport)
        self.documents = DocumentsResource(self._transport)
        self.credentialing = CredentialingResource(self._transport)
        self.risk = RiskResourceApi(self._transport)
        self.seminars = SeminarsResource(self._transport)
        self.agent = AgentResourceApi(self._transport)
        self.support = SupportResource(self._transport)
        self.account = AccountResource(self._transport)
        self.mfa = MfaResource(self._transport)
        self.changes = ChangesResource(self._transport)
        self.renewals = RenewalsResource(self._transport)

    def __repr__(self) -> str:
        user = self.auth.session.user.username if self.auth.session else None
        return f"PortalClient({self.base_url!r}, user={user!r})"

    @property
    def transport(self) -> Transport:
        return self._transport

    async def me(self) -> User:
        return await self._transport.request("GET", "/me", User)

    async def download(
        self,
        api_path: str,
        dest: Path,
        *,
        expected_sha256: str | None = None,
        on_progress: ProgressCallback | None = None,
        durable: bool = True,
        then: FinishHook | None = None,
    ) -> DownloadedFile:
        """Download a PDF from ``api_path`` (see ``documents.content_path`` and the credentialing paths)
        to ``dest``, verified; raises DownloadError (or a StatusError), never leaving an unverified file.
        ``durable=False``: no fsync, for a cache that verifies its files whenever they are used. ``then``:
        blocking work on the finished file in the thread that finished it (``api.download.download``)."""
        return await download(
            self._transport,
            api_path,
            dest,
            expected_sha256=expected_sha256,
            on_progress=on_progress,
            deadline_s=self.download_deadline_s,
            durable=durable,
            then=then,
        )

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def __aenter__(self) -> PortalClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
