"""RFC 9457 problem details: the one way the sandbox answers an error.

Handlers raise ``ProblemError`` (or one of the helpers below); the app's exception handlers turn it,
Starlette's own 404/405 and anything unexpected into ``application/problem+json``, so no error ever
leaks a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ssp_tui.api.constants import PROBLEM_CONTENT_TYPE
from ssp_tui.api.models import FieldError, Problem

log = logging.getLogger(__name__)

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    416: "Range not satisfiable",
    422: "Unprocessable content",
    423: "Locked",
    429: "Too many requests",
    500: "Internal server error",
}


class ProblemError(Exception):
    """An error answer; ``headers`` carries Retry-After, WWW-Authenticate, Allow and the like."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        *,
        title: str | None = None,
        retry_after: int | None = None,
        errors: list[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title or _TITLES.get(status, "Error"))
        self.problem = Problem(
            title=title or _TITLES.get(status, "Error"),
            status=status,
            detail=detail,
            retry_after=retry_after,
            errors=errors or [],
        )
        self.headers = dict(headers or {})
        if retry_after is not None:
            self.headers["Retry-After"] = str(retry_after)


def not_found(what: str = "resource") -> ProblemError:
    """The same answer for a missing object and for another customer's object."""
    return ProblemError(404, f"No such {what}.")


def forbidden(detail: str) -> ProblemError:
    return ProblemError(403, detail)


def invalid(field: str, message: str) -> ProblemError:
    """A 422 naming one field."""
    return ProblemError(422, f"{field}: {message}", errors=[FieldError(field=field, message=message)])


def unauthenticated(detail: str = "Sign in to continue.") -> ProblemError:
    return ProblemError(401, detail, headers={"WWW-Authenticate": 'Bearer realm="ssp"'})


def problem_response(error: ProblemError) -> Response:
    return Response(
        msgspec.json.encode(error.problem),
        status_code=error.problem.status,
        headers=error.headers,
        media_type=PROBLEM_CONTENT_TYPE,
    )


async def handle_problem(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(exc)


async def handle_http_exception(_request: Request, exc: Exception) -> Response:
    """Starlette's routing errors (unknown path: 404, wrong method: 405) as problem+json."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    detail = {404: "No such endpoint.", 405: "This endpoint does not accept that method."}.get(status, "")
    return problem_response(ProblemError(status, detail, headers=exc.headers))


async def handle_unexpected(_request: Request, exc: Exception) -> Response:
    # Logged for the operator; the caller gets a plain 500 with nothing from the exception.
    log.exception("unhandled error", exc_info=exc)
    return problem_response(ProblemError(500, "The sandbox portal hit an unexpected error."))
