"""What lands on the user's disk, end to end through the real client (issue 17): after a scripted CLI session
every file the client wrote is readable by the user only, and a document whose title holds a '/' fails with a
line that names the whole title."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import msgspec
import pytest
from fault_proxy import FaultProxy, Respond, Rule
from keyring.backends.fail import Keyring as NoKeyring
from reliability_helpers import CliHome, files_under, run_cli
from sandbox_harness import SandboxServer

from ssp_tui.api.models import Certificate, PolicySummary, Role
from ssp_tui.cli.exit_codes import ExitCode

HTML = b"<html><body>Service temporarily unavailable</body></html>"


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual default: without care, files would be 0644 and folders 0755."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def not_private(root: Path) -> dict[str, str]:
    """Every file under ``root`` that is not 0600 and every folder that is not 0700 (``root`` included)."""
    paths = [root, *root.rglob("*")]
    return {
        str(path): oct(mode_of(path))
        for path in paths
        if mode_of(path) != (0o700 if path.is_dir() and not path.is_symlink() else 0o600)
    }


def test_every_private_record_a_cli_session_writes_is_readable_by_the_user_only(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome, tmp_path: Path, umask_022: None
) -> None:
    """Downloads (separate and combined, documents and certificates), their manifests, the cache, exports and
    the secrets file (no keyring here, so the consented file fallback)."""
    account = private_sandbox.account(Role.POLICYHOLDER)
    assert account.totp_secret
    credentials = {
        "SSP_USERNAME": account.username,
        "SSP_PASSWORD": account.password,
        "SSP_TOTP_SECRET": account.totp_secret,
    }
    env = {"SSP_SECRETS_FILE": "1"}
    keyring.set_keyring(NoKeyring())  # the home fixture puts its own keyring back afterwards
    portal = private_proxy.base_url
    records = tmp_path / "records"  # does not exist: every folder under it is made by the client

    def step(*args: str, with_credentials: bool = False) -> str:
        result = run_cli(portal, home, *args, env=env | (credentials if with_credentials else {}))
        assert result.exit_code == 0, (args, result.stderr)
        return result.stdout

    step("login", with_credentials=True)
    policies = msgspec.json.decode(step("policies", "list", "--json"), type=list[PolicySummary])
    policy = policies[0].policy_number
    step("docs", "download", policy, "--dir", str(records / "docs"))
    step("docs", "download", policy, "--combine", str(records / "combined" / "all.pdf"))
    certificates = msgspec.json.decode(step("coi", "list", "--json"), type=list[Certificate])
    step("coi", "download", certificates[0].id, "--separate", str(records / "coi"))
    (records / "exports").mkdir(mode=0o700)  # an export goes into a folder that exists
    step("seminars", "activity", "--xlsx", str(records / "exports" / "activity.xlsx"))
    step("seminars", "activity", "--csv", str(records / "exports" / "activity.csv"))

    secrets_file = home.root / "data" / "ssp-tui" / "secrets" / "secrets.json"
    assert secrets_file.is_file(), "the session was kept in the consented secrets file"
    written = files_under(records)
    assert {p.suffix for p in written} >= {".pdf", ".json", ".xlsx", ".csv"}
    assert files_under(home.root / "cache" / "ssp-tui"), "the cache was used"
    wrong = {
        **not_private(records),
        **not_private(home.root / "cache" / "ssp-tui"),
        **not_private(secrets_file.parent),
    }
    assert wrong == {}


def test_a_title_with_a_slash_is_named_whole_when_its_download_fails(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome, tmp_path: Path
) -> None:
    """Once the failure line said only "2027.pdf: ..." (the title cut at its '/')."""
    title = "Policy 2026/2027 renewal"
    with sqlite3.connect(private_sandbox.db_path) as conn:
        policy_number, document_id = conn.execute(
            "SELECT p.policy_number, d.id FROM policies p JOIN documents d ON d.policy_id = p.id "
            "JOIN users u ON u.customer_id = p.customer_id "
            "WHERE u.username = ? AND d.term = 'current' AND p.status = 'active' "
            "ORDER BY p.policy_number, d.id LIMIT 1",
            [private_sandbox.account(Role.POLICYHOLDER).username],
        ).fetchone()
        conn.execute("UPDATE documents SET title = ? WHERE id = ?", [title, document_id])
    username = private_sandbox.account(Role.POLICYHOLDER).username
    home.keep_session(private_proxy.base_url, private_sandbox.session(username))
    private_proxy.add(
        Rule(
            "GET", rf"/api/v1/documents/{document_id}/content", Respond(200, HTML, "application/pdf"), times=9
        )
    )
    folder = tmp_path / "docs"
    result = run_cli(private_proxy.base_url, home, "docs", "download", policy_number, "--dir", str(folder))

    assert result.exit_code == ExitCode.PARTIAL, result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    # "failed: TITLE: FILE: why", the title as the CLI lists it (after the policy number), whole.
    assert line.startswith(f"failed: {policy_number} {title}: {policy_number} Policy 2026-2027 renewal.pdf: ")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [entry["title"] for entry in manifest["failed"]] == [f"{policy_number} {title}"]
