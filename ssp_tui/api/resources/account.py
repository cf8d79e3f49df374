"""Before a session: create an account (registration) and recover one (username reminder, password reset).

Every call is public and the portal answers it the same whatever it knows; what happened arrives by email.
"""

from __future__ import annotations

from ssp_tui.api.models import (
    Accepted,
    PasswordReset,
    PasswordResetRequest,
    RegistrationCreate,
    UsernameReminderRequest,
)
from ssp_tui.api.resources._base import Resource


class AccountResource(Resource):
    async def register(self, registration: RegistrationCreate) -> Accepted:
        """Ask for a login; the portal team verifies it and emails the next step (an invitation code)."""
        return await self._transport.request(
            "POST", "/registrations", Accepted, body=registration, authenticated=False
        )

    async def recover_username(self, email: str) -> Accepted:
        """Email the username(s) on file for ``email``."""
        return await self._transport.request(
            "POST",
            "/recovery/username",
            Accepted,
            body=UsernameReminderRequest(email=email.strip()),
            authenticated=False,
        )

    async def request_password_reset(self, username: str) -> Accepted:
        """Email a reset code to the address on file for ``username``."""
        return await self._transport.request(
            "POST",
            "/recovery/password",
            Accepted,
            body=PasswordResetRequest(username=username.strip()),
            authenticated=False,
        )

    async def reset_password(self, username: str, code: str, new_password: str) -> None:
        """Set a new password with a reset or invitation code. Raises ValidationFailed naming
        ``new_password`` (the password rules) or ``code``. Every session and remembered device of the login
        ends, this client's included, so sign in again afterwards."""
        await self._transport.request(
            "POST",
            "/recovery/password/confirm",
            None,
            body=PasswordReset(username=username.strip(), code=code.strip(), new_password=new_password),
            authenticated=False,
        )
