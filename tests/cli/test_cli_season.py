"""Credentialing season from the CLI, as a coordinator runs it: a holder file with good and bad rows, the
certificate list out to xlsx and back in, what lapses soon, the renewal pack and its rerun, .eml drafts,
sending through a local SMTP server, the ledger noticing a changed certificate, and the calendar."""

from __future__ import annotations

import csv
import email
import email.policy
import hashlib
import json
import socket
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from cli_helpers import Cli, login_env, prime_device
from sandbox_harness import SandboxServer

from ssp_tui import clock
from ssp_tui.cli.exit_codes import ExitCode
from ssp_tui.operations.season.holder_rows import read_holder_file

AGENT = "agent.rivera"


@pytest.fixture
def agent(private_sandbox: SandboxServer, private_cli: Cli) -> str:
    profile = "season-agent"
    prime_device(private_sandbox, private_cli.home, profile, AGENT)
    assert private_cli.run("login", profile=profile, env=login_env(private_sandbox, AGENT)).exit_code == 0
    return profile


def _query(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def _agent_policy_with_renewal(db: Path) -> str:
    return _query(
        db,
        "SELECT p.policy_number FROM certificates ce JOIN policies p ON p.id = ce.policy_id "
        "JOIN users u ON u.agency_id = p.agency_id WHERE u.username = ? AND ce.term = 'renewal' "
        "GROUP BY p.id HAVING count(DISTINCT ce.holder_id) > 1 ORDER BY p.policy_number LIMIT 1",
        AGENT,
    )[0][0]


def test_a_holder_file_with_bad_rows_sends_nothing_until_fixed(
    private_sandbox: SandboxServer, private_cli: Cli, agent: str, tmp_path: Path
) -> None:
    policy = _agent_policy_with_renewal(private_sandbox.db_path)
    insured = _query(
        private_sandbox.db_path,
        "SELECT i.name FROM policy_insureds pi JOIN insureds i ON i.id = pi.insured_id "
        "JOIN policies p ON p.id = pi.policy_id WHERE p.policy_number = ? ORDER BY i.name LIMIT 1",
        policy,
    )[0][0]
    file = tmp_path / "holders.csv"
    rows = [
        ["Policy", "Insured", "Holder name", "Address", "City", "State", "Zip", "Contact email"],
        [policy, insured, "Mercy General Hospital", "4001 J St", "Sacramento", "CA", "95819", ""],
        [policy, insured, "Sutter Surgery Center", "2801 L St", "Sacramento", "ZZ", "95816", ""],
        [policy, "Nobody At All", "Blue Oak Health Plan", "1 Mall", "Sacramento", "CA", "95814", ""],
        [policy, insured, "Mercy General Hospital", "4001 J St", "Sacramento", "ca", "95819", ""],
    ]
    with file.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    before = _query(private_sandbox.db_path, "SELECT count(*) FROM holder_requests")[0][0]
    refused = private_cli.run("coi", "request-holders", str(file), "--json", profile=agent)
    assert refused.exit_code == ExitCode.ERROR, refused.stderr
    report = {line["row"]: line for line in json.loads(refused.stdout)}
    assert "not a two-letter USPS code" in report[3]["detail"]
    assert "is not an insured" in report[4]["detail"]
    assert "the same request as row 2" in report[5]["detail"]
    assert report[2]["status"] == "not sent" and "nothing was sent" in refused.stderr
    assert _query(private_sandbox.db_path, "SELECT count(*) FROM holder_requests")[0][0] == before
    dry = private_cli.run("coi", "request-holders", str(file), "--dry-run", "--json", profile=agent)
    assert dry.exit_code == ExitCode.PARTIAL and json.loads(dry.stdout)[0]["status"] == "checked"
    sent = private_cli.run("coi", "request-holders", str(file), "--skip-invalid", "--json", profile=agent)
    assert sent.exit_code == ExitCode.PARTIAL, sent.stderr
    assert json.loads(sent.stdout)[0]["status"] == "submitted"
    assert _query(private_sandbox.db_path, "SELECT count(*) FROM holder_requests")[0][0] == before + 1


def test_the_certificate_list_goes_out_to_xlsx_and_reads_back_in(
    private_cli: Cli, agent: str, tmp_path: Path
) -> None:
    out = tmp_path / "holders.xlsx"
    listed = private_cli.run("coi", "list", "--export", str(out), "--json", profile=agent)
    assert listed.exit_code == 0, listed.stderr
    certificates = json.loads(listed.stdout)
    back = read_holder_file(out)
    assert back.all_valid and len(back.rows) == len(certificates)
    first = certificates[0]
    row = next(
        r for r in back.rows if (r.insured, r.holder_name) == (first["insured_name"], first["holder_name"])
    )
    assert (row.policy, row.zip, row.contact_email) == (
        first["policy_number"], first["holder_zip"], first["holder_contact_email"]
    )  # fmt: skip


def test_expiring_lists_exactly_the_terms_ending_in_the_window(
    private_sandbox: SandboxServer, private_cli: Cli, agent: str
) -> None:
    today = clock.today()
    last = today + timedelta(days=70)
    expected = _query(
        private_sandbox.db_path,
        "SELECT ce.id FROM certificates ce JOIN policies p ON p.id = ce.policy_id "
        "JOIN policy_terms t ON t.policy_id = p.id AND t.term = 'current' "
        "JOIN users u ON u.agency_id = p.agency_id WHERE u.username = ? AND ce.term = 'current' "
        "AND p.status = 'active' AND t.\"end\" BETWEEN ? AND ?",
        AGENT, today.isoformat(), last.isoformat(),
    )  # fmt: skip
    assert expected, "the seed should have terms ending within 70 days"
    result = private_cli.run("coi", "expiring", "--within", "10w", "--json", profile=agent)
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert sorted(x["certificate"]["id"] for x in found) == sorted(r[0] for r in expected)
    assert [x["days_left"] for x in found] == sorted(x["days_left"] for x in found)
    bad = private_cli.run("coi", "expiring", "--within", "soon", profile=agent)
    assert bad.exit_code == ExitCode.USAGE and "30d" in bad.stderr


def test_a_renewal_pack_rerun_fetches_nothing_new(
    private_sandbox: SandboxServer, private_cli: Cli, agent: str, tmp_path: Path
) -> None:
    pack = tmp_path / "pack"
    first = private_cli.run("coi", "renewal-pack", "--dir", str(pack), "--json", profile=agent)
    assert first.exit_code == 0, first.stderr
    made = json.loads(first.stdout)
    files = [f for h in made["holders"] for f in h["files"]]
    assert made["fetched"] > 0 and {f["status"] for f in files} == {"new"}
    count = _query(private_sandbox.db_path, "SELECT count(*) FROM certificates ce JOIN policies p ON "
                   "p.id = ce.policy_id JOIN users u ON u.agency_id = p.agency_id WHERE u.username = ? "
                   "AND ce.term = 'renewal'", AGENT)[0][0]  # fmt: skip
    assert sum(len(h["certificates"]) for h in made["holders"]) == count
    again = json.loads(
        private_cli.run("coi", "renewal-pack", "--dir", str(pack), "--json", profile=agent).stdout
    )
    assert again["fetched"] == 0
    assert {f["status"] for h in again["holders"] for f in h["files"]} == {"unchanged"}
    assert sorted(p.name for p in pack.iterdir()) == sorted(Path(f["path"]).name for f in files)
    separate = private_cli.run(
        "coi",
        "renewal-pack",
        "--dir",
        str(tmp_path / "each"),
        "--layout",
        "per-insured",
        "--json",
        profile=agent,
    )
    assert separate.exit_code == 0 and json.loads(separate.stdout)["fetched"] == 0  # all from the cache


class _Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[email.message.Message] = []

    def handle_message(self, message: email.message.Message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:  # aiosmtpd's readiness check cannot use port 0: pick a free port first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _mail_config(cli: Cli, profile: str, port: int) -> None:
    text = cli.home.config_file.read_text()
    text += (
        f'\n[profiles.{profile}.mail]\nfrom_name = "Rivera Insurance Services"\n'
        f'from_email = "coi@rivera.example"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
        'smtp_security = "none"\n'
    )
    cli.home.config_file.write_text(text)


def test_drafts_send_and_the_ledger_flags_a_changed_certificate(
    private_sandbox: SandboxServer,
    private_cli: Cli,
    agent: str,
    tmp_path: Path,
    smtp_server: tuple[Controller, _Inbox],
) -> None:
    controller, inbox = smtp_server
    _mail_config(private_cli, agent, controller.port)
    pack = tmp_path / "pack"
    drafted = private_cli.run("coi", "drafts", "--dir", str(pack), "--json", profile=agent)
    assert drafted.exit_code == 0, drafted.stderr
    drafts = json.loads(drafted.stdout)["drafts"]
    assert drafts
    for item in drafts:
        message = email.message_from_bytes(Path(item["path"]).read_bytes(), policy=email.policy.default)
        assert message["To"].addresses[0].addr_spec == item["to"]
        attachments = list(message.iter_attachments())
        assert attachments
        for part in attachments:
            on_disk = pack / part.get_filename()
            assert (
                hashlib.sha256(part.get_content()).hexdigest()
                == hashlib.sha256(on_disk.read_bytes()).hexdigest()
            )
    dry = private_cli.run("coi", "send", "--dir", str(pack), profile=agent)
    assert dry.exit_code == 0 and "Dry run" in dry.stderr and not inbox.messages
    sent = private_cli.run("coi", "send", "--dir", str(pack), "--yes", profile=agent)
    assert sent.exit_code == 0, sent.stderr
    assert len(inbox.messages) == len(drafts)
    assert {email.utils.parseaddr(m["To"])[1] for m in inbox.messages} == {d["to"] for d in drafts}
    unchanged = private_cli.run("coi", "history", "--changed", "--json", profile=agent)
    assert json.loads(unchanged.stdout) == []
    # A policy change: the holder moved, so the portal issues that certificate anew.
    cert_id, holder_id = _query(
        private_sandbox.db_path,
        "SELECT ce.id, ce.holder_id FROM certificates ce JOIN policies p ON p.id = ce.policy_id JOIN users u "
        "ON u.agency_id = p.agency_id WHERE u.username = ? AND ce.term = 'renewal' ORDER BY ce.id LIMIT 1",
        AGENT,
    )[0]
    with sqlite3.connect(private_sandbox.db_path) as conn:
        conn.execute("UPDATE certificate_holders SET address = '1 New Campus Way' WHERE id = ?", (holder_id,))
        conn.execute("DELETE FROM blobs WHERE key LIKE 'cert:%'")
    again = private_cli.run("coi", "renewal-pack", "--dir", str(pack), "--json", profile=agent)
    assert again.exit_code == 0, again.stderr
    assert "updated" in {f["status"] for h in json.loads(again.stdout)["holders"] for f in h["files"]}
    changed = json.loads(private_cli.run("coi", "history", "--changed", "--json", profile=agent).stdout)
    assert cert_id in {entry["certificate_id"] for entry in changed}
    moved = _query(private_sandbox.db_path, "SELECT id FROM certificates WHERE holder_id = ?", holder_id)
    assert {entry["certificate_id"] for entry in changed} <= {r[0] for r in moved}


def test_the_calendar_parses_back_and_keeps_its_uids(
    private_sandbox: SandboxServer, private_cli: Cli, tmp_path: Path
) -> None:
    account = private_sandbox.account("policyholder")
    profile = "season-holder"
    prime_device(private_sandbox, private_cli.home, profile, account.username)
    assert (
        private_cli.run("login", profile=profile, env=login_env(private_sandbox, account.username)).exit_code
        == 0
    )
    target = tmp_path / "dates.ics"
    first = private_cli.run("calendar", "export", str(target), profile=profile)
    assert first.exit_code == 0, first.stderr
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    kinds = {str(e["CATEGORIES"].cats[0]) for e in events}
    assert {"Installment", "Holder request"} <= kinds and ({"Term end", "Renewal"} & kinds)
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)
    assert target.stat().st_mode & 0o777 == 0o600
    second = private_cli.run("calendar", "export", str(target), profile=profile)
    assert second.exit_code == 0
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")} == uids
    assert private_cli.run("calendar", "export", str(tmp_path / "x.txt"), profile=profile).exit_code == 2
