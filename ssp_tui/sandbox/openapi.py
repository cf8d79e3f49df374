"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, generated from the route table and the models.

Nothing here is written by hand per endpoint: paths, parameters, bodies and responses come from
``contract.ROUTES``; schemas from ``msgspec.json.schema_components`` over the models. Every route documents
the errors the sandbox can answer, as problem+json.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import msgspec

from ssp_tui import __version__
from ssp_tui.api.constants import (
    API_PREFIX,
    IDEMPOTENCY_KEY_PATTERN,
    MAX_PAGE_LIMIT,
    PDF_CONTENT_TYPE,
    PLAIN_TEXT_PATTERN,
    PROBLEM_CONTENT_TYPE,
)
from ssp_tui.api.contract import ROUTES, QueryParam, Route
from ssp_tui.api.models import Problem
from ssp_tui.sandbox.http_io import CURSOR_PATTERN

_REF = "#/components/schemas/{name}"
_JSON = "application/json"
_DATE_PARAMS = {"from", "to"}

# The errors every route may answer, and those only some do.
_COMMON_ERRORS = {
    400: "Unreadable input (malformed JSON, bad cursor, missing header)",
    404: "No such object, or not one the caller may see",
    405: "Method not allowed",
    422: "Input of the wrong shape or value",
}
_AUTH_ROUTES = {"login", "mfa_send", "mfa_verify", "refresh"}
_THROTTLED_ROUTES = {"create_holder_request", "start_phone_change", "start_totp_reenrollment"}


def _is_struct(tp: Any) -> bool:
    origin = getattr(tp, "__origin__", tp)
    return isinstance(origin, type) and issubclass(origin, msgspec.Struct)


def _model_types() -> list[Any]:
    types: list[Any] = [Problem]
    for route in ROUTES:
        types += [tp for tp in (route.response, route.body) if tp is not None and _is_struct(tp)]
        types += [q.type for q in route.query if isinstance(q.type, type) and issubclass(q.type, Enum)]
    return list(dict.fromkeys(types))


def _query_schema(param: QueryParam, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    if param.name == "limit":
        return {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_LIMIT, "default": 100}
    if param.name == "cursor":
        return {"type": "string", "pattern": CURSOR_PATTERN}
    if param.name in _DATE_PARAMS:
        return {"type": "string", "format": "date"}
    if param.type in refs:
        return refs[param.type]
    if param.type is int:
        return {"type": "integer"}
    text = {"type": "string", "pattern": PLAIN_TEXT_PATTERN}
    return {**text, "minLength": 1} if param.required else text


def _parameters(route: Route, refs: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    if "{id}" in route.path:
        params.append(
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        )
    params += [
        {
            "name": q.name,
            "in": "query",
            "required": q.required,
            "description": q.description,
            "schema": _query_schema(q, refs),
        }
        for q in route.query
    ]
    params += [
        {
            "name": header,
            "in": "header",
            "required": True,
            "description": "A client-chosen key: a retry with the same key and body replays the first answer",
            "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
        }
        for header in route.headers
    ]
    return params


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": _REF.format(name="Problem")}}},
    }


def _success(route: Route, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    if route.response is None:
        return {str(route.status): {"description": "Done"}}
    if route.response is bytes:
        pdf = {PDF_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}
        return {
            "200": {"description": "The PDF", "content": pdf},
            "206": {"description": "The requested byte range of the PDF", "content": pdf},
            "304": {"description": "Not modified (If-None-Match matched the ETag)"},
        }
    if route.response is dict:
        return {"200": {"description": "This document", "content": {_JSON: {"schema": {"type": "object"}}}}}
    return {
        str(route.status): {
            "description": route.summary or "OK",
            "content": {_JSON: {"schema": refs[route.response]}},
        }
    }


def _responses(route: Route, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    responses = _success(route, refs)
    errors = dict(_COMMON_ERRORS)
    if not route.public or route.name in _AUTH_ROUTES or route.name == "reset_password":
        errors[401] = "Not signed in, or the token, code or sign-in step is not valid"
    if not route.public:
        errors[403] = "The caller's role may not do this"
    if route.name in _AUTH_ROUTES or route.name in _THROTTLED_ROUTES:
        errors[429] = "Throttled; wait Retry-After seconds (the detail says when)"
    if route.name == "start_totp_reenrollment":
        errors[409] = "The login has no authenticator yet (it is set up at the next sign-in)"
    if route.name in {"login", "mfa_verify"}:
        errors[423] = "The login is on hold; it unlocks by itself at the time the detail states"
    if route.name.endswith("pay_link"):
        errors[409] = "Nothing is left to pay on the current term"
    if route.method == "POST":
        errors[413] = "The body is too large (refused while it streams in)"
    if route.response is bytes:
        errors[416] = "The range starts past the end of the file"
    responses.update({str(status): _problem(text) for status, text in sorted(errors.items())})
    return responses


def _operation(route: Route, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary or route.name.replace("_", " "),
        "parameters": _parameters(route, refs),
        "responses": _responses(route, refs),
    }
    if route.public:
        operation["security"] = []
    if route.body is not None:
        operation["requestBody"] = {
            "required": route.name != "logout",
            "content": {_JSON: {"schema": refs[route.body]}},
        }
    return operation


def openapi_document() -> dict[str, Any]:
    types = _model_types()
    schemas, components = msgspec.json.schema_components(types, ref_template=_REF)
    refs = dict(zip(types, schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(API_PREFIX + route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ProAssurance Secure Services Portal API (sandbox)",
            "version": f"1 ({__version__})",
            "description": "Portal API v1 as the ssp-tui sandbox serves it; errors are problem+json.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }
