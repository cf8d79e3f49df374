"""The console script as a shell sees it: completion scripts and answers (never the TUI), a TUI started
without a terminal says so and exits, an aligned table on a terminal and TSV on a pipe, and control sequences
from a database never reach either."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ssp_tui.cli.exit_codes import ExitCode

TIMEOUT_S = 120


def script_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SSP_", "_SSP_"))}
    env.update(extra)
    return env


def run(args: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ssp_tui", *args],
        env=script_env(**extra),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT_S,
    )


def run_in_pty(args: list[str], columns: int = 200) -> str:
    """The command's output as a terminal of ``columns`` columns receives it."""
    leader, follower = pty.openpty()
    env = script_env(COLUMNS=str(columns), LINES="50", TERM="xterm-256color")
    process = subprocess.Popen(
        [sys.executable, "-m", "ssp_tui", *args], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:
                    break  # the child closed the terminal
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        process.wait(timeout=TIMEOUT_S)
    finally:
        os.close(leader)
    assert process.returncode == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    result = run(["completion", shell])
    assert result.returncode == 0, result.stderr
    assert "_SSP_TUI_COMPLETE" in result.stdout and f"{shell}_complete" in result.stdout


def test_the_completion_variable_gets_click_never_the_tui() -> None:
    started = time.monotonic()
    source = run([], _SSP_TUI_COMPLETE="bash_source")
    assert source.returncode == 0, source.stderr
    assert "_SSP_TUI_COMPLETE=bash_complete" in source.stdout
    answer = run([], _SSP_TUI_COMPLETE="bash_complete", COMP_WORDS="ssp-tui pol", COMP_CWORD="1")
    assert answer.returncode == 0 and "plain,policies" in answer.stdout.splitlines()
    options = run(
        [], _SSP_TUI_COMPLETE="bash_complete", COMP_WORDS="ssp-tui docs download --di", COMP_CWORD="3"
    )
    assert "plain,--dir" in options.stdout.splitlines()
    assert time.monotonic() - started < TIMEOUT_S  # (a TUI would have waited for keys until killed)


def test_a_tui_without_a_terminal_says_so_and_exits() -> None:
    for args in ([], ["--sandbox"]):
        result = run(args)
        assert result.returncode == ExitCode.USAGE
        assert "needs a terminal" in result.stderr and "ssp-tui --help" in result.stderr
        assert result.stdout == "" and "Traceback" not in result.stderr


@pytest.fixture
def planted_db(sandbox_template_db: Path, tmp_path: Path) -> Path:
    """A copy of the seeded database whose demo notes carry control sequences."""
    db = tmp_path / "sandbox.sqlite3"
    db.write_bytes(sandbox_template_db.read_bytes())
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE demo_accounts SET note = note || ?", ["\x1b]0;pwned\x07\x1b[2J\tz"])
    return db


def test_a_table_on_a_terminal_and_tsv_on_a_pipe(planted_db: Path) -> None:
    args = ["sandbox", "accounts", "--db", str(planted_db)]
    shown = run_in_pty(args)
    assert "Username" in shown and "agent.rivera" in shown
    assert "\t" not in shown and ("│" in shown or "┃" in shown)  # rich's aligned table
    assert "pwned" not in shown and "\x1b]0" not in shown and "[2J" not in shown
    piped = run(args)
    assert piped.returncode == 0, piped.stderr
    lines = piped.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Username\t"))
    rows = lines[lines.index(header) + 1 :]
    assert header.split("\t")[:2] == ["Username", "Role"]
    assert rows and all(len(row.split("\t")) == len(header.split("\t")) for row in rows)
    assert "\x1b" not in piped.stdout and "pwned" not in piped.stdout
