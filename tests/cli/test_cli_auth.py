"""login, logout and whoami: without a prompt from SSP_* variables, with a code on stdin, with a remembered
device; the session kept between commands; and what happens where secrets cannot be kept."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.fail
import msgspec
import pyotp
from cli_helpers import Cli, login_env, prime_device
from sandbox_harness import SandboxServer

from ssp_tui import clock
from ssp_tui.api.models import Role, User
from ssp_tui.cli.exit_codes import ExitCode


def test_login_from_the_environment_then_commands_need_no_login(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    account = private_sandbox.account(Role.AGENT, 1)
    env = {**login_env(private_sandbox, account.username), "SSP_TOTP_SECRET": account.totp_secret or ""}
    result = private_cli.run("login", profile="env-login", env=env)
    assert result.exit_code == 0, result.stderr
    assert f"Logged in as {account.username}" in result.stderr
    assert result.stdout == ""  # data only on stdout, and a login prints no data
    # A later command: no variables, no prompt; the kept session is used (and refreshed as needed).
    whoami = private_cli.run("whoami", "--json", profile="env-login")
    assert whoami.exit_code == 0, whoami.stderr
    user = msgspec.json.decode(whoami.stdout, type=User)
    assert (user.username, user.role) == (account.username, Role.AGENT)
    for secret in (account.password, account.totp_secret):
        assert secret not in result.stderr + whoami.stderr + whoami.stdout


def test_login_prompts_and_reads_the_code_from_stdin(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    account = private_sandbox.account(Role.INSURED, 1)
    code = pyotp.TOTP(account.totp_secret).at(clock.now())
    answers = f"{account.username}\n{account.password}\n{code}\n"
    result = private_cli.run("login", profile="prompted", input=answers)
    assert result.exit_code == 0, result.stderr
    assert account.password not in result.stdout + result.stderr  # the password prompt does not echo
    whoami = private_cli.run("whoami", profile="prompted")
    assert whoami.exit_code == 0
    assert f"Username: {account.username}" in whoami.stdout
    assert "Role: insured" in whoami.stdout


def test_logout_revokes_and_forgets_the_session(cli: Cli, sandbox: SandboxServer) -> None:
    profile = "logout-test"
    account = sandbox.account(Role.POLICYHOLDER, 1)
    prime_device(sandbox, cli.home, profile, account.username)
    assert cli.run("login", profile=profile, env=login_env(sandbox, account.username)).exit_code == 0
    assert cli.run("whoami", profile=profile).exit_code == 0
    result = cli.run("logout", profile=profile)
    assert result.exit_code == 0
    assert "Logged out." in result.stderr
    after = cli.run("whoami", profile=profile)
    assert after.exit_code == ExitCode.LOGIN_NEEDED
    again = cli.run("logout", profile=profile)
    assert again.exit_code == 0 and "Not logged in." in again.stderr


def test_commands_log_in_from_the_environment_when_nothing_is_kept(cli: Cli, sandbox: SandboxServer) -> None:
    """SSP_USERNAME + SSP_PASSWORD and a remembered device: no login command, no prompt."""
    account = sandbox.account(Role.AGENT, 0)
    prime_device(sandbox, cli.home, "env-only", account.username)
    result = cli.run("whoami", "--json", profile="env-only", env=login_env(sandbox, account.username))
    assert result.exit_code == 0, result.stderr
    assert msgspec.json.decode(result.stdout, type=User).username == account.username


def test_a_wrong_password_is_an_error_with_the_portals_words(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    account = private_sandbox.account(Role.SUPPORT)
    env = {"SSP_USERNAME": account.username, "SSP_PASSWORD": "not-the-password"}
    result = private_cli.run("login", profile="wrong", env=env, input="")
    assert result.exit_code == ExitCode.LOGIN_NEEDED
    assert result.stderr.startswith("Error: ")
    assert "not-the-password" not in result.stderr


def test_an_mfa_login_without_a_code_source_says_what_to_set(cli: Cli, sandbox: SandboxServer) -> None:
    account = sandbox.account(Role.SUPPORT)
    result = cli.run("policies", "list", profile="no-totp", env=login_env(sandbox, account.username))
    assert result.exit_code == ExitCode.LOGIN_NEEDED
    assert "SSP_TOTP_SECRET" in result.stderr


def test_without_a_keyring_or_consent_the_session_is_kept_in_memory_and_it_says_so(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the conftest puts the memory keyring back after
    account = private_sandbox.account(Role.POLICYHOLDER, 0)
    env = {**login_env(private_sandbox, account.username), "SSP_TOTP_SECRET": account.totp_secret or ""}
    result = private_cli.run("login", profile="no-keyring", env=env)
    assert result.exit_code == 0, result.stderr
    assert "kept in memory" in result.stderr and "nothing on disk" in result.stderr
    later = private_cli.run("whoami", profile="no-keyring")
    assert later.exit_code == 0, later.stderr
    nowhere = private_cli.run("whoami", profile="no-keyring", env={"SSP_SESSION_AGENT": "0"})
    assert nowhere.exit_code == ExitCode.LOGIN_NEEDED  # the agent is the only place it was kept


def test_enrollment_is_refused_without_a_terminal_flow(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    """A user with no authenticator cannot be enrolled from SSP_* variables; it says to run login."""
    unenrolled = next(a for a in private_sandbox.accounts if a.totp_secret is None)
    result = private_cli.run("whoami", profile="enroll", env=login_env(private_sandbox, unenrolled.username))
    assert result.exit_code == ExitCode.LOGIN_NEEDED
    assert "ssp-tui login" in result.stderr


def test_an_ended_session_with_credentials_in_the_environment_logs_in_again(
    cli: Cli, sandbox: SandboxServer
) -> None:
    from ssp_tui.api.client import normalize_base_url
    from ssp_tui.api.models import Session
    from ssp_tui.cli.session_store import session_key
    from ssp_tui.settings.secrets import SecretStore

    account = sandbox.account(Role.AGENT, 1)
    profile = "relogin"
    prime_device(sandbox, cli.home, profile, account.username)
    user = User(id="u", username=account.username, display_name="x", email="x@example.com", role=Role.AGENT)
    stale = Session(access_token="revoked-access", refresh_token="revoked-refresh", expires_in=1, user=user)
    store = SecretStore(profile, backend=cli.home.keyring)
    key = session_key(normalize_base_url(sandbox.base_url))
    store.set_secret(key, msgspec.json.encode(stale).decode())
    result = cli.run("whoami", "--json", profile=profile, env=login_env(sandbox, account.username))
    assert result.exit_code == 0, result.stderr
    assert msgspec.json.decode(result.stdout, type=User).username == account.username
    kept = msgspec.json.decode(store.get_secret(key) or "", type=Session)
    assert kept.refresh_token != "revoked-refresh"  # the new session replaced the ended one


def test_a_download_after_the_session_ended_signs_in_again_and_completes(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Issue 18: a download command meeting an ended session goes through the CLI's retry (sign in again from
    the environment, run the body again) rather than failing its files. The engine's own part, letting
    AuthenticationRequired escape mid-run, is tests/operations/test_ops_download_disk.py's."""
    from ssp_tui.api.client import normalize_base_url
    from ssp_tui.api.models import PolicySummary, Session
    from ssp_tui.cli.session_store import session_key
    from ssp_tui.settings.secrets import SecretStore

    account = sandbox.account(Role.AGENT, 1)
    profile = "relogin-download"
    prime_device(sandbox, cli.home, profile, account.username)
    env = {**login_env(sandbox, account.username), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    listed = cli.run("policies", "list", "--json", profile=profile, env=env)
    assert listed.exit_code == 0, listed.stderr
    policy = msgspec.json.decode(listed.stdout, type=list[PolicySummary])[0].policy_number
    # The kept session (with the user's capabilities) now holds tokens the portal no longer knows.
    store = SecretStore(profile, backend=cli.home.keyring)
    key = session_key(normalize_base_url(sandbox.base_url))
    kept = msgspec.json.decode(store.get_secret(key) or "", type=Session)
    stale = msgspec.structs.replace(kept, access_token="revoked-access", refresh_token="revoked-refresh")
    store.set_secret(key, msgspec.json.encode(stale).decode())

    folder = tmp_path / "out"
    result = cli.run("docs", "download", policy, "--dir", str(folder), profile=profile, env=env)
    assert result.exit_code == 0, result.stderr
    saved = [Path(line) for line in result.stdout.splitlines()]
    assert saved and all(path.is_file() and folder in path.parents for path in saved)
    assert "session" not in result.stderr.lower(), result.stderr
