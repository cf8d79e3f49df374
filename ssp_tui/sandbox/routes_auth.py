"""Handlers for /auth/* and /me."""

from __future__ import annotations

from ssp_tui.api.models import LoginResponse, MfaSendResponse, Session, User
from ssp_tui.sandbox import auth_login
from ssp_tui.sandbox.auth_refresh import rotate_session
from ssp_tui.sandbox.auth_tokens import SecurityPolicy, revoke_session, user_model
from ssp_tui.sandbox.http_io import Call


def policy_of(call: Call) -> SecurityPolicy:
    return call.state["security"]


def login(call: Call) -> LoginResponse:
    return auth_login.login(call.conn, call.body, call.client_ip, call.now, policy_of(call))


def mfa_send(call: Call) -> MfaSendResponse:
    return auth_login.send_code(call.conn, call.body, call.now, policy_of(call))


def device_label(call: Call) -> str:
    """How a remembered device is shown in its owner's list: the client's own name and its address."""
    agent = "".join(ch for ch in call.headers.get("user-agent", "") if ch.isprintable())[:60].strip()
    return f"{agent or 'unknown client'} from {call.client_ip}"


def mfa_verify(call: Call) -> Session:
    return auth_login.verify_code(call.conn, call.body, call.now, policy_of(call), device_label(call))


def refresh(call: Call) -> Session:
    return rotate_session(call.conn, call.body.refresh_token, call.client_ip, call.now, policy_of(call))


def logout(call: Call) -> None:
    revoke_session(call.conn, call.user, call.body.refresh_token if call.body else None)


def me(call: Call) -> User:
    row = call.conn.execute("SELECT * FROM users WHERE id = ?", [call.user.user_id]).fetchone()
    return user_model(call.conn, row)


HANDLERS = {
    "login": login,
    "mfa_send": mfa_send,
    "mfa_verify": mfa_verify,
    "refresh": refresh,
    "logout": logout,
    "me": me,
}
