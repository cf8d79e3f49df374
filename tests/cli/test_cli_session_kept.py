"""Restoring the kept session does not write it back: a command that only reads costs no keyring or file write
(every command used to rewrite the session it had just read, docs/performance.md "CLI (issue 24)")."""

from __future__ import annotations

from pathlib import Path

import msgspec
from memory_keyring import MemoryKeyring
from sandbox_harness import SandboxServer

from ssp_tui.api.models import Role
from ssp_tui.cli.session_store import SessionStore, session_key
from ssp_tui.settings.secrets import SecretStore


class CountingKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1
        super().set_password(service, username, password)


def test_the_restored_session_is_not_written_again_but_a_new_one_is(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    backend = CountingKeyring()
    secrets = SecretStore("kept", backend=backend, fallback_dir=tmp_path / "s")
    key = session_key(sandbox.base_url)
    session = sandbox.session(sandbox.account(Role.AGENT).username)
    SessionStore(secrets, key).keep(session)
    written = backend.writes
    # The session, and the remember-device token when this sign-in was given one (the shared sandbox gives it
    # to a user's first sign-in of the worker only: the test cannot know which it gets).
    assert written == (2 if session.device_token else 1)

    command = SessionStore(secrets, key)  # the next command
    restored = command.load()
    assert restored == session
    command.keep(restored)  # what the client's set_session does with the restored session
    assert backend.writes == written and command.kept_in == "keyring"

    rotated = msgspec.structs.replace(session, refresh_token="rotated-refresh-token")
    command.keep(rotated)  # a refresh: the new pair is kept at once
    assert backend.writes == 2 * written and command.kept_in == "keyring"
    assert SessionStore(secrets, key).load() == rotated

    command.clear()
    assert SessionStore(secrets, key).load() is None
    command.keep(restored)  # after clearing, the same session is a new one to keep
    assert SessionStore(secrets, key).load() == restored
