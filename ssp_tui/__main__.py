"""``python -m ssp_tui`` and the ``ssp-tui`` console script."""

from __future__ import annotations


def main() -> None:
    # Imported here so that `--version` and the TUI's start pay only for what they use.
    from ssp_tui.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
