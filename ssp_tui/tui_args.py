"""The command line of a bare ``ssp-tui``: root options only, read without click.

Starting the TUI is the command people run most, and click (with gettext) costs about 60 ms before the first
frame (docs/performance.md). So ``ssp_tui.__main__`` reads root-only command lines here and starts the app
directly; anything else (a subcommand, ``--help``, ``--version``, a malformed option) goes to the click group
in ``ssp_tui/cli/root.py``, which declares the same options and owns their help text and error messages.
"""

from __future__ import annotations

import os
import sys
from typing import TypedDict

OPTIONS_WITH_VALUE = {"--portal": "portal", "--profile": "profile"}
FLAGS = {
    "--sandbox": "force_sandbox",
    "--no-mouse": "no_mouse",
    "--json": None,
    "--quiet": None,
    "-q": None,
    "--verbose": None,
    "-v": None,
    "--debug": None,
}
"""``--json``, ``--quiet``, ``--verbose`` and ``--debug`` are accepted (they are root options) but only change
the CLI's output."""
COMPLETE_VAR = "_SSP_TUI_COMPLETE"
"""click's shell-completion variable for ``ssp-tui``: when set, click must answer, never the TUI."""


class TuiOptions(TypedDict):
    portal: str | None
    profile: str | None
    force_sandbox: bool
    no_mouse: bool


def tui_options(args: list[str]) -> TuiOptions | None:
    """The TUI's options when ``args`` hold root options only; None when click must read the command line
    (a subcommand, help, a malformed option, or a shell asking for completions)."""
    if os.environ.get(COMPLETE_VAR):
        return None
    options = TuiOptions(portal=None, profile=None, force_sandbox=False, no_mouse=False)
    index = 0
    while index < len(args):
        arg = args[index]
        name, has_inline_value, inline_value = arg.partition("=")
        if name in OPTIONS_WITH_VALUE:
            if has_inline_value:
                value = inline_value
                index += 1
            elif index + 1 < len(args):
                value = args[index + 1]
                index += 2
            else:
                return None  # "--portal" with nothing after it: click says what is wrong
            if not value or value.startswith("-"):
                return None
            options[OPTIONS_WITH_VALUE[name]] = value  # type: ignore[literal-required]
            continue
        if arg not in FLAGS:
            return None
        if FLAGS[arg] in ("force_sandbox", "no_mouse"):
            options[FLAGS[arg]] = True  # type: ignore[literal-required]
        index += 1
    return options


def terminal_problem() -> str | None:
    """Why the TUI cannot start here (stdin or stdout is not a terminal), or None. Without this check a TUI
    started from a script, a pipe or a service waits for keys that never come."""
    streams = {"standard input": sys.stdin, "standard output": sys.stdout}
    missing = [name for name, stream in streams.items() if stream is None or not _is_terminal(stream)]
    if not missing:
        return None
    return (
        f"The terminal UI needs a terminal, and {' and '.join(missing)} "
        f"{'is' if len(missing) == 1 else 'are'} not one. "
        "Run a command instead (`ssp-tui --help` lists them)."
    )


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):  # no isatty, or closed
        return False
