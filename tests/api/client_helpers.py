"""Helpers for the client tests: a PortalClient over httpx.MockTransport with instant, recorded sleeps."""

from __future__ import annotations

import inspect
import io
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import msgspec
import pikepdf

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Role, Session, User

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def json_response(status: int, payload: Any, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, content=msgspec.json.encode(payload), headers={"content-type": "application/json", **headers}
    )


def problem_response(status: int, title: str, detail: str = "", **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"content-type": "application/problem+json"}
    if "retry_after" in extra:
        headers["retry-after"] = str(extra["retry_after"])
    return httpx.Response(status, content=msgspec.json.encode(body), headers=headers)


def make_user(username: str = "pat") -> User:
    return User(
        id="u1", username=username, display_name="Pat Doe", email="pat@example.test", role=Role.POLICYHOLDER
    )


def make_session(n: int = 1) -> Session:
    return Session(
        access_token=f"access-token-{n}-SECRET",
        refresh_token=f"refresh-token-{n}-SECRET",
        expires_in=900,
        user=make_user(),
    )


def make_pdf(pages: int = 2, filler_bytes: int = 20_000) -> bytes:
    """A small valid PDF, padded with an incompressible stream so that it spans many chunks."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    pdf.Root.Filler = pdf.make_stream(random.Random(pages).randbytes(filler_bytes))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


class _RawStream(httpx.AsyncByteStream):
    def __init__(self, data: bytes) -> None:
        self._data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data


def as_network_response(response: httpx.Response) -> httpx.Response:
    """httpx pre-reads a Response built from bytes (a MockTransport quirk); a real transport never does.
    Rebuild it on a raw stream so the client sees exactly what a network peer would send."""
    if not isinstance(response.stream, httpx.ByteStream):
        return response
    raw = b"".join(response.stream)
    return httpx.Response(response.status_code, headers=response.headers, stream=_RawStream(raw))


class Harness:
    """Builds clients on a MockTransport and records every sleep the retry policy asks for."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def client(self, handler: Handler, **kwargs: Any) -> PortalClient:
        async def network(request: httpx.Request) -> httpx.Response:
            answer = handler(request)
            if inspect.isawaitable(answer):
                answer = await answer
            return as_network_response(answer)

        return PortalClient(
            "http://portal.test",
            transport=httpx.MockTransport(network),
            sleep=self._sleep,
            rng=random.Random(7),
            **kwargs,
        )
