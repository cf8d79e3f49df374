"""The caller's account outside a session and inside one: registration, recovery, and MFA management.

Registration and recovery are public (no bearer token) and answer the same whatever the portal knows, so they
tell a stranger nothing about which accounts exist: the outcome goes to the email address, never into the
HTTP answer. MFA management is the signed-in user's own: factors, the phone for text and voice codes, the
authenticator app, and the devices that skip MFA.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from ssp_tui.api.constants import PLAIN_TEXT_PATTERN
from ssp_tui.api.models.auth import MfaFactor, _redacted_repr
from ssp_tui.api.models.credentialing import FilledText, ShortText

EmailAddress = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=254,
        pattern=r"^[^\s@\x00-\x1f\x7f]+@[^\s@\x00-\x1f\x7f]+\.[^\s@\x00-\x1f\x7f]+$",
        description="An email address, e.g. leah.foster@mercyridge.example",
    ),
]
PhoneNumber = Annotated[
    str,
    msgspec.Meta(
        min_length=10,
        max_length=20,
        pattern=r"^(\+?1[ .-]?)?(\([2-9][0-9]{2}\)|[2-9][0-9]{2})[ .-]?[0-9]{3}[ .-]?[0-9]{4}$",
        description="A US phone number: ten digits, the area code first, e.g. 916-555-0142",
    ),
]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=16, pattern=r"^[0-9 ]+$")]
"""A one-time code as the user typed it (digits, maybe grouped with spaces)."""
NewPassword = Annotated[str, msgspec.Meta(min_length=1, max_length=1024, pattern=PLAIN_TEXT_PATTERN)]
"""Checked by the portal's password rules (NIST SP 800-63B), which answer a 422 naming what is wrong; any
printable characters, spaces and Unicode included (no line breaks or other control characters)."""
Username = Annotated[str, msgspec.Meta(min_length=1, max_length=254, pattern=PLAIN_TEXT_PATTERN)]


class UserType(StrEnum):
    """The portal's two kinds of registration."""

    INSURED = "insured"
    """The policyholder (a physician who owns the policy) or an individual insured on it."""
    AUTHORIZED_USER = "authorized_user"
    """An office manager, assistant or other staff member acting for the policyholder."""


class PhoneChannel(StrEnum):
    """How a code reaches a phone."""

    SMS = "sms"
    VOICE = "voice"


class RegistrationCreate(msgspec.Struct, kw_only=True):
    """``POST /registrations``: ask for a login; the portal team verifies it within 1-2 business days."""

    user_type: UserType
    name: FilledText
    """Full name, e.g. "Anna Lindqvist" (an insured: as on the policy)."""
    email: EmailAddress
    phone: PhoneNumber
    policy_number: FilledText
    works_for: ShortText = ""
    """For an authorized user: the policyholder or practice they work for."""


class Accepted(msgspec.Struct, kw_only=True):
    """The answer of registration and recovery: the same words whatever the portal knows."""

    message: str


class UsernameReminderRequest(msgspec.Struct, kw_only=True):
    """``POST /recovery/username``: the username(s) go to this address if it is on file."""

    email: EmailAddress


class PasswordResetRequest(msgspec.Struct, kw_only=True):
    """``POST /recovery/password``: a reset code goes to the email on file for this username."""

    username: Username


class PasswordReset(msgspec.Struct, kw_only=True):
    """``POST /recovery/password/confirm``: set a new password with a reset code or an invitation code.

    The new password is held to NIST SP 800-63B: 8 to 64 characters, any characters, no composition rules,
    and not one of the commonest passwords nor built from the username. On success every session and every
    remembered device of the login ends."""

    username: Username
    code: Code
    new_password: NewPassword

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"code", "new_password"}))


class MfaStatus(msgspec.Struct, kw_only=True):
    """``GET /account/mfa``: the portal's MFA Support page for the caller."""

    factors: list[MfaFactor]
    """What can complete a sign-in: the authenticator app, and text and voice codes to the phone."""
    totp_enrolled: bool
    phone_hint: str
    """The masked phone number text and voice codes go to, e.g. ``***-***-0142``."""
    remembered_devices: int
    """Devices that skip MFA for now (``GET /account/devices`` lists them)."""
    totp_reenrollment_pending: bool = False
    """A new authenticator was started and not confirmed yet: the old one still works until it is."""


class PhoneChangeStart(msgspec.Struct, kw_only=True):
    """``POST /account/mfa/phone``: the new number proves itself with a code before it replaces the old."""

    phone: PhoneNumber
    factor: PhoneChannel = PhoneChannel.SMS
    """How the code reaches the new number."""


class PhoneChangeStarted(msgspec.Struct, kw_only=True):
    change_token: str
    sent_to: str
    """The masked new number."""
    expires_in: int
    """Seconds the code is valid."""

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"change_token"}))


class PhoneChangeConfirm(msgspec.Struct, kw_only=True):
    change_token: Annotated[str, msgspec.Meta(min_length=1, max_length=256, pattern=PLAIN_TEXT_PATTERN)]
    code: Code

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"change_token", "code"}))


class TotpReenrollment(msgspec.Struct, kw_only=True):
    """``POST /account/mfa/totp``: a new authenticator secret, pending until a code from it is confirmed."""

    enrollment_token: str
    otpauth_uri: str
    expires_in: int

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"enrollment_token", "otpauth_uri"}))


class TotpReenrollConfirm(msgspec.Struct, kw_only=True):
    enrollment_token: Annotated[str, msgspec.Meta(min_length=1, max_length=256, pattern=PLAIN_TEXT_PATTERN)]
    code: Code

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"enrollment_token", "code"}))


class RememberedDevice(msgspec.Struct, kw_only=True):
    """A device that skips the MFA step (never the password) until it expires or is revoked."""

    id: str
    label: str
    """What the device said it was when it was remembered, e.g. "ssp-tui/0.1.0 from 10.0.4.17"."""
    remembered_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None
