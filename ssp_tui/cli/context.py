"""From the global options to a logged-in PortalClient, for one CLI command.

The portal is ``--portal``, else SSP_PORTAL, else the profile's, else the embedded sandbox: a background
process serving the persistent sandbox database in the platform data folder, started by the first command
that needs it and reused by the later ones until it has been idle for a while (``portal/shared_sandbox.py``).
``--sandbox`` chooses the embedded sandbox even when a portal is configured.

The session is the one the last command kept (``session_store``: the keyring, the consented file, or the
session agent's memory); with none, SSP_USERNAME and SSP_PASSWORD (with SSP_TOTP_SECRET or a remembered
device) log in without a prompt; otherwise the command exits 3. Restoring, signing in and refreshing happen
under the kept session's lock, so commands run in parallel sign in once and refresh once between them.
Every SspError becomes its ``user_message`` and ``next_step`` on stderr and exit 1, never a traceback. Ctrl+C
and SIGTERM end the command with 130 and 143 (``interrupts``).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from ssp_tui.api.errors import AuthenticationRequired, PortalError
from ssp_tui.api.roles import CAPABILITY_TITLES, Capability
from ssp_tui.cli.exit_codes import CommandFailed, ExitCode, Interrupted, LoginNeeded
from ssp_tui.cli.interrupts import StopRequest, last_stop, stop_on_signals
from ssp_tui.cli.login_flow import sign_in_from_env
from ssp_tui.cli.output import Output
from ssp_tui.cli.output_options import GlobalOptions, global_options, make_output
from ssp_tui.cli.session_lock import TotpSteps
from ssp_tui.cli.session_store import (
    NOT_KEPT,
    WHERE_HINT,
    SessionStore,
    session_agent,
    session_key,
    where_words,
)
from ssp_tui.errors import SspError, is_file_error, next_step_for_os_error, os_reason
from ssp_tui.settings.secrets import EnvironmentCredentials, env_credentials

if TYPE_CHECKING:
    from ssp_tui.api.client import PortalClient
    from ssp_tui.api.models import Session
    from ssp_tui.operations.downloads import DownloadEngine
    from ssp_tui.portal.target import PortalTarget
    from ssp_tui.settings.config import Profile

T = TypeVar("T")

LOGIN_HINT = "Run `ssp-tui login` (or set SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET)."
_SIGN_IN_AGAIN = re.compile(r"[;,.]?\s*(please\s+)?sign in again\.?$", re.IGNORECASE)

__all__ = ["CliRun", "GlobalOptions", "global_options", "make_output", "run_portal"]


@dataclass(slots=True)
class CliRun:
    """What a command's async body works with."""

    client: PortalClient
    output: Output
    profile_name: str
    profile: Profile
    portal_label: str
    store: SessionStore
    portal_key: str
    """Names the portal for what is kept per portal (the session, the authenticator steps used, the ledger);
    stable across runs (the embedded sandbox's port changes)."""
    stop: StopRequest
    """What Ctrl+C or SIGTERM asked for (the download engine's cancel event)."""
    download_engine: DownloadEngine | None = None
    """Made on the first download and kept for the retry after a re-login (its cache index is loaded once)."""


Body = Callable[[CliRun], Awaitable[T]]
ProfileCheck = Callable[["Profile"], None]


def run_portal(
    ctx: click.Context,
    body: Body[T],
    *,
    output: Output,
    require_session: bool = True,
    needs: Capability | None = None,
    check_profile: ProfileCheck | None = None,
) -> T:
    """Run ``body`` with a client for the chosen portal (logged in unless ``require_session`` is False).

    ``needs``: the capability the command uses; a login without it (``GET /me``'s list, kept with the session)
    is told so before any request, rather than meeting the portal's 403. ``check_profile``: checks of options
    that depend on the profile (its concurrency, its filename template), run before any network work."""
    options = global_options(ctx)
    try:
        return asyncio.run(_run(options, output, body, require_session, needs, check_profile))
    except (KeyboardInterrupt, asyncio.CancelledError):
        # A signal outside a download (or a second one during it): nothing was left half-written.
        code = ExitCode.TERMINATED if _stopped_by_term() else ExitCode.INTERRUPTED
        raise Interrupted("Interrupted; nothing more was done.", code) from None
    except AuthenticationRequired as exc:
        # The hint says how to sign in again; the portal's "sign in again" would say it twice.
        said = _SIGN_IN_AGAIN.sub("", exc.user_message).rstrip(" ;,.") + "."
        step = f"{exc.next_step} {LOGIN_HINT}" if exc.signing_in else LOGIN_HINT
        raise LoginNeeded(said, next_step=step) from None
    except SspError as exc:
        raise CommandFailed.of(exc) from None
    except OSError as exc:
        # A failure no layer named (each should): the system's words, the file, and for a disk failure what
        # to do about it.
        where = f" ({exc.filename})" if exc.filename else ""
        step = next_step_for_os_error(exc) if is_file_error(exc) else ""
        raise CommandFailed(f"{os_reason(exc)}{where}.", next_step=step) from None
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:
        # A bug, not the user's doing: say so plainly (its text could hold anything, so only its type).
        raise CommandFailed(f"Unexpected error ({type(exc).__name__}); please report it.") from None


def _stopped_by_term() -> bool:
    stop = last_stop()
    return stop is not None and stop.exit_code is ExitCode.TERMINATED


async def _run(
    options: GlobalOptions,
    output: Output,
    body: Body[T],
    require_session: bool,
    needs: Capability | None,
    check_profile: ProfileCheck | None,
) -> T:
    task = asyncio.current_task()
    assert task is not None
    with stop_on_signals(task) as stop:
        return await _run_with_client(options, output, body, require_session, needs, check_profile, stop)


async def _run_with_client(
    options: GlobalOptions,
    output: Output,
    body: Body[T],
    require_session: bool,
    needs: Capability | None,
    check_profile: ProfileCheck | None,
    stop: StopRequest,
) -> T:
    from ssp_tui.api.client import PortalClient, normalize_base_url
    from ssp_tui.portal.target import choose_target, portal_key
    from ssp_tui.settings.config import load_profile
    from ssp_tui.settings.secrets import SecretStore

    profile_name, profile = load_profile(options.profile)  # a small file: a thread would cost more
    if check_profile is not None:
        check_profile(profile)
    target = choose_target(options.portal, profile, force_sandbox=options.sandbox, shared_sandbox=True)
    try:
        base_url = normalize_base_url(await target.start())
        # The embedded sandbox listens on a new port every run, but its database (and sessions) persist.
        key = portal_key(target, base_url)
        session = session_key(key)
        agent = session_agent(profile_name, session)
        store = SessionStore(SecretStore(profile_name), session, agent=agent)
        async with PortalClient(
            base_url, on_session=store.keep, share=store, os_trust_store=profile.os_trust_store
        ) as client:
            run = CliRun(client, output, profile_name, profile, target.describe(), store, key, stop)
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
                await _sign_in_unless_replaced(run, credentials)
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


def _usable(kept: Session | None, credentials: EnvironmentCredentials) -> bool:
    """A kept session serves unless SSP_USERNAME names someone else (then the variables win)."""
    if kept is None:
        return False
    return credentials.username is None or kept.user.username.lower() == credentials.username.lower()


async def _restore_or_sign_in(run: CliRun) -> bool:
    """True if a kept session was restored; False if we logged in from the environment just now."""
    credentials = env_credentials()
    async with run.store.exclusive() as kept:
        if kept is not None and _usable(kept, credentials):
            run.client.auth.set_session(kept)
            return True
        if not credentials.can_sign_in:
            raise LoginNeeded(f"Not logged in to {run.portal_label}.", next_step=LOGIN_HINT)
        session = await _sign_in_env(run, credentials)
        if run.store.kept_in == "memory":
            run.output.info(
                f"Signed in as {session.user.username}; the session is kept {where_words('memory')}."
            )
        elif run.store.kept_in == "nowhere":
            run.output.warn(f"Signed in, but {NOT_KEPT}, so each command signs in again; {WHERE_HINT}.")
        return False


async def _sign_in_unless_replaced(run: CliRun, credentials: EnvironmentCredentials) -> None:
    """After the session ended: another command may have signed in again meanwhile; use its session."""
    ended = run.client.auth.session
    async with run.store.exclusive() as kept:
        if _usable(kept, credentials) and kept is not None and (ended is None or kept != ended):
            run.client.auth.set_session(kept)
            return
        await _sign_in_env(run, credentials)


async def _sign_in_env(run: CliRun, credentials: EnvironmentCredentials) -> Session:
    """Sign in from SSP_* variables; the caller holds the kept session's lock."""
    steps = TotpSteps(run.portal_key, credentials.username or "")
    return await sign_in_from_env(run.client, run.store, credentials, steps, run.output.warn)


async def _stop(target: PortalTarget) -> None:
    with contextlib.suppress(OSError, PortalError):  # a sandbox child already gone leaves nothing to stop
        await target.stop()


def cache_dir() -> Path:
    """The download engine's content-addressed cache, shared by the TUI and the CLI."""
    from ssp_tui.operations.downloads.cache import default_cache_dir

    return default_cache_dir()
