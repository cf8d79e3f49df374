"""The signed-in user's MFA (the portal's MFA Support page): factors, the phone for text and voice codes, the
authenticator app, and the remembered devices that skip MFA."""

from __future__ import annotations

from ssp_tui.api.models import (
    MfaStatus,
    PhoneChangeConfirm,
    PhoneChangeStart,
    PhoneChangeStarted,
    PhoneChannel,
    RememberedDevice,
    TotpReenrollConfirm,
    TotpReenrollment,
)
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource, segment


class MfaResource(Resource):
    async def status(self) -> MfaStatus:
        return await self._transport.request("GET", "/account/mfa", MfaStatus)

    async def start_phone_change(
        self, phone: str, factor: PhoneChannel = PhoneChannel.SMS
    ) -> PhoneChangeStarted:
        """Send a code to ``phone``; the number replaces the old one only when ``confirm_phone_change`` gets
        that code."""
        return await self._transport.request(
            "POST",
            "/account/mfa/phone",
            PhoneChangeStarted,
            body=PhoneChangeStart(phone=phone.strip(), factor=factor),
        )

    async def confirm_phone_change(self, change_token: str, code: str) -> MfaStatus:
        return await self._transport.request(
            "POST",
            "/account/mfa/phone/confirm",
            MfaStatus,
            body=PhoneChangeConfirm(change_token=change_token, code=code.strip()),
        )

    async def start_totp_reenrollment(self) -> TotpReenrollment:
        """A new authenticator secret (``otpauth_uri``); the old one keeps working until it is confirmed."""
        return await self._transport.request("POST", "/account/mfa/totp", TotpReenrollment)

    async def confirm_totp_reenrollment(self, enrollment_token: str, code: str) -> MfaStatus:
        return await self._transport.request(
            "POST",
            "/account/mfa/totp/confirm",
            MfaStatus,
            body=TotpReenrollConfirm(enrollment_token=enrollment_token, code=code.strip()),
        )

    def devices(self) -> Paginator[RememberedDevice]:
        return self._list("/account/devices", RememberedDevice)

    async def revoke_device(self, device_id: str) -> None:
        """Forget a remembered device: its next sign-in asks for a code."""
        await self._transport.request("DELETE", f"/account/devices/{segment(device_id)}", None)
