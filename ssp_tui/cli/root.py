"""The root command group and its global options."""

from __future__ import annotations

import sys

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
        from ssp_tui.app import run_app  # the TUI loads only when it is wanted

        run_app(portal=portal, profile=profile, force_sandbox=sandbox)


def _register_subcommands() -> None:
    """Subcommand groups live in their own modules; each adds itself to ``cli``."""
    from ssp_tui.cli import (  # noqa: F401
        auth_commands,
        billing_commands,
        coi_commands,
        content_commands,
        policy_commands,
        sandbox_commands,
        support_commands,
    )


ROOT_OPTIONS_WITH_VALUE = frozenset({"--portal", "--profile"})
ROOT_FLAGS = frozenset({"--sandbox", "--json", "--quiet", "-q"})


def wants_only_the_tui(args: list[str]) -> bool:
    """True when ``args`` hold root options only: the TUI starts, and no subcommand module is needed.

    Importing every subcommand (and with them pikepdf, the download engine, the exporter) nearly doubled
    the TUI's start-up (docs/performance.md), so they are registered only when a subcommand or help may be
    named."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in ROOT_OPTIONS_WITH_VALUE:
            index += 2
            continue
        if arg not in ROOT_FLAGS and not any(arg.startswith(f"{o}=") for o in ROOT_OPTIONS_WITH_VALUE):
            return False
        index += 1
    return True


def main() -> None:
    if not wants_only_the_tui(sys.argv[1:]):
        _register_subcommands()
    cli(prog_name="ssp-tui")
