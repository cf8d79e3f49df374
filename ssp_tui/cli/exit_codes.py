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

from ssp_tui.errors import SspError
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
    """Ends a command: ``Error: <message> <next step>`` on stderr and the given exit code (click prints and
    exits). ``message`` says what happened, ``next_step`` what to do (``SspError``'s two parts)."""

    def __init__(self, message: str, code: ExitCode = ExitCode.ERROR, *, next_step: str = "") -> None:
        super().__init__(message)
        self.exit_code = int(code)
        self.next_step = next_step

    @classmethod
    def of(cls, error: SspError, code: ExitCode = ExitCode.ERROR) -> CommandFailed:
        """The command ends with ``error``'s words: what happened, and what to do next."""
        return cls(error.user_message, code, next_step=error.next_step)

    def full_message(self) -> str:
        return " ".join(part for part in (self.format_message(), self.next_step) if part)

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {strip_controls(self.full_message())}", err=True, file=file)


class LoginNeeded(CommandFailed):
    def __init__(self, message: str, *, next_step: str = "") -> None:
        super().__init__(message, ExitCode.LOGIN_NEEDED, next_step=next_step)


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
    """``{"error": {"message", "next_step", "exit_code", "meaning"}}`` on stderr, for a script that asked for
    JSON: ``message`` says what happened, ``next_step`` what to do about it ("" when nothing)."""
    import msgspec

    next_step = exc.next_step if isinstance(exc, CommandFailed) else ""
    document = {
        "error": {
            "message": strip_controls(exc.format_message()),
            "next_step": strip_controls(next_step),
            "exit_code": exc.exit_code,
            "meaning": meaning(exc.exit_code),
        }
    }
    click.echo(msgspec.json.encode(document).decode(), err=True)
