"""Strict reading of response bodies.

httpx 0.28 accepted a body shorter than its Content-Length and a gzip stream that stops before its trailer
without a word. Rather than depend on the HTTP library's checks (httpx2 now), the client reads the raw
(still encoded) bytes itself, counts them against Content-Length, and decodes gzip with a check that the
stream really ended.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import Protocol

import httpx2


class BodyError(ValueError):
    """The body is not whole: cut short, corrupt, or in an encoding the client did not ask for."""


class TruncatedBody(BodyError):
    """Fewer bytes arrived than the response promised (Content-Length, or the end of a gzip stream)."""


class ContentDecoder(Protocol):
    def feed(self, chunk: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


class IdentityDecoder:
    def feed(self, chunk: bytes) -> bytes:
        return chunk

    def finish(self) -> bytes:
        return b""


class ZlibDecoder:
    """gzip or zlib-wrapped deflate; ``finish`` fails unless the compressed stream reached its end marker."""

    def __init__(self, wbits: int, name: str) -> None:
        self._inflate = zlib.decompressobj(wbits)
        self._name = name

    def feed(self, chunk: bytes) -> bytes:
        try:
            return self._inflate.decompress(chunk)
        except zlib.error as exc:
            raise BodyError(f"the {self._name} body is corrupt ({exc})") from None

    def finish(self) -> bytes:
        try:
            tail = self._inflate.flush()
        except zlib.error as exc:
            raise BodyError(f"the {self._name} body is corrupt ({exc})") from None
        if not self._inflate.eof:
            raise TruncatedBody(f"the {self._name} body was cut short (the compressed stream did not end)")
        return tail


def decoder_for(response: httpx2.Response) -> ContentDecoder:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return IdentityDecoder()
    if encoding in ("gzip", "x-gzip"):
        return ZlibDecoder(16 + zlib.MAX_WBITS, "gzip")
    if encoding == "deflate":
        return ZlibDecoder(zlib.MAX_WBITS, "deflate")
    raise BodyError(f"the portal used the content encoding {encoding!r}, which the client did not ask for")


def declared_length(response: httpx2.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    value = value.strip()
    if not value.isdigit():
        raise BodyError(f"the Content-Length header {value[:40]!r} is not a number")
    return int(value)


def check_length(received: int, declared: int | None) -> None:
    if declared is None or received == declared:
        return
    if received < declared:
        raise TruncatedBody(f"the body was cut short: {received} of {declared} bytes arrived")
    raise BodyError(f"the body was longer than its Content-Length ({received} > {declared} bytes)")


async def decoded_chunks(response: httpx2.Response) -> AsyncIterator[tuple[int, bytes]]:
    """Yield ``(raw bytes so far, decoded chunk)`` and check the length and the encoding at the end."""
    declared = declared_length(response)
    decoder = decoder_for(response)
    received = 0
    async for raw in response.aiter_raw():
        received += len(raw)
        if declared is not None and received > declared:
            check_length(received, declared)
        decoded = decoder.feed(raw)
        if decoded:
            yield received, decoded
    check_length(received, declared)
    tail = decoder.finish()
    if tail:
        yield received, tail


async def read_whole_body(response: httpx2.Response, *, max_bytes: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    async for _, chunk in decoded_chunks(response):
        size += len(chunk)
        if size > max_bytes:
            raise BodyError(f"the body is larger than the {max_bytes} bytes the client accepts here")
        parts.append(chunk)
    return b"".join(parts)
