"""Error mapping and strict decoding: every bad answer becomes a clear error from the tree."""

from __future__ import annotations

import gzip

import httpx2
import msgspec
import pytest
from client_helpers import Harness, json_response, make_user, problem_response

from ssp_tui.api.errors import (
    AuthenticationRequired,
    ConnectionFailed,
    Forbidden,
    Locked,
    NotFound,
    PortalError,
    ProtocolError,
    RateLimited,
    ServerError,
    StatusError,
    ValidationFailed,
    format_wait,
    parse_retry_after,
)
from ssp_tui.api.models import BillingKind, HolderRequestCreate


def _user_json() -> bytes:
    return msgspec.json.encode(make_user())


async def test_problem_json_maps_to_the_error_tree_with_the_portal_words(harness: Harness) -> None:
    responses = {
        "/api/v1/policies/p1": problem_response(404, "Not found", "No such policy."),
        "/api/v1/support/accounts/a1": problem_response(403, "Forbidden", "Support staff only."),
    }
    async with harness.client(lambda r: responses[r.url.path]) as client:
        with pytest.raises(NotFound) as missing:
            await client.policies.get("p1")
        with pytest.raises(Forbidden) as forbidden:
            await client.support.account("a1")
    assert missing.value.status == 404
    assert missing.value.user_message == "Not found: No such policy."
    assert missing.value.endpoint == "GET /api/v1/policies/p1"
    assert forbidden.value.user_message == "Forbidden: Support staff only."


async def test_validation_errors_carry_the_fields(harness: Harness) -> None:
    problem = problem_response(
        422, "Invalid request", "Check the fields.", errors=[{"field": "zip", "message": "five digits"}]
    )
    body = HolderRequestCreate(
        policy_id="p", insured_id="i", holder_name="H", address="1 Main", city="X", state="CA", zip="1"
    )
    async with harness.client(lambda r: problem) as client:
        with pytest.raises(ValidationFailed) as caught:
            await client.credentialing.create_holder_request(body)
    assert [e.field for e in caught.value.errors] == ["zip"]
    assert "zip: five digits" in caught.value.user_message


async def test_locked_says_how_long_to_wait(harness: Harness) -> None:
    locked = problem_response(423, "Account locked", "Too many failed sign-ins.", retry_after=900)
    async with harness.client(lambda r: locked) as client:
        with pytest.raises(Locked) as caught:
            await client.auth.login("pat", "wrong")
    assert caught.value.retry_after == 900
    # What happened, once (no "Account locked:" before it: the title only names the state), then when to
    # try again and whom to ask.
    assert caught.value.user_message == "Too many failed sign-ins."
    assert caught.value.next_step == (
        "Try again in 15 minutes. If you cannot wait, contact Web Support at WebSupport@ProAssurance.com."
    )


async def test_html_502_still_maps_by_status_with_a_sane_title(harness: Harness) -> None:
    page = httpx2.Response(502, html="<html><body><h1>502 Bad Gateway</h1>nginx</body></html>")
    async with harness.client(lambda r: page) as client:
        with pytest.raises(ServerError) as caught:
            await client.billing.pay_link(BillingKind.ACCOUNT, "b1")  # a POST: not retried
    assert caught.value.status == 502
    assert caught.value.title == "Bad Gateway"
    assert "<" not in caught.value.user_message
    assert harness.sleeps == []


async def test_unknown_error_status_is_a_plain_status_error(harness: Harness) -> None:
    async with harness.client(lambda r: httpx2.Response(418, text="teapot")) as client:
        with pytest.raises(StatusError) as caught:
            await client.me()
    assert type(caught.value) is StatusError
    assert caught.value.status == 418
    assert "teapot" not in caught.value.detail  # the body was not problem+json: described, not echoed


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (httpx2.Response(200, html="<html>login page</html>"), "expected JSON"),
        (
            httpx2.Response(200, content=b'{"id": "u1", "user', headers={"content-type": "application/json"}),
            "not valid JSON",
        ),
        (json_response(200, {"id": "u1", "username": 5}), "wrong shape"),
        (json_response(200, [1, 2, 3]), "wrong shape"),
        (httpx2.Response(302, headers={"location": "https://elsewhere.test/"}), "redirect"),
    ],
)
async def test_answers_outside_the_contract_are_protocol_errors(
    harness: Harness, response: httpx2.Response, reason: str
) -> None:
    async with harness.client(lambda r: response) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.me()
    assert caught.value.endpoint == "GET /api/v1/me"
    assert reason in str(caught.value)
    assert "Traceback" not in caught.value.user_message


async def test_body_cut_short_with_content_length_is_caught(harness: Harness) -> None:
    data = _user_json()
    short = httpx2.Response(
        200, content=data[:20], headers={"content-type": "application/json", "content-length": str(len(data))}
    )
    async with harness.client(lambda r: short) as client:
        with pytest.raises(ProtocolError, match="cut short"):
            await client.me()


async def test_body_cut_short_without_content_length_fails_to_decode(harness: Harness) -> None:
    data = _user_json()

    async def chunks():
        yield data[: len(data) // 2]

    async with harness.client(
        lambda r: httpx2.Response(200, content=chunks(), headers={"content-type": "application/json"})
    ) as client:
        with pytest.raises(ProtocolError, match="not valid JSON"):
            await client.me()


async def test_gzip_body_decodes_and_a_truncated_gzip_stream_is_caught(harness: Harness) -> None:
    whole = gzip.compress(_user_json())
    # Without its 8-byte trailer the stream still inflates to the whole JSON: httpx 0.28 accepted it.
    cut = whole[:-8]
    bodies = iter([whole, cut])

    def handler(request: httpx2.Request) -> httpx2.Response:
        assert request.headers["accept-encoding"] == "gzip"
        body = next(bodies)
        return httpx2.Response(
            200, content=body, headers={"content-type": "application/json", "content-encoding": "gzip"}
        )

    async with harness.client(handler) as client:
        assert (await client.me()).username == "pat"
        with pytest.raises(ProtocolError, match="compressed stream did not end"):
            await client.me()


async def test_connect_error_on_a_post_is_not_retried(harness: Harness) -> None:
    calls = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        raise httpx2.ConnectError("Connection refused", request=request)

    async with harness.client(handler) as client:
        with pytest.raises(ConnectionFailed) as caught:
            await client.billing.pay_link(BillingKind.POLICY, "p1")
    assert len(calls) == 1
    assert isinstance(caught.value, PortalError)


async def test_401_on_login_is_authentication_required_without_a_refresh(harness: Harness) -> None:
    seen = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.url.path)
        return problem_response(401, "Sign-in failed", "The username or password is not right.")

    async with harness.client(handler) as client:
        with pytest.raises(AuthenticationRequired) as caught:
            await client.auth.login("pat", "hunter2-password")
    assert seen == ["/api/v1/auth/login"]
    assert "hunter2" not in str(caught.value) and "hunter2" not in caught.value.user_message


def test_retry_after_parses_seconds_and_http_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Sat, 28 Nov 2026 12:00:45 GMT", now=now) == 45.0
    assert parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("²") is None  # a digit to str.isdigit, not to HTTP
    assert parse_retry_after("9" * 400) == 7 * 24 * 3600  # absurd waits are capped, never inf
    assert parse_retry_after(None) is None


def test_wait_in_words() -> None:
    assert format_wait(1) == "1 second"
    assert format_wait(42) == "42 seconds"
    assert format_wait(120) == "2 minutes"
    assert format_wait(7200) == "2 hours"
    assert format_wait(7 * 24 * 3600) == "7 days"


def test_rate_limited_user_message() -> None:
    error = RateLimited(429, "Too many attempts", "Slow down.", retry_after=90)
    assert error.user_message == "Too many attempts: Slow down."
    assert error.next_step == "Try again in 2 minutes."
    assert error.full_message == "Too many attempts: Slow down. Try again in 2 minutes."
