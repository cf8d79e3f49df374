"""From the global options to a logged-in PortalClient, for one CLI command.

The portal is ``--portal``, else SSP_PORTAL, else the profile's, else the embedded sandbox: a child process
serving the persistent sandbox database in the platform data folder, started for this command and stopped at
its end (a CLI process is short-lived; the data, and so the sessions, persist between commands). ``--sandbox``
chooses the embedded sandbox even when a portal is configured.

The session is the one the last command kept (``session_store``); with none, SSP_USERNAME and SSP_PASSWORD
(with SSP_TOTP_SECRET or a remembered device) log in without a prompt; otherwise the command exits 3.
Every PortalError becomes its ``user_message`` on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from ssp_tui.api.errors import AuthenticationRequired, PortalError
from ssp_tui.api.roles import CAPABILITY_TITLES, Capability
from ssp_tui.cli.exit_codes import CommandFailed, ExitCode, LoginNeeded
from ssp_tui.cli.login_flow import sign_in_from_env
from ssp_tui.cli.output import Output
from ssp_tui.cli.session_store import SessionStore, session_key
from ssp_tui.settings.secrets import env_credentials

if TYPE_CHECKING:
    from ssp_tui.api.client import PortalClient
    from ssp_tui.operations.downloads import DownloadEngine
    from ssp_tui.portal.target import PortalTarget
    from ssp_tui.settings.config import Profile

T = TypeVar("T")

LOGIN_HINT = "Run `ssp-tui login` (or set SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET)."


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    portal: str | None
    profile: str | None
    sandbox: bool
    as_json: bool
    quiet: bool


def global_options(ctx: click.Context, *, as_json: bool = False) -> GlobalOptions:
    """The root group's options; a command's own ``--json`` counts as much as the global one."""
    obj = ctx.find_root().obj or {}
    return GlobalOptions(
        portal=obj.get("portal"),
        profile=obj.get("profile"),
        sandbox=bool(obj.get("sandbox")),
        as_json=bool(obj.get("as_json")) or as_json,
        quiet=bool(obj.get("quiet")),
    )


def make_output(ctx: click.Context, *, as_json: bool = False) -> Output:
    options = global_options(ctx, as_json=as_json)
    return Output(as_json=options.as_json, quiet=options.quiet)


@dataclass(slots=True)
class CliRun:
    """What a command's async body works with."""

    client: PortalClient
    output: Output
    profile_name: str
    profile: Profile
    portal_label: str
    store: SessionStore
    portal_key: str = ""
    """Which portal this is, stable across runs (the embedded sandbox's port changes): keys the ledger."""
    download_engine: DownloadEngine | None = None
    """Made on the first download and kept for the retry after a re-login (its cache index is loaded once)."""


Body = Callable[[CliRun], Awaitable[T]]


def run_portal(
    ctx: click.Context,
    body: Body[T],
    *,
    output: Output,
    require_session: bool = True,
    needs: Capability | None = None,
) -> T:
    """Run ``body`` with a client for the chosen portal (logged in unless ``require_session`` is False).

    ``needs``: the capability the command uses; a login without it (``GET /me``'s list, kept with the session)
    is told so before any request, rather than meeting the portal's 403."""
    options = global_options(ctx)
    try:
        return asyncio.run(_run(options, output, body, require_session, needs))
    except KeyboardInterrupt:
        raise CommandFailed("Interrupted.", ExitCode.ERROR) from None
    except AuthenticationRequired as exc:
        raise LoginNeeded(f"{exc.user_message} {LOGIN_HINT}") from None
    except PortalError as exc:
        raise CommandFailed(exc.user_message) from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise CommandFailed(f"{exc.strerror or type(exc).__name__}{where}.") from None
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:
        # A bug, not the user's doing: say so plainly (its text could hold anything, so only its type).
        raise CommandFailed(f"Unexpected error ({type(exc).__name__}); please report it.") from None


async def _run(
    options: GlobalOptions, output: Output, body: Body[T], require_session: bool, needs: Capability | None
) -> T:
    from ssp_tui.api.client import PortalClient, normalize_base_url
    from ssp_tui.portal.target import choose_target, portal_key
    from ssp_tui.settings.config import load_profile
    from ssp_tui.settings.secrets import SecretStore

    profile_name, profile = await asyncio.to_thread(load_profile, options.profile)
    target = choose_target(options.portal, profile, force_sandbox=options.sandbox)
    try:
        base_url = normalize_base_url(await target.start())
        # The embedded sandbox listens on a new port every run, but its database (and sessions) persist.
        key = portal_key(target, base_url)
        store = SessionStore(SecretStore(profile_name), session_key(key), output)
        client = PortalClient(base_url, on_session=store.keep, os_trust_store=profile.os_trust_store)
        async with client:
            run = CliRun(client, output, profile_name, profile, target.describe(), store, key)
            if not require_session:
                return await body(run)
            restored = await _restore_or_sign_in(run)
            _check_capability(run, needs)
            try:
                return await body(run)
            except AuthenticationRequired:
                # The kept session ended (expired or revoked); with credentials in the environment, log in
                # again and repeat the body once (bodies are reads, or POSTs carrying an idempotency key).
                credentials = env_credentials()
                if not restored or not credentials.can_sign_in:
                    raise
                await sign_in_from_env(run.client, run.store, credentials)
                return await body(run)
    finally:
        await _stop(target)


def _check_capability(run: CliRun, needs: Capability | None) -> None:
    session = run.client.auth.session
    if needs is None or session is None or needs in session.user.capabilities:
        return
    user = session.user
    raise CommandFailed(
        f"This login ({user.username}, {user.role.value}) cannot use {CAPABILITY_TITLES[needs]}. "
        "`ssp-tui whoami` lists what it can use."
    )


async def _restore_or_sign_in(run: CliRun) -> bool:
    """True if a kept session was restored; False if we logged in from the environment just now."""
    kept = await asyncio.to_thread(run.store.load)
    if kept is not None:
        run.client.auth.set_session(kept)
        return True
    credentials = env_credentials()
    if not credentials.can_sign_in:
        raise LoginNeeded(f"Not logged in to {run.portal_label}. {LOGIN_HINT}")
    await sign_in_from_env(run.client, run.store, credentials)
    return False


async def _stop(target: PortalTarget) -> None:
    with contextlib.suppress(OSError, PortalError):  # a sandbox child already gone leaves nothing to stop
        await target.stop()


def cache_dir() -> Path:
    """The download engine's content-addressed cache, shared by the TUI and the CLI."""
    from ssp_tui.operations.downloads.cache import default_cache_dir

    return default_cache_dir()
