"""From a login response to a session: the MFA step or the authenticator enrollment, as the portal asks.

Its own module above ``mfa.py`` and ``mfa_enroll.py`` (the enrollment screen uses the MFA screen's error
wording, so the step that chooses between them cannot live in either without a cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ssp_tui.api.models.auth import LoginResponse, LoginState, MfaFactor, Session
from ssp_tui.tui.shell import shell
from ssp_tui.tui.sign_in.mfa import MfaScreen

if TYPE_CHECKING:
    from textual.dom import DOMNode


async def finish_sign_in(node: DOMNode, response: LoginResponse, username: str) -> Session | None:
    """Take a login response to a session: MFA or enrollment as the portal asks. Runs in ``node``'s worker."""
    app = node.app
    if response.state is LoginState.AUTHENTICATED and response.session is not None:
        return response.session
    if response.mfa_token is None:
        from ssp_tui.api.errors import ProtocolError

        raise ProtocolError("POST /auth/login", "no mfa_token for the MFA step")
    if response.state is LoginState.ENROLL_TOTP:
        from ssp_tui.tui.sign_in.mfa_enroll import EnrollScreen

        enroll = EnrollScreen(response.mfa_token, response.otpauth_uri or "", username)
        return await app.push_screen_wait(enroll)
    demo_secret = shell(node).demo_totp_secret(username)
    kept_secret = None if demo_secret else await shell(node).controller.totp_secret(username)
    return await app.push_screen_wait(
        MfaScreen(
            response.mfa_token,
            response.factors or [MfaFactor.TOTP],
            phone_hint=response.phone_hint,
            demo_secret=demo_secret,
            kept_secret=kept_secret,
        )
    )
