"""A holder file sent through the fault proxy: answers lost mid-run, then the same file run again creates
every request exactly once."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import msgspec
from fault_proxy import FaultProxy, LoseResponse, Rule
from reliability_helpers import CliHome, run_cli
from sandbox_harness import SandboxServer

from ssp_tui.api.models import Certificate, PolicySummary, Role
from ssp_tui.cli.exit_codes import ExitCode

HEADER = ["Policy", "Insured", "Holder name", "Address", "City", "State", "ZIP", "Contact email"]
HOLDERS = [
    ("Mercy General Hospital", "4001 J St", "Sacramento", "CA", "95819"),
    ("Sutter Surgery Center", "2801 L St", "Sacramento", "CA", "95816"),
    ("Blue Oak Health Plan", "100 Capitol Mall", "Sacramento", "CA", "95814"),
]


def _requests(db_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT holder_name, insured_id FROM holder_requests ORDER BY id").fetchall()


def test_a_holder_file_rerun_after_lost_answers_creates_nothing_twice(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome, tmp_path: Path
) -> None:
    home.keep_session(
        private_proxy.base_url, private_sandbox.session(private_sandbox.account(Role.POLICYHOLDER).username)
    )
    base = private_proxy.base_url
    policy = msgspec.json.decode(
        run_cli(base, home, "policies", "list", "--json").stdout, type=list[PolicySummary]
    )[0]
    certs = msgspec.json.decode(
        run_cli(
            base, home, "coi", "list", "-q", policy.policy_number, "--by", "policy-number", "--json"
        ).stdout,
        type=list[Certificate],
    )
    insureds = sorted({c.insured_name for c in certs})[:2]
    file = tmp_path / "holders.csv"
    with file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for insured in insureds:
            for name, address, city, state, zip_code in HOLDERS:
                writer.writerow([policy.policy_number, insured, name, address, city, state, zip_code, ""])
    rows = len(insureds) * len(HOLDERS)
    before = _requests(private_sandbox.db_path)
    # Every answer to the first four POSTs is lost after the portal committed them: the client's own retries
    # meet the same fault, so some rows end "failed" although the portal has them.
    private_proxy.add(Rule("POST", r"/api/v1/credentialing/holder-requests", LoseResponse(), times=4))
    first = run_cli(base, home, "coi", "request-holders", str(file), "--concurrency", "1", "--json")
    assert first.exit_code == ExitCode.PARTIAL, first.stderr
    assert "Run the same file again" in first.stderr
    assert any(line["status"] == "failed" for line in json.loads(first.stdout))
    after_first = _requests(private_sandbox.db_path)
    assert len(after_first) - len(before) <= rows
    again = run_cli(base, home, "coi", "request-holders", str(file), "--json")
    assert again.exit_code == ExitCode.OK, again.stderr
    report = json.loads(again.stdout)
    assert len(report) == rows and all(line["request_id"] for line in report)
    assert len(_requests(private_sandbox.db_path)) == len(before) + rows  # each row exactly once
    third = run_cli(base, home, "coi", "request-holders", str(file), "--json")
    assert [line["request_id"] for line in json.loads(third.stdout)] == [
        line["request_id"] for line in report
    ]
    assert len(_requests(private_sandbox.db_path)) == len(before) + rows
