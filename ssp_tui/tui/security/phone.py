"""Change the phone for text and voice codes: the new number first proves itself with a code sent to it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from ssp_tui.api.models import MfaStatus, PhoneChannel
from ssp_tui.tui.shell import shell


class PhoneChangeDialog(ModalScreen[MfaStatus | None]):
    DEFAULT_CSS = """
    #phone-dialog Input { margin-bottom: 1; }
    #phone-by { height: auto; margin-bottom: 1; }
    #phone-status { height: auto; }
    """
    AUTO_FOCUS = "#phone-number"
    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", tooltip="Keep the current number", id="phone_change_dialog.cancel"
        )
    ]

    def __init__(self) -> None:
        super().__init__()
        self._token: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="phone-dialog", classes="dialog"):
            yield Static("Change the phone for sign-in codes", classes="dialog-title")
            yield Label("New phone number")
            yield Input(placeholder="916-555-0142", id="phone-number")
            with RadioSet(id="phone-by"):
                yield RadioButton("Send the code by text message", value=True, id="phone-by-sms")
                yield RadioButton("Call me with the code", id="phone-by-voice")
            with Horizontal(classes="buttons"):
                yield Button("Send code", variant="primary", id="phone-send")
            yield Label("Code sent to the new number")
            yield Input(
                placeholder="6-digit code", restrict=r"[0-9 ]*", max_length=8, id="phone-code", disabled=True
            )
            with Horizontal(classes="buttons"):
                yield Button("Confirm", variant="primary", id="phone-confirm", disabled=True)
                yield Button("Cancel", id="phone-cancel")
            yield Static(
                "The old number stays until the new one is confirmed.", id="phone-status", markup=False
            )

    @on(Input.Submitted, "#phone-number")
    @on(Button.Pressed, "#phone-send")
    def send(self) -> None:
        number = self.query_one("#phone-number", Input).value.strip()
        if sum(ch.isdigit() for ch in number) < 10:
            self._set_status("Enter the new number with its area code (ten digits).", error=True)
            return
        channel = (
            PhoneChannel.VOICE if self.query_one("#phone-by-voice", RadioButton).value else PhoneChannel.SMS
        )
        self._set_status("Sending the code…")
        self.start(number, channel)

    @work(exclusive=True, exit_on_error=False, group="phone")
    async def start(self, number: str, channel: PhoneChannel) -> None:
        try:
            started = await shell(self).controller.call(lambda c: c.mfa.start_phone_change(number, channel))
        except Exception as error:  # a number the portal refuses, too many codes: said in the dialog
            self._set_status(problem_text(error), error=True)
            return
        self._token = started.change_token
        code = self.query_one("#phone-code", Input)
        code.disabled = False
        self.query_one("#phone-confirm", Button).disabled = False
        code.focus()
        self._set_status(
            f"A code was sent to {started.sent_to}; it is valid for {started.expires_in // 60} minutes."
        )

    @on(Input.Submitted, "#phone-code")
    @on(Button.Pressed, "#phone-confirm")
    def confirm(self) -> None:
        code = self.query_one("#phone-code", Input).value.strip()
        if self._token is None or not code:
            self._set_status("Enter the code sent to the new number.", error=True)
            return
        self._set_status("Checking the code…")
        self.finish(self._token, code)

    @work(exclusive=True, exit_on_error=False, group="phone")
    async def finish(self, token: str, code: str) -> None:
        try:
            status = await shell(self).controller.call(lambda c: c.mfa.confirm_phone_change(token, code))
        except Exception as error:  # a wrong code: the user may try again
            self.query_one("#phone-code", Input).value = ""
            self._set_status(problem_text(error), error=True)
            return
        self.app.notify(f"Sign-in codes now go to {status.phone_hint}.", title="Phone changed")
        self.dismiss(status)

    @on(Button.Pressed, "#phone-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#phone-status", Static)
        status.update(text)
        status.set_class(error, "error")


def problem_text(error: BaseException) -> str:
    """A failure in one line for a dialog's status (the portal's words, never the exception's text)."""
    from ssp_tui.tui.dialogs.error_modal import describe_error

    title, message, _ = describe_error(error)
    return f"{title}: {message}"
