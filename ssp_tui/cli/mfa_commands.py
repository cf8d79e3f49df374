"""``ssp-tui mfa factors | phone | reenroll | devices | revoke-device``: the portal's MFA Support page.

A new phone number and a new authenticator each prove themselves with a code before they take effect. At a
terminal the command asks for the code; in a script it prints what to confirm with (``--confirm TOKEN
--code CODE``), since the code only exists once the first step has run.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable
from typing import TypeVar

import click

from ssp_tui.api.errors import ValidationFailed
from ssp_tui.api.models import MfaFactor, MfaStatus, PhoneChannel, RememberedDevice
from ssp_tui.cli.context import CliRun, make_output, run_portal
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.cli.output import Column, Output
from ssp_tui.cli.output_options import output_options
from ssp_tui.cli.session_store import NOT_KEPT
from ssp_tui.operations.authenticator import grouped, qr_text, totp_secret_from_uri

T = TypeVar("T")
_FACTOR_WORDS = {
    MfaFactor.TOTP: "authenticator app",
    MfaFactor.SMS: "text message",
    MfaFactor.VOICE: "voice call",
}


@click.group("mfa")
def mfa_group() -> None:
    """Multi-factor authentication: factors, phone, authenticator app, remembered devices."""


def _show_status(output: Output, status: MfaStatus) -> None:
    if output.as_json:
        output.json(status)
        return
    output.fields(
        [
            (
                "Factors",
                [_FACTOR_WORDS[f] for f in status.factors] or "none yet (set up at the next sign-in)",
            ),
            ("Authenticator app", "enrolled" if status.totp_enrolled else "not enrolled"),
            ("Phone for codes", status.phone_hint),
            ("Remembered devices", status.remembered_devices),
            ("New authenticator", "waiting for its first code" if status.totp_reenrollment_pending else ""),
        ]
    )


@mfa_group.command("factors")
@output_options(listing=False)
@click.pass_context
def factors(ctx: click.Context) -> None:
    """The factors that can complete your sign-in, the phone codes go to, and remembered devices.

    \b
    Example:
      ssp-tui mfa factors --jq .phone_hint
    """
    output = make_output(ctx, fields=MfaStatus)

    async def body(run: CliRun) -> MfaStatus:
        return await run.client.mfa.status()

    _show_status(output, run_portal(ctx, body, output=output))


def _code(code: str | None, what: str) -> str | None:
    if code is not None:
        return code
    if sys.stdin.isatty():
        return str(click.prompt(what, err=True)).strip()
    return None


async def _confirmed(call: Awaitable[T]) -> T:
    """A 422 (a wrong code, a number that is not one) as a one-line error."""
    try:
        return await call
    except ValidationFailed as exc:
        raise CommandFailed.of(exc) from None


@mfa_group.command("phone")
@click.argument("number", required=False)
@click.option(
    "--by",
    "factor",
    type=click.Choice(["sms", "voice"]),
    default="sms",
    show_default=True,
    help="How the code reaches the new number.",
)
@click.option("--confirm", "token", metavar="TOKEN", help="Finish a change started earlier (with --code).")
@click.option("--code", metavar="CODE", help="The code the new number received.")
@output_options(listing=False)
@click.pass_context
def phone(ctx: click.Context, number: str | None, factor: str, token: str | None, code: str | None) -> None:
    """Change the phone number text and voice codes go to; the new number proves itself with a code first.

    At a terminal it asks for the code. In a script it prints the change token; finish with
    `ssp-tui mfa phone --confirm TOKEN --code CODE`.

    \b
    Examples:
      ssp-tui mfa phone 916-555-0199
      ssp-tui mfa phone 916-555-0199 --by voice --jq .change_token
    """
    output = make_output(ctx)
    if (number is None) == (token is None):
        raise click.UsageError("Give the new NUMBER, or --confirm TOKEN --code CODE to finish a change.")
    if token is not None and code is None:
        raise click.UsageError("--confirm needs --code.")

    async def body(run: CliRun) -> MfaStatus | str:
        change_token = token
        if change_token is None:
            assert number is not None
            started = await _confirmed(run.client.mfa.start_phone_change(number, PhoneChannel(factor)))
            output.info(
                f"A code was sent by {factor} to {started.sent_to}; it is valid for "
                f"{started.expires_in // 60} minutes."
            )
            change_token = started.change_token
        typed = _code(code, "Code sent to the new number")
        if typed is None:
            return change_token
        return await _confirmed(run.client.mfa.confirm_phone_change(change_token, typed))

    result = run_portal(ctx, body, output=output)
    if isinstance(result, str):
        if output.as_json:
            output.json({"change_token": result})
        output.info(f"Finish with: ssp-tui mfa phone --confirm {result} --code CODE")
        return
    output.info("The new number is confirmed; codes go there from now on.")
    _show_status(output, result)


@mfa_group.command("reenroll")
@click.option(
    "--confirm", "token", metavar="TOKEN", help="Finish a re-enrollment started earlier (with --code)."
)
@click.option("--code", metavar="CODE", help="A code from the new authenticator entry.")
@click.option(
    "--keep-secret", is_flag=True, help="Keep the new secret in the keyring (codes filled for you)."
)
@output_options(listing=False)
@click.pass_context
def reenroll(ctx: click.Context, token: str | None, code: str | None, keep_secret: bool) -> None:
    """Set up the authenticator app again (a new phone, say): a QR code to scan, then a code from it.

    The old authenticator keeps working until the new one is confirmed. At a terminal it asks for the code;
    in a script it prints the otpauth URI and the token (--json); finish with
    `ssp-tui mfa reenroll --confirm TOKEN --code CODE`.

    \b
    Examples:
      ssp-tui mfa reenroll
      ssp-tui mfa reenroll --jq .otpauth_uri
    """
    output = make_output(ctx)
    if token is not None and code is None:
        raise click.UsageError("--confirm needs --code.")

    async def body(run: CliRun) -> MfaStatus | tuple[str, str]:
        enrollment_token, secret = token, ""
        if enrollment_token is None:
            started = await run.client.mfa.start_totp_reenrollment()
            enrollment_token, secret = started.enrollment_token, totp_secret_from_uri(started.otpauth_uri)
            if output.as_json and not sys.stdin.isatty():
                return enrollment_token, started.otpauth_uri
            output.info("Scan this with your authenticator app, or type the secret:")
            output.warn(qr_text(started.otpauth_uri))
            output.warn(f"Secret: {grouped(secret)}")
        typed = _code(code, "Code the new authenticator entry shows")
        if typed is None:
            return enrollment_token, ""
        status = await _confirmed(run.client.mfa.confirm_totp_reenrollment(enrollment_token, typed))
        session = run.client.auth.session
        if keep_secret and secret and session is not None:
            if not run.store.keep_totp_secret(session.user.username, secret):
                output.warn(f"The new authenticator secret could not be kept: {NOT_KEPT}.")
        elif session is not None and run.store.totp_secret(session.user.username):
            output.warn(
                "The authenticator secret kept in the keyring is the old one: run `ssp-tui mfa reenroll "
                "--keep-secret` next time, or keep SSP_TOTP_SECRET up to date."
            )
        return status

    result = run_portal(ctx, body, output=output)
    if isinstance(result, tuple):
        enrollment_token, uri = result
        if output.as_json:
            output.json({"enrollment_token": enrollment_token, "otpauth_uri": uri})
        output.info(f"Finish with: ssp-tui mfa reenroll --confirm {enrollment_token} --code CODE")
        return
    output.info("The new authenticator is confirmed; the old one no longer gives valid codes.")
    _show_status(output, result)


DEVICE_COLUMNS: list[Column[RememberedDevice]] = [
    Column("Device", lambda d: d.id),
    Column("Label", lambda d: d.label),
    Column("Remembered", lambda d: d.remembered_at),
    Column("Last used", lambda d: d.last_used_at),
    Column("Expires", lambda d: d.expires_at),
]


@mfa_group.command("devices")
@output_options()
@click.pass_context
def devices(ctx: click.Context) -> None:
    """Devices that skip the MFA step (for 30 days after they were remembered).

    \b
    Example:
      ssp-tui mfa devices
    """
    output = make_output(ctx, fields=RememberedDevice)

    async def body(run: CliRun) -> list[RememberedDevice]:
        return await run.client.mfa.devices().collect()

    output.listing(run_portal(ctx, body, output=output), DEVICE_COLUMNS, empty="No remembered devices.")


@mfa_group.command("revoke-device")
@click.argument("device_id", metavar="DEVICE")
@click.pass_context
def revoke_device(ctx: click.Context, device_id: str) -> None:
    """Forget a remembered device (DEVICE: an id from `ssp-tui mfa devices`): its next sign-in asks for a
    code.

    \b
    Example:
      ssp-tui mfa revoke-device dev_5jb160mfyxtne4ew
    """
    output = make_output(ctx)

    async def body(run: CliRun) -> None:
        await run.client.mfa.revoke_device(device_id)

    run_portal(ctx, body, output=output)
    output.info(f"Device {device_id} is forgotten; its next sign-in asks for a code.")
