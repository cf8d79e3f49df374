"""The new command groups as a script runs them: ``account``, ``mfa``, ``changes``, ``renewals`` and the
sandbox's ``registrations`` and ``approve``, with ``--json`` read back into the contract's models and the
documented exit codes (0 done, 1 refused, 2 usage, 3 login needed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import msgspec
import pyotp
from cli_helpers import Cli, LoginAs, login_env, prime_device
from sandbox_harness import SandboxServer

from ssp_tui import clock
from ssp_tui.api.models import ChangeRequest, MfaStatus, RememberedDevice, RenewalApplication
from ssp_tui.cli.exit_codes import ExitCode
from ssp_tui.sandbox.registrations import Registration

GOOD_PASSWORD = "amber orchard signal 58"


def private_login(server: SandboxServer, cli: Cli, profile: str, username: str) -> str:
    prime_device(server, cli.home, profile, username)
    result = cli.run("login", profile=profile, env=login_env(server, username))
    assert result.exit_code == 0, result.stderr
    return profile


def latest(server: SandboxServer, sql: str, *params: object) -> sqlite3.Row:
    with sqlite3.connect(server.db_path) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute(sql, params).fetchone()
    assert row is not None, sql
    return row


def test_register_approve_and_set_the_first_password(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    db = ["--db", str(private_sandbox.db_path)]
    usage = private_cli.run(
        "account",
        "register",
        "--type",
        "authorized-user",
        "--name",
        "Ruth Ames",
        "--email",
        "r@x.example",
        "--phone",
        "616-555-0100",
        "--policy",
        "X",
    )
    assert usage.exit_code == ExitCode.USAGE and "--works-for" in usage.stderr
    policy = latest(
        private_sandbox,
        "SELECT p.policy_number FROM policies p JOIN users u ON u.customer_id = "
        "p.customer_id WHERE u.username = 'office.lakes' ORDER BY p.rowid",
    )[0]
    registered = private_cli.run(
        "account",
        "register",
        "--type",
        "authorized-user",
        "--name",
        "Ruth Ames",
        "--email",
        "ruth.ames@lakes.example",
        "--phone",
        "616-555-0100",
        "--policy",
        policy,
        "--works-for",
        "Great Lakes",
        "--json",
    )
    assert registered.exit_code == 0, registered.stderr
    assert "business days" in json.loads(registered.stdout)["message"]
    listed = private_cli.run("sandbox", "registrations", "--json", *db, portal=False)
    pending = [
        r for r in msgspec.json.decode(listed.stdout, type=list[Registration]) if r.status == "pending"
    ]
    ruth = next(r for r in pending if r.email == "ruth.ames@lakes.example")
    approved = private_cli.run("sandbox", "approve", ruth.id, *db, portal=False)
    assert approved.exit_code == 0 and "login rames" in approved.stderr
    twice = private_cli.run("sandbox", "approve", ruth.id, *db, portal=False)
    assert twice.exit_code == 1 and "already approved" in twice.stderr
    code = latest(private_sandbox, "SELECT code FROM outbox WHERE username = 'rames' ORDER BY id DESC")[0]
    weak = private_cli.run(
        "account", "reset-password", "-u", "rames", "--code", code, "--password-stdin", input="password1\n"
    )
    assert weak.exit_code == ExitCode.ERROR and "common" in weak.stderr and "Traceback" not in weak.stderr
    wrong = private_cli.run(
        "account",
        "reset-password",
        "-u",
        "rames",
        "--code",
        "000001",
        "--password-stdin",
        input=GOOD_PASSWORD,
    )
    assert wrong.exit_code == ExitCode.ERROR and "not correct" in wrong.stderr
    done = private_cli.run(
        "account", "reset-password", "-u", "rames", "--code", code, "--password-stdin", input=GOOD_PASSWORD
    )
    assert done.exit_code == 0, done.stderr
    assert "ssp-tui login -u rames" in done.stderr


def test_recovery_commands_send_and_say_the_same(private_sandbox: SandboxServer, private_cli: Cli) -> None:
    known = private_cli.run(
        "account", "recover-username", "--email", "dr.abbott@harborpediatricsmedical.example"
    )
    unknown = private_cli.run("account", "recover-username", "--email", "nobody@nowhere.example")
    assert known.exit_code == unknown.exit_code == 0 and known.stderr == unknown.stderr
    asked = private_cli.run("account", "reset-password", "-u", "dr.abbott")
    assert asked.exit_code == 0 and "--code CODE" in asked.stderr
    code = latest(private_sandbox, "SELECT code FROM outbox WHERE username = 'dr.abbott' ORDER BY id DESC")[0]
    assert len(code) == 6


def test_mfa_commands(private_sandbox: SandboxServer, private_cli: Cli) -> None:
    profile = private_login(private_sandbox, private_cli, "mfa", "dr.patel")
    factors = private_cli.run("mfa", "factors", "--json", profile=profile)
    assert msgspec.json.decode(factors.stdout, type=MfaStatus).totp_enrolled
    started = private_cli.run("mfa", "phone", "916-555-0188", "--by", "voice", "--json", profile=profile)
    assert started.exit_code == 0, started.stderr
    token = json.loads(started.stdout)["change_token"]
    code = latest(private_sandbox, "SELECT code FROM outbox WHERE factor = 'voice' ORDER BY id DESC")[0]
    bad = private_cli.run("mfa", "phone", "--confirm", token, "--code", "00000", profile=profile)
    assert bad.exit_code == ExitCode.ERROR
    confirmed = private_cli.run("mfa", "phone", "--confirm", token, "--code", code, "--json", profile=profile)
    assert confirmed.exit_code == 0, confirmed.stderr
    assert msgspec.json.decode(confirmed.stdout, type=MfaStatus).phone_hint == "***-***-0188"
    assert private_cli.run("mfa", "phone", profile=profile).exit_code == ExitCode.USAGE
    reenroll = private_cli.run("mfa", "reenroll", "--json", profile=profile)
    started_totp = json.loads(reenroll.stdout)
    secret = pyotp.parse_uri(started_totp["otpauth_uri"]).secret
    done = private_cli.run(
        "mfa",
        "reenroll",
        "--confirm",
        started_totp["enrollment_token"],
        "--code",
        pyotp.TOTP(secret).at(clock.now()),
        profile=profile,
    )
    assert done.exit_code == 0, done.stderr
    devices = msgspec.json.decode(
        private_cli.run("mfa", "devices", "--json", profile=profile).stdout, type=list[RememberedDevice]
    )
    safari = next(d for d in devices if d.label.startswith("Safari"))
    assert private_cli.run("mfa", "revoke-device", safari.id, profile=profile).exit_code == 0
    again = private_cli.run("mfa", "revoke-device", safari.id, profile=profile)
    assert again.exit_code == ExitCode.ERROR and "No such device" in again.stderr


def test_change_request_commands(private_sandbox: SandboxServer, private_cli: Cli) -> None:
    profile = private_login(private_sandbox, private_cli, "changes", "office.lakes")
    policy = latest(
        private_sandbox,
        "SELECT p.policy_number FROM policies p JOIN users u ON u.customer_id = "
        "p.customer_id WHERE u.username = 'office.lakes' ORDER BY p.rowid",
    )[0]
    missing = private_cli.run(
        "changes", "request", "--policy", policy, "--kind", "add-insured", "--name", "X", profile=profile
    )
    assert missing.exit_code == ExitCode.USAGE and "--credentials" in missing.stderr
    created = private_cli.run(
        "changes",
        "request",
        "--policy",
        policy,
        "--kind",
        "remove-insured",
        "--insured",
        "Samuel Hoffman",
        "--reason",
        "retired",
        "--effective",
        "2026-12-31",
        "--json",
        profile=profile,
    )
    assert created.exit_code == 0, created.stderr
    request = msgspec.json.decode(created.stdout, type=ChangeRequest)
    assert request.summary.startswith("Remove Samuel Hoffman")
    limits = private_cli.run(
        "changes",
        "request",
        "--policy",
        policy,
        "--kind",
        "change-limits",
        "--per-claim",
        "3M",
        "--aggregate",
        "7M",
        "--effective",
        "2026-12-31",
        profile=profile,
    )
    assert limits.exit_code == ExitCode.ERROR and "the insurer writes these limits" in limits.stderr
    assert "--idempotency-key" in limits.stderr
    listed = private_cli.run("changes", "list", "--open", "--json", profile=profile)
    assert request.id in {c.id for c in msgspec.json.decode(listed.stdout, type=list[ChangeRequest])}
    shown = private_cli.run("changes", "show", request.id, profile=profile)
    assert shown.exit_code == 0 and "Remove Samuel Hoffman" in shown.stdout


def test_an_insured_may_not_request_changes(cli: Cli, login_as: LoginAs) -> None:
    refused = cli.run("changes", "list", profile=login_as("insured"))
    assert refused.exit_code == ExitCode.ERROR and "cannot use policy change requests" in refused.stderr


def test_renewal_commands(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    agent = login_as("agent")
    listed = cli.run("renewals", "list", "--status", "missing", "--json", profile=agent)
    missing = msgspec.json.decode(listed.stdout, type=list[RenewalApplication])
    assert missing and all(a.document is None for a in missing)
    every = msgspec.json.decode(
        cli.run("renewals", "list", "--json", profile=agent).stdout, type=list[RenewalApplication]
    )
    done = next(a for a in every if a.document is not None)
    out = tmp_path / "apps"
    fetched = cli.run(
        "renewals",
        "download",
        done.policy_number,
        "--dir",
        str(out),
        profile=agent,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert fetched.exit_code == 0, fetched.stderr
    assert [p.suffix for p in out.rglob("*.pdf")] == [".pdf"]
    skipped = cli.run("renewals", "download", missing[0].policy_number, "--dir", str(out), profile=agent)
    assert skipped.exit_code == ExitCode.ERROR and "still missing" in skipped.stderr
    refused = cli.run("renewals", "list", profile=login_as("policyholder"))
    assert refused.exit_code == ExitCode.ERROR and "cannot use renewal applications" in refused.stderr
