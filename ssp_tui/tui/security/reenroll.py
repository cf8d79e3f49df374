"""Set up the authenticator app again (a new phone, say): a new QR code in the terminal, confirmed with a code
from the new entry. The old authenticator keeps working until then, so cancelling changes nothing."""

from __future__ import annotations

import asyncio
import contextlib

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from ssp_tui.api.models import MfaStatus
from ssp_tui.operations.authenticator import grouped, qr_text, totp_secret_from_uri
from ssp_tui.tui.security.phone import problem_text
from ssp_tui.tui.shell import shell


class ReenrollDialog(ModalScreen[MfaStatus | None]):
    DEFAULT_CSS = """
    #reenroll-body { height: auto; }
    #reenroll-qr { width: auto; height: auto; color: black; background: white; margin-right: 2; }
    #reenroll-side { width: 1fr; height: auto; }
    #reenroll-secret { text-style: bold; margin: 1 0; }
    #reenroll-code { width: 20; }
    #reenroll-status { height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Keep the current authenticator",
            id="reenroll_dialog.cancel",
        )
    ]

    def __init__(self) -> None:
        super().__init__()
        self._token: str | None = None
        self._secret = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="reenroll-dialog", classes="dialog"):
            yield Static("Set up your authenticator app again", classes="dialog-title")
            with Horizontal(id="reenroll-body"):
                yield Static("", id="reenroll-qr", markup=False)
                with Vertical(id="reenroll-side"):
                    yield Static(
                        "Your current authenticator keeps working until the new one is confirmed.\n\n"
                        "1. In your authenticator app, add an account: scan the QR code, or type the secret:",
                        markup=False,
                    )
                    yield Static("Starting…", id="reenroll-secret", markup=False)
                    yield Static("2. Enter the 6-digit code the new entry shows:")
                    yield Input(placeholder="6-digit code", restrict=r"\d*", max_length=8, id="reenroll-code")
                    yield Checkbox(
                        "Keep the new secret in this computer's keyring and fill codes", id="reenroll-keep"
                    )
                    with Horizontal(classes="buttons"):
                        yield Button("Confirm", variant="primary", id="reenroll-confirm", disabled=True)
                        yield Button("Cancel", id="reenroll-cancel")
                    yield Static("", id="reenroll-status", markup=False)

    def on_mount(self) -> None:
        self.start()

    @work(exclusive=True, exit_on_error=False, group="reenroll")
    async def start(self) -> None:
        try:
            started = await shell(self).controller.call(lambda c: c.mfa.start_totp_reenrollment())
        except Exception as error:  # e.g. too many tries this hour: said in the dialog
            self._set_status(problem_text(error), error=True)
            return
        self._token = started.enrollment_token
        self._secret = totp_secret_from_uri(started.otpauth_uri)
        self.query_one("#reenroll-qr", Static).update(qr_text(started.otpauth_uri))
        self.query_one("#reenroll-secret", Static).update(grouped(self._secret))
        self.query_one("#reenroll-confirm", Button).disabled = False
        self.query_one("#reenroll-code", Input).focus()

    @on(Input.Submitted, "#reenroll-code")
    @on(Button.Pressed, "#reenroll-confirm")
    def confirm(self) -> None:
        code = self.query_one("#reenroll-code", Input).value.strip()
        if self._token is None or not code:
            self._set_status("Enter the code the new entry in your authenticator app shows.", error=True)
            return
        self._set_status("Checking the code…")
        self.finish(self._token, code, self.query_one("#reenroll-keep", Checkbox).value)

    @work(exclusive=True, exit_on_error=False, group="reenroll")
    async def finish(self, token: str, code: str, keep: bool) -> None:
        controller = shell(self).controller
        try:
            status = await controller.call(lambda c: c.mfa.confirm_totp_reenrollment(token, code))
        except Exception as error:  # a wrong code: the user may try again
            self.query_one("#reenroll-code", Input).value = ""
            self._set_status(problem_text(error), error=True)
            return
        user = controller.user
        if user is not None:
            await self._keep_or_forget(user.username, keep)
        self.app.notify(
            "The new authenticator is set up; the old one no longer works.", title="Authenticator"
        )
        self.dismiss(status)

    async def _keep_or_forget(self, username: str, keep: bool) -> None:
        """A kept secret is the old one now: replace it, or forget it so no wrong code is filled in."""
        controller = shell(self).controller
        if keep:
            for note in await controller.keep_totp_secret(username, self._secret):
                self.app.notify(note, title="Not remembered", severity="warning", timeout=10)
            return
        from ssp_tui.errors import SecretStoreError
        from ssp_tui.settings.secrets import SecretKind

        with contextlib.suppress(SecretStoreError):  # nothing can have been kept where nothing can be kept
            await asyncio.to_thread(controller.secrets().delete, username, SecretKind.TOTP_SECRET)

    @on(Button.Pressed, "#reenroll-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#reenroll-status", Static)
        status.update(text)
        status.set_class(error, "error")
