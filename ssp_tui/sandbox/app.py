"""The sandbox portal as a Starlette app: every route of ``ssp_tui.api.contract.ROUTES`` under /api/v1.

One generic endpoint per contract route reads the request (bearer token, the role table's check of the
route's capability, declared query parameters parsed to their contract types, the body decoded into its
msgspec Struct), runs the handler in a worker thread with its
own SQLite connection, and encodes the answer with msgspec. Anything that goes wrong on the way is a
problem+json answer: 400 for unreadable input, 422 for input of the wrong shape or value, 404/405 for unknown
paths and methods. Bodies over the limit are refused while they stream in, before all of that
(``input_limits.BodySizeLimit``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from ssp_tui.api.constants import API_PREFIX, MAX_BODY_BYTES
from ssp_tui.api.contract import ROUTES, QueryParam
from ssp_tui.api.contract import Route as ContractRoute
from ssp_tui.api.models import FieldError, LogoutRequest
from ssp_tui.clock import now as clock_now
from ssp_tui.sandbox import (
    routes_account,
    routes_auth,
    routes_billing,
    routes_changes,
    routes_content,
    routes_credentialing,
    routes_mfa,
    routes_policies,
    routes_renewals,
    routes_support,
)
from ssp_tui.sandbox.access import require_route_capability
from ssp_tui.sandbox.auth_tokens import SecurityPolicy, authenticate_bearer
from ssp_tui.sandbox.db import open_db
from ssp_tui.sandbox.http_io import Call
from ssp_tui.sandbox.input_limits import BodySizeLimit, check_body_text, refuse_control_characters
from ssp_tui.sandbox.openapi import openapi_document
from ssp_tui.sandbox.problems import (
    ProblemError,
    handle_http_exception,
    handle_problem,
    handle_unexpected,
    invalid,
)

Handler = Callable[[Call], Any]
Clock = Callable[[], datetime]

_JSON = "application/json"
_ERROR_PATH = re.compile(r"at `\$\.?([^`]*)`")

HANDLERS: Mapping[str, Handler] = {
    **routes_auth.HANDLERS,
    **routes_billing.HANDLERS,
    **routes_policies.HANDLERS,
    **routes_credentialing.HANDLERS,
    **routes_content.HANDLERS,
    **routes_support.HANDLERS,
    **routes_account.HANDLERS,
    **routes_mfa.HANDLERS,
    **routes_changes.HANDLERS,
    **routes_renewals.HANDLERS,
}


# Indexes for the portal's own queries (scoping by customer, newest-first activity). Created when the app
# starts, so a database seeded by any version gets them; IF NOT EXISTS makes it a no-op afterwards.
QUERY_INDEXES = (
    "CREATE INDEX IF NOT EXISTS users_customer ON users(customer_id)",
    "CREATE INDEX IF NOT EXISTS customers_agency ON customers(agency_id)",
    "CREATE INDEX IF NOT EXISTS billing_accounts_customer ON billing_accounts(customer_id)",
    "CREATE INDEX IF NOT EXISTS policies_billing_account ON policies(billing_account_id)",
    "CREATE INDEX IF NOT EXISTS holder_requests_customer ON holder_requests(customer_id, status)",
    "CREATE INDEX IF NOT EXISTS seminar_activity_newest ON seminar_activity(completed_on, id)",
    # Activity pages seek by (day, rowid): an index on the day alone holds exactly that order.
    "CREATE INDEX IF NOT EXISTS seminar_activity_day ON seminar_activity(completed_on)",
    "CREATE INDEX IF NOT EXISTS documents_type ON documents(type, policy_id)",
)


def ensure_query_indexes(db_path: Path) -> None:
    conn = open_db(db_path)
    try:
        for statement in QUERY_INDEXES:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def connect(db_path: Path) -> sqlite3.Connection:
    """A connection for one request: autocommit (handlers open their own write transactions), rows by name."""
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=15.0, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    # Orders that ignore case the way clients do (Python's casefold; SQLite's NOCASE folds ASCII only).
    conn.create_function("casefold", 1, str.casefold, deterministic=True)
    return conn


def _parse_query_value(param: QueryParam, raw: str) -> Any:
    if param.type is int:
        try:
            return int(raw)
        except ValueError:
            raise invalid(param.name, "expected a whole number") from None
    if isinstance(param.type, type) and issubclass(param.type, Enum):
        try:
            return param.type(raw)
        except ValueError:
            choices = ", ".join(member.value for member in param.type)
            raise invalid(param.name, f"expected one of: {choices}") from None
    refuse_control_characters(param.name, raw)
    return raw


def parse_query(route: ContractRoute, params: QueryParams) -> dict[str, Any]:
    """The route's declared parameters parsed to their types; an undeclared one is a 422.

    An empty value is a value: ``?status=`` is not a status (422), ``?q=`` is an empty search (no filter).
    """
    declared = {param.name for param in route.query}
    unknown = sorted(set(params.keys()) - declared)
    if unknown:
        # Refused rather than ignored: a misspelt filter must not silently return everything.
        raise invalid(unknown[0], "is not a query parameter of this endpoint")
    parsed: dict[str, Any] = {}
    for param in route.query:
        raw = params.get(param.name)
        if raw is None or (raw == "" and param.required):
            if param.required:
                raise invalid(param.name, "is required")
            continue
        parsed[param.name] = _parse_query_value(param, raw)
    return parsed


def decode_body(route: ContractRoute, raw: bytes) -> Any:
    if route.body is None:
        return None
    if not raw.strip():
        if route.body is LogoutRequest:  # every field optional: no body means no refresh token to revoke
            return LogoutRequest()
        raise ProblemError(400, "This endpoint needs a JSON body.")
    try:
        # Decoded, then converted: JSON Schema counts 371142.0 as an integer, so an integral float in the
        # body is one (msgspec alone would refuse it for an ``int`` field).
        body = msgspec.convert(_integral_floats_as_ints(msgspec.json.decode(raw)), type=route.body)
    except msgspec.ValidationError as exc:
        where = _ERROR_PATH.search(str(exc))
        field = where.group(1) if where and where.group(1) else "body"
        raise ProblemError(422, str(exc), errors=[FieldError(field=field, message=str(exc))]) from None
    except msgspec.DecodeError:
        raise ProblemError(400, "The body is not valid JSON.", title="Malformed JSON") from None
    check_body_text(body)
    return body


def _integral_floats_as_ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    return value


def render(route: ContractRoute, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(status_code=route.status)
    return Response(msgspec.json.encode(result), status_code=route.status, media_type=_JSON)


def _endpoint(
    route: ContractRoute, handler: Handler, db_path: Path, clock: Clock, state: dict[str, Any]
) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        raw = await request.body() if route.body is not None else b""
        client_ip = request.client.host if request.client else "unknown"
        now = clock()

        def work() -> Response:
            conn = connect(db_path)
            try:
                caller = None
                if not route.public:
                    caller = authenticate_bearer(conn, request.headers.get("authorization"), now)
                    require_route_capability(caller, route.name)
                call = Call(
                    conn=conn,
                    route=route,
                    path_params=dict(request.path_params),
                    query=parse_query(route, request.query_params),
                    body=decode_body(route, raw),
                    headers=request.headers,
                    client_ip=client_ip,
                    now=now,
                    caller=caller,
                    state=state,
                )
                return render(route, handler(call))
            finally:
                conn.close()

        return await run_in_threadpool(work)

    return endpoint


def _by_method(endpoints: dict[str, Callable[[Request], Any]]) -> Callable[[Request], Any]:
    async def dispatch(request: Request) -> Response:
        # Starlette answers HEAD on GET routes; anything else unlisted never reaches here (405 first).
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method](request)

    return dispatch


def create_app(
    db_path: Path, *, security: SecurityPolicy | None = None, clock: Clock | None = None
) -> Starlette:
    """The sandbox portal over the database at ``db_path`` (created and seeded on first use).

    ``security`` and ``clock`` exist for tests: tighter throttles, and time that can be moved.
    """
    db_path = Path(db_path)
    ensure_query_indexes(db_path)
    state: dict[str, Any] = {"security": security or SecurityPolicy()}
    spec = msgspec.json.encode(openapi_document())

    async def openapi_endpoint(_request: Request) -> Response:
        return Response(spec, media_type=_JSON)

    # One Starlette route per path, dispatching on the method, so a 405 lists every allowed method.
    by_path: dict[str, dict[str, Callable[[Request], Any]]] = {}
    for route in ROUTES:
        if route.name == "openapi":
            endpoint: Callable[[Request], Any] = openapi_endpoint
        else:
            endpoint = _endpoint(route, HANDLERS[route.name], db_path, clock or clock_now, state)
        by_path.setdefault(route.path, {})[route.method] = endpoint
    routes = [
        Route(path, _by_method(endpoints), methods=list(endpoints)) for path, endpoints in by_path.items()
    ]
    return Starlette(
        routes=[Mount(API_PREFIX, routes=routes)],
        middleware=[Middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)],
        exception_handlers={
            ProblemError: handle_problem,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
    )
