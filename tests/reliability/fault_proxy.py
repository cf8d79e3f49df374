"""A fault-injecting HTTP proxy for the reliability tests: the project's own asyncio code on 127.0.0.1.

It forwards each request to an upstream portal (the test sandbox) and, when a rule matches the request's
method and path, misbehaves the way real networks and real proxies do: it waits, cuts the body short (with
or without Content-Length), resets the connection, truncates a gzip stream, answers for the portal (503s,
429s, HTML 502 pages, malformed or huge JSON), rewrites headers (Content-Disposition, ETag), drips the body,
or lets a POST reach the portal and loses its answer.

Every connection carries one exchange and is then closed (``Connection: close``), so a rule acts on exactly
one response and the client's pool never reuses a socket the proxy has broken. The proxy runs its own event
loop in a background thread, so the synchronous CLI runner and async tests can both use it.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus

import httpx2

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "proxy-connection"}


@dataclass(frozen=True, slots=True)
class Delay:
    """Wait before forwarding (latency; longer than the client's read timeout, it is a stall)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Respond:
    """Answer in the portal's place; ``chunks`` (a generator factory) streams a body of any size."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Callable[[], Iterator[bytes]] | None = None
    """When set, the body is streamed from it with no Content-Length (the connection's end delimits it)."""


@dataclass(frozen=True, slots=True)
class CutBody:
    """Forward, then send only ``fraction`` of the body and close (or reset) the connection."""

    fraction: float = 0.5
    keep_length: bool = True
    """Keep the portal's Content-Length (the client can tell it is short) or drop it (it cannot)."""
    reset: bool = False
    """Reset the connection (RST) instead of closing it cleanly (FIN)."""
    headers: dict[str, str] = field(default_factory=dict)
    """Headers to set on the answer, e.g. a made-up strong ETag so the client keeps a resumable part."""


@dataclass(frozen=True, slots=True)
class TruncatedGzip:
    """Forward, gzip the body whatever was asked, and send only ``fraction`` of the compressed stream (with
    a Content-Length that matches what is sent, so only the gzip trailer's absence tells)."""

    fraction: float = 0.6


@dataclass(frozen=True, slots=True)
class Rewrite:
    """Forward, and set these headers on the answer."""

    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Drip:
    """Forward, then send the body ``chunk_size`` bytes at a time, ``interval_s`` apart."""

    chunk_size: int
    interval_s: float


@dataclass(frozen=True, slots=True)
class LoseResponse:
    """Forward (the portal commits the request), then reset the connection without answering."""


Action = Delay | Respond | CutBody | TruncatedGzip | Rewrite | Drip | LoseResponse


@dataclass(slots=True)
class Rule:
    method: str
    path: str
    """A regular expression matched against the whole path, without the query string."""
    action: Action
    times: int = 1
    """How many matching requests it acts on; then it stays out of the way."""
    used: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.used < self.times and method == self.method and re.fullmatch(self.path, path) is not None


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the proxy saw, with what it did; tests read these (never the secrets: see the scan)."""

    method: str
    path: str
    headers: dict[str, str]
    action: str


@dataclass(slots=True)
class _Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass(slots=True)
class _Upstream:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    """Raw, still content-encoded as the portal sent it."""


class FaultProxy:
    """``proxy = FaultProxy(upstream); proxy.start(); proxy.add(Rule(...)); ... proxy.stop()``."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.hits: list[Hit] = []
        self.answers: list[bytes] = []
        """Every body the portal sent through the proxy (the secrets scan learns each token issued here)."""
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="fault-proxy")
        self._server: asyncio.Server | None = None
        self._http: httpx2.AsyncClient | None = None
        self.base_url = ""

    # ---- control (from the test's thread) -------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def add(self, *rules: Rule) -> None:
        with self._lock:
            self._rules.extend(rules)

    def reset(self) -> None:
        """Forget every rule and hit (between tests)."""
        with self._lock:
            self._rules.clear()
            self.hits.clear()

    def unused(self) -> list[Rule]:
        """Rules that never fired: a test whose fault did not happen proves nothing."""
        with self._lock:
            return [rule for rule in self._rules if rule.used == 0]

    def requests_to(self, method: str, path_pattern: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.method == method and re.fullmatch(path_pattern, h.path)]

    # ---- the server (in its own thread) -----------------------------------------------------------------
    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._open())
        self._ready.set()
        self._loop.run_forever()

    async def _open(self) -> None:
        self._http = httpx2.AsyncClient(base_url=self.upstream, timeout=30.0)
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        # Handlers still sleeping (a stall the client gave up on) end here, before the loop stops.
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()

    def _take_rule(self, request: _Request) -> Action | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(request.method, request.path):
                    rule.used += 1
                    return rule.action
        return None

    def _record(self, request: _Request, action: Action | None) -> None:
        with self._lock:
            self.hits.append(Hit(request.method, request.path, request.headers, type(action).__name__))

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            if request is None:
                return
            action = self._take_rule(request)
            await self._act(request, action, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the proxy is stopping: nothing to answer
        finally:
            if not writer.transport.is_closing():
                writer.close()

    async def _act(self, request: _Request, action: Action | None, writer: asyncio.StreamWriter) -> None:
        self._record(request, action)
        if isinstance(action, Respond):
            await _respond(writer, action)
            return
        if isinstance(action, Delay):
            await asyncio.sleep(action.seconds)
        upstream = await self._forward(request)
        with self._lock:
            self.answers.append(upstream.body)
        if isinstance(action, LoseResponse):
            _reset(writer)
        elif isinstance(action, CutBody):
            headers = _replace(upstream.headers, action.headers)
            length = len(upstream.body) if action.keep_length else None
            _write_head(writer, upstream.status, headers, length)
            writer.write(upstream.body[: int(len(upstream.body) * action.fraction)])
            await writer.drain()
            if action.reset:
                _reset(writer)
        elif isinstance(action, TruncatedGzip):
            body = upstream.body
            if _header(upstream.headers, "content-encoding") is None:
                body = gzip.compress(body)
            cut = body[: int(len(body) * action.fraction)]
            _write_head(
                writer, upstream.status, _replace(upstream.headers, {"Content-Encoding": "gzip"}), len(cut)
            )
            writer.write(cut)
        elif isinstance(action, Drip):
            _write_head(writer, upstream.status, upstream.headers, len(upstream.body))
            for start in range(0, len(upstream.body), action.chunk_size):
                writer.write(upstream.body[start : start + action.chunk_size])
                await writer.drain()
                await asyncio.sleep(action.interval_s)
        else:
            headers = (
                _replace(upstream.headers, action.headers)
                if isinstance(action, Rewrite)
                else upstream.headers
            )
            _write_head(writer, upstream.status, headers, len(upstream.body))
            writer.write(upstream.body)
        if not writer.transport.is_closing():
            await writer.drain()

    async def _forward(self, request: _Request) -> _Upstream:
        assert self._http is not None
        headers = {k: v for k, v in request.headers.items() if k not in _HOP_BY_HOP}
        outgoing = self._http.build_request(
            request.method, request.target, headers=headers, content=request.body
        )
        response = await self._http.send(outgoing, stream=True)
        try:
            body = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _HOP_BY_HOP]
        return _Upstream(response.status_code, kept, body)


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or "0")
    body = await reader.readexactly(length) if length else b""
    return _Request(method, target, headers, body)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


def _replace(headers: list[tuple[str, str]], changes: dict[str, str]) -> list[tuple[str, str]]:
    lowered = {name.lower() for name in changes}
    return [(k, v) for k, v in headers if k.lower() not in lowered] + list(changes.items())


def _write_head(
    writer: asyncio.StreamWriter, status: int, headers: list[tuple[str, str]], length: int | None
) -> None:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines.append("Connection: close")
    # latin-1 on purpose: a hostile Content-Disposition may carry any byte value a header can.
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace"))


async def _respond(writer: asyncio.StreamWriter, answer: Respond) -> None:
    headers = [("Content-Type", answer.content_type), *answer.headers.items()]
    if answer.chunks is None:
        _write_head(writer, answer.status, headers, len(answer.body))
        writer.write(answer.body)
        await writer.drain()
        return
    _write_head(writer, answer.status, headers, None)
    for chunk in answer.chunks():
        writer.write(chunk)
        await writer.drain()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST rather than FIN: SO_LINGER with a zero timeout, then abort."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
