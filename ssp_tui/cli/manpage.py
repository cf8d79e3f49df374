"""``ssp-tui man``: the manual page, made from the commands themselves (their help, usage and options), so it
can never disagree with ``--help``; plus what ``--help`` has no room for: the environment, the files and
the exit status. ``ssp-tui man | man -l -`` reads it; packagers install its output as ssp-tui.1.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from ssp_tui import __version__
from ssp_tui.cli.exit_codes import ExitCode

ENVIRONMENT = [
    ("SSP_PORTAL", "The portal's base URL, when --portal is not given (before the profile's portal_url)."),
    (
        "SSP_USERNAME, SSP_PASSWORD, SSP_TOTP_SECRET",
        "Credentials for scripts and CI: commands sign in with "
        "them when no kept session is there, and again when it ends.",
    ),
    ("SSP_CONFIG", "A config file to use instead of the platform's config.toml."),
    ("SSP_SECRETS_FILE", "1: keep secrets in a 0600 file when the system has no keyring."),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
        "The proxy to reach the portal through, and the hosts "
        "that skip it (the embedded sandbox always does).",
    ),
    (
        "SSL_CERT_FILE, SSL_CERT_DIR",
        "The CA certificates to verify the portal with (a TLS-inspecting "
        "gateway's); see also os_trust_store in FILES.",
    ),
    ("NO_COLOR", "Set: no colours in the terminal UI, whatever the theme."),
]
FILES = [
    (
        "config.toml",
        "Profiles, in the platform's config folder (~/.config/ssp-tui/ on Linux): portal_url, "
        "username, download_dir, filename_template, concurrency, theme, os_trust_store. Saving keeps your "
        "comments.",
    ),
    (
        "the OS keyring",
        "Kept sessions, remembered devices and, when asked, passwords and authenticator "
        "secrets, per profile.",
    ),
    (
        "downloads/ in the cache folder",
        "The content-addressed download cache (~/.cache/ssp-tui/ on Linux); deleting it at any time is safe.",
    ),
    ("sandbox.sqlite3 in the data folder", "The embedded sandbox's database (ssp-tui sandbox reset)."),
]
EXIT_STATUS = {
    ExitCode.OK: "Done.",
    ExitCode.ERROR: "Error: the portal's message, or ours, on stderr (never a traceback).",
    ExitCode.USAGE: "Usage: a bad option or argument.",
    ExitCode.LOGIN_NEEDED: "Login needed: no kept session, or it ended (ssp-tui login).",
    ExitCode.PARTIAL: "Partial: some files failed; the others are complete, the failed ones named on stderr "
    "and in the manifest.",
    ExitCode.INTERRUPTED: "Interrupted (Ctrl+C): every verified file stays, the manifest lists them, nothing "
    "partial is left.",
    ExitCode.TERMINATED: "Terminated (SIGTERM): as for Ctrl+C.",
}


def escape(text: str) -> str:
    """Text as roff reads it literally: backslashes escaped, and no line starting with a control character."""
    lines = text.replace("\\", "\\e").split("\n")
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in lines)


def _commands(group: click.Group, context: click.Context) -> Iterator[tuple[click.Context, click.Command]]:
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        child = click.Context(command, info_name=name, parent=context)
        yield child, command
        if isinstance(command, click.Group):
            yield from _commands(command, child)


def _help_text(command: click.Command) -> str:
    # click's "\b" marks a paragraph not to rewrap: roff keeps it as written (.nf/.fi).
    out: list[str] = []
    for paragraph in (command.help or "").strip().split("\n\n"):
        if paragraph.lstrip().startswith("\b"):
            body = paragraph.split("\n", 1)[1] if "\n" in paragraph else ""
            out.append(".PP\n.nf\n" + escape(body.rstrip()) + "\n.fi")
        else:
            out.append(".PP\n" + escape(" ".join(paragraph.split())))
    return "\n".join(out)


def _options(command: click.Command, context: click.Context) -> str:
    out: list[str] = []
    for parameter in command.get_params(context):
        record = parameter.get_help_record(context)
        if record is None:
            continue
        names, help_text = record
        out.append(f".TP\n.B {escape(names)}\n{escape(help_text)}")
    return "\n".join(out)


def _definitions(items: list[tuple[str, str]]) -> str:
    return "\n".join(f".TP\n.B {escape(name)}\n{escape(text)}" for name, text in items)


def render_manpage(cli: click.Group) -> str:
    """The whole manual page of the root group ``cli``, in roff (man macros)."""
    root = click.Context(cli, info_name="ssp-tui")
    parts = [
        f'.TH SSP-TUI 1 "" "ssp-tui {__version__}" "User Commands"',
        ".SH NAME",
        "ssp-tui \\- the ProAssurance Secure Services Portal from a terminal, a browser or a script",
        ".SH SYNOPSIS",
        ".B ssp-tui\n[\\fIGLOBAL OPTIONS\\fR] [\\fICOMMAND\\fR [\\fIARGS\\fR...]]",
        ".SH DESCRIPTION",
        _help_text(cli),
        ".SH GLOBAL OPTIONS",
        _options(cli, root),
        ".SH COMMANDS",
    ]
    for context, command in _commands(cli, root):
        if isinstance(command, click.Group):
            continue  # its subcommands follow, each with the group's name
        usage = " ".join(command.collect_usage_pieces(context))
        parts.append(f".SS {escape(context.command_path)}")
        parts.append(f".B {escape(context.command_path)}\n{escape(usage)}")
        parts.append(_help_text(command))
        options = _options(command, context)
        if options:
            parts.append(".PP\nOptions:\n.RS\n" + options + "\n.RE")
    parts += [
        ".SH ENVIRONMENT",
        _definitions(ENVIRONMENT),
        ".SH FILES",
        _definitions(FILES),
        ".SH EXIT STATUS",
        _definitions([(str(int(code)), text) for code, text in EXIT_STATUS.items()]),
        ".SH SEE ALSO",
        "The docs folder of the source distribution: README.md, docs/tui.md, docs/cli.md, docs/client.md.",
    ]
    return "\n".join(parts) + "\n"


@click.command("man")
def man() -> None:
    """Print the manual page (roff): read it with `ssp-tui man | man -l -`, or save it as ssp-tui.1 (for
    example in ~/.local/share/man/man1/).

    \b
    Example:
      ssp-tui man > ssp-tui.1
    """
    root = click.get_current_context().find_root().command
    assert isinstance(root, click.Group)
    click.echo(render_manpage(root), nl=False)
