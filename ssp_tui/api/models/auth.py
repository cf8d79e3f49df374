"""Authentication, MFA and the caller's identity."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from ssp_tui.api.models.common import Capability, PlainText, Role


def _redacted_repr(struct: msgspec.Struct, secret_fields: frozenset[str]) -> str:
    """A repr that shows which secret fields are set but never their values (tokens, passwords, codes)."""
    parts = []
    for name in struct.__struct_fields__:
        value = getattr(struct, name)
        shown = "'***'" if name in secret_fields and value else repr(value)
        parts.append(f"{name}={shown}")
    return f"{type(struct).__name__}({', '.join(parts)})"


class MfaFactor(StrEnum):
    TOTP = "totp"
    SMS = "sms"
    VOICE = "voice"


class LoginState(StrEnum):
    MFA_REQUIRED = "mfa_required"
    ENROLL_TOTP = "enroll_totp"
    AUTHENTICATED = "authenticated"


class User(msgspec.Struct, kw_only=True):
    """The caller, as ``GET /me`` and every session describe them."""

    id: str
    username: str
    display_name: str
    email: str
    role: Role
    capabilities: list[Capability] = []
    agency: str | None = None
    """The agency name, for agents."""
    customer_id: str | None = None
    """The customer account the user belongs to (policyholders and insureds)."""


class LoginRequest(msgspec.Struct, kw_only=True):
    username: PlainText
    password: PlainText
    device_token: PlainText | None = None
    """A remember-device token from an earlier MFA verify; skips only the MFA step."""

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"password", "device_token"}))


class Session(msgspec.Struct, kw_only=True):
    access_token: str
    refresh_token: str
    expires_in: int
    """Seconds until the access token expires."""
    user: User
    device_token: str | None = None
    """Issued when the verify asked to remember the device (valid 30 days)."""

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"access_token", "refresh_token", "device_token"}))


class LoginResponse(msgspec.Struct, kw_only=True, omit_defaults=True):
    state: LoginState
    mfa_token: str | None = None
    factors: list[MfaFactor] = []
    phone_hint: str | None = None
    """The masked phone number SMS and voice codes go to, e.g. ``***-***-0142``."""
    otpauth_uri: str | None = None
    """For ``enroll_totp``: the authenticator secret as an otpauth:// URI."""
    session: Session | None = None

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"mfa_token", "otpauth_uri"}))


class MfaSendRequest(msgspec.Struct, kw_only=True):
    mfa_token: PlainText
    factor: MfaFactor

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"mfa_token"}))


class MfaSendResponse(msgspec.Struct, kw_only=True):
    sent_to: str
    expires_in: int


class MfaVerifyRequest(msgspec.Struct, kw_only=True):
    mfa_token: PlainText
    factor: MfaFactor
    code: PlainText
    remember_device: bool = False

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"mfa_token", "code"}))


class RefreshRequest(msgspec.Struct, kw_only=True):
    refresh_token: PlainText

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"refresh_token"}))


class LogoutRequest(msgspec.Struct, kw_only=True):
    refresh_token: PlainText | None = None

    def __repr__(self) -> str:
        return _redacted_repr(self, frozenset({"refresh_token"}))


class OutboxChannel(StrEnum):
    SMS = "sms"
    VOICE = "voice"
    EMAIL = "email"


class OutboxMessage(msgspec.Struct, kw_only=True):
    """A message the sandbox 'sent' by text, voice or email (sandbox only): sign-in and phone codes, reset
    codes, registration answers and invitations."""

    username: str
    """The login it is for ('' for a registration that has no login yet)."""
    factor: OutboxChannel
    """How it went out."""
    code: str
    """The one-time code in it ('' for a message without one)."""
    sent_at: datetime
    to: str = ""
    """The masked phone number, or the email address."""
    subject: str = ""
    body: str = ""
