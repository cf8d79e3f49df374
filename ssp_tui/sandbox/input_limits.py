"""Input held to the published limits before anything else looks at it.

- ``BodySizeLimit`` (ASGI middleware, outermost but for error handling): a declared ``Content-Length`` over
  the limit is answered 413 before the body is read, and a body without one (chunked) is counted while it
  streams in and cut off the moment it passes the limit. Both happen before authentication, so neither a
  signed-in nor an anonymous caller can make the portal buffer more than the limit.
- Control characters: the schema's text fields and text query values carry none (``PLAIN_TEXT_PATTERN``).
  Decoding checks the patterns, but Python's ``$`` lets one final newline through, so every text value is
  also checked here, the one rule for bodies and queries alike.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ssp_tui.api.constants import MAX_BODY_BYTES
from ssp_tui.sandbox.problems import ProblemError, invalid, problem_response

_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
_NO_CONTROL_CHARACTERS = "must not contain control characters (NUL, line breaks, tabs)"


def body_too_large(limit: int) -> ProblemError:
    return ProblemError(
        413,
        f"The request body is larger than {limit // 1024} KiB; send a smaller one (retrying the same body "
        "will not help).",
        title="Content too large",
    )


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` while they stream in (see the module docstring)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_bytes:
            await problem_response(body_too_large(self.max_bytes))(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the endpoint's read, so the app's error handler answers it as a problem.
                    raise body_too_large(self.max_bytes)
            return message

        await self.app(scope, counted_receive, send)


def refuse_control_characters(field: str, value: str) -> None:
    if _CONTROL_CHARACTER.search(value):
        raise invalid(field, _NO_CONTROL_CHARACTERS)


def check_body_text(body: Any, prefix: str = "") -> None:
    """Every text field of a decoded request body, nested Structs included (a change request's ``change``);
    a field is named by its path, e.g. ``change.city``."""
    if not isinstance(body, msgspec.Struct):
        return
    for name in body.__struct_fields__:
        value = getattr(body, name)
        if isinstance(value, str):
            refuse_control_characters(prefix + name, value)
        elif isinstance(value, msgspec.Struct):
            check_body_text(value, f"{prefix}{name}.")
