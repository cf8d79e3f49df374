"""``ssp-tui web``: serve the app to browser tabs (textual-serve), on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import click

EXPOSED_WARNING = (
    "Warning: serving on {host}, not on this machine's loopback: anyone who can reach port {port} gets "
    "the app's sign-in screen, and plain HTTP carries passwords and documents unencrypted. Serve it this "
    "way only behind an HTTPS reverse proxy (give its address with --public-url) or on a network you trust."
)


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback exposes the app to the network (a warning says so).",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port."
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The address browsers use, when it differs (behind a reverse proxy, e.g. https://ssp.agency.example).",
)
@click.pass_context
def web(ctx: click.Context, host: str, port: int, public_url: str | None) -> None:
    """Serve the terminal UI in a web browser, for people without a terminal.

    Each browser tab is its own app with its own sign-in. Links open in the user's tab and downloads reach
    the user's browser (its downloads folder), not this machine's disk. Nothing a session remembers
    (devices, passwords, settings) outlives it here. The portal is chosen as for the TUI: --portal, else
    SSP_PORTAL, else the profile, else the embedded sandbox (started once and shared by every tab).

    \b
    Examples:
      ssp-tui web                       # http://127.0.0.1:8000 on this machine only
      ssp-tui --sandbox web --port 0    # the sandbox, on any free port (printed)
      ssp-tui web --host 0.0.0.0 --public-url https://ssp.agency.example   # behind an HTTPS proxy
    """
    from ssp_tui.errors import ConfigError
    from ssp_tui.portal.target import choose_target
    from ssp_tui.settings.config import load_profile
    from ssp_tui.web.server import SspWebServer, is_loopback

    options = ctx.find_root().obj or {}
    try:
        _name, profile = load_profile(options.get("profile"))
        target = choose_target(options.get("portal"), profile, force_sandbox=bool(options.get("sandbox")))
    except ConfigError as error:
        raise click.ClickException(error.full_message) from None
    if not is_loopback(host):
        click.echo(EXPOSED_WARNING.format(host=host, port=port), err=True)
    server = SspWebServer(target, profile=options.get("profile"), host=host, port=port, public_url=public_url)
    try:
        server.serve()
    except OSError as error:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {error.strerror or error}.") from None
