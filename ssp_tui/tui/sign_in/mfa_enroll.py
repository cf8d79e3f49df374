"""First sign-in without MFA: add the portal to an authenticator app (QR code drawn in the terminal) and
confirm with a code. Optionally keep the secret in the keyring so the app fills later codes itself."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from ssp_tui.api.constants import REMEMBER_DEVICE_DAYS
from ssp_tui.api.models.auth import MfaFactor, Session
from ssp_tui.operations.authenticator import grouped, qr_text, totp_secret_from_uri
from ssp_tui.tui.shell import shell
from ssp_tui.tui.sign_in.mfa import sign_in_error_text


class EnrollScreen(ModalScreen[Session | None]):
    """Dismisses with the new session once the confirmation code is accepted, or None when cancelled."""

    DEFAULT_CSS = """
    #enroll-body { height: auto; }
    #enroll-qr {
        width: auto;
        height: auto;
        color: black;
        background: white;
        margin-right: 2;
    }
    #enroll-side { width: 1fr; height: auto; }
    #enroll-secret { text-style: bold; margin: 1 0; }
    #enroll-code { width: 20; }
    #enroll-status { height: auto; margin-top: 1; }
    """
    AUTO_FOCUS = "#enroll-code"
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Back to the sign-in form", id="enroll.cancel")]

    def __init__(self, mfa_token: str, otpauth_uri: str, username: str) -> None:
        super().__init__()
        self._mfa_token = mfa_token
        self._otpauth_uri = otpauth_uri
        self._secret = totp_secret_from_uri(otpauth_uri)
        self._username = username

    def compose(self) -> ComposeResult:
        with Vertical(id="enroll-dialog", classes="dialog"):
            yield Static("Set up your authenticator app", classes="dialog-title")
            with Horizontal(id="enroll-body"):
                yield Static(qr_text(self._otpauth_uri), id="enroll-qr", markup=False)
                with Vertical(id="enroll-side"):
                    yield Static(
                        "This account has no multi-factor authentication yet.\n\n"
                        "1. In your authenticator app, add an account: scan the QR code, or type the "
                        "secret:",
                        markup=False,
                    )
                    yield Static(grouped(self._secret), id="enroll-secret", markup=False)
                    yield Static("2. Enter the 6-digit code the app now shows:")
                    yield Input(placeholder="6-digit code", restrict=r"\d*", max_length=8, id="enroll-code")
                    yield Checkbox(
                        "Keep the secret in this computer's keyring and fill codes", id="keep-secret"
                    )
                    yield Checkbox(
                        f"Do not challenge me on this device for {REMEMBER_DEVICE_DAYS} days",
                        id="enroll-remember-device",
                    )
                    with Horizontal(classes="buttons"):
                        yield Button("Confirm", variant="primary", id="enroll-confirm")
                        yield Button("Cancel", id="enroll-cancel")
                    yield Static("", id="enroll-status", markup=False)

    @on(Input.Submitted, "#enroll-code")
    @on(Button.Pressed, "#enroll-confirm")
    def submit(self) -> None:
        code = self.query_one("#enroll-code", Input).value.strip()
        if not code:
            self._set_status("Enter the code from your authenticator app.", error=True)
            return
        self._set_status("Checking the code…")
        self.confirm(
            code,
            self.query_one("#keep-secret", Checkbox).value,
            self.query_one("#enroll-remember-device", Checkbox).value,
        )

    @work(exclusive=True, exit_on_error=False, group="mfa-enroll")
    async def confirm(self, code: str, keep_secret: bool, remember_device: bool) -> None:
        controller = shell(self).controller
        try:
            session = await controller.verify(
                self._mfa_token, MfaFactor.TOTP, code, remember_device=remember_device
            )
            if keep_secret and self._secret:
                for note in await controller.keep_totp_secret(self._username, self._secret):
                    self.app.notify(note, title="Not remembered", severity="warning", timeout=10)
        except Exception as error:  # a wrong code or lockout: say so; the user may try again
            self.query_one("#enroll-code", Input).value = ""
            self._set_status(sign_in_error_text(error), error=True)
            return
        self.dismiss(session)

    @on(Button.Pressed, "#enroll-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#enroll-status", Static)
        status.update(text)
        status.set_class(error, "error")
