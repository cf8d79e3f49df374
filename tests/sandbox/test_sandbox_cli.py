"""``ssp-tui sandbox serve | reset | accounts | outbox``."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx2
import msgspec
from auth_fixtures import auth_bench
from click.testing import CliRunner

from ssp_tui.api.models import OutboxMessage, Role
from ssp_tui.cli import sandbox_commands  # noqa: F401  (registers the group on the root command)
from ssp_tui.cli.root import cli
from ssp_tui.sandbox.db import DemoAccount
from ssp_tui.sandbox.server import bind_loopback


def _first_line(process: subprocess.Popen[str], timeout_s: float = 30.0) -> str:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout_s)
    assert box, "serve printed nothing"
    return box[0].rstrip("\n")


def _serve(db_path: Path, port: int = 0) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "ssp_tui", "sandbox", "serve", "--port", str(port), "--db", str(db_path)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_prints_its_url_first_and_stops_on_sigterm(fresh_db: Path) -> None:
    process = _serve(fresh_db)
    try:
        url = _first_line(process)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        answer = httpx2.get(f"{url}/api/v1/forms/frequent", timeout=10)
        assert answer.status_code == 200
        process.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal: the conventional "ended by SIGTERM".
        assert process.wait(timeout=15) in (0, -signal.SIGTERM)
        assert "Traceback" not in process.stderr.read()
    finally:
        process.kill()
        process.wait()


def test_serve_on_a_busy_port_says_so(fresh_db: Path) -> None:
    taken = bind_loopback(0)
    try:
        process = _serve(fresh_db, port=taken.getsockname()[1])
        _, stderr = process.communicate(timeout=30)
    finally:
        taken.close()
    assert process.returncode != 0
    assert "cannot listen" in stderr and "Traceback" not in stderr


def test_accounts_json_lists_the_demo_logins(fresh_db: Path) -> None:
    result = CliRunner().invoke(cli, ["sandbox", "accounts", "--json", "--db", str(fresh_db)])
    assert result.exit_code == 0, result.output
    accounts = msgspec.json.decode(result.stdout, type=list[DemoAccount])
    assert accounts[0].role is Role.POLICYHOLDER
    assert {Role.INSURED, Role.POLICYHOLDER, Role.AGENT, Role.SUPPORT} <= {a.role for a in accounts}


async def test_outbox_json_shows_the_codes_sent(fresh_db: Path) -> None:
    async with auth_bench(fresh_db) as bench:
        token = await bench.challenge("dr.patel")
        sent = await bench.client.post("/auth/mfa/send", json={"mfa_token": token, "factor": "sms"})
        assert sent.status_code == 202
    result = CliRunner().invoke(cli, ["sandbox", "outbox", "--json", "--db", str(fresh_db)])
    assert result.exit_code == 0, result.output
    invitation, message = msgspec.json.decode(result.stdout, type=list[OutboxMessage])
    assert invitation.username == "opark" and invitation.factor == "email"  # the seed's demo invitation
    assert message.username == "dr.patel" and re.fullmatch(r"\d{6}", message.code)
    assert (message.factor, message.to) == ("sms", "***-***-" + message.to[-4:])


def test_reset_builds_a_database_the_other_commands_read(tmp_path: Path) -> None:
    db_path = tmp_path / "new" / "sandbox.sqlite3"
    result = CliRunner().invoke(cli, ["sandbox", "reset", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(cli, ["sandbox", "accounts", "--json", "--db", str(db_path)])
    assert msgspec.json.decode(listed.stdout, type=list[DemoAccount])
