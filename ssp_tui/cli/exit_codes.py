"""The CLI's documented exit codes, the exception that ends a command with one of them, and how an error is
shown: ``Error: ...`` on stderr, or with ``--json`` one JSON object on stderr.

0    done
1    error (the portal's message, or ours, on stderr; never a traceback)
2    usage (a bad option or argument, said before any network work)
3    login needed (no stored session, or it ended; run ``ssp-tui login``)
4    partial (some items failed: the others are complete, the failed ones are named on stderr and in the
     manifest)
130  interrupted by Ctrl+C (SIGINT); 143 stopped by SIGTERM. What was saved is kept and listed.
"""

from __future__ import annotations

from enum import IntEnum
from typing import IO, Any

import click

from ssp_tui.text_safety import strip_controls


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    LOGIN_NEEDED = 3
    PARTIAL = 4
    INTERRUPTED = 130
    TERMINATED = 143


MEANINGS = {
    ExitCode.OK: "done",
    ExitCode.ERROR: "error",
    ExitCode.USAGE: "usage",
    ExitCode.LOGIN_NEEDED: "login needed",
    ExitCode.PARTIAL: "partial",
    ExitCode.INTERRUPTED: "interrupted",
    ExitCode.TERMINATED: "terminated",
}


class CommandFailed(click.ClickException):
    """Ends a command: ``Error: <message>`` on stderr and the given exit code (click prints and exits)."""

    def __init__(self, message: str, code: ExitCode = ExitCode.ERROR) -> None:
        super().__init__(message)
        self.exit_code = int(code)

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {strip_controls(self.format_message())}", err=True, file=file)


class LoginNeeded(CommandFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, ExitCode.LOGIN_NEEDED)


class PartialResult(CommandFailed):
    """Some items failed; the failures were already named on stderr, so only the summary is printed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ExitCode.PARTIAL)


class Interrupted(CommandFailed):
    """Ctrl+C or SIGTERM: 128 + the signal's number, as shells report a process a signal ended."""

    def __init__(self, message: str, code: ExitCode = ExitCode.INTERRUPTED) -> None:
        super().__init__(message, code)


def meaning(code: int) -> str:
    try:
        return MEANINGS[ExitCode(code)]
    except ValueError:
        return "error"


def show_error_as_json(exc: click.ClickException) -> None:
    """``{"error": {"message", "exit_code", "meaning"}}`` on stderr, for a script that asked for JSON."""
    import msgspec

    document = {
        "error": {
            "message": strip_controls(exc.format_message()),
            "exit_code": exc.exit_code,
            "meaning": meaning(exc.exit_code),
        }
    }
    click.echo(msgspec.json.encode(document).decode(), err=True)
