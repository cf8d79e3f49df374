"""``ssp-tui`` with root options only starts the TUI without importing the subcommand modules."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ssp_tui.cli.root import wants_only_the_tui


@pytest.mark.parametrize(
    "args", [[], ["--sandbox"], ["--portal", "http://x"], ["--portal=http://x", "-q"], ["--profile", "work"]]
)
def test_root_options_alone_mean_the_tui(args: list[str]) -> None:
    assert wants_only_the_tui(args)


@pytest.mark.parametrize(
    "args",
    [["--help"], ["-h"], ["login"], ["--portal", "http://x", "docs"], ["--json", "sandbox", "accounts"]],
)
def test_a_subcommand_or_help_registers_the_subcommands(args: list[str]) -> None:
    assert not wants_only_the_tui(args)


def test_the_tui_path_does_not_import_the_subcommands_or_pikepdf() -> None:
    # The app is stubbed out: only what the command line imports before the TUI starts is looked at.
    probe = (
        "import sys; import ssp_tui.cli.root as root; import ssp_tui.app\n"
        "sys.argv = ['ssp-tui', '--portal', 'http://127.0.0.1:9']\n"
        "ssp_tui.app.run_app = lambda **kw: None\n"
        "try:\n    root.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ssp_tui.cli.', 'pikepdf'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "auth_commands" not in out and "pikepdf" not in out
    assert "ssp_tui.cli.root" in out
