"""A bare ``ssp-tui`` (root options only) starts the TUI without click or any subcommand module."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from ssp_tui.cli.root import cli
from ssp_tui.tui_args import FLAGS, OPTIONS_WITH_VALUE, tui_options


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"portal": None, "profile": None, "force_sandbox": False, "no_mouse": False}),
        (["--sandbox"], {"portal": None, "profile": None, "force_sandbox": True, "no_mouse": False}),
        (
            ["--portal", "http://x"],
            {"portal": "http://x", "profile": None, "force_sandbox": False, "no_mouse": False},
        ),
        (
            ["--portal=http://x", "-q"],
            {"portal": "http://x", "profile": None, "force_sandbox": False, "no_mouse": False},
        ),
        (
            ["--profile", "work", "--json"],
            {"portal": None, "profile": "work", "force_sandbox": False, "no_mouse": False},
        ),
        (
            ["--no-mouse", "--sandbox"],
            {"portal": None, "profile": None, "force_sandbox": True, "no_mouse": True},
        ),
    ],
)
def test_root_options_alone_start_the_tui_with_them(args: list[str], expected: dict[str, object]) -> None:
    assert tui_options(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["--version"],
        ["login"],
        ["--portal", "http://x", "docs"],
        ["--json", "sandbox", "accounts"],
        ["--portal"],  # no value: click's error message, not a TUI on a missing portal
        ["--profile", "--sandbox"],
        ["--portal="],
        ["--sandbox=yes"],
    ],
)
def test_anything_else_goes_to_click(args: list[str]) -> None:
    assert tui_options(args) is None


def test_the_fast_path_knows_exactly_the_root_options_click_declares() -> None:
    declared = {
        opt: param.is_flag
        for param in cli.params
        if isinstance(param, click.Option) and param.name not in {"version", "help"}
        for opt in param.opts + param.secondary_opts
    }
    assert {o for o, is_flag in declared.items() if not is_flag} == set(OPTIONS_WITH_VALUE)
    assert {o for o, is_flag in declared.items() if is_flag} == set(FLAGS)


def test_the_tui_path_imports_neither_click_nor_subcommands_nor_pikepdf() -> None:
    # The app is stubbed out: only what the command line imports before the TUI starts is looked at.
    probe = (
        "import sys; import ssp_tui.tui.launch; import ssp_tui.tui_args\n"
        "sys.argv = ['ssp-tui', '--portal', 'http://127.0.0.1:9']\n"
        "ssp_tui.tui_args.terminal_problem = lambda: None  # captured output is not a terminal\n"
        "seen = {}\n"
        "ssp_tui.tui.launch.run_app = lambda **kw: seen.update(kw)\n"
        "from ssp_tui.__main__ import main\n"
        "main()\n"
        "print(seen)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ssp_tui.cli', 'pikepdf', 'click'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "'portal': 'http://127.0.0.1:9'" in out
    assert out.splitlines()[-1] == "[]"
