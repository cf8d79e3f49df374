"""The CLI's documented exit codes, and the one exception that ends a command with one of them.

0  done
1  error (the portal's message, or ours, on stderr; never a traceback)
2  usage (click's own: a bad option or argument)
3  login needed (no stored session, or it ended; run ``ssp-tui login``)
4  partial (some files failed: the others are complete, the failed ones are named on stderr and in the
   manifest)
"""

from __future__ import annotations

from enum import IntEnum
from typing import IO, Any

import click


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    LOGIN_NEEDED = 3
    PARTIAL = 4


class CommandFailed(click.ClickException):
    """Ends a command: ``Error: <message>`` on stderr and the given exit code (click prints and exits)."""

    def __init__(self, message: str, code: ExitCode = ExitCode.ERROR) -> None:
        super().__init__(message)
        self.exit_code = int(code)

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


class LoginNeeded(CommandFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, ExitCode.LOGIN_NEEDED)


class PartialResult(CommandFailed):
    """Some files failed; the failures were already named on stderr, so only the summary is printed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ExitCode.PARTIAL)
