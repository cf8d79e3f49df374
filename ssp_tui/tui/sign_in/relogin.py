"""Session expired: sign in again without leaving the screen, then the interrupted action carries on.

Pushed by ``SessionController.call`` (through ``SspApp.ask_relogin``) on top of whatever screen was busy, so
its selections are untouched. Dismisses True once a new session is installed.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ssp_tui.tui.shell import shell
from ssp_tui.tui.sign_in.flow import finish_sign_in
from ssp_tui.tui.sign_in.mfa import sign_in_error_text


class ReloginScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    #relogin-status { height: auto; margin-top: 1; }
    """
    AUTO_FOCUS = "#relogin-password"
    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", tooltip="Give up; the interrupted action stops", id="relogin.cancel"
        )
    ]

    def __init__(self, username: str) -> None:
        super().__init__()
        self._username = username

    def compose(self) -> ComposeResult:
        with Vertical(id="relogin-dialog", classes="dialog"):
            yield Static("Your session has expired", classes="dialog-title")
            yield Static(
                f"Sign in again as {self._username} to carry on where you were. "
                "Nothing on your screen is lost.",
                markup=False,
            )
            yield Input(placeholder="Password", password=True, id="relogin-password")
            with Horizontal(classes="buttons"):
                yield Button("Sign in", variant="primary", id="relogin-submit")
                yield Button("Cancel", id="relogin-cancel")
            yield Static("", id="relogin-status", markup=False)

    def on_mount(self) -> None:
        self.fill_remembered_password()

    @work(exclusive=True, exit_on_error=False, group="relogin-password")
    async def fill_remembered_password(self) -> None:
        password = await shell(self).controller.remembered_password(self._username)
        field = self.query_one("#relogin-password", Input)
        if password and not field.value:
            field.value = password

    @on(Input.Submitted, "#relogin-password")
    @on(Button.Pressed, "#relogin-submit")
    def submit(self) -> None:
        password = self.query_one("#relogin-password", Input).value
        if not password:
            self._set_status("Enter your password.", error=True)
            return
        self.query_one("#relogin-submit", Button).disabled = True
        self._set_status("Signing in…")
        self.sign_in(password)

    @work(exclusive=True, exit_on_error=False, group="relogin")
    async def sign_in(self, password: str) -> None:
        app = shell(self)
        try:
            response = await app.controller.login(self._username, password)
            session = await finish_sign_in(self, response, self._username)
            if session is not None:
                for note in await app.controller.install(session):
                    self.app.notify(note, title="Not remembered", severity="warning", timeout=10)
        except Exception as error:  # a wrong password or lockout: shown here, the user may retry
            self._failed(sign_in_error_text(error))
            return
        if session is None:
            self._failed("Verification cancelled.")
            return
        self.dismiss(True)

    def _failed(self, text: str) -> None:
        self.query_one("#relogin-submit", Button).disabled = False
        self._set_status(text, error=True)

    @on(Button.Pressed, "#relogin-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#relogin-status", Static)
        status.update(text)
        status.set_class(error, "error")
