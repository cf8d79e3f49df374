"""Signing in from the CLI: the password step, then MFA (TOTP, SMS or voice), or a remembered device.

Two ways in: ``ssp-tui login`` (options, SSP_* variables, then prompts) and, for any other command with no
kept session, SSP_USERNAME + SSP_PASSWORD (+ SSP_TOTP_SECRET) without a prompt. Both end in the client's own
``verify``, whose ``on_session`` callback keeps the session for the next command.

A computed authenticator code is never sent twice: the portal accepts one sign-in per 30-second step and
counts a replayed code as a failed sign-in. The step each sign-in used is noted (``TotpSteps``), and a
sign-in that finds the current step used waits for the next one, saying so.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ssp_tui import clock
from ssp_tui.api.constants import TOTP_PERIOD_S
from ssp_tui.api.errors import ProtocolError
from ssp_tui.api.models import LoginState, MfaFactor, Session
from ssp_tui.cli.exit_codes import LoginNeeded

if TYPE_CHECKING:
    import pyotp

    from ssp_tui.api.client import PortalClient
    from ssp_tui.cli.session_lock import TotpSteps
    from ssp_tui.cli.session_store import SessionStore
    from ssp_tui.settings.secrets import EnvironmentCredentials

CodeFor = Callable[[MfaFactor], str | Awaitable[str]]
"""Returns the MFA code for the chosen factor (computed, given, or asked for)."""
Notify = Callable[[str], None]
Sleep = Callable[[float], Awaitable[None]]
_STEP_MARGIN_S = 0.25
"""Wait this far into the next step, so that a clock a little behind the portal's is past the boundary too."""


def _totp(secret: str) -> pyotp.TOTP:
    import pyotp

    try:
        totp = pyotp.TOTP(secret.replace(" ", "").upper())
        totp.at(0)  # a secret that is not base32 fails here, not halfway through a sign-in
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        raise LoginNeeded("The TOTP secret is not a valid base32 authenticator secret.") from None
    return totp


async def fresh_totp(
    secret: str, steps: TotpSteps, notify: Notify | None, *, sleep: Sleep = asyncio.sleep
) -> str:
    """An authenticator code of a step no sign-in has used yet: the current one, or (after a wait that is
    said out loud) the next one. The step is noted as used before the code is sent."""
    totp = _totp(secret)
    now = clock.timestamp()
    last = steps.last()
    if int(now) // TOTP_PERIOD_S <= last:
        wait = (last + 1) * TOTP_PERIOD_S - now + _STEP_MARGIN_S
        if notify is not None:
            notify(
                f"Waiting {max(1, round(wait))} s for the next authenticator code: the current one was just "
                "used to sign in, and a code is good for one sign-in."
            )
        await sleep(wait)
        now = clock.timestamp()
    steps.used(int(now) // TOTP_PERIOD_S)
    return totp.at(int(now))


def choose_factor(offered: list[MfaFactor], wanted: MfaFactor | None) -> MfaFactor:
    if wanted is not None:
        if offered and wanted not in offered:
            names = ", ".join(factor.value for factor in offered)
            raise LoginNeeded(f"The portal does not offer {wanted.value} codes here (it offers {names}).")
        return wanted
    if not offered or MfaFactor.TOTP in offered:
        return MfaFactor.TOTP
    return offered[0]


async def sign_in(
    client: PortalClient,
    store: SessionStore,
    username: str,
    password: str,
    *,
    code_for: CodeFor,
    factor: MfaFactor | None = None,
    remember_device: bool = False,
    notify: Notify | None = None,
    can_enroll: bool = True,
) -> Session:
    """Log in as ``username``; the session is installed in ``client`` (and kept by the store) on return."""
    device_token = await asyncio.to_thread(store.device_token, username)
    answer = await client.auth.login(username, password, device_token=device_token)
    if answer.state is LoginState.AUTHENTICATED and answer.session is not None:
        return answer.session
    if not answer.mfa_token:
        raise ProtocolError("POST /api/v1/auth/login", "an MFA step without an MFA token")
    if answer.state is LoginState.ENROLL_TOTP:
        if not can_enroll:
            raise LoginNeeded(f"{username} has no authenticator yet: run `ssp-tui login` at a terminal.")
        chosen = MfaFactor.TOTP
        if notify is not None:
            notify(
                "This login has no authenticator yet. Add it to your authenticator app, then enter a code:\n"
                f"  {answer.otpauth_uri}"
            )
    else:
        chosen = choose_factor(answer.factors, factor)
        if chosen is not MfaFactor.TOTP:
            sent = await client.auth.send_code(answer.mfa_token, chosen)
            if notify is not None:
                notify(f"A {chosen.value} code was sent to {sent.sent_to}.")
    code = code_for(chosen)
    if inspect.isawaitable(code):
        code = await code
    return await client.auth.verify(answer.mfa_token, chosen, code, remember_device=remember_device)


async def sign_in_from_env(
    client: PortalClient,
    store: SessionStore,
    credentials: EnvironmentCredentials,
    steps: TotpSteps,
    notify: Notify | None = None,
) -> Session:
    """The no-prompt login (SSP_USERNAME, SSP_PASSWORD): TOTP from SSP_TOTP_SECRET, or a remembered device
    needing no code at all."""
    username, password = credentials.username or "", credentials.password or ""

    async def code_for(factor: MfaFactor) -> str:
        if factor is not MfaFactor.TOTP or credentials.totp_secret is None:
            raise LoginNeeded(f"{username} needs an MFA code: set SSP_TOTP_SECRET, or run `ssp-tui login`.")
        return await fresh_totp(credentials.totp_secret, steps, notify)

    return await sign_in(
        client,
        store,
        username,
        password,
        code_for=code_for,
        factor=MfaFactor.TOTP,
        can_enroll=False,
    )
