"""Sessions: login and MFA install a session, a 401 refreshes once (shared by concurrent calls), a refused
refresh asks for a new login, and no token ever shows in a repr or a message."""

from __future__ import annotations

import asyncio

import httpx2
import msgspec
import pytest
from client_helpers import Harness, json_response, make_session, make_user, problem_response

from ssp_tui.api.errors import AuthenticationRequired, ConnectionFailed, ServerError
from ssp_tui.api.models import LoginResponse, LoginState, MfaFactor, Session


def bearer(request: httpx2.Request) -> str:
    return request.headers.get("authorization", "")


class FakePortal:
    """Accepts only the newest access token; /auth/refresh rotates to the next pair."""

    def __init__(self, *, refresh_ok: bool = True) -> None:
        self.generation = 1
        self.refresh_ok = refresh_ok
        self.refresh_bodies: list[dict] = []

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/api/v1/auth/refresh":
            self.refresh_bodies.append(msgspec.json.decode(request.content))
            if not self.refresh_ok:
                return problem_response(401, "Session expired", "Sign in again.")
            self.generation += 1
            return json_response(200, make_session(self.generation))
        if bearer(request) != f"Bearer access-token-{self.generation}-SECRET":
            return problem_response(401, "Unauthorized", "The access token expired.")
        return json_response(200, make_user())


async def test_401_refreshes_once_and_repeats_the_request(harness: Harness) -> None:
    portal = FakePortal()
    heard: list[Session | None] = []
    async with harness.client(portal.handle, on_session=heard.append) as client:
        client.auth.set_session(make_session(0))  # a stale token: the portal expects generation 1
        user = await client.me()
    assert user.username == "pat"
    assert portal.refresh_bodies == [{"refresh_token": "refresh-token-0-SECRET"}]
    assert client.auth.session is not None
    assert client.auth.session.access_token == "access-token-2-SECRET"
    assert heard[-1] is client.auth.session


async def test_concurrent_401s_share_one_refresh(harness: Harness) -> None:
    portal = FakePortal()
    rejected = 0
    all_rejected = asyncio.Event()
    callers = 5

    async def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal rejected
        if request.url.path == "/api/v1/auth/refresh":
            await all_rejected.wait()  # hold the refresh until every caller has had its 401
        response = portal.handle(request)
        if response.status_code == 401:
            rejected += 1
            if rejected == callers:
                all_rejected.set()
        return response

    async with harness.client(handler) as client:
        client.auth.set_session(make_session(0))
        users = await asyncio.gather(*(client.me() for _ in range(callers)))
    assert [u.username for u in users] == ["pat"] * callers
    assert len(portal.refresh_bodies) == 1
    assert client.transport.refresh_count == 1


async def test_failed_refresh_raises_authentication_required_and_clears_the_session(harness: Harness) -> None:
    portal = FakePortal(refresh_ok=False)
    heard: list[Session | None] = []
    async with harness.client(portal.handle, on_session=heard.append) as client:
        client.auth.set_session(make_session(0))
        with pytest.raises(AuthenticationRequired) as caught:
            await client.me()
        assert client.auth.session is None
    assert heard[-1] is None
    assert "SECRET" not in str(caught.value) and "SECRET" not in caught.value.user_message


async def test_no_session_means_authentication_required_without_a_refresh(harness: Harness) -> None:
    portal = FakePortal()
    async with harness.client(portal.handle) as client:
        with pytest.raises(AuthenticationRequired):
            await client.me()
    assert portal.refresh_bodies == []


async def test_refresh_that_cannot_connect_keeps_the_session(harness: Harness) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/api/v1/auth/refresh":
            raise httpx2.ConnectError("refused", request=request)
        return problem_response(401, "Unauthorized")

    async with harness.client(handler) as client:
        client.auth.set_session(make_session(0))
        with pytest.raises(ConnectionFailed):
            await client.me()
        assert client.auth.session is not None  # a network blip is no reason to sign the user out


async def test_login_mfa_verify_and_logout(harness: Harness) -> None:
    requests: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        requests.append(request)
        path = request.url.path
        if path == "/api/v1/auth/login":
            answer = LoginResponse(
                state=LoginState.MFA_REQUIRED, mfa_token="mfa-SECRET", factors=[MfaFactor.TOTP]
            )
            return json_response(200, answer)
        if path == "/api/v1/auth/mfa/verify":
            session = msgspec.structs.replace(make_session(1), device_token="device-SECRET")
            return json_response(200, session)
        if path == "/api/v1/auth/logout":
            return problem_response(503, "Unavailable")
        raise AssertionError(path)

    heard: list[Session | None] = []
    async with harness.client(handler, on_session=heard.append) as client:
        answer = await client.auth.login("pat", "pw-SECRET")
        assert answer.state is LoginState.MFA_REQUIRED and client.auth.session is None
        session = await client.auth.verify(
            answer.mfa_token or "", MfaFactor.TOTP, " 123456 ", remember_device=True
        )
        assert client.auth.session is session and heard == [session]
        assert "Bearer" not in requests[1].headers.get("authorization", "")
        with pytest.raises(ServerError):  # the portal failed, yet the session is forgotten here
            await client.auth.logout()
        assert client.auth.session is None and heard[-1] is None
    verify_body = msgspec.json.decode(requests[1].content)
    assert verify_body["code"] == "123456" and verify_body["remember_device"] is True
    logout = requests[2]
    assert bearer(logout) == "Bearer access-token-1-SECRET"
    assert msgspec.json.decode(logout.content) == {"refresh_token": "refresh-token-1-SECRET"}
    for text in (repr(answer), repr(session), repr(client), str(heard)):
        assert "SECRET" not in text


async def test_remembered_device_login_installs_the_session(harness: Harness) -> None:
    session = make_session(3)

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = msgspec.json.decode(request.content)
        assert body["device_token"] == "device-SECRET"
        return json_response(200, LoginResponse(state=LoginState.AUTHENTICATED, session=session))

    async with harness.client(handler) as client:
        answer = await client.auth.login("pat", "pw", device_token="device-SECRET")
        assert answer.state is LoginState.AUTHENTICATED
        assert client.auth.session == session


async def test_refresh_keeps_the_device_token_when_the_answer_omits_it(harness: Harness) -> None:
    portal = FakePortal()
    async with harness.client(portal.handle) as client:
        client.auth.set_session(msgspec.structs.replace(make_session(1), device_token="device-SECRET"))
        fresh = await client.auth.refresh()
    assert fresh.access_token == "access-token-2-SECRET"
    assert fresh.device_token == "device-SECRET"


def test_request_and_session_structs_never_show_secrets_in_repr() -> None:
    from ssp_tui.api.models import (
        LoginRequest,
        LogoutRequest,
        MfaSendRequest,
        MfaVerifyRequest,
        RefreshRequest,
    )

    structs = [
        LoginRequest(username="pat", password="pw-SECRET", device_token="device-SECRET"),
        MfaSendRequest(mfa_token="mfa-SECRET", factor=MfaFactor.SMS),
        MfaVerifyRequest(mfa_token="mfa-SECRET", factor=MfaFactor.TOTP, code="SECRET"),
        RefreshRequest(refresh_token="refresh-SECRET"),
        LogoutRequest(refresh_token="refresh-SECRET"),
        msgspec.structs.replace(make_session(1), device_token="device-SECRET"),
        LoginResponse(
            state=LoginState.ENROLL_TOTP, mfa_token="mfa-SECRET", otpauth_uri="otpauth://x?secret=SECRET"
        ),
    ]
    for struct in structs:
        assert "SECRET" not in repr(struct) and "SECRET" not in str(struct)
    assert "username='pat'" in repr(structs[0])  # what is not secret still shows, for debugging
    assert (
        msgspec.json.decode(msgspec.json.encode(structs[0]))["password"] == "pw-SECRET"
    )  # the wire is intact
