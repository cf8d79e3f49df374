"""``python -m ssp_tui`` and the ``ssp-tui`` console script."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    # A bare `ssp-tui` (root options only) starts the TUI without importing click or any subcommand; the
    # other imports are made here so that each path pays only for what it uses.
    from ssp_tui.tui_args import terminal_problem, tui_options

    # Imports only create objects that live as long as the process, so collecting during them finds nothing
    # and only delays the first frame; run_app freezes what they made and turns the collector back on.
    gc.disable()

    options = tui_options(sys.argv[1:])
    if options is not None:
        problem = terminal_problem()
        if problem is not None:
            sys.stderr.write(f"Error: {problem}\n")
            sys.exit(2)  # usage: the same as `cli` answers from a test's runner
        from ssp_tui.tui.launch import run_app

        run_app(**options)
        return
    # The CLI path too: the collector comes back on once the command's module is imported (cli/root.py).
    from ssp_tui.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
