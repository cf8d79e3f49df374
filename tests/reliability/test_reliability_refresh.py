"""A lost answer to POST /auth/refresh does not lose the session: the portal has rotated, the client never
heard, and the refresh token it still holds is the one just rotated away from. Presented again (the client's
retry, or the next command) within the portal's grace window, it gets back the same successor pair.
(Once the client kept the dead refresh token and the session was gone for good.)"""

from __future__ import annotations

import sqlite3

import msgspec
import pytest
from fault_proxy import FaultProxy, LoseResponse, Rule
from reliability_helpers import FAST_RETRIES, CliHome, run_cli
from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import ConnectionFailed
from ssp_tui.api.models import Role, Session

REFRESH = r"/api/v1/auth/refresh"


def _stale_access(session: Session) -> Session:
    """The session as a client holds it once its access token has expired (the portal refuses it: 401)."""
    return msgspec.structs.replace(session, access_token="expired-access-token")


def _rotations(server: SandboxServer) -> int:
    with sqlite3.connect(server.db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM retired_refresh_tokens").fetchone()[0]


async def test_a_lost_refresh_answer_is_retried_and_gets_the_same_pair(
    private_sandbox: SandboxServer, private_proxy: FaultProxy
) -> None:
    session = private_sandbox.fresh_session(private_sandbox.account(Role.POLICYHOLDER).username)
    private_proxy.add(Rule("POST", REFRESH, LoseResponse()))
    async with PortalClient(private_proxy.base_url, retry=FAST_RETRIES) as client:
        client.auth.set_session(_stale_access(session))
        me = await client.me()  # 401, refresh (answer lost), the same refresh again, then /me again
        assert me.username == session.user.username
        rotated = client.auth.session
        assert rotated is not None and rotated.refresh_token != session.refresh_token
    assert not private_proxy.unused()
    assert len(private_proxy.requests_to("POST", REFRESH)) == 2
    assert _rotations(private_sandbox) == 1  # one rotation; the retry got its answer again
    async with PortalClient(private_sandbox.base_url) as later:
        later.auth.set_session(rotated)
        assert (await later.me()).username == session.user.username
        assert (await later.auth.refresh()).refresh_token != rotated.refresh_token  # the family lives on


async def test_when_every_answer_is_lost_the_session_survives_for_the_next_try(
    private_sandbox: SandboxServer, private_proxy: FaultProxy
) -> None:
    session = private_sandbox.fresh_session(private_sandbox.account(Role.AGENT).username)
    tries = FAST_RETRIES.max_retries + 1
    private_proxy.add(Rule("POST", REFRESH, LoseResponse(), times=tries))
    async with PortalClient(private_proxy.base_url, retry=FAST_RETRIES) as client:
        client.auth.set_session(_stale_access(session))
        with pytest.raises(ConnectionFailed):
            await client.me()
        kept = client.auth.session
        assert kept is not None and kept.refresh_token == session.refresh_token  # not forgotten
    # The next command (a new client, the network back) presents the same token: same pair, signed in.
    async with PortalClient(private_sandbox.base_url) as next_command:
        next_command.auth.set_session(kept)
        assert (await next_command.me()).username == session.user.username
    assert _rotations(private_sandbox) == 1


def test_a_command_whose_refresh_answer_is_lost_keeps_a_working_session(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome
) -> None:
    session = private_sandbox.fresh_session(private_sandbox.account(Role.POLICYHOLDER).username)
    home.keep_session(private_proxy.base_url, _stale_access(session))
    private_proxy.add(Rule("POST", REFRESH, LoseResponse()))
    first = run_cli(private_proxy.base_url, home, "whoami")
    assert first.exit_code == 0, first.stderr
    assert not private_proxy.unused()
    second = run_cli(private_proxy.base_url, home, "policies", "list")  # the kept session is the new pair
    assert second.exit_code == 0, second.stderr
    assert _rotations(private_sandbox) == 1
