"""The root command group and its global options.

A bare ``ssp-tui`` is read by ``ssp_tui/tui_args.py`` without click; a test keeps both option lists equal.
"""

from __future__ import annotations

import click

from ssp_tui import __version__


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--portal", metavar="URL", help="Portal base URL (overrides the profile).")
@click.option("--profile", metavar="NAME", help="Profile from the config file.")
@click.option("--sandbox", is_flag=True, help="Use the embedded sandbox even when a portal is configured.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output for listings.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or messages on stderr.")
@click.version_option(__version__, "--version", "-V", prog_name="ssp-tui")
@click.pass_context
def cli(
    ctx: click.Context, portal: str | None, profile: str | None, sandbox: bool, as_json: bool, quiet: bool
) -> None:
    """ssp-tui: the ProAssurance Secure Services Portal from a terminal.

    Run without a command to start the terminal UI.

    \b
    Examples:
      ssp-tui                      # the TUI, on the embedded sandbox if no portal is configured
      ssp-tui sandbox accounts     # demo logins for the sandbox
    """
    ctx.ensure_object(dict)
    ctx.obj.update(portal=portal, profile=profile, sandbox=sandbox, as_json=as_json, quiet=quiet)
    if ctx.invoked_subcommand is None:
        from ssp_tui.tui.app import run_app  # the TUI loads only when it is wanted

        run_app(portal=portal, profile=profile, force_sandbox=sandbox)


def _register_subcommands() -> None:
    """Subcommand groups live in their own modules; each adds itself to ``cli``."""
    from ssp_tui.cli import (  # noqa: F401
        account_commands,
        auth_commands,
        billing_commands,
        calendar_commands,
        change_commands,
        coi_commands,
        content_commands,
        delivery_commands,
        holder_file_commands,
        manpage,
        mfa_commands,
        policy_commands,
        renewal_commands,
        sandbox_commands,
        season_commands,
        support_commands,
        web_command,
    )


def main() -> None:
    """The scripting CLI. A bare ``ssp-tui`` does not come here (``ssp_tui.__main__`` starts the TUI without
    click), but ``cli`` still starts the TUI when no subcommand is named, e.g. from a test's CliRunner."""
    _register_subcommands()
    cli(prog_name="ssp-tui")
