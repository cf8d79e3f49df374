"""The retry policy: what is retried, how long it waits, and the idempotent POST."""

from __future__ import annotations

import random
from datetime import timedelta
from email.utils import format_datetime

import httpx2
import msgspec
import pytest
from client_helpers import Harness, json_response, make_user, problem_response

from ssp_tui import clock
from ssp_tui.api.constants import IDEMPOTENCY_HEADER, MAX_RETRIES
from ssp_tui.api.errors import RateLimited, RequestTimeout, ServerError
from ssp_tui.api.models import HolderRequestCreate
from ssp_tui.api.transport import RetryPolicy

HOLDER = HolderRequestCreate(
    policy_id="p1",
    insured_id="i1",
    holder_name="Mercy Hospital",
    address="1 Main St",
    city="Fresno",
    state="CA",
    zip="93701",
)
HOLDER_ANSWER = {
    "id": "hr1",
    "status": "submitted",
    "submitted_at": "2026-11-28T10:00:00Z",
    "expected_by": "2026-11-30T10:00:00Z",
    "holder_name": "Mercy Hospital",
    "policy_id": "p1",
    "policy_number": "NC-1",
    "insured_id": "i1",
    "insured_name": "Dr. A",
}


def scripted(*answers: httpx2.Response | type[Exception]):
    """A handler that gives the answers in order and records the requests."""
    queue = list(answers)
    calls: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        answer = queue.pop(0)
        if isinstance(answer, type):
            raise answer("simulated", request=request)
        return answer

    return handler, calls


def user_ok() -> httpx2.Response:
    return json_response(200, make_user())


@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
async def test_get_is_retried_on_retryable_statuses_with_backoff(harness: Harness, status: int) -> None:
    handler, calls = scripted(httpx2.Response(status), httpx2.Response(status), user_ok())
    async with harness.client(handler) as client:
        assert (await client.me()).username == "pat"
    assert len(calls) == 3
    first, second = harness.sleeps
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0


async def test_get_gives_up_after_max_retries(harness: Harness) -> None:
    handler, calls = scripted(*[httpx2.Response(503)] * (MAX_RETRIES + 1))
    async with harness.client(handler) as client:
        with pytest.raises(ServerError):
            await client.me()
    assert len(calls) == MAX_RETRIES + 1


@pytest.mark.parametrize("failure", [httpx2.ConnectError, httpx2.ReadTimeout, httpx2.RemoteProtocolError])
async def test_get_is_retried_on_connection_failures(harness: Harness, failure: type[Exception]) -> None:
    handler, calls = scripted(failure, user_ok())
    async with harness.client(handler) as client:
        assert (await client.me()).username == "pat"
    assert len(calls) == 2


async def test_timeouts_end_as_request_timeout(harness: Harness) -> None:
    handler, calls = scripted(*[httpx2.ReadTimeout] * (MAX_RETRIES + 1))
    async with harness.client(handler) as client:
        with pytest.raises(RequestTimeout):
            await client.me()
    assert len(calls) == MAX_RETRIES + 1


async def test_short_retry_after_is_honoured(harness: Harness) -> None:
    handler, _ = scripted(problem_response(429, "Slow down", retry_after=3), user_ok())
    async with harness.client(handler) as client:
        await client.me()
    assert harness.sleeps == [3.0]


async def test_retry_after_as_http_date(harness: Harness) -> None:
    when = format_datetime(clock.now() + timedelta(seconds=20), usegmt=True)
    handler, _ = scripted(httpx2.Response(503, headers={"retry-after": when}), user_ok())
    async with harness.client(handler) as client:
        await client.me()
    (waited,) = harness.sleeps
    assert 10 < waited <= 20


async def test_long_retry_after_fails_at_once_with_the_wait(harness: Harness) -> None:
    handler, calls = scripted(problem_response(429, "Too many requests", "Slow down.", retry_after=120))
    async with harness.client(handler) as client:
        with pytest.raises(RateLimited) as caught:
            await client.policies.list().collect()
    assert len(calls) == 1 and harness.sleeps == []
    assert caught.value.retry_after == 120
    assert caught.value.next_step == "Try again in 2 minutes."


async def test_plain_post_is_never_retried(harness: Harness) -> None:
    handler, calls = scripted(httpx2.Response(503), json_response(200, {}))
    async with harness.client(handler) as client:
        with pytest.raises(ServerError):
            await client.auth.send_code("mfa-token", "sms")  # type: ignore[arg-type]
    assert len(calls) == 1


@pytest.mark.parametrize("first_failure", [httpx2.Response(502), httpx2.ConnectError, httpx2.ReadTimeout])
async def test_holder_request_is_retried_with_the_same_idempotency_key(
    harness: Harness, first_failure: httpx2.Response | type[Exception]
) -> None:
    handler, calls = scripted(first_failure, json_response(201, HOLDER_ANSWER))
    async with harness.client(handler) as client:
        created = await client.credentialing.create_holder_request(HOLDER)
    assert created.id == "hr1"
    keys = [call.headers[IDEMPOTENCY_HEADER] for call in calls]
    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) >= 16
    assert msgspec.json.decode(calls[1].content) == msgspec.json.decode(calls[0].content)


async def test_each_holder_request_gets_its_own_key_unless_one_is_given(harness: Harness) -> None:
    handler, calls = scripted(*[json_response(201, HOLDER_ANSWER)] * 3)
    async with harness.client(handler) as client:
        await client.credentialing.create_holder_request(HOLDER)
        await client.credentialing.create_holder_request(HOLDER)
        await client.credentialing.create_holder_request(HOLDER, idempotency_key="resubmit-1")
    keys = [call.headers[IDEMPOTENCY_HEADER] for call in calls]
    assert keys[0] != keys[1] and keys[2] == "resubmit-1"


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    policy = RetryPolicy()
    rng = random.Random(1)
    for n in range(8):
        ceiling = min(0.5 * 2**n, 8.0)
        delays = [policy.backoff(n, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered
