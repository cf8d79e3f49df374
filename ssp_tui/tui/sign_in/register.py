"""Create an account (the sign-in screen's "Create an account"): the portal's registration form.

The portal answers every registration the same way and emails the outcome, so the dialog shows its words and
where to look next; in the sandbox, the portal team is `ssp-tui sandbox approve` and the mail is
`ssp-tui sandbox outbox`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from ssp_tui.tui.common.form_check import FormCheck
from ssp_tui.tui.shell import shell

if TYPE_CHECKING:
    from ssp_tui.api.models import RegistrationCreate

INSURED_LABEL = "Insured: the policyholder, or an insured on the policy"
AUTHORIZED_LABEL = "Authorized user: office manager, assistant or other staff"
SANDBOX_NOTE = (
    "Sandbox: the answer is in `ssp-tui sandbox outbox`; `ssp-tui sandbox approve` plays the portal team."
)


class RegisterScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    #register-dialog Input { margin-bottom: 1; }
    #register-type { margin-bottom: 1; height: auto; }
    #register-status { height: auto; }
    """
    AUTO_FOCUS = "#register-type"
    BINDINGS = [Binding("escape", "close", "Close", tooltip="Back to the sign-in form", id="register.close")]

    def __init__(self) -> None:
        super().__init__()
        self._check = FormCheck(self._problem, lambda text, error: self._set_status(text, error=error))

    def compose(self) -> ComposeResult:
        with Vertical(id="register-dialog", classes="dialog"):
            yield Static("Create an account", classes="dialog-title")
            yield Static(
                "The portal team verifies your request within 1-2 business days and emails you your username "
                "and an invitation code to set your password; then you sign in and set up multi-factor "
                "authentication.",
                classes="hint",
            )
            with RadioSet(id="register-type"):
                yield RadioButton(INSURED_LABEL, value=True, id="type-insured")
                yield RadioButton(AUTHORIZED_LABEL, id="type-authorized")
            yield Label("Full name (an insured: as on the policy)")
            yield Input(placeholder="e.g. Hannah Cole", id="register-name")
            yield Label("Email")
            yield Input(placeholder="you@practice.example", id="register-email")
            yield Label("Phone (sign-in codes can go to it)")
            yield Input(placeholder="916-555-0142", id="register-phone")
            yield Label("Policy number")
            yield Input(placeholder="e.g. NCP1513214", id="register-policy")
            yield Label("Whom you work for (authorized users)", id="register-works-for-label")
            yield Input(placeholder="The policyholder or practice", id="register-works-for", disabled=True)
            with Horizontal(classes="buttons"):
                yield Button("Send request", variant="primary", id="register-send")
                yield Button("Close", id="register-close")
            yield Static("", id="register-status", markup=False)

    @property
    def authorized(self) -> bool:
        return self.query_one("#type-authorized", RadioButton).value

    @on(RadioSet.Changed, "#register-type")
    def type_changed(self) -> None:
        self.query_one("#register-works-for", Input).disabled = not self.authorized

    @on(Input.Submitted)
    @on(Button.Pressed, "#register-send")
    def send(self) -> None:
        if not self._check.passes() or isinstance(registration := self._registration(), str):
            return
        self.query_one("#register-send", Button).disabled = True
        self._set_status("Sending…")
        self.submit(registration)

    @on(Input.Changed)
    @on(RadioSet.Changed, "#register-type")
    def form_changed(self) -> None:
        self._check.recheck()

    def _problem(self) -> str | None:
        checked = self._registration()
        return checked if isinstance(checked, str) else None

    def _registration(self) -> RegistrationCreate | str:
        """The registration to send, or what is wrong with the form, in the form's words."""
        import msgspec

        from ssp_tui.api.models import RegistrationCreate, UserType

        fields = {
            "user_type": UserType.AUTHORIZED_USER if self.authorized else UserType.INSURED,
            "name": self._value("#register-name"),
            "email": self._value("#register-email"),
            "phone": self._value("#register-phone"),
            "policy_number": self._value("#register-policy"),
            "works_for": self._value("#register-works-for") if self.authorized else "",
        }
        missing = [label for label, key in _REQUIRED if not fields[key]]
        if self.authorized and not fields["works_for"]:
            missing.append("whom you work for")
        if missing:
            return f"Fill in: {', '.join(missing)}."
        try:
            return msgspec.convert(fields, type=RegistrationCreate)
        except msgspec.ValidationError as error:
            return _field_problem(str(error))

    @work(exclusive=True, exit_on_error=False, group="register")
    async def submit(self, registration: RegistrationCreate) -> None:
        from ssp_tui.tui.sign_in.mfa import sign_in_error_text

        controller = shell(self).controller
        try:
            client = await controller.client()
            answer = await client.account.register(registration)
        except Exception as error:  # shown on the form; the user may correct and send again
            self.query_one("#register-send", Button).disabled = False
            self._set_status(sign_in_error_text(error), error=True)
            return
        note = f"\n\n{SANDBOX_NOTE}" if controller.target.is_sandbox else ""
        self._set_status(answer.message + note)
        self.query_one("#register-close", Button).focus()

    @on(Button.Pressed, "#register-close")
    def action_close(self) -> None:
        self.dismiss(None)

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#register-status", Static)
        status.update(text)
        status.set_class(error, "error")


_REQUIRED = (
    ("your name", "name"),
    ("email", "email"),
    ("phone", "phone"),
    ("policy number", "policy_number"),
)
_FIELD_WORDS = {
    "email": "The email address does not look like one (name@example.com).",
    "phone": "The phone number needs ten digits, area code first (916-555-0142).",
}


def _field_problem(message: str) -> str:
    """msgspec's message in the form's words: which field is wrong."""
    for field, words in _FIELD_WORDS.items():
        if f"$.{field}" in message:
            return words
    return "Check the fields: names and numbers may not contain line breaks or be only spaces."
