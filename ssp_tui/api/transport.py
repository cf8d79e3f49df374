"""The request core: one httpx2.AsyncClient, bearer sessions with one-flight refresh, retries.

Every resource, the paginator and the download path go through ``Transport.exchange``; there is no other way
to the network. What a JSON answer must be to be accepted is ``json_body.py``'s; the bytes of a download are
``download.py``'s.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, TypeVar

import httpx2
import msgspec

from ssp_tui import __version__
from ssp_tui.api.body import BodyError, read_whole_body
from ssp_tui.api.constants import (
    API_PREFIX,
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    CLIENT_PAGE_LIMIT,
    CONNECT_TIMEOUT_S,
    MAX_RETRIES,
    MAX_RETRY_AFTER_S,
    READ_TIMEOUT_S,
    RETRY_STATUSES,
)
from ssp_tui.api.errors import (
    AuthenticationRequired,
    ConnectionFailed,
    PortalError,
    ProtocolError,
    RequestTimeout,
    StatusError,
    parse_retry_after,
    status_error,
)
from ssp_tui.api.json_body import read_json
from ssp_tui.api.models import RefreshRequest, Session
from ssp_tui.api.network import LOOPBACK_DIRECT, PROXY_HINT, TLS_HINT, certificate_failure, tls_verification

R = TypeVar("R")
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
SessionCallback = Callable[[Session | None], None]



class SessionShare(Protocol):
    """A session shared with other processes: the CLI keeps one for its next command, and several commands
    may run at once. Around a refresh the transport holds the share exclusively and first reads what is kept
    there: another process may have refreshed the same session a moment ago, and refreshing its old refresh
    token again would be reuse, which ends the session for everyone."""

    def exclusive(self) -> AbstractAsyncContextManager[Session | None]:
        """Hold the share against other processes; yields the session kept there now (or None)."""
        ...


log = logging.getLogger("ssp_tui.http")
"""One INFO line per HTTP exchange (method, path, status, time; never a header or a body, so never a
token), and DEBUG lines for retries and refreshes: ``ssp-tui --verbose`` and ``--debug`` show them."""
_SECRET_PARAM_WORDS = ("token", "secret", "password", "code", "key")
MAX_ERROR_BODY_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before repeating a request that is safe to repeat."""

    max_retries: int = MAX_RETRIES
    backoff_base_s: float = BACKOFF_BASE_S
    backoff_cap_s: float = BACKOFF_CAP_S
    max_retry_after_s: float = MAX_RETRY_AFTER_S
    statuses: frozenset[int] = RETRY_STATUSES

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """min(base x 2^n, cap), with "equal jitter": between half and all of it, so clients spread out."""
        ceiling = min(self.backoff_base_s * 2**retry_number, self.backoff_cap_s)
        return ceiling * (0.5 + 0.5 * rng.random())


@dataclass(slots=True)
class RequestSpec:
    method: str
    path: str
    """Relative to the API prefix, e.g. ``/policies/abc``."""
    params: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    authenticated: bool = True
    retryable: bool = False
    """Safe to repeat: a GET, or a POST that carries an Idempotency-Key."""

    @property
    def endpoint(self) -> str:
        return f"{self.method} {API_PREFIX}{self.path}"


def query(**values: Any) -> dict[str, str]:
    """Query parameters for the wire: ``None`` dropped, enums by value, dates in ISO form."""
    out: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        out[name] = str(value)
    return out


def transport_error(exc: httpx2.TransportError, endpoint: str) -> PortalError:
    """httpx2's exceptions in the client's words; the URL is named, no header or body ever is."""
    if isinstance(exc, httpx2.TimeoutException):
        return RequestTimeout(f"The portal did not answer in time ({endpoint}).")
    untrusted = certificate_failure(exc)
    if untrusted is not None:
        reason = untrusted.verify_message or "certificate verify failed"
        return ConnectionFailed(f"The portal's certificate is not trusted ({endpoint}: {reason}). {TLS_HINT}")
    if isinstance(exc, httpx2.ProxyError):
        return ConnectionFailed(f"The proxy did not connect to the portal ({endpoint}): {exc}. {PROXY_HINT}")
    if isinstance(exc, httpx2.ConnectError):
        return ConnectionFailed(f"Cannot connect to the portal ({endpoint}): {exc}")
    if isinstance(exc, httpx2.UnsupportedProtocol):
        return ConnectionFailed(f"The portal URL is not an http(s) URL ({endpoint}).")
    return ConnectionFailed(f"The connection to the portal broke ({endpoint}): {type(exc).__name__}")


class Transport:
    """Owns the httpx2 client and the session; resources call ``request`` and ``exchange``."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        on_session: SessionCallback | None = None,
        share: SessionShare | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        timeout: httpx2.Timeout | None = None,
        page_size: int = CLIENT_PAGE_LIMIT,
        os_trust_store: bool = False,
    ) -> None:
        self.base_url = base_url
        self._share = share
        self.page_size = page_size
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._on_session = on_session
        self._session: Session | None = None
        self._refresh_lock = asyncio.Lock()
        self.refresh_count = 0
        """How many token refreshes this client made (tests check that concurrent 401s share one)."""
        self.http = httpx2.AsyncClient(
            base_url=base_url + API_PREFIX,
            transport=transport,
            timeout=timeout or httpx2.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            # Only encodings the client can verify end to end (see body.py).
            headers={"Accept-Encoding": "gzip", "User-Agent": f"ssp-tui/{__version__}"},
            follow_redirects=False,
            # Proxies and SSL_CERT_FILE from the environment (trust_env, httpx2's default); see network.py.
            verify=tls_verification(os_trust_store),
            mounts=LOOPBACK_DIRECT,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def pause(self, retry_number: int) -> None:
        """Back off before retry number ``retry_number`` (0-based), with the injected sleep and RNG."""
        await self._sleep(self.retry.backoff(retry_number, self._rng))

    # ---- session -------------------------------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self._session

    def set_session(self, session: Session | None) -> None:
        """Install (or clear) the session and tell the owner, who persists the refresh token."""
        self._session = session
        if self._on_session is not None:
            self._on_session(session)

    async def refresh(self) -> Session:
        async with self._refresh_lock:
            return await self._refresh_unlocked()

    async def _refresh_after_401(self, rejected_token: str) -> None:
        # Single flight: whoever takes the lock first refreshes; the others find a new token and just retry.
        async with self._refresh_lock:
            current = self._session
            if current is not None and current.access_token != rejected_token:
                return
            await self._refresh_unlocked()

    async def _refresh_unlocked(self) -> Session:
        current = self._session
        if current is None:
            raise _session_ended("/auth/refresh")
        if self._share is None:
            return await self._rotate(current)
        async with self._share.exclusive() as kept:
            newer = kept is not None and kept.refresh_token != current.refresh_token
            if newer and kept is not None and kept.user.id == current.user.id:
                # Another process refreshed this session meanwhile: take its pair, never rotate ours again.
                self._session = kept
                return kept
            return await self._rotate(current)

    async def _rotate(self, current: Session) -> Session:
        body = msgspec.json.encode(RefreshRequest(refresh_token=current.refresh_token))
        # Safe to repeat: a refresh presented again by the same client within the portal's grace window gets
        # the same pair (docs/api.md), so a lost answer does not end the session.
        spec = RequestSpec("POST", "/auth/refresh", body=body, authenticated=False, retryable=True)
        self.refresh_count += 1
        try:
            fresh = await self.request_spec(spec, Session)
        except StatusError as exc:
            if exc.status >= 500 or exc.status in self.retry.statuses:
                raise  # the portal is struggling, not refusing: keep the session for a later try
            self.set_session(None)
            # Refused: the session is over. The portal's own words say why (expired, ended by a reuse).
            detail = exc.detail if isinstance(exc, AuthenticationRequired) else ""
            raise _session_ended(spec.endpoint, detail) from None
        if fresh.device_token is None and current.device_token is not None:
            fresh = msgspec.structs.replace(fresh, device_token=current.device_token)
        self.set_session(fresh)
        return fresh

    # ---- requests ------------------------------------------------------------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        response_type: type[T] | None,
        *,
        params: Mapping[str, str] | None = None,
        body: msgspec.Struct | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        retryable: bool | None = None,
    ) -> T:
        spec = RequestSpec(
            method,
            path,
            params=dict(params or {}),
            body=msgspec.json.encode(body) if body is not None else None,
            headers=dict(headers or {}),
            authenticated=authenticated,
            retryable=method == "GET" if retryable is None else retryable,
        )
        return await self.request_spec(spec, response_type)

    async def request_spec(self, spec: RequestSpec, response_type: type[T] | None) -> T:
        return await self.exchange(spec, lambda response: read_json(spec.endpoint, response, response_type))

    async def exchange(self, spec: RequestSpec, consume: Callable[[httpx2.Response], Awaitable[R]]) -> R:
        """Send ``spec`` (retrying and refreshing as the policy allows); hand a 2xx response to ``consume``.

        ``consume`` runs inside the retry loop: a transport error it lets through (a read timeout while
        reading a JSON body, say) is retried like one raised while connecting.
        """
        retries = 0
        refreshed = False
        while True:
            token = self._session.access_token if spec.authenticated and self._session else None
            request = self._build(spec, token)
            started = time.perf_counter()
            try:
                response = await self.http.send(request, stream=True)
                try:
                    status = response.status_code
                    if status == 401 and token is not None and not refreshed:
                        refreshed = True
                        await response.aclose()
                        log.debug("%s: 401, refreshing the session once", spec.endpoint)
                        await self._refresh_after_401(token)
                        continue
                    if 300 <= status < 400:
                        raise ProtocolError(spec.endpoint, f"unexpected redirect ({status})")
                    if status >= 400:
                        wait = self._retry_wait(spec, response, retries)
                        if wait is None:
                            raise await self._error_from(spec, response)
                        await response.aclose()
                        log.debug("%s: %d, retry %d in %.1f s", spec.endpoint, status, retries + 1, wait)
                        await self._sleep(wait)
                        retries += 1
                        continue
                    return await consume(response)
                finally:
                    await response.aclose()
                    _log_exchange(spec, str(response.status_code), started)
            except httpx2.TransportError as exc:
                _log_exchange(spec, f"failed ({type(exc).__name__})", started)
                if not (spec.retryable and retries < self.retry.max_retries):
                    raise transport_error(exc, spec.endpoint) from None
                log.debug("%s: retry %d after %s", spec.endpoint, retries + 1, type(exc).__name__)
                await self.pause(retries)
                retries += 1

    def _retry_wait(self, spec: RequestSpec, response: httpx2.Response, retries: int) -> float | None:
        """Seconds to wait before repeating, or None to fail now (not retryable, out of tries, or told to
        wait longer than the client will)."""
        if not spec.retryable or response.status_code not in self.retry.statuses:
            return None
        if retries >= self.retry.max_retries:
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is None:
            return self.retry.backoff(retries, self._rng)
        if retry_after > self.retry.max_retry_after_s:
            return None
        return retry_after

    async def _error_from(self, spec: RequestSpec, response: httpx2.Response) -> StatusError:
        try:
            body = await read_whole_body(response, max_bytes=MAX_ERROR_BODY_BYTES)
        except (BodyError, httpx2.TransportError):
            body = b""  # the status alone still says what went wrong
        return status_error(
            response.status_code,
            response.headers.get("content-type", ""),
            body,
            endpoint=spec.endpoint,
            retry_after_header=response.headers.get("retry-after"),
        )

    def _build(self, spec: RequestSpec, token: str | None) -> httpx2.Request:
        headers = {"Accept": "application/json", **spec.headers}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if spec.body is not None:
            headers["Content-Type"] = "application/json"
        return self.http.build_request(
            spec.method, spec.path, params=spec.params or None, content=spec.body, headers=headers
        )


def _log_exchange(spec: RequestSpec, outcome: str, started: float) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    shown = "&".join(
        f"{name}={'***' if any(word in name.lower() for word in _SECRET_PARAM_WORDS) else value}"
        for name, value in spec.params.items()
    )
    where = f"{API_PREFIX}{spec.path}" + (f"?{shown}" if shown else "")
    log.info("%s %s %s %.0f ms", spec.method, where, outcome, elapsed_ms)


def _session_ended(endpoint: str, detail: str = "") -> AuthenticationRequired:
    return AuthenticationRequired(
        401, "Session ended", detail or "The session has ended; sign in again.", endpoint=endpoint
    )
