"""The client's one error tree, and the mapping from HTTP responses onto it.

``PortalError`` derives from the application's one root, ``ssp_tui.errors.SspError``: every error carries
``user_message`` (what happened: the portal's own title and detail where it sent them, each said once) and
``next_step`` (what to do: when to try again on 423, 429 and 503, whom to ask about a login on hold). No error
message ever holds a token, a password or a traceback.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from http import HTTPStatus
from typing import TYPE_CHECKING

from ssp_tui import clock
from ssp_tui.api.constants import API_PREFIX, PROBLEM_CONTENT_TYPE, WEB_SUPPORT_EMAIL, WEB_SUPPORT_NAME
from ssp_tui.errors import SspError

if TYPE_CHECKING:
    import msgspec

    from ssp_tui.api.models import FieldError, Problem

# The TUI imports this tree before its first frame, so the models, msgspec and email.utils are imported only
# when a response is first mapped: together they were about 35 ms of start-up (docs/performance.md).


class PortalError(SspError):
    """The root of every error the client raises."""


class ConnectionFailed(PortalError):
    """The portal could not be reached, or the connection dropped mid-answer."""


class RequestTimeout(PortalError):
    """The portal did not answer (or stopped sending) within the time allowed."""


class ProtocolError(PortalError):
    """The portal answered something the contract does not promise."""

    def __init__(self, endpoint: str, reason: str) -> None:
        super().__init__(f"{endpoint}: {reason}")
        self.endpoint = endpoint
        self.reason = reason

    @property
    def user_message(self) -> str:
        return f"The portal sent an answer this client does not understand ({self.endpoint}: {self.reason})."


class DownloadError(PortalError):
    """A download failed; no partial or unverified file is left where the caller asked for the file."""


class StatusError(PortalError):
    """The portal answered with an error status; ``title`` and ``detail`` are the portal's own words."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        endpoint: str = "",
        retry_after: float | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.endpoint = endpoint
        self.retry_after = retry_after
        """Seconds to wait before trying again, when the portal said so (423, 429, 503)."""
        self.errors: list[FieldError] = list(errors or [])
        where = f" ({endpoint})" if endpoint else ""
        super().__init__(f"{status} {title}{where}" + (f": {detail}" if detail else ""))

    def _title_adds_nothing(self, title: str) -> bool:
        """True when the title only names the status ("Authentication required"): the detail says it all."""
        return False

    @property
    def user_message(self) -> str:
        """What happened, said once: the portal's detail, after its title unless the detail already says it
        ("Login on hold" before "... this login is on hold ...") or the title only names the status."""
        detail = one_line(self.detail)
        title = one_line(self.title).rstrip(".")
        if detail and (not title or restates(detail, title) or self._title_adds_nothing(title)):
            return sentence(detail)
        return sentence(": ".join(part for part in (title, detail) if part))

    @property
    def next_step(self) -> str:
        """When to try again, when the portal said so and its detail does not already name the moment."""
        if self.retry_after is None:
            return ""
        if _CLOCK_TIME.search(self.detail):
            return "Try again after that time."
        return f"Try again in {format_wait(self.retry_after)}."


_LOGIN = f"POST {API_PREFIX}/auth/login"
_MFA = f"POST {API_PREFIX}/auth/mfa/"
_WEB_SUPPORT = f"{WEB_SUPPORT_NAME} at {WEB_SUPPORT_EMAIL}"


class AuthenticationRequired(StatusError):
    """401: not signed in, the session ended, or the credentials were wrong."""

    def _title_adds_nothing(self, title: str) -> bool:
        return title.lower() in ("authentication required", "unauthorized", "unauthenticated")

    @property
    def signing_in(self) -> bool:
        """True for a refused sign-in (a wrong password or code), False for a session that ended."""
        return self.endpoint.startswith((_LOGIN, _MFA))

    @property
    def next_step(self) -> str:
        if not self.signing_in:
            # The portal's detail often says it already ("The session has ended; sign in again.").
            return "" if "sign in" in self.user_message.lower() else "Sign in again."
        if self.endpoint.startswith(_MFA):
            return "Check the code and try again, or start again with your password."
        return (
            "Check the username and password and try again. "
            f"If you have forgotten them, contact {_WEB_SUPPORT}."
        )


class Forbidden(StatusError):
    """403: the caller's role may not do this."""


class NotFound(StatusError):
    """404: missing, or another customer's (the portal answers both alike)."""


class Conflict(StatusError):
    """409."""


class ValidationFailed(StatusError):
    """422: the request was refused; ``errors`` holds the per-field messages."""

    @property
    def user_message(self) -> str:
        base = super().user_message
        said = base.lower()
        # Each field's message once: a portal that put it in the detail already is not repeated.
        fields = [f"{e.field}: {e.message}" for e in self.errors]
        fields = [one_line(f) for f in fields if one_line(f).lower().rstrip(".") not in said]
        return f"{base} {sentence('; '.join(fields))}" if fields else base


class Locked(StatusError):
    """423: the login is on hold after repeated failures; it unlocks by itself (``retry_after``)."""

    def _title_adds_nothing(self, title: str) -> bool:
        return True  # "Locked", "Account locked", "Login on hold": the detail says it, and when it ends

    @property
    def next_step(self) -> str:
        if self.retry_after is None:
            wait = "Wait a while before trying again."
        elif _CLOCK_TIME.search(self.detail):
            wait = "Try again once it has unlocked."
        else:
            wait = f"Try again in {format_wait(self.retry_after)}."
        return f"{wait} If you cannot wait, contact {_WEB_SUPPORT}."


class RateLimited(StatusError):
    """429: too many attempts; ``retry_after`` says how long to wait."""

    def _title_adds_nothing(self, title: str) -> bool:
        return title.lower() == "too many requests"

    @property
    def next_step(self) -> str:
        return super().next_step or "Wait a while before trying again."


class ServerError(StatusError):
    """5xx: the portal (or a gateway in front of it) failed."""


_BY_STATUS: dict[int, type[StatusError]] = {
    401: AuthenticationRequired,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
    423: Locked,
    429: RateLimited,
}


def error_class_for(status: int) -> type[StatusError]:
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, StatusError)


_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
"""A detail that names the moment a wait ends ("unlocks by itself at 15:35 UTC") needs no "Try again in"."""
_STOP_WORDS = frozenset({"this", "that", "with", "your", "have", "been", "from", "will", "were", "here"})


def one_line(text: str) -> str:
    """``text`` on one line of printable characters: a portal's line breaks, tabs and escape sequences
    (never shown on a terminal) become single spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def sentence(text: str) -> str:
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def restates(detail: str, title: str) -> bool:
    """True when ``detail`` already says what ``title`` says: they share a word of four letters or more."""

    def words(text: str) -> set[str]:
        return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP_WORDS}

    return bool(words(title) & words(detail))


MAX_SANE_WAIT_S = 7 * 24 * 3600.0
"""Longer waits are treated as this long: a portal's typo must not overflow anything downstream."""


def format_wait(seconds: float) -> str:
    """``42 seconds``, ``1 minute``, ``15 minutes``, ``2 hours``, ``7 days``: a wait in words."""
    whole = max(1, round(seconds))
    if whole < 60:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = round(whole / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{round(hours / 24)} days"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either delay-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_SANE_WAIT_S)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - (now or clock.now())).total_seconds()), MAX_SANE_WAIT_S)


@cache
def _problem_decoder() -> msgspec.json.Decoder[Problem]:
    import msgspec

    from ssp_tui.api.models import Problem

    return msgspec.json.Decoder(Problem)


def _decode_problem(content_type: str, body: bytes) -> Problem | None:
    import msgspec

    media = content_type.split(";", 1)[0].strip().lower()
    if media not in (PROBLEM_CONTENT_TYPE, "application/json") or not body:
        return None
    from ssp_tui.text_safety import clean_json

    try:
        return _problem_decoder().decode(clean_json(body))
    except msgspec.MsgspecError:
        return None


def status_error(
    status: int, content_type: str, body: bytes, *, endpoint: str, retry_after_header: str | None
) -> StatusError:
    """Map an error response onto the tree; a body that is not problem+json still maps by status."""
    problem = _decode_problem(content_type, body)
    retry_after = parse_retry_after(retry_after_header)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    if problem is not None:
        title = problem.title or phrase
        detail = problem.detail
        errors = problem.errors
        if retry_after is None and problem.retry_after is not None:
            retry_after = float(min(max(problem.retry_after, 0), int(MAX_SANE_WAIT_S)))
    else:
        # An HTML error page from a proxy, say: never show its markup, describe it instead.
        title = phrase
        detail = _generic_detail(status)
        errors = []
    cls = error_class_for(status)
    return cls(status, title, detail, endpoint=endpoint, retry_after=retry_after, errors=errors)


def _generic_detail(status: int) -> str:
    if status in (502, 503, 504):
        return "The portal cannot be reached right now"
    if status >= 500:
        return "The portal failed to answer this request"
    if status == 401:
        return "The portal asks to sign in again"
    return f"The portal refused the request (HTTP {status})"
