"""The CLI's memory between commands: the session (refresh and access tokens) and the remember-device token,
kept through the client's SecretStore (OS keyring, or the consented 0600 file).

A CLI process lives for one command, so each command restores the session kept by the last one. The client
rotates the refresh token on every refresh and tells us through ``on_session``; the new one is kept at once,
so that a crash later in the command does not lose the session. Where secrets cannot be kept (no keyring and
no consent to the file), this says so once and the CLI needs SSP_* variables or a login per command.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import msgspec

from ssp_tui.api.errors import PortalError
from ssp_tui.api.models import Session

if TYPE_CHECKING:
    from ssp_tui.cli.output import Output
    from ssp_tui.settings.secrets import SecretStore

NOT_KEPT_HINT = (
    "The session cannot be kept: there is no keyring and no consent to the secrets file. "
    "Set SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET for scripts, or log in again for each command."
)


def session_key(portal_key: str) -> str:
    """One session per portal (the SecretStore is per profile): switching never reuses another's tokens."""
    return f"cli-session:{portal_key}"


class SessionStore:
    def __init__(self, secrets: SecretStore, key: str, output: Output) -> None:
        self._secrets = secrets
        self._key = key
        self._output = output
        self._warned = False

    def load(self) -> Session | None:
        """The session the last command kept; None when there is none or it cannot be read."""
        try:
            raw = self._secrets.get_secret(self._key)
        except PortalError:
            return None
        if not raw:
            return None
        try:
            return msgspec.json.decode(raw, type=Session)
        except msgspec.MsgspecError:
            # A value this version cannot read is as good as none; forget it rather than fail every run.
            self.clear()
            return None

    def keep(self, session: Session | None) -> None:
        """The client's ``on_session`` callback: keep the newest session, or forget it when it ended."""
        if session is None:
            self.clear()
            return
        try:
            self._secrets.set_secret(self._key, msgspec.json.encode(session).decode())
            if session.device_token:
                self._secrets.set_device_token(session.user.username, session.device_token)
        except PortalError:
            self._warn_not_kept()

    def clear(self) -> None:
        with contextlib.suppress(PortalError):
            self._secrets.delete_secret(self._key)

    def forget_login(self, username: str) -> None:
        """After a password reset: the kept password and remembered device of ``username`` no longer work
        (and the kept session, when it is theirs, has ended)."""
        from ssp_tui.settings.secrets import SecretKind

        kept = self.load()
        if kept is not None and kept.user.username == username:
            self.clear()
        for kind in (SecretKind.PASSWORD, SecretKind.DEVICE_TOKEN):
            with contextlib.suppress(PortalError):
                self._secrets.delete(username, kind)

    def device_token(self, username: str) -> str | None:
        try:
            return self._secrets.device_token(username)
        except PortalError:
            return None

    def password(self, username: str) -> str | None:
        try:
            return self._secrets.password(username)
        except PortalError:
            return None

    def totp_secret(self, username: str) -> str | None:
        try:
            return self._secrets.totp_secret(username)
        except PortalError:
            return None

    def keep_totp_secret(self, username: str, secret: str) -> None:
        try:
            self._secrets.set_totp_secret(username, secret)
        except PortalError:
            self._warn_not_kept()

    def _warn_not_kept(self) -> None:
        if not self._warned:
            self._warned = True
            self._output.warn(NOT_KEPT_HINT)
