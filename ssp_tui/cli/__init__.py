"""The ``ssp-tui`` command: the TUI when run bare, a scripting CLI with subcommands.

Data goes to stdout, messages and progress to stderr. Exit codes are in ``exit_codes``.
"""

from __future__ import annotations

from ssp_tui.cli.root import main

__all__ = ["main"]
