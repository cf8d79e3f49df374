"""Helpers for the client tests: a PortalClient over httpx2.MockTransport with instant, recorded sleeps."""

from __future__ import annotations

import inspect
import io
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx2
import msgspec
import pikepdf

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Role, Session, User

Handler = Callable[[httpx2.Request], httpx2.Response | Awaitable[httpx2.Response]]


def json_response(status: int, payload: Any, **headers: str) -> httpx2.Response:
    return httpx2.Response(
        status, content=msgspec.json.encode(payload), headers={"content-type": "application/json", **headers}
    )


def problem_response(status: int, title: str, detail: str = "", **extra: Any) -> httpx2.Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"content-type": "application/problem+json"}
    if "retry_after" in extra:
        headers["retry-after"] = str(extra["retry_after"])
    return httpx2.Response(status, content=msgspec.json.encode(body), headers=headers)


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


class _RawStream(httpx2.AsyncByteStream):
    def __init__(self, data: bytes) -> None:
        self._data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data


def as_network_response(response: httpx2.Response) -> httpx2.Response:
    """httpx2 pre-reads a Response built from bytes (a MockTransport quirk); a real transport never does.
    Rebuild it on a raw stream so the client sees exactly what a network peer would send."""
    if not isinstance(response.stream, httpx2.ByteStream):
        return response
    raw = b"".join(response.stream)
    return httpx2.Response(response.status_code, headers=response.headers, stream=_RawStream(raw))


class Harness:
    """Builds clients on a MockTransport and records every sleep the retry policy asks for."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def client(self, handler: Handler, **kwargs: Any) -> PortalClient:
        async def network(request: httpx2.Request) -> httpx2.Response:
            answer = handler(request)
            if inspect.isawaitable(answer):
                answer = await answer
            return as_network_response(answer)

        return PortalClient(
            "http://portal.test",
            transport=httpx2.MockTransport(network),
            sleep=self._sleep,
            rng=random.Random(7),
            **kwargs,
        )
