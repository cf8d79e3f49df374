"""gh's output conventions, as a script meets them: --json FIELDS, --jq, --format csv|tsv|json|table,
--no-header, raw numbers in TSV and CSV, JSON errors on stderr, -q as --quiet after the command, every value
of a repeated --query, and options checked before any request."""

from __future__ import annotations

import csv
import io
import json

import msgspec
import pytest
from cli_helpers import Cli, LoginAs

from ssp_tui.api.models import BillingSummary, Certificate, PolicySummary, Role
from ssp_tui.cli.exit_codes import ExitCode

UNREACHABLE = "http://127.0.0.1:9"
"""Nothing listens here: a command that got as far as a request would fail with exit 1, not 2."""


def test_json_fields_and_jq(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.AGENT)
    every = msgspec.json.decode(
        cli.run("policies", "list", "--json", profile=profile).stdout, type=list[PolicySummary]
    )
    cut = cli.run("policies", "list", "--json", "policy_number,status", profile=profile)
    assert cut.exit_code == 0, cut.stderr
    assert json.loads(cut.stdout) == [
        {"policy_number": p.policy_number, "status": p.status.value} for p in every
    ]
    numbers = cli.run("policies", "list", "--jq", ".[].policy_number", profile=profile)
    assert numbers.stdout.splitlines() == [p.policy_number for p in every]  # strings raw, one a line
    counted = cli.run("policies", "list", "--json", "id", "--jq", "length", profile=profile)
    assert counted.stdout.strip() == str(len(every))
    objects = cli.run("policies", "list", "--jq", ".[0] | {id}", profile=profile)
    assert json.loads(objects.stdout) == {"id": every[0].id}


def test_formats_headers_and_raw_numbers(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    accounts = msgspec.json.decode(
        cli.run("billing", "list", "--format", "json", profile=profile).stdout, type=list[BillingSummary]
    )
    due = next(a for a in accounts if a.amount_due_cents)
    tsv = cli.run("billing", "list", profile=profile).stdout.splitlines()  # piped: TSV
    header = tsv[0].split("\t")
    row = next(line.split("\t") for line in tsv[1:] if line.startswith(due.number + "\t"))
    amount = row[header.index("Amount due")]
    assert amount == f"{due.amount_due_cents // 100}.{due.amount_due_cents % 100:02d}"  # a number, no $ or ,
    rows = list(
        csv.reader(io.StringIO(cli.run("billing", "list", "--format", "csv", profile=profile).stdout))
    )
    assert rows[0] == header and [r[0] for r in rows[1:]] == [a.number for a in accounts]
    bare = cli.run("billing", "list", "--format", "csv", "--no-header", profile=profile).stdout
    assert list(csv.reader(io.StringIO(bare))) == rows[1:]
    table = cli.run("billing", "list", "--format", "table", profile=profile).stdout
    assert "\t" not in table and "$" in table and due.number in table
    assert (
        cli.run("billing", "list", "--format", "tsv", "--no-header", profile=profile).stdout.splitlines()
        == tsv[1:]
    )


def test_quiet_is_one_flag_before_or_after_the_command(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.AGENT)
    after = cli.run("policies", "list", "--json", "-q", profile=profile)
    assert after.exit_code == 0 and json.loads(after.stdout)
    empty = cli.run("policies", "list", "--query", "zzzz-nobody", "-q", profile=profile)
    assert empty.exit_code == 0 and empty.stderr == ""  # "No policies match." silenced
    before = cli.run("-q", "policies", "list", "--query", "zzzz-nobody", profile=profile)
    assert before.exit_code == 0 and before.stderr == ""


def test_every_repeated_query_counts(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.AGENT)
    policies = msgspec.json.decode(
        cli.run("policies", "list", "--json", profile=profile).stdout, type=list[PolicySummary]
    )
    first, second = policies[0].policy_number, policies[-1].policy_number
    assert first != second

    def certificates(*queries: str) -> set[str]:
        args = [arg for query in queries for arg in ("--query", query)]
        result = cli.run(
            "coi", "list", *args, "--by", "policy-number", "--json", "id,policy_number", profile=profile
        )
        assert result.exit_code == 0, result.stderr
        return {row["id"] for row in json.loads(result.stdout)}

    one, other = certificates(first), certificates(second)
    assert one and other and one.isdisjoint(other)
    assert certificates(first, second) == one | other


def test_errors_are_json_on_stderr_when_json_is_asked_for(cli: Cli, login_as: LoginAs) -> None:
    usage = cli.run("policies", "list", "--json", "nonsense", profile=login_as(Role.AGENT))
    assert usage.exit_code == ExitCode.USAGE and usage.stdout == ""
    error = json.loads(usage.stderr)["error"]
    assert error["exit_code"] == 2 and error["meaning"] == "usage" and "policy_number" in error["message"]
    login = cli.run("whoami", "--json", profile="nobody-at-all")
    assert login.exit_code == ExitCode.LOGIN_NEEDED
    # What happened, and apart from it what to do (issue 19.5).
    assert json.loads(login.stderr)["error"] == {
        "message": json.loads(login.stderr)["error"]["message"],
        "next_step": "Run `ssp-tui login` (or set SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET).",
        "exit_code": 3,
        "meaning": "login needed",
    }
    missing = cli.run("docs", "list", "NO-SUCH", "--jq", ".[]", profile=login_as(Role.POLICYHOLDER))
    assert missing.exit_code == ExitCode.ERROR and json.loads(missing.stderr)["error"]["meaning"] == "error"
    text = cli.run("docs", "list", "NO-SUCH", profile=login_as(Role.POLICYHOLDER))
    assert text.stderr.startswith("Error: No policy 'NO-SUCH'")


@pytest.mark.parametrize(
    "args",
    [
        ("docs", "download", "NCP1513214", "--dir", "out", "--concurrency", "0"),
        ("docs", "download", "NCP1513214", "--dir", "out", "--concurrency", "33"),
        ("docs", "download", "NCP1513214", "--dir", "out", "--overwrite"),
        ("docs", "download", "NCP1513214", "--combine", "a.pdf", "--overwrite", "--skip"),
        ("docs", "download", "--dir", "out"),  # nothing named
        ("coi", "download", "ce_x", "--separate", "out", "--allow-missing"),
        ("policies", "list", "--jq", ".[ | "),
        ("policies", "list", "--json", "no_such_field"),
        ("policies", "list", "--format", "csv", "--json"),
        ("policies", "list", "--json", "--no-header"),
        ("coi", "list", "-q", "Patel"),  # -q is --quiet: "Patel" is then an unexpected argument
        ("support", "account", "x", "--summary", "--json"),
        ("seminars", "activity", "--csv", "a.csv", "--json"),
    ],
    ids=lambda args: " ".join(args),
)
def test_options_are_checked_before_any_request(cli: Cli, args: tuple[str, ...]) -> None:
    result = Cli(UNREACHABLE, cli.home).run(*args, env={"SSP_USERNAME": "a", "SSP_PASSWORD": "b"})
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert "connect" not in result.stderr.lower()


def test_an_existing_combined_file_is_refused_before_any_request(cli: Cli, tmp_path) -> None:
    existing = tmp_path / "all.pdf"
    existing.write_bytes(b"mine")
    result = Cli(UNREACHABLE, cli.home).run("docs", "download", "P", "--combine", str(existing), profile="x")
    assert result.exit_code == ExitCode.USAGE and "--overwrite" in result.stderr and "--skip" in result.stderr
    skipped = Cli(UNREACHABLE, cli.home).run("docs", "download", "P", "--combine", str(existing), "--skip")
    assert skipped.exit_code == ExitCode.OK and existing.read_bytes() == b"mine"


def test_a_folder_that_cannot_be_written_is_refused_before_any_request(cli: Cli, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        result = Cli(UNREACHABLE, cli.home).run("docs", "download", "P", "--dir", str(locked / "sub"))
    finally:
        locked.chmod(0o700)
    import os

    if os.geteuid() == 0:
        pytest.skip("root can write into a read-only folder")
    assert result.exit_code == ExitCode.ERROR and str(locked / "sub") in result.stderr
    assert "connect" not in result.stderr.lower()


def test_certificates_of_two_queries_are_listed_once(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    holder = msgspec.json.decode(
        cli.run("policies", "list", "--json", profile=profile).stdout, type=list[PolicySummary]
    )[0].policyholder
    once = msgspec.json.decode(cli.run("coi", "list", "--query", holder, "--json", profile=profile).stdout,
                               type=list[Certificate])  # fmt: skip
    twice = msgspec.json.decode(
        cli.run(
            "coi", "list", "--query", holder, "--query", holder.upper(), "--json", profile=profile
        ).stdout,
        type=list[Certificate],
    )
    assert sorted(c.id for c in twice) == sorted(c.id for c in once)


def test_portal_text_is_inert_in_every_format(private_cli: Cli, private_sandbox) -> None:
    """Control sequences never reach the terminal or the pipe; a formula-like cell is neutralised in TSV and
    CSV (as the csv export does) and kept as it is in JSON."""
    import sqlite3

    from cli_helpers import login_env, prime_device

    formula = '=HYPERLINK("http://evil.example","x")'
    with sqlite3.connect(private_sandbox.db_path) as conn:
        conn.execute("UPDATE insureds SET name = name || ?", ["\x1b]0;pwned\x07\x1b[2J"])
        conn.execute("UPDATE certificate_holders SET name = ?", [formula])
    account = private_sandbox.account(Role.POLICYHOLDER)
    prime_device(private_sandbox, private_cli.home, "inert", account.username)
    assert (
        private_cli.run("login", profile="inert", env=login_env(private_sandbox, account.username)).exit_code
        == 0
    )
    holder = msgspec.json.decode(
        private_cli.run("policies", "list", "--json", profile="inert").stdout, type=list[PolicySummary]
    )[0].policyholder
    outputs = {
        fmt: private_cli.run("coi", "list", "--query", holder, "--format", fmt, profile="inert")
        for fmt in ("tsv", "csv", "table", "json")
    }
    outputs["jq"] = private_cli.run(
        "coi", "list", "--query", holder, "--jq", ".[].insured_name", profile="inert"
    )
    for fmt, result in outputs.items():
        assert result.exit_code == 0, (fmt, result.stderr)
        assert "\x1b" not in result.stdout and "pwned" not in result.stdout, fmt
    tsv = [line.split("\t") for line in outputs["tsv"].stdout.splitlines()]
    holders = [row[tsv[0].index("Holder")] for row in tsv[1:]]
    assert holders and set(holders) == {"'" + formula}
    rows = list(csv.reader(io.StringIO(outputs["csv"].stdout)))
    assert {row[rows[0].index("Holder")] for row in rows[1:]} == {"'" + formula}
    assert {c.holder_name for c in msgspec.json.decode(outputs["json"].stdout, type=list[Certificate])} == {
        formula
    }
