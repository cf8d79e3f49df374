"""The CLI's memory between commands: the session (refresh and access tokens) and the remember-device token.

A CLI process lives for one command, so each command restores the session kept by the last one. Where it is
kept, first that works:

1. ``keyring``: the OS keyring, through the client's SecretStore;
2. ``file``: the 0600 secrets file, only with the user's consent (config, Settings or SSP_SECRETS_FILE=1);
3. ``memory``: the session agent (``session_agent``), a process holding it in memory only, for machines with
   neither (CI, containers, servers); it exits after 15 minutes without use. SSP_SESSION_AGENT=0 turns it off;
4. ``nowhere``: every command signs in again (from SSP_* variables), waiting for the next authenticator
   code when the current one was just used.

The client rotates the refresh token on every refresh and tells us through ``on_session``; the new one is
kept at once, so that a crash later in the command does not lose the session. ``exclusive`` holds the
session against other commands (a file lock) and reads what is kept: the client's ``SessionShare``, so that
parallel commands sign in once and refresh once between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Literal

import msgspec

from ssp_tui.api.models import Session
from ssp_tui.cli.session_agent import IDLE_EXIT_S, AgentClient, AgentUnavailable, supported
from ssp_tui.cli.session_lock import SessionLock, digest, runtime_dir
from ssp_tui.errors import SspError

if TYPE_CHECKING:
    from ssp_tui.settings.secrets import SecretStore

Where = Literal["keyring", "file", "memory", "nowhere"]

AGENT_ENV = "SSP_SESSION_AGENT"
NOT_KEPT = "the session could not be kept (no keyring, no consent to the secrets file, no session agent)"
WHERE_HINT = "`ssp-tui login --help` says where a session may be kept"


def session_key(portal_key: str) -> str:
    """One session per portal (the SecretStore is per profile): switching never reuses another's tokens."""
    return f"cli-session:{portal_key}"


def where_words(where: Where) -> str:
    """Where a session is kept, for a message."""
    minutes = round(IDLE_EXIT_S / 60)
    return {
        "keyring": "in the OS keyring",
        "file": "in the private secrets file",
        "memory": f"in memory by a session agent until {minutes} minutes without use (nothing on disk)",
        "nowhere": "nowhere",
    }[where]


def session_agent(profile: str, key: str) -> AgentClient | None:
    """The session agent for this profile and portal, where one may run (Unix, a safe runtime folder)."""
    if os.environ.get(AGENT_ENV, "").strip().lower() in ("0", "no", "off", "false") or not supported():
        return None
    folder = runtime_dir()
    if folder is None:
        return None
    return AgentClient(folder / f"{digest(profile, key)}.sock")


class SessionStore:
    def __init__(
        self,
        secrets: SecretStore,
        key: str,
        *,
        agent: AgentClient | None = None,
    ) -> None:
        self._secrets = secrets
        self._key = key
        self._agent = agent
        self._lock = SessionLock(digest(secrets.profile, key))
        self.kept_in: Where | None = None
        """Where the newest session went; ``nowhere`` when it could not be kept (the caller says so)."""
        self._loaded: tuple[str, Where] | None = None
        """The session as last read, and from where: restoring it is no reason to write it back."""

    @property
    def where(self) -> Where:
        """Where a session would be kept now."""
        secrets_where = self._secrets.where
        if secrets_where != "nowhere":
            return secrets_where  # type: ignore[return-value]
        return "memory" if self._agent is not None else "nowhere"

    def allow_secrets_file(self) -> None:
        """The user agreed to the private file just now (``login --allow-secrets-file``)."""
        self._secrets.allow_file_fallback()

    def load(self) -> Session | None:
        """The session the last command kept; None when there is none or it cannot be read."""
        raw: str | None = None
        source: Where = self._secrets.where
        if source != "nowhere":
            with contextlib.suppress(SspError):
                raw = self._secrets.get_secret(self._key)
        if not raw and self._agent is not None and self._secrets.where == "nowhere":
            raw, source = self._agent.get(), "memory"
        if not raw:
            return None
        try:
            session = msgspec.json.decode(raw, type=Session)
            self._loaded = (raw, source)
            return session
        except msgspec.MsgspecError:
            # A value this version cannot read is as good as none; forget it rather than fail every run.
            self.clear()
            return None

    def keep(self, session: Session | None) -> None:
        """The client's ``on_session`` callback: keep the newest session, or forget it when it ended."""
        if session is None:
            self.clear()
            return
        raw = msgspec.json.encode(session).decode()
        if self._loaded is not None and self._loaded[0] == raw:
            # The session just restored (every command restores one): it is kept already, device token and
            # all; writing it back would cost every command a keyring or file write for nothing.
            self.kept_in = self._loaded[1]
            return
        self.kept_in = self._put(raw)
        if session.device_token and self.kept_in in ("keyring", "file"):
            with contextlib.suppress(SspError):
                self._secrets.set_device_token(session.user.username, session.device_token)

    def _put(self, value: str) -> Where:
        if self._secrets.where != "nowhere":
            try:
                self._secrets.set_secret(self._key, value)
                return self._secrets.where  # type: ignore[return-value]
            except SspError:
                pass  # the keyring failed just now: on to memory
        if self._agent is not None:
            try:
                self._agent.put(value)
                return "memory"
            except AgentUnavailable:
                self._agent = None
        return "nowhere"

    def clear(self) -> None:
        self._loaded = None
        with contextlib.suppress(SspError):
            self._secrets.delete_secret(self._key)
        if self._agent is not None:
            self._agent.clear()

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[Session | None]:
        """Hold the kept session against other commands; yields it as kept now (another command may have
        refreshed or replaced it meanwhile). The client's ``SessionShare``."""
        async with self._lock.held():
            yield await asyncio.to_thread(self.load)

    def forget_login(self, username: str) -> None:
        """After a password reset: the kept password and remembered device of ``username`` no longer work
        (and the kept session, when it is theirs, has ended)."""
        from ssp_tui.settings.secrets import SecretKind

        kept = self.load()
        if kept is not None and kept.user.username == username:
            self.clear()
        for kind in (SecretKind.PASSWORD, SecretKind.DEVICE_TOKEN):
            with contextlib.suppress(SspError):
                self._secrets.delete(username, kind)

    def device_token(self, username: str) -> str | None:
        try:
            return self._secrets.device_token(username)
        except SspError:
            return None

    def password(self, username: str) -> str | None:
        try:
            return self._secrets.password(username)
        except SspError:
            return None

    def totp_secret(self, username: str) -> str | None:
        try:
            return self._secrets.totp_secret(username)
        except SspError:
            return None

    def keep_totp_secret(self, username: str, secret: str) -> bool:
        """Keep the authenticator secret of ``username``; False when it could not be kept."""
        try:
            self._secrets.set_totp_secret(username, secret)
        except SspError:
            return False
        return True
