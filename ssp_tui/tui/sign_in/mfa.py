"""Multi-factor authentication: pick a factor and enter the code.

The authenticator app is the default and its code field has focus, so typing the code and Enter is enough.
Text message and voice call send a code (with resend). First sign-ins without MFA go to ``mfa_enroll``.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from ssp_tui import clock
from ssp_tui.api.constants import REMEMBER_DEVICE_DAYS, TOTP_PERIOD_S
from ssp_tui.api.models.auth import MfaFactor, Session
from ssp_tui.tui.shell import shell

FACTOR_LABELS = {
    MfaFactor.TOTP: "Authenticator app",
    MfaFactor.SMS: "Text message",
    MfaFactor.VOICE: "Voice call",
}


def sign_in_error_text(error: BaseException) -> str:
    """The line a sign-in form shows for a failure: what happened (the portal's words, once) and what to do
    next (check the password, when to try again, whom to ask). No title before it: "Login on hold: ... this
    login is on hold" said it twice."""
    from ssp_tui.tui.dialogs.error_modal import describe_error

    return describe_error(error)[1]


def current_totp(secret: str) -> str:
    import pyotp  # small, but only needed when a code is filled in

    return pyotp.TOTP(secret).at(clock.now())


class MfaScreen(ModalScreen[Session | None]):
    """Dismisses with the new session, or None when cancelled."""

    DEFAULT_CSS = """
    #mfa-code { width: 20; }
    #totp-countdown { width: auto; margin: 1 2; color: $text-muted; }
    #mfa-factor { width: 100%; }
    #mfa-status { height: auto; margin-top: 1; }
    """
    AUTO_FOCUS = "#mfa-code"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Back to the sign-in form", id="mfa.cancel"),
        Binding(
            "ctrl+r",
            "send_code",
            "Resend code",
            tooltip="Send a new code by text or voice",
            id="mfa.send_code",
        ),
        Binding(
            "ctrl+t",
            "fill_demo_code",
            "Fill demo code",
            tooltip="Fill the code from the demo secret",
            id="mfa.fill_demo_code",
        ),
    ]

    def __init__(
        self,
        mfa_token: str,
        factors: list[MfaFactor],
        *,
        phone_hint: str | None = None,
        demo_secret: str | None = None,
        kept_secret: str | None = None,
    ) -> None:
        super().__init__()
        self._mfa_token = mfa_token
        self._factors = [f for f in FACTOR_LABELS if f in factors]
        self._factor = MfaFactor.TOTP if MfaFactor.TOTP in self._factors else self._factors[0]
        self._phone_hint = phone_hint
        self._demo_secret = demo_secret
        self._kept_secret = kept_secret
        self._sent: set[MfaFactor] = set()

    def compose(self) -> ComposeResult:
        with Vertical(id="mfa-dialog", classes="dialog"):
            yield Static("Verify it's you", classes="dialog-title")
            yield Static("How do you want to get your code?")
            with RadioSet(id="mfa-factor"):
                for factor in self._factors:
                    label = FACTOR_LABELS[factor]
                    if factor is not MfaFactor.TOTP and self._phone_hint:
                        label += f" ({self._phone_hint})"
                    yield RadioButton(label, value=factor is self._factor, id=f"factor-{factor.value}")
            yield Static("", id="mfa-instructions")
            with Horizontal(classes="field-row"):
                yield Input(placeholder="6-digit code", restrict=r"\d*", max_length=8, id="mfa-code")
                yield Static("", id="totp-countdown")
            yield Checkbox(
                f"Do not challenge me on this device for {REMEMBER_DEVICE_DAYS} days", id="remember-device"
            )
            with Horizontal(classes="buttons"):
                yield Button("Verify", variant="primary", id="mfa-verify")
                yield Button("Send code", id="mfa-send")
                if self._demo_secret:
                    yield Button("Fill demo code", id="mfa-fill-demo")
                yield Button("Cancel", id="mfa-cancel")
            yield Static("", id="mfa-status", markup=False)

    def on_mount(self) -> None:
        self._show_factor()
        if shell(self).show_clock:
            self._tick()
            self.set_interval(1.0, self._tick)
        else:
            self.query_one("#totp-countdown", Static).display = False
        if self._kept_secret:
            self.query_one("#mfa-code", Input).value = current_totp(self._kept_secret)
            self._set_status("Code filled from the secret kept in your keyring: press Enter.")

    def _tick(self) -> None:
        remaining = TOTP_PERIOD_S - int(clock.timestamp()) % TOTP_PERIOD_S
        self.query_one("#totp-countdown", Static).update(f"new code in {remaining:2d} s")

    def _show_factor(self) -> None:
        totp = self._factor is MfaFactor.TOTP
        if totp:
            text = "Enter the code your authenticator app shows for ProAssurance SSP."
        else:
            where = self._phone_hint or "your phone"
            how = "text" if self._factor is MfaFactor.SMS else "call"
            text = f"We will {how} {where} with a code. Enter it here."
        self.query_one("#mfa-instructions", Static).update(text)
        self.query_one("#totp-countdown", Static).set_class(not totp, "hidden")
        send = self.query_one("#mfa-send", Button)
        send.display = not totp
        send.label = "Resend code" if self._factor in self._sent else "Send code"
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_code":
            return self._factor is not MfaFactor.TOTP
        if action == "fill_demo_code":
            return self._demo_secret is not None
        return True

    @on(RadioSet.Changed, "#mfa-factor")
    def factor_changed(self, event: RadioSet.Changed) -> None:
        self._factor = MfaFactor((event.pressed.id or "").removeprefix("factor-"))
        self._show_factor()
        self._set_status("")
        if self._factor is not MfaFactor.TOTP and self._factor not in self._sent:
            self.action_send_code()
        self.query_one("#mfa-code", Input).focus()

    @on(Button.Pressed, "#mfa-send")
    def action_send_code(self) -> None:
        if self._factor is not MfaFactor.TOTP:
            self._set_status("Sending a code…")
            self.send_code(self._factor)

    @work(exclusive=True, exit_on_error=False, group="mfa-send")
    async def send_code(self, factor: MfaFactor) -> None:
        try:
            sent = await shell(self).controller.send_code(self._mfa_token, factor)
        except Exception as error:  # shown in the dialog; the user can resend or switch factor
            self._set_status(sign_in_error_text(error), error=True)
            return
        self._sent.add(factor)
        self.query_one("#mfa-send", Button).label = "Resend code"
        minutes = max(1, sent.expires_in // 60)
        self._set_status(f"Code sent to {sent.sent_to}. It is valid for {minutes} min.")

    @on(Button.Pressed, "#mfa-fill-demo")
    def action_fill_demo_code(self) -> None:
        if self._demo_secret:
            self._select_factor(MfaFactor.TOTP)
            code = self.query_one("#mfa-code", Input)
            code.value = current_totp(self._demo_secret)
            code.focus()

    def _select_factor(self, factor: MfaFactor) -> None:
        if self._factor is not factor:
            self.query_one(f"#factor-{factor.value}", RadioButton).value = True

    @on(Checkbox.Changed, "#remember-device")
    def remember_device_changed(self, event: Checkbox.Changed) -> None:
        if event.value:
            self.ask_consent_if_needed()

    @work(exclusive=True, exit_on_error=False, group="mfa-consent")
    async def ask_consent_if_needed(self) -> None:
        """No keyring and no consent: the token would be kept nowhere, so ask for the consent right here
        (the same setting as Settings'); a no unticks the box, as nothing could be remembered."""
        from ssp_tui.tui.dialogs.secrets_consent import SecretsConsentDialog

        controller = shell(self).controller
        if not await controller.secrets_need_consent():
            return
        where = str(controller.secrets().fallback_file)
        agreed = await self.app.push_screen_wait(SecretsConsentDialog("this device's token", where))
        if agreed:
            try:
                await controller.set_secrets_file_consent(True)
            except Exception as error:  # e.g. a read-only config folder: the box cannot do what it says
                agreed = False
                self._set_status(sign_in_error_text(error), error=True)
        if not agreed:
            with self.prevent(Checkbox.Changed):
                self.query_one("#remember-device", Checkbox).value = False
        self.query_one("#mfa-code", Input).focus()

    @on(Input.Submitted, "#mfa-code")
    @on(Button.Pressed, "#mfa-verify")
    def submit(self) -> None:
        code = self.query_one("#mfa-code", Input).value.strip()
        if not code:
            self._set_status("Enter the code first.", error=True)
            return
        self.query_one("#mfa-verify", Button).disabled = True
        self._set_status("Checking the code…")
        self.verify(self._factor, code, self.query_one("#remember-device", Checkbox).value)

    @work(exclusive=True, exit_on_error=False, group="mfa-verify")
    async def verify(self, factor: MfaFactor, code: str, remember_device: bool) -> None:
        controller = shell(self).controller
        try:
            session = await controller.verify(self._mfa_token, factor, code, remember_device=remember_device)
        except Exception as error:  # a wrong code, lockout or throttling: say so and let the user retry
            self.query_one("#mfa-verify", Button).disabled = False
            self.query_one("#mfa-code", Input).value = ""
            self.query_one("#mfa-code", Input).focus()
            self._set_status(sign_in_error_text(error), error=True)
            return
        self.dismiss(session)

    @on(Button.Pressed, "#mfa-cancel")
    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "mfa-verify")
        self.dismiss(None)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#mfa-status", Static)
        status.update(text)
        status.set_class(error, "error")
