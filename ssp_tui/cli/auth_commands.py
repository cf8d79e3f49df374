"""``ssp-tui login``, ``logout`` and ``whoami``."""

from __future__ import annotations

import asyncio
import contextlib
import sys

import click

from ssp_tui.api.errors import PortalError
from ssp_tui.api.models import MfaFactor, Session, User
from ssp_tui.cli.context import CliRun, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.login_flow import fresh_totp, sign_in
from ssp_tui.cli.output import Output
from ssp_tui.cli.output_options import make_output, output_options
from ssp_tui.cli.session_lock import TotpSteps
from ssp_tui.cli.session_store import NOT_KEPT, WHERE_HINT, where_words
from ssp_tui.errors import ConfigError
from ssp_tui.settings.secrets import env_credentials

_FACTOR_LABELS = {
    MfaFactor.TOTP: "Authenticator",
    MfaFactor.SMS: "Text message",
    MfaFactor.VOICE: "Voice call",
}


def _show_user(output: Output, user: User, portal_label: str) -> None:
    if output.as_json:
        output.json(user)
        return
    output.fields(
        [
            ("Username", user.username),
            ("Name", user.display_name),
            ("Email", user.email),
            ("Role", user.role.value),
            ("Capabilities", [capability.value for capability in user.capabilities]),
            ("Agency", user.agency),
            ("Portal", portal_label),
        ]
    )


@click.command("login")
@click.option(
    "--username", "-u", metavar="NAME", help="Defaults to SSP_USERNAME, then the profile's username."
)
@click.option(
    "--mfa-code", metavar="CODE", help="The MFA code (else SSP_TOTP_SECRET, else a prompt or stdin)."
)
@click.option(
    "--factor",
    type=click.Choice([factor.value for factor in MfaFactor]),
    help="How to get the MFA code: totp (authenticator, the default), sms or voice.",
)
@click.option("--remember-device", is_flag=True, help="Skip MFA on this device for 30 days.")
@click.option(
    "--allow-secrets-file",
    is_flag=True,
    help="With no keyring, keep sessions in a private file (0600) from now on (saved in the config file).",
)
@output_options(listing=False)
@click.pass_context
def login(
    ctx: click.Context,
    username: str | None,
    mfa_code: str | None,
    factor: str | None,
    remember_device: bool,
    allow_secrets_file: bool,
) -> None:
    """Log in and keep the session for later commands; exits 1 if it could be kept nowhere.

    Without a prompt: SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET (or --mfa-code, or a code on stdin).
    Otherwise it asks for what is missing; the password is never echoed.

    The session is kept in the OS keyring; where there is none, in a private file if you agreed
    (--allow-secrets-file, a question on a terminal, secrets_file_consent = true, SSP_SECRETS_FILE=1);
    else in memory by a session agent until 15 minutes without use (SSP_SESSION_AGENT=0: never).

    \b
    Examples (the sandbox's demo logins, from `ssp-tui sandbox accounts`):
      SSP_USERNAME=agent.rivera SSP_PASSWORD=Harbor-Quartz-68 \\
        SSP_TOTP_SECRET=E7SDEXIGJOYZLLLWMAHWIK3PLFB2CAQ6 ssp-tui login --remember-device
    """
    output = make_output(ctx, fields=User)

    async def body(run: CliRun) -> User:
        if allow_secrets_file or _agrees_to_secrets_file(run):
            await asyncio.to_thread(_consent_to_secrets_file, run)
        env = env_credentials()
        name = username or env.username or run.profile.username or click.prompt("Username", err=True)
        # SSP_PASSWORD belongs to SSP_USERNAME; it is not tried for another user named with --username.
        password = env.password if name == (env.username or name) else None
        password = password or await asyncio.to_thread(run.store.password, name)
        password = password or click.prompt("Password", hide_input=True, err=True)
        steps = TotpSteps(run.portal_key, name)

        async def code_for(chosen: MfaFactor) -> str:
            if mfa_code:
                return mfa_code
            if chosen is MfaFactor.TOTP:
                secret = env.totp_secret or run.store.totp_secret(name)
                if secret:
                    return await fresh_totp(secret, steps, output.warn)
            return str(click.prompt(f"{_FACTOR_LABELS[chosen]} code", err=True)).strip()

        # One login at a time per kept session: a command started meanwhile waits, then uses this one.
        async with run.store.exclusive() as kept:
            await _revoke(run, kept)
            session = await sign_in(
                run.client,
                run.store,
                name,
                password,
                code_for=code_for,
                factor=MfaFactor(factor) if factor else None,
                remember_device=remember_device,
                notify=output.warn,
            )
            if run.store.kept_in in (None, "nowhere"):
                # Nothing to use it by later: end it on the portal too rather than leave it live.
                with contextlib.suppress(PortalError):
                    await run.client.auth.logout()
                raise CommandFailed(f"Signed in as {name}, but {NOT_KEPT}; {WHERE_HINT}.")
        _remember_username(run, name)
        output.info(
            f"Logged in as {session.user.username} ({session.user.role.value}); "
            f"the session is kept {where_words(run.store.kept_in)}."
        )
        return session.user

    user = run_portal(ctx, body, output=output, require_session=False)
    if output.as_json:
        output.json(user)


def _agrees_to_secrets_file(run: CliRun) -> bool:
    """On a terminal with no keyring and no consent yet, ask once whether the private file may be used."""
    if run.store.where in ("keyring", "file") or not sys.stdin.isatty():
        return False
    return click.confirm(
        "There is no keyring here. Keep sessions in a private file (readable only by you) from now on?",
        default=False,
        err=True,
    )


def _consent_to_secrets_file(run: CliRun) -> None:
    from ssp_tui.settings.config import set_secrets_file_consent

    try:
        set_secrets_file_consent(True)
    except (ConfigError, OSError) as exc:
        raise CommandFailed(f"Cannot save the consent in the config file ({exc}).") from None
    run.store.allow_secrets_file()


async def _revoke(run: CliRun, kept: Session | None) -> None:
    """A new login replaces the kept session; revoke the old one on the portal rather than leave it live."""
    if kept is None:
        return
    run.client.auth.set_session(kept)
    with contextlib.suppress(PortalError):
        await run.client.auth.logout()


def _remember_username(run: CliRun, username: str) -> None:
    """The next login's default; the username is not a secret, so it lives in the profile."""
    if run.profile.username == username:
        return
    from ssp_tui.settings.config import save_profile

    run.profile.username = username
    with contextlib.suppress(ConfigError, OSError):
        save_profile(run.profile_name, run.profile)


@click.command("logout")
@click.pass_context
def logout(ctx: click.Context) -> None:
    """End the kept session: revoke it on the portal and forget it here.

    \b
    Example:
      ssp-tui logout
    """
    output = make_output(ctx)

    async def body(run: CliRun) -> bool:
        kept = await asyncio.to_thread(run.store.load)
        if kept is None:
            return False
        run.client.auth.set_session(kept)
        # The client forgets the session (and the store with it) even when the portal cannot be told.
        with contextlib.suppress(PortalError):
            await run.client.auth.logout()
        run.store.clear()
        return True

    if run_portal(ctx, body, output=output, require_session=False):
        output.info("Logged out.")
    else:
        output.info("Not logged in.")


@click.command("whoami")
@output_options(listing=False)
@click.pass_context
def whoami(ctx: click.Context) -> None:
    """Who the kept session belongs to, as the portal says (GET /me).

    \b
    Examples:
      ssp-tui whoami
      ssp-tui whoami --jq .role
    """
    output = make_output(ctx, fields=User)

    async def body(run: CliRun) -> tuple[User, str]:
        return await run.client.me(), run.portal_label

    user, portal_label = run_portal(ctx, body, output=output)
    _show_user(output, user, portal_label)
