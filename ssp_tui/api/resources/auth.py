"""Sign-in: password, MFA (TOTP, SMS, voice; remember this device), refresh and logout."""

from __future__ import annotations

from ssp_tui.api.models import (
    LoginRequest,
    LoginResponse,
    LoginState,
    LogoutRequest,
    MfaFactor,
    MfaSendRequest,
    MfaSendResponse,
    MfaVerifyRequest,
    Session,
)
from ssp_tui.api.resources._base import Resource


class AuthResource(Resource):
    @property
    def session(self) -> Session | None:
        return self._transport.session

    def set_session(self, session: Session | None) -> None:
        """Install a session restored from storage (or clear it); ``on_session`` hears of it."""
        self._transport.set_session(session)

    async def login(self, username: str, password: str, device_token: str | None = None) -> LoginResponse:
        """The password step. A remembered device answers ``authenticated`` at once and the session is
        installed; otherwise the answer names the MFA step to take next."""
        answer = await self._transport.request(
            "POST",
            "/auth/login",
            LoginResponse,
            body=LoginRequest(username=username, password=password, device_token=device_token),
            authenticated=False,
        )
        if answer.state is LoginState.AUTHENTICATED and answer.session is not None:
            self._transport.set_session(answer.session)
        return answer

    async def send_code(self, mfa_token: str, factor: MfaFactor) -> MfaSendResponse:
        """Ask the portal to send an SMS or voice code."""
        return await self._transport.request(
            "POST",
            "/auth/mfa/send",
            MfaSendResponse,
            body=MfaSendRequest(mfa_token=mfa_token, factor=factor),
            authenticated=False,
        )

    async def verify(
        self, mfa_token: str, factor: MfaFactor, code: str, remember_device: bool = False
    ) -> Session:
        """Verify an MFA code (or confirm TOTP enrollment); the new session is installed."""
        session = await self._transport.request(
            "POST",
            "/auth/mfa/verify",
            Session,
            body=MfaVerifyRequest(
                mfa_token=mfa_token, factor=factor, code=code.strip(), remember_device=remember_device
            ),
            authenticated=False,
        )
        self._transport.set_session(session)
        return session

    async def refresh(self) -> Session:
        """Rotate both tokens now. Raises AuthenticationRequired (and clears the session) when refused."""
        return await self._transport.refresh()

    async def logout(self) -> None:
        """Revoke the session on the portal, then forget it here, even if the portal could not be told."""
        session = self._transport.session
        if session is None:
            return
        try:
            await self._transport.request(
                "POST", "/auth/logout", None, body=LogoutRequest(refresh_token=session.refresh_token)
            )
        finally:
            self._transport.set_session(None)
