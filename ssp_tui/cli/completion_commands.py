"""``ssp-tui completion bash|zsh|fish``: the shell-completion script, from click's own completion support.

The script calls ``ssp-tui`` with ``_SSP_TUI_COMPLETE`` set; ``ssp_tui.__main__`` then goes straight to
click (never the TUI), and click answers from the command tree, importing only the command being completed.
"""

from __future__ import annotations

import click

from ssp_tui.tui_args import COMPLETE_VAR

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell-completion script for SHELL (bash 4.4+, zsh or fish).

    \b
    Examples:
      ssp-tui completion bash > ssp-tui.bash
      ssp-tui completion zsh > _ssp-tui
      ssp-tui completion fish > ssp-tui.fish

    \b
    To install:
      bash: eval "$(ssp-tui completion bash)"   in ~/.bashrc
      zsh:  eval "$(ssp-tui completion zsh)"    in ~/.zshrc
      fish: ssp-tui completion fish > ~/.config/fish/completions/ssp-tui.fish
    """
    from click.shell_completion import get_completion_class

    root = ctx.find_root()
    completer_class = get_completion_class(shell)
    assert completer_class is not None  # the choice above names only shells click supports
    completer = completer_class(root.command, {}, root.info_name or "ssp-tui", COMPLETE_VAR)
    click.echo(completer.source())
