"""``ssp-tui account register | recover-username | reset-password``: create a login and recover one.

None of these needs a session. The portal answers them the same whatever it knows, and what happened
arrives by email (on the sandbox: ``ssp-tui sandbox outbox``).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable
from typing import TypeVar

import click
import msgspec

from ssp_tui.api.errors import AuthenticationRequired, ValidationFailed
from ssp_tui.api.models import Accepted, RegistrationCreate, UserType
from ssp_tui.cli.context import CliRun, make_output, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.output import Output
from ssp_tui.cli.output_options import output_options

T = TypeVar("T")
_USER_TYPES = {"insured": UserType.INSURED, "authorized-user": UserType.AUTHORIZED_USER}


@click.group("account")
def account_group() -> None:
    """Create a portal login, or recover your username or password."""


def _say(output: Output, answer: Accepted) -> None:
    if output.as_json:
        output.json(answer)
    else:
        output.info(answer.message)


@account_group.command("register")
@click.option(
    "--type",
    "user_type",
    type=click.Choice(list(_USER_TYPES)),
    required=True,
    help="insured: the policyholder or an insured; authorized-user: office staff acting for them.",
)
@click.option("--name", required=True, metavar="NAME", help="Your full name (an insured: as on the policy).")
@click.option("--email", required=True, metavar="EMAIL")
@click.option("--phone", required=True, metavar="PHONE", help="Ten digits; sign-in codes can go to it.")
@click.option("--policy", "policy_number", required=True, metavar="NUMBER", help="A policy number.")
@click.option("--works-for", default="", metavar="NAME", help="Authorized user: whom you work for.")
@output_options(listing=False)
@click.pass_context
def register(
    ctx: click.Context,
    user_type: str,
    name: str,
    email: str,
    phone: str,
    policy_number: str,
    works_for: str,
) -> None:
    """Ask for a login. The portal team verifies it within 1-2 business days and emails you your username
    and an invitation code; set your password with `account reset-password --code`.

    \b
    Example:
      ssp-tui account register --type authorized-user --name "Anna Lindqvist" \\
        --email anna@greatlakesortho.example --phone 616-555-0187 --policy NC-2041178 \\
        --works-for "Great Lakes Orthopedic Associates"
    """
    output = make_output(ctx)
    kind = _USER_TYPES[user_type]
    if kind is UserType.AUTHORIZED_USER and not works_for.strip():
        raise click.UsageError("An authorized user says whom they work for: add --works-for.")
    try:
        registration = msgspec.convert(
            {
                "user_type": kind,
                "name": name.strip(),
                "email": email.strip(),
                "phone": phone.strip(),
                "policy_number": policy_number.strip(),
                "works_for": works_for.strip(),
            },
            type=RegistrationCreate,
        )
    except msgspec.ValidationError as exc:
        raise click.UsageError(f"The registration is not complete: {exc}") from None

    async def body(run: CliRun) -> Accepted:
        return await _refused_as_error(run.client.account.register(registration))

    _say(output, run_portal(ctx, body, output=output, require_session=False))


@account_group.command("recover-username")
@click.option("--email", required=True, metavar="EMAIL", help="The address you registered with.")
@output_options(listing=False)
@click.pass_context
def recover_username(ctx: click.Context, email: str) -> None:
    """Email the username(s) of the logins that use an address.

    \b
    Example:
      ssp-tui account recover-username --email leah.foster@mercyridge.example
    """
    output = make_output(ctx)

    async def body(run: CliRun) -> Accepted:
        return await _refused_as_error(run.client.account.recover_username(email))

    _say(output, run_portal(ctx, body, output=output, require_session=False))


@account_group.command("reset-password")
@click.option("--username", "-u", required=True, metavar="NAME")
@click.option("--code", metavar="CODE", help="A reset or invitation code you have (else one is emailed).")
@click.option(
    "--password-stdin", is_flag=True, help="Read the new password from standard input (for scripts)."
)
@output_options(listing=False)
@click.pass_context
def reset_password(ctx: click.Context, username: str, code: str | None, password_stdin: bool) -> None:
    """Set a new password with a code from your email: a reset code, or the invitation code of a new login.

    Without --code a reset code is emailed first; at a terminal you are then asked for it and for the new
    password (8 to 64 characters, any characters; the commonest passwords are refused). Every session and
    remembered device of the login ends, so sign in again afterwards. In a script, give the code with
    --code and the password on standard input with --password-stdin.

    \b
    Example:
      ssp-tui account reset-password -u dr.patel
    """
    output = make_output(ctx)
    interactive = sys.stdin.isatty() and not password_stdin
    if code is None and not interactive:
        # Only ask for the code: the person reads it from their email and runs the command again.
        async def ask(run: CliRun) -> Accepted:
            return await _refused_as_error(run.client.account.request_password_reset(username))

        _say(output, run_portal(ctx, ask, output=output, require_session=False))
        output.info(f"Then: ssp-tui account reset-password -u {username} --code CODE --password-stdin")
        return
    new_password = _read_password(password_stdin) if code is not None else None

    async def body(run: CliRun) -> None:
        chosen = code
        if chosen is None:
            answer = await _refused_as_error(run.client.account.request_password_reset(username))
            output.info(answer.message)
            chosen = str(click.prompt("Code from the email", err=True)).strip()
        password = new_password or _read_password(False)
        try:
            await run.client.account.reset_password(username, chosen, password)
        except (ValidationFailed, AuthenticationRequired) as exc:
            # A wrong or expired code is the portal's 401, but no sign-in would help: ask for a new code.
            raise CommandFailed.of(exc) from None
        run.store.forget_login(username)

    run_portal(ctx, body, output=output, require_session=False)
    if output.as_json:
        output.json({"username": username, "password_set": True})
    output.info(
        f"The password of {username} is set; every session of it ended. Sign in: ssp-tui login -u {username}"
    )


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
        if not text:
            raise click.UsageError("--password-stdin read no password.")
        return text
    return str(click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True))


async def _refused_as_error(call: Awaitable[T]) -> T:
    """A 422 (the portal's rules) as a one-line error rather than a traceback."""
    try:
        return await call
    except ValidationFailed as exc:
        raise CommandFailed.of(exc) from None
