"""``ssp-tui man``: a manual page made from the commands, complete and valid roff."""

from __future__ import annotations

import shutil
import subprocess

import click
from click.testing import CliRunner

from ssp_tui.cli.exit_codes import ExitCode
from ssp_tui.cli.manpage import escape, render_manpage
from ssp_tui.cli.root import cli


def command_paths(group: click.Group, prefix: str = "ssp-tui") -> list[str]:
    paths = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None
        if isinstance(command, click.Group):
            paths += command_paths(command, f"{prefix} {name}")
        elif not command.hidden:
            paths.append(f"{prefix} {name}")
    return paths


def test_the_manual_names_every_command_option_variable_and_exit_code() -> None:
    page = render_manpage(cli)
    assert page.startswith('.TH SSP-TUI 1 ""')
    for path in command_paths(cli):
        assert f".SS {path}\n" in page, path
    for needed in ("--portal URL", "--public-url URL", "SSP_USERNAME", "HTTPS_PROXY", "SSL_CERT_FILE"):
        assert needed in page, needed
    for code in ExitCode:
        assert f".TP\n.B {int(code)}\n" in page
    assert ".SH ENVIRONMENT" in page and ".SH FILES" in page and ".SH EXIT STATUS" in page


def test_text_never_becomes_a_roff_request() -> None:
    assert escape(".rm everything\n'also\na\\b") == "\\&.rm everything\n\\&'also\na\\eb"


def test_man_prints_a_page_that_man_renders_without_errors() -> None:
    result = CliRunner().invoke(cli, ["man"])
    assert result.exit_code == 0 and result.stdout == render_manpage(cli)
    if shutil.which("groff") is None:
        return  # the page's structure is checked above; rendering needs groff
    rendered = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-z"], input=result.stdout, capture_output=True, text=True
    )
    errors = [line for line in rendered.stderr.splitlines() if "error" in line.lower()]
    assert rendered.returncode == 0 and not errors, rendered.stderr
