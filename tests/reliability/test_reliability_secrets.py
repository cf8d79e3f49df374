"""A secrets scan: after a full scripted CLI session (login with MFA and remember-device, listings, a
download, an export, logout) with every folder pointed at the test's own, the password, the TOTP secret and
every token the portal issued appear in no file under those folders, and in no output or log."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import msgspec
import pytest
from fault_proxy import FaultProxy
from reliability_helpers import CliHome, files_under, run_cli
from sandbox_harness import SandboxServer

from ssp_tui.api.models import PolicySummary, Role

TOKEN_FIELDS = re.compile(rb'"(access_token|refresh_token|device_token|mfa_token)"\s*:\s*"([^"]+)"')


def issued_tokens(proxy: FaultProxy) -> set[bytes]:
    """Every token the portal sent through the proxy during the session."""
    return {match.group(2) for body in proxy.answers for match in TOKEN_FIELDS.finditer(body)}


def test_no_secret_reaches_a_file_an_output_or_a_log(
    private_sandbox: SandboxServer,
    private_proxy: FaultProxy,
    home: CliHome,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    account = private_sandbox.account(Role.POLICYHOLDER)
    assert account.totp_secret
    env = {
        "SSP_USERNAME": account.username,
        "SSP_PASSWORD": account.password,
        "SSP_TOTP_SECRET": account.totp_secret,
    }
    portal = private_proxy.base_url
    downloads = tmp_path / "downloads"
    outputs: list[str] = []

    def step(*args: str, with_credentials: bool = False) -> None:
        result = run_cli(portal, home, *args, env=env if with_credentials else {})
        assert result.exit_code == 0, (args, result.stderr)
        outputs.extend([result.stdout, result.stderr])

    step("login", "--remember-device", with_credentials=True)
    step("whoami")
    listed = run_cli(portal, home, "policies", "list", "--json")
    outputs.extend([listed.stdout, listed.stderr])
    policy = msgspec.json.decode(listed.stdout, type=list[PolicySummary])[0]
    step("docs", "download", policy.policy_number, "--dir", str(downloads))
    step("docs", "download", policy.policy_number, "--combine", str(downloads / "all.pdf"))
    step("seminars", "activity", "--xlsx", str(downloads / "activity.xlsx"))
    step("seminars", "activity", "--csv", str(downloads / "activity.csv"))
    step("logout")

    tokens = issued_tokens(private_proxy)
    kinds = {m.group(1) for body in private_proxy.answers for m in TOKEN_FIELDS.finditer(body)}
    assert {b"access_token", b"refresh_token", b"device_token", b"mfa_token"} <= kinds, kinds
    secrets = {account.password.encode(), account.totp_secret.encode(), *tokens}

    # The portal's own database sits in the same test folder; everything else here is the client's.
    written = {p for p in files_under(tmp_path) if not p.name.startswith(private_sandbox.db_path.name)}
    assert home.root in {q for p in written for q in p.parents}
    assert any(p.suffix == ".xlsx" for p in written) and any(p.suffix == ".pdf" for p in written)
    for path in written:
        data = path.read_bytes()
        leaked = [s[:6] for s in secrets if s in data]
        assert leaked == [], f"{path} holds a secret starting {leaked}"
    text = "\n".join(outputs) + "\n".join(r.getMessage() for r in caplog.records)
    leaked = [s[:6] for s in secrets if s.decode() in text]
    assert leaked == [], f"a secret starting {leaked} reached the output or a log"
    assert caplog.records, "nothing was logged: the log scan would prove nothing"
