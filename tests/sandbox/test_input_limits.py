"""Input held to the published limits: a body over the limit is refused while it streams in (before
authentication, before it is buffered), text carries no control characters, an Idempotency-Key keeps to its
declared pattern."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import msgspec
import pytest
from auth_fixtures import AuthBench, auth_bench

from ssp_tui.api.constants import API_PREFIX, IDEMPOTENCY_HEADER, MAX_BODY_BYTES
from ssp_tui.api.contract import ROUTES
from ssp_tui.api.contract import Route as ContractRoute
from ssp_tui.api.roles import Role, role_may
from ssp_tui.sandbox.access import ROUTE_CAPABILITIES
from ssp_tui.sandbox.app import create_app

CHUNK = b"x" * (64 * 1024)
UPLOAD_BYTES = 32 * 1024 * 1024
"""A bounded upload: big enough that buffering it would show, small enough for the suite."""


async def _stream_post(db: Path, path: str, *, declare_length: bool) -> tuple[int, int, int]:
    """POST ``UPLOAD_BYTES`` in chunks straight into the ASGI app: (status, bytes the app read, peak bytes
    allocated while it ran)."""
    app = create_app(db)
    sent = 0
    status = 0
    headers = [(b"content-type", b"application/json"), (b"host", b"sandbox.test")]
    if declare_length:
        headers.append((b"content-length", str(UPLOAD_BYTES).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": API_PREFIX + path,
        "raw_path": (API_PREFIX + path).encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("203.0.113.7", 50000),
        "server": ("sandbox.test", 80),
    }

    async def receive() -> dict:
        nonlocal sent
        if sent >= UPLOAD_BYTES:
            return {"type": "http.disconnect"}
        sent += len(CHUNK)
        return {"type": "http.request", "body": CHUNK, "more_body": sent < UPLOAD_BYTES}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    tracemalloc.start()
    try:
        await app(scope, receive, send)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return status, sent, peak


@pytest.mark.parametrize(
    "path", ["/auth/login", "/credentialing/holder-requests", "/billing/accounts/x/pay-link"]
)
@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_body_is_refused_while_it_streams_in(
    fresh_db: Path, path: str, declare_length: bool
) -> None:
    status, read, peak = await _stream_post(fresh_db, path, declare_length=declare_length)
    if path.endswith("pay-link") and not declare_length:
        assert status == 401  # a route without a body never reads one: signed out, it says so at once
    else:
        assert status == 413  # before authentication: the private routes do not get as far as their 401
    assert read <= MAX_BODY_BYTES + len(CHUNK)  # stopped reading at the limit, not at the end
    if declare_length:
        assert read == 0  # a declared length over the limit is refused before a byte is read
    assert peak < 4 * 1024 * 1024, f"{peak} bytes allocated for a {UPLOAD_BYTES}-byte upload"


async def _patel(bench: AuthBench) -> dict[str, str]:
    session = await bench.signed_in("dr.patel")
    return {"Authorization": f"Bearer {session['access_token']}"}


async def _holder_body(bench: AuthBench, auth: dict[str, str]) -> dict[str, str]:
    [insured, *_] = (await bench.client.get("/credentialing/insureds", headers=auth)).json()["items"]
    return {
        "policy_id": insured["policy_id"],
        "insured_id": insured["id"],
        "holder_name": "Mercy General",
        "address": "1 Main St",
        "city": "Fresno",
        "state": "CA",
        "zip": "93701",
    }


@pytest.mark.parametrize("text", ["Mercy\x00General", "Mercy General\n", "Mercy\tGeneral", "\x1b[31mMercy"])
async def test_control_characters_in_text_fields_are_refused(fresh_db: Path, text: str) -> None:
    async with auth_bench(fresh_db) as bench:
        auth = await _patel(bench)
        body = {**await _holder_body(bench, auth), "holder_name": text}
        refused = await bench.client.post(
            "/credentialing/holder-requests", json=body, headers={**auth, "Idempotency-Key": "k-1"}
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "holder_name"
        login = await bench.client.post("/auth/login", json={"username": "dr.patel\x00", "password": "x"})
        assert login.status_code == 422


async def test_a_nul_search_matches_nothing_rather_than_everything(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        auth = await _patel(bench)
        for path in ("/policies", "/credentialing/insureds", "/risk/resources"):
            answer = await bench.client.get(path, params={"q": "\x00"}, headers=auth)
            assert answer.status_code == 422, (path, answer.text)
            assert "items" not in answer.json()


@pytest.mark.parametrize("key", ["has space", "x" * 256, "tab\there", "\u00e9t\u00e9", "nul\x00key", ""])
async def test_an_idempotency_key_outside_its_pattern_is_refused(fresh_db: Path, key: str) -> None:
    async with auth_bench(fresh_db) as bench:
        auth = await _patel(bench)
        body = await _holder_body(bench, auth)
        headers = {**auth, "Idempotency-Key": key.encode("utf-8")}
        refused = await bench.client.post("/credentialing/holder-requests", json=body, headers=headers)
        assert refused.status_code == 400, refused.text
        assert IDEMPOTENCY_HEADER in refused.json()["detail"]
        accepted = await bench.client.post(
            "/credentialing/holder-requests", json=body, headers={**auth, "Idempotency-Key": "0f8e-4c1a"}
        )
        assert accepted.status_code == 201


# -- every text input the contract declares, not only the ones a test author thought of --

SIGNED_IN_AS = {Role.POLICYHOLDER: "dr.patel", Role.AGENT: "agent.rivera", Role.SUPPORT: "support.morgan"}
VALID_BODIES: dict[str, dict[str, Any]] = {
    "login": {"username": "dr.patel", "password": "pw", "device_token": "t"},
    "mfa_send": {"mfa_token": "t", "factor": "sms"},
    "mfa_verify": {"mfa_token": "t", "factor": "totp", "code": "123456", "remember_device": False},
    "refresh": {"refresh_token": "t"},
    "logout": {"refresh_token": "t"},
    "create_holder_request": {
        "policy_id": "p",
        "insured_id": "i",
        "holder_name": "Mercy General",
        "address": "1 Main St",
        "city": "Fresno",
        "state": "CA",
        "zip": "93701",
        "contact_name": "Ann",
        "contact_email": "ann@example.com",
    },
    "register": {
        "user_type": "authorized_user",
        "name": "Ruth Ames",
        "email": "ruth@lakes.example",
        "phone": "616-555-0100",
        "policy_number": "NCP1513214",
        "works_for": "Great Lakes Orthopedic Associates",
    },
    "recover_username": {"email": "ruth@lakes.example"},
    "request_password_reset": {"username": "dr.patel"},
    "reset_password": {"username": "dr.patel", "code": "123456", "new_password": "a long new passphrase"},
    "start_phone_change": {"phone": "916-555-0199", "factor": "sms"},
    "confirm_phone_change": {"change_token": "t", "code": "123456"},
    "confirm_totp_reenrollment": {"enrollment_token": "t", "code": "123456"},
    "create_change_request": {
        "policy_id": "p",
        "change": {"kind": "other", "description": "Add our new office"},
        "note": "n",
    },
}
"""A body each route would decode, every field filled in (a test below checks none is left out)."""
TEXT_QUERIES = [(r, q.name) for r in ROUTES for q in r.query if q.type is str]
TEXT_FIELDS = [
    (r, name) for r in ROUTES if r.body for name, v in VALID_BODIES[r.name].items() if isinstance(v, str)
]
HOSTILE_TEXT = ["\x00", "a\x00b", "ok\n", "\x1b[2J"]


def _who_may(route: ContractRoute) -> str | None:
    if route.public:
        return None
    capability = ROUTE_CAPABILITIES[route.name]
    return next(
        user for role, user in SIGNED_IN_AS.items() if capability is None or role_may(role, capability)
    )


def test_the_valid_bodies_fill_every_field_of_every_body() -> None:
    bodies = {r.name: {f.name for f in msgspec.structs.fields(r.body)} for r in ROUTES if r.body}
    assert {name: set(VALID_BODIES[name]) for name in bodies} == bodies


@pytest.mark.parametrize(("route", "param"), TEXT_QUERIES, ids=[f"{r.name}-{q}" for r, q in TEXT_QUERIES])
async def test_no_text_query_parameter_takes_control_characters(
    fresh_db: Path, route: ContractRoute, param: str
) -> None:
    """``q=%00`` once matched everything; now no text parameter of any route takes a control character."""
    async with auth_bench(fresh_db) as bench:
        user = _who_may(route)
        headers = {} if user is None else await _bearer(bench, user)
        others = {q.name: "x" for q in route.query if q.required and q.name != param}
        for text in HOSTILE_TEXT:
            answer = await bench.client.request(
                route.method, route.path.replace("{id}", "x"), params={**others, param: text}, headers=headers
            )
            assert answer.status_code == 422, (text, answer.text)
            assert answer.json()["errors"][0]["field"] == param
            assert "items" not in answer.json()


@pytest.mark.parametrize(("route", "field"), TEXT_FIELDS, ids=[f"{r.name}-{f}" for r, f in TEXT_FIELDS])
async def test_no_text_field_of_a_body_takes_control_characters(
    fresh_db: Path, route: ContractRoute, field: str
) -> None:
    async with auth_bench(fresh_db) as bench:
        user = _who_may(route)
        headers = {IDEMPOTENCY_HEADER: "k-1"} | ({} if user is None else await _bearer(bench, user))
        for text in HOSTILE_TEXT:
            body = {**VALID_BODIES[route.name], field: text}
            answer = await bench.client.request(route.method, route.path, json=body, headers=headers)
            assert answer.status_code == 422, (text, answer.text)
            assert answer.json()["errors"][0]["field"] == field


async def _bearer(bench: AuthBench, username: str) -> dict[str, str]:
    session = await bench.signed_in(username)
    return {"Authorization": f"Bearer {session['access_token']}"}
