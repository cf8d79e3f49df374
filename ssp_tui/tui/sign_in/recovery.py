"""Forgot username or password (the sign-in screen's link): a username reminder by email, a reset code by
email, and setting a new password with that code (or with the invitation code of a new login).

The portal answers the same whether or not it knows the address or username, so the dialog shows its words
and nothing more. Dismisses with the username whose password was set, for the sign-in form.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TabbedContent, TabPane

from ssp_tui.api.constants import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from ssp_tui.tui.common.form_check import FormCheck
from ssp_tui.tui.shell import shell

if TYPE_CHECKING:
    from ssp_tui.api.client import PortalClient
    from ssp_tui.api.models import Accepted

PortalCall = Callable[["PortalClient"], Awaitable["Accepted"]]

CODE_REFUSED = "The code is not correct or has expired; ask for a new one."


def password_form_problem(password: str, again: str) -> str | None:
    """What is wrong before the portal is asked (it checks the rest: the commonest passwords, your name)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Use at least {PASSWORD_MIN_LENGTH} characters; a few words make a good password."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Use at most {PASSWORD_MAX_LENGTH} characters."
    if password != again:
        return "The two passwords differ."
    return None


class RecoveryScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    #recovery-dialog { height: auto; }
    #recovery-tabs { height: auto; }
    #recovery-dialog Input { margin-bottom: 1; }
    .recovery-status { height: auto; }
    #recovery-set-title { margin-top: 1; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "close", "Close", tooltip="Back to the sign-in form", id="recovery.close")]

    def __init__(self, username: str = "", start_with: str = "recovery-password") -> None:
        super().__init__()
        self._username = username
        self._start_with = start_with
        self._checks = {
            "#remind-status": self._check("#remind-status", self._remind_problem),
            "#reset-sent": self._check("#reset-sent", self._send_code_problem),
            "#reset-status": self._check("#reset-status", self._set_password_problem),
        }

    def _check(self, status: str, problem: Callable[[], str | None]) -> FormCheck:
        return FormCheck(problem, lambda text, error: self._status(status, text, error=error))

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _remind_problem(self) -> str | None:
        return None if "@" in self._value("#remind-email") else "Enter the email address you registered with."

    def _send_code_problem(self) -> str | None:
        return None if self._value("#reset-username") else "Enter your username."

    def _set_password_problem(self) -> str | None:
        if not self._value("#reset-username") or not self._value("#reset-code"):
            return "Enter your username and the code from the email."
        password = self.query_one("#reset-password", Input).value
        return password_form_problem(password, self.query_one("#reset-again", Input).value)

    @on(Input.Changed)
    def form_changed(self) -> None:
        for check in self._checks.values():
            check.recheck()

    def compose(self) -> ComposeResult:
        with Vertical(id="recovery-dialog", classes="dialog"):
            yield Static("Forgot your username or password?", classes="dialog-title")
            with TabbedContent(id="recovery-tabs", initial=self._start_with):
                with TabPane("Forgot password", id="recovery-password"):
                    yield Label("Username")
                    yield Input(self._username, placeholder="Your username", id="reset-username")
                    with Horizontal(classes="buttons"):
                        yield Button("Email me a reset code", id="reset-send")
                    yield Static("", id="reset-sent", classes="recovery-status", markup=False)
                    yield Static(
                        "I have a code (a reset code, or a new login's invitation code)",
                        id="recovery-set-title",
                    )
                    yield Input(placeholder="Code from the email", restrict=r"[0-9 ]*", id="reset-code")
                    yield Input(
                        placeholder=f"New password ({PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} "
                        "characters)",
                        password=True,
                        id="reset-password",
                    )
                    yield Input(placeholder="New password again", password=True, id="reset-again")
                    with Horizontal(classes="buttons"):
                        yield Button("Set password", variant="primary", id="reset-set")
                    yield Static("", id="reset-status", classes="recovery-status", markup=False)
                with TabPane("Forgot username", id="recovery-username"):
                    yield Label("The email address you registered with")
                    yield Input(placeholder="you@practice.example", id="remind-email")
                    with Horizontal(classes="buttons"):
                        yield Button("Email my username", variant="primary", id="remind-send")
                    yield Static("", id="remind-status", classes="recovery-status", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Close", id="recovery-close")

    def on_mount(self) -> None:
        first = "#remind-email" if self._start_with == "recovery-username" else "#reset-username"
        target = "#reset-code" if self._username and first == "#reset-username" else first
        self.query_one(target, Input).focus()

    # -- the username --

    @on(Input.Submitted, "#remind-email")
    @on(Button.Pressed, "#remind-send")
    def remind(self) -> None:
        email = self._value("#remind-email")
        if not self._checks["#remind-status"].passes():
            return
        self._status("#remind-status", "Sending…")
        self.call_portal("#remind-status", lambda client: client.account.recover_username(email))

    # -- the password --

    @on(Input.Submitted, "#reset-username")
    @on(Button.Pressed, "#reset-send")
    def send_code(self) -> None:
        username = self._value("#reset-username")
        if not self._checks["#reset-sent"].passes():
            return
        self._status("#reset-sent", "Sending…")
        self.call_portal("#reset-sent", lambda client: client.account.request_password_reset(username))
        self.query_one("#reset-code", Input).focus()

    @on(Input.Submitted, "#reset-code")
    @on(Input.Submitted, "#reset-password")
    @on(Input.Submitted, "#reset-again")
    @on(Button.Pressed, "#reset-set")
    def set_password(self) -> None:
        if not self._checks["#reset-status"].passes():
            return
        username, code = self._value("#reset-username"), self._value("#reset-code")
        password = self.query_one("#reset-password", Input).value
        self._status("#reset-status", "Setting the password…")
        self.reset(username, code, password)

    @work(exclusive=True, exit_on_error=False, group="reset")
    async def reset(self, username: str, code: str, password: str) -> None:
        from ssp_tui.api.errors import AuthenticationRequired
        from ssp_tui.tui.sign_in.mfa import sign_in_error_text

        try:
            client = await shell(self).controller.client()
            await client.account.reset_password(username, code, password)
        except AuthenticationRequired:
            self._status("#reset-status", CODE_REFUSED, error=True)
            return
        except Exception as error:  # the password rules, or the portal unreachable: said on the form
            self._status("#reset-status", sign_in_error_text(error), error=True)
            return
        await shell(self).controller.forget_password(username)  # a remembered one no longer works
        self.app.notify(
            f"The password of {username} is set; every session and remembered device of it ended. Sign in.",
            title="Password set",
        )
        self.dismiss(username)

    @work(exit_on_error=False, group="recovery")
    async def call_portal(self, status: str, request: PortalCall) -> None:
        from ssp_tui.tui.sign_in.mfa import sign_in_error_text

        try:
            client = await shell(self).controller.client()
            answer = await request(client)
        except Exception as error:  # e.g. the portal unreachable: said where the user looks
            self._status(status, sign_in_error_text(error), error=True)
            return
        note = (
            " (Sandbox: see `ssp-tui sandbox outbox`.)" if shell(self).controller.target.is_sandbox else ""
        )
        self._status(status, answer.message + note)

    @on(Button.Pressed, "#recovery-close")
    def action_close(self) -> None:
        self.dismiss(None)

    def _status(self, selector: str, text: str, *, error: bool = False) -> None:
        status = self.query_one(selector, Static)
        status.update(text)
        status.set_class(error, "error")
