"""``ssp-tui support``: every seeded problem account's flag in search and in the account view (problems first,
holder requests with their age and overdue mark), ``--summary`` prints the shared plain-text summary with no
secret in it, and the other roles are refused."""

from __future__ import annotations

import sqlite3

import msgspec
import pytest
from cli_helpers import Cli, LoginAs
from sandbox_harness import SandboxServer

from ssp_tui.api.models import FlagKind, Role, SupportAccount, SupportAccountHit
from ssp_tui.cli.exit_codes import ExitCode
from ssp_tui.operations.support_summary import OVERDUE_MARK, account_summary

PROBLEM_USERS: dict[str, FlagKind] = {
    "billing.coastal": FlagKind.PAST_DUE,
    "dr.lopez": FlagKind.LOCKED_USER,
    "dr.kim": FlagKind.MFA_NOT_ENROLLED,
    "credentialing.mercy": FlagKind.OVERDUE_HOLDER_REQUEST,
    "dr.abbott": FlagKind.CANCELLED_POLICY,
}


def secrets_of_every_user(sandbox: SandboxServer) -> set[str]:
    with sqlite3.connect(sandbox.db_path) as conn:
        rows = conn.execute("SELECT password_hash, totp_secret, demo_password FROM users").fetchall()
    return {value for row in rows for value in row if value} | {a.password for a in sandbox.accounts}


@pytest.mark.parametrize(("username", "kind"), PROBLEM_USERS.items())
def test_each_problem_account_shows_its_flag(
    cli: Cli, login_as: LoginAs, sandbox: SandboxServer, username: str, kind: FlagKind
) -> None:
    support = login_as(Role.SUPPORT)
    found = cli.run("support", "search", username, "--json", profile=support)
    assert found.exit_code == 0, found.stderr
    hit = next(
        h for h in msgspec.json.decode(found.stdout, type=list[SupportAccountHit]) if username in h.usernames
    )
    assert kind in {flag.kind for flag in hit.flags}
    listing = cli.run("support", "search", username, profile=support)
    assert all(flag.message in listing.stdout for flag in hit.flags)

    shown = cli.run("support", "account", hit.id, profile=support)
    assert shown.exit_code == 0, shown.stderr
    problems = shown.stdout.split("Problems:")[1]
    assert all(flag.message in problems for flag in hit.flags)
    if kind is FlagKind.OVERDUE_HOLDER_REQUEST:
        assert OVERDUE_MARK in shown.stdout and "days" in shown.stdout

    summary = cli.run("support", "account", hit.id, "--summary", profile=support)
    assert summary.exit_code == 0, summary.stderr
    account = msgspec.json.decode(
        cli.run("support", "account", hit.id, "--json", profile=support).stdout, type=SupportAccount
    )
    # The same text as the TUI copies, but for the "as of" time on the first line.
    expected = account_summary(account).split("\n", 1)[1]
    assert summary.stdout.split("\n", 1)[1] == expected
    assert not [
        secret for secret in secrets_of_every_user(sandbox) if secret in summary.stdout + shown.stdout
    ]


@pytest.mark.parametrize("role", [Role.POLICYHOLDER, Role.INSURED])
def test_other_roles_are_refused(cli: Cli, login_as: LoginAs, role: Role) -> None:
    profile = login_as(role)
    for args in (("search", "lopez"), ("account", "cu_anyaccount000")):
        refused = cli.run("support", *args, profile=profile)
        assert refused.exit_code == ExitCode.ERROR, refused.stderr
        assert "cannot use support triage" in refused.stderr, refused.stderr
        assert refused.stdout == ""
