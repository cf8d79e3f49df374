"""The command line of a bare ``ssp-tui``: root options only, read without click.

Starting the TUI is the command people run most, and click (with gettext) costs about 60 ms before the first
frame (docs/performance.md). So ``ssp_tui.__main__`` reads root-only command lines here and starts the app
directly; anything else (a subcommand, ``--help``, ``--version``, a malformed option) goes to the click group
in ``ssp_tui/cli/root.py``, which declares the same options and owns their help text and error messages.
"""

from __future__ import annotations

from typing import TypedDict

OPTIONS_WITH_VALUE = {"--portal": "portal", "--profile": "profile"}
FLAGS = {"--sandbox": "force_sandbox", "--json": None, "--quiet": None, "-q": None}
"""``--json`` and ``--quiet`` are accepted (they are root options) but only change the CLI's output."""


class TuiOptions(TypedDict):
    portal: str | None
    profile: str | None
    force_sandbox: bool


def tui_options(args: list[str]) -> TuiOptions | None:
    """The TUI's options when ``args`` hold root options only; None when click must read the command line."""
    options = TuiOptions(portal=None, profile=None, force_sandbox=False)
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
        if FLAGS[arg] == "force_sandbox":
            options["force_sandbox"] = True
        index += 1
    return options
