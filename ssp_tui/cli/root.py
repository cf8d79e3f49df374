"""The root command group: its global options and its command list (loaded lazily, see ``lazy_group``).

A bare ``ssp-tui`` is read by ``ssp_tui/tui_args.py`` without click; a test keeps both option lists equal.
"""

from __future__ import annotations

import errno
import gc
import sys
from collections.abc import Sequence
from typing import Any

import click

from ssp_tui import __version__
from ssp_tui.cli.exit_codes import CommandFailed, ExitCode, show_error_as_json
from ssp_tui.cli.lazy_group import LazyGroup
from ssp_tui.cli.request_log import show_requests

PROG_NAME = "ssp-tui"
COMMANDS = {
    "login": "ssp_tui.cli.auth_commands:login",
    "logout": "ssp_tui.cli.auth_commands:logout",
    "whoami": "ssp_tui.cli.auth_commands:whoami",
    "billing": "ssp_tui.cli.billing_commands:billing_group",
    "policies": "ssp_tui.cli.policy_commands:policies_group",
    "docs": "ssp_tui.cli.docs_commands:docs_group",
    "coi": "ssp_tui.cli.coi_commands:coi_group",
    "seminars": "ssp_tui.cli.content_commands:seminars_group",
    "risk": "ssp_tui.cli.library_commands:risk_group",
    "agent": "ssp_tui.cli.library_commands:agent_group",
    "support": "ssp_tui.cli.support_commands:support_group",
    "sandbox": "ssp_tui.cli.sandbox_commands:sandbox",
    "calendar": "ssp_tui.cli.calendar_commands:calendar_group",
    "completion": "ssp_tui.cli.completion_commands:completion",
    "account": "ssp_tui.cli.account_commands:account_group",
    "mfa": "ssp_tui.cli.mfa_commands:mfa_group",
    "changes": "ssp_tui.cli.change_commands:changes_group",
    "renewals": "ssp_tui.cli.renewal_commands:renewals_group",
    "web": "ssp_tui.cli.web_command:web",
    "man": "ssp_tui.cli.manpage:man",
}
"""Every subcommand, by the module that defines it: nothing is imported until it is used."""


def _wants_json(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (so that an error is JSON too), read before click parses it:
    a usage error must follow the same rule as a failure inside the command."""
    for index, arg in enumerate(args):
        if arg in ("--json", "--jq") or arg.startswith(("--json=", "--jq=", "--format=json")):
            return True
        if arg == "--format" and index + 1 < len(args) and args[index + 1] == "json":
            return True
    return False


class RootGroup(LazyGroup):
    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if not gc.isenabled():
            # ``ssp_tui.__main__`` turned the collector off for the imports, which only make objects that live
            # as long as the process: set those aside for good, and collect normally from here on.
            gc.freeze()
            gc.enable()
        return command

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """click's standalone mode, except that errors are shown as JSON when the command line asks for JSON
        (``CommandFailed`` and click's own usage errors alike), with the same exit codes."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        arguments = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(arguments, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            if _wants_json(arguments):
                show_error_as_json(exc)
            else:
                exc.show()
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            # click turns Ctrl+C at a prompt into Abort (and end of input too, which is not an interrupt).
            cause = exc.__cause__ or exc.__context__
            click.echo("Aborted.", err=True)
            sys.exit(ExitCode.INTERRUPTED if isinstance(cause, KeyboardInterrupt) else ExitCode.ERROR)
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            sys.exit(ExitCode.ERROR)  # the reader went away (`| head`): nothing more to say
        sys.exit(result if isinstance(result, int) else ExitCode.OK)


@click.group(
    cls=RootGroup,
    lazy_subcommands=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--portal", metavar="URL", help="Portal base URL (overrides the profile).")
@click.option("--profile", metavar="NAME", help="Profile from the config file.")
@click.option("--sandbox", is_flag=True, help="Use the embedded sandbox even when a portal is configured.")
@click.option("--no-mouse", is_flag=True, help="The terminal UI ignores the mouse (keys only).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (and errors) as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or messages on stderr.")
@click.option(
    "--verbose", "-v", is_flag=True, help="Show each request on stderr: method, path, status, time."
)
@click.option("--debug", is_flag=True, help="--verbose, and also retries, refreshes and the sandbox's start.")
@click.version_option(__version__, "--version", "-V", prog_name=PROG_NAME)
@click.pass_context
def cli(
    ctx: click.Context,
    portal: str | None,
    profile: str | None,
    sandbox: bool,
    no_mouse: bool,
    as_json: bool,
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """ssp-tui: the ProAssurance Secure Services Portal from a terminal.

    Run without a command to start the terminal UI.

    \b
    Examples:
      ssp-tui sandbox accounts     # demo logins for the sandbox
      ssp-tui --verbose whoami     # each request on stderr
    """
    ctx.ensure_object(dict)
    ctx.obj.update(portal=portal, profile=profile, sandbox=sandbox, as_json=as_json, quiet=quiet)
    show_requests(verbose=verbose, debug=debug)
    if ctx.invoked_subcommand is None:
        from ssp_tui.tui_args import terminal_problem

        problem = terminal_problem()
        if problem is not None:
            raise CommandFailed(problem, ExitCode.USAGE)
        from ssp_tui.tui.launch import run_app  # the TUI loads only when it is wanted

        run_app(portal=portal, profile=profile, force_sandbox=sandbox, no_mouse=no_mouse)


def main() -> None:
    """The scripting CLI. A bare ``ssp-tui`` does not come here (``ssp_tui.__main__`` starts the TUI without
    click), but ``cli`` still starts the TUI when no subcommand is named, e.g. from a test's CliRunner."""
    cli(prog_name=PROG_NAME)
