"""Each sign-in failure is one line on stderr that says what to do next and never says a thing twice.
(Once: "Account locked: Login locked: ...", "Session ended: Please sign in again. Run `ssp-tui login`".)"""

from __future__ import annotations

import json
import re
import sqlite3

import httpx2
import msgspec
from cli_helpers import Cli, login_env
from sandbox_harness import SandboxServer

from ssp_tui import clock
from ssp_tui.api.constants import WEB_SUPPORT_EMAIL
from ssp_tui.api.models import Role, Session
from ssp_tui.cli.exit_codes import ExitCode
from ssp_tui.cli.session_store import SessionStore, session_key
from ssp_tui.settings.secrets import SecretStore


def assert_one_clear_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("Error: ")
    words = re.findall(r"[a-z0-9']+", line.lower())
    triples = [tuple(words[n : n + 3]) for n in range(len(words) - 2)]
    repeated = {t for t in triples if triples.count(t) > 1}
    assert not repeated, (line, repeated)
    assert "sign in again. run" not in line.lower()
    return line


def _keep(cli: Cli, profile: str, session: Session) -> None:
    store = SecretStore(profile, backend=cli.home.keyring)
    SessionStore(store, session_key(cli.base_url)).keep(session)


def test_a_wrong_password(private_sandbox: SandboxServer, private_cli: Cli) -> None:
    account = private_sandbox.account(Role.AGENT)
    env = {"SSP_USERNAME": account.username, "SSP_PASSWORD": "wrong-password"}
    result = private_cli.run("whoami", profile="msg-wrong", env=env)
    assert result.exit_code == ExitCode.LOGIN_NEEDED
    line = assert_one_clear_line(result.stderr)
    assert "username or password is not correct" in line and "ssp-tui login" in line
    # What to do, and whom to ask (issue 19.5); the portal's generic title is not said before it.
    assert "Check the username and password and try again" in line and WEB_SUPPORT_EMAIL in line
    assert "authentication required" not in line.lower()


def test_a_login_on_hold_says_when_it_ends_once(private_sandbox: SandboxServer, private_cli: Cli) -> None:
    account = private_sandbox.account(Role.POLICYHOLDER, 1)
    with sqlite3.connect(private_sandbox.db_path) as conn:
        held_at = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        conn.execute("UPDATE users SET locked_at = ? WHERE username = ?", [held_at, account.username])
    result = private_cli.run("whoami", profile="msg-hold", env=login_env(private_sandbox, account.username))
    assert result.exit_code == ExitCode.ERROR
    line = assert_one_clear_line(result.stderr)
    assert "on hold" in line and "unlocks by itself at" in line
    assert "Try again in" not in line  # the moment is already said
    assert line.lower().count("on hold") == 1 and "locked:" not in line.lower()
    assert "Try again once it has unlocked" in line and WEB_SUPPORT_EMAIL in line


def test_a_login_on_hold_as_json_says_what_to_do_apart(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    account = private_sandbox.account(Role.POLICYHOLDER, 1)
    with sqlite3.connect(private_sandbox.db_path) as conn:
        held_at = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        conn.execute("UPDATE users SET locked_at = ? WHERE username = ?", [held_at, account.username])
    env = login_env(private_sandbox, account.username)
    result = private_cli.run("whoami", "--json", profile="msg-hold-json", env=env)
    assert result.exit_code == ExitCode.ERROR
    error = json.loads(result.stderr)["error"]
    assert "unlocks by itself at" in error["message"] and "Try again" not in error["message"]
    assert error["next_step"].startswith("Try again once it has unlocked.")
    assert WEB_SUPPORT_EMAIL in error["next_step"]


def test_throttled_sign_ins_say_when_to_try_again(private_sandbox: SandboxServer, private_cli: Cli) -> None:
    account = private_sandbox.account(Role.INSURED)
    env = {"SSP_USERNAME": account.username, "SSP_PASSWORD": "wrong-password"}
    for _ in range(8):
        result = private_cli.run("whoami", profile="msg-throttle", env=env)
        if "hold" in result.stderr:
            break
    line = assert_one_clear_line(result.stderr)
    assert "hold ends by itself at" in line


def test_an_ended_session(private_sandbox: SandboxServer, private_cli: Cli) -> None:
    session = private_sandbox.fresh_session(private_sandbox.account(Role.AGENT, 1).username)
    with httpx2.Client(base_url=private_sandbox.api_url) as client:
        auth = {"Authorization": f"Bearer {session.access_token}"}
        assert client.post("/auth/logout", headers=auth).status_code == 204
    _keep(private_cli, "msg-ended", msgspec.structs.replace(session, access_token="expired"))
    result = private_cli.run("whoami", profile="msg-ended")
    assert result.exit_code == ExitCode.LOGIN_NEEDED
    line = assert_one_clear_line(result.stderr)
    assert "session has ended" in line and "ssp-tui login" in line


def test_a_reused_refresh_token_says_why_the_session_ended(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    session = private_sandbox.fresh_session(private_sandbox.account(Role.POLICYHOLDER, 0).username)
    with httpx2.Client(base_url=private_sandbox.api_url) as client:
        token = session.refresh_token
        for _ in range(2):  # rotated, and its successor rotated again: the first token is long replaced
            token = client.post("/auth/refresh", json={"refresh_token": token}).json()["refresh_token"]
    _keep(private_cli, "msg-reuse", msgspec.structs.replace(session, access_token="expired"))
    result = private_cli.run("whoami", profile="msg-reuse")
    assert result.exit_code == ExitCode.LOGIN_NEEDED
    line = assert_one_clear_line(result.stderr)
    assert "used again" in line and "ssp-tui login" in line
