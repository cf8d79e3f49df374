"""The sign-in screen: profile and portal, username and password, remember me, and the sandbox's demo logins.

It is the first thing the app shows and imports nothing heavy: the portal (maybe a sandbox child process)
starts in a worker while the user types.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from ssp_tui.errors import ConfigError
from ssp_tui.portal.target import DemoLogin
from ssp_tui.tui.common.form_check import FormCheck
from ssp_tui.tui.shell import shell
from ssp_tui.widgets.option_list_keys import VimOptionList
from ssp_tui.widgets.steady_footer import SteadyFooter


class LoginScreen(Screen[None]):
    """Mode ``login``: where every session starts and where log out returns."""

    AUTO_FOCUS = "#username"
    BINDINGS = [
        Binding(
            "ctrl+o",
            "focus_demo_accounts",
            "Demo accounts",
            tooltip="Pick a sandbox demo login",
            id="login.demo_accounts",
        ),
        # Enter in Username moves on as the key arrives (a priority binding), so that a password typed right
        # after it lands in Password, not in Username in clear (issue 19).
        Binding("enter", "username_entered", show=False, priority=True, id="login.username_enter"),
    ]

    # Plain classes, not dataclasses as elsewhere: this module is imported before the first frame, and
    # making the four dataclasses cost about 2 ms of start-up (docs/performance.md).
    class PortalReady(Message):
        def __init__(self, description: str, accounts: Sequence[DemoLogin]) -> None:
            super().__init__()
            self.description = description
            self.accounts = accounts

    class PortalFailed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class SignInFailed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class SignedIn(Message):
        """A session is installed: the app opens the sections."""

        def __init__(self, notes: list[str]) -> None:
            super().__init__()
            self.notes = notes
            """What could not be remembered (no keyring), to tell the user."""

    def __init__(self) -> None:
        super().__init__()
        self._first_resume = True
        self._accounts: dict[str, DemoLogin] = {}
        self._filled = FormCheck(self._missing, lambda text, error: self._set_status(text, error=error))

    def _missing(self) -> str | None:
        if self.query_one("#username", Input).value.strip() and self.query_one("#password", Input).value:
            return None
        return "Enter your username and password."

    def compose(self) -> ComposeResult:
        app = shell(self)
        target = app.controller.target
        remembered = app.controller.remembered_username()
        if remembered:
            self.AUTO_FOCUS = "#password"  # the username is there already: the password is what is left
        with Horizontal(id="login-layout"):
            with Vertical(id="login-card", classes="card"):
                with Horizontal(id="login-title-row"):
                    yield Static("ProAssurance Secure Services Portal", id="login-title")
                    if target.is_sandbox:
                        yield Static(" SANDBOX ", classes="sandbox-badge")
                yield Static(f"Profile: {app.controller.profile_name}", id="login-profile", markup=False)
                yield Static(f"Portal: {target.describe()}", id="login-portal", markup=False)
                yield Input(value=remembered or "", placeholder="Username", id="username")
                yield Input(placeholder="Password", password=True, id="password")
                yield Checkbox("Remember me on this computer", bool(remembered), id="remember-me")
                yield Button("Sign in", variant="primary", id="sign-in")
                yield Static("", id="login-status", markup=False)
                with Vertical(id="login-links"):
                    yield Button("Create an account", id="create-account", classes="link")
                    yield Button("Forgot username or password?", id="forgot", classes="link")
            if target.is_sandbox:
                with Vertical(id="demo-panel", classes="card"):
                    yield Static("Demo accounts", classes="card-title")
                    yield Static(
                        "This is a sandbox portal with made-up data. Pick an account to fill the sign-in, "
                        "then press Enter.",
                        classes="hint",
                    )
                    # The list itself is mounted when the sandbox has answered (portal_ready): an empty
                    # OptionList in the first frame cost about 15 ms of start-up (docs/performance.md).
        yield SteadyFooter()

    def on_mount(self) -> None:
        self._set_status("Connecting to the portal…")
        # After the first frame: importing the HTTP client and starting the sandbox would otherwise hold the
        # screen back by about as long again as the rest of start-up (docs/performance.md).
        self.call_after_refresh(self.start_portal)
        if shell(self).controller.remembered_username():
            self.fill_remembered_password()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._first_resume:
            # Textual restyles every node of a screen as it resumes (this handler runs before Screen's). The
            # first resume of the app's default screen comes as its widgets are mounted, each styled with this
            # same stylesheet as it mounts; restyling them all again cost about 5 ms of start-up before the
            # first frame (docs/performance.md). A focus change restyles its own nodes; later resumes (after
            # log out) restyle as Textual does.
            self._first_resume = False
            event.refresh_styles = False
        # Back here after logging out: nobody's password stays on the screen.
        self.query_one("#password", Input).value = ""
        self.query_one("#sign-in", Button).disabled = False

    # -- the portal --

    @work(exclusive=True, exit_on_error=False, group="portal-start")
    async def start_portal(self) -> None:
        from ssp_tui.tui.dialogs.error_modal import describe_error  # after the first frame, as is the client

        target = shell(self).controller.target
        try:
            await shell(self).controller.client()  # starts the portal, and checks its URL
            accounts = await target.demo_accounts() if target.is_sandbox else []
        except Exception as error:  # any failure to start is shown, never raised into the UI
            self.post_message(self.PortalFailed(describe_error(error)[1]))
            return
        self.post_message(self.PortalReady(target.describe(), accounts))

    async def on_login_screen_portal_ready(self, message: PortalReady) -> None:
        self.query_one("#login-portal", Static).update(f"Portal: {message.description}")
        self._set_status("")
        if message.accounts:
            options = [
                Option(f"{a.username:<20} {a.role:<13} {a.display_name}\n  {a.note}", id=a.username)
                for a in message.accounts
            ]
            demo_list = next(self.query("#demo-accounts").results(OptionList), None)
            if demo_list is None:
                demo_list = VimOptionList(id="demo-accounts")  # empty, so no row looks chosen before Ctrl+O
                await self.query_one("#demo-panel", Vertical).mount(demo_list)
            demo_list.clear_options()
            demo_list.add_options(options)
        # Only now, with the list on screen, do Ctrl+O and the demo TOTP codes know the accounts.
        self._accounts = {account.username: account for account in message.accounts}
        shell(self).demo_accounts = dict(self._accounts)

    def on_login_screen_portal_failed(self, message: PortalFailed) -> None:
        self._set_status(f"The portal is not available: {message.message}", error=True)

    @work(exclusive=True, exit_on_error=False, group="remembered-password")
    async def fill_remembered_password(self) -> None:
        username = self.query_one("#username", Input).value
        password = await shell(self).controller.remembered_password(username)
        if password and not self.query_one("#password", Input).value:
            self.query_one("#password", Input).value = password
            self.query_one("#remember-me", Checkbox).value = True

    # -- demo accounts --

    @on(OptionList.OptionSelected, "#demo-accounts")
    def use_demo_account(self, event: OptionList.OptionSelected) -> None:
        account = self._accounts.get(event.option.id or "")
        if account is None:
            return
        self.query_one("#username", Input).value = account.username
        password = self.query_one("#password", Input)
        password.value = account.password
        password.focus()

    def action_focus_demo_accounts(self) -> None:
        if self._accounts:
            options = self.query_one("#demo-accounts", OptionList)
            if options.highlighted is None:
                options.highlighted = 0  # so that Ctrl+O then Enter picks the first account at once
            options.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_demo_accounts":
            return shell(self).controller.target.is_sandbox
        if action == "username_entered":
            return self.focused is self.query_one("#username", Input)
        return True

    # -- signing in --

    def action_username_entered(self) -> None:
        password = self.query_one("#password", Input)
        if password.value:
            self.submit()
        else:
            self.set_focus(password)  # now, not after the keys already typed (Widget.focus waits for them)

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in")
    def submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not self._filled.passes():
            self.query_one("#password" if username else "#username", Input).focus()
            return
        self.query_one("#sign-in", Button).disabled = True
        self._set_status("Signing in…")
        self.sign_in(username, password, self.query_one("#remember-me", Checkbox).value)

    @on(Input.Changed, "#username")
    @on(Input.Changed, "#password")
    def field_changed(self) -> None:
        self._filled.recheck()

    @work(exclusive=True, exit_on_error=False, group="sign-in")
    async def sign_in(self, username: str, password: str, remember: bool) -> None:
        from ssp_tui.tui.sign_in.flow import finish_sign_in
        from ssp_tui.tui.sign_in.mfa import sign_in_error_text

        app = shell(self)
        try:
            response = await app.controller.login(username, password)
            session = await finish_sign_in(self, response, username)
            if session is None:
                self.post_message(self.SignInFailed("Sign-in cancelled."))
                return
            notes = await app.controller.install(session, remembered_password=password if remember else None)
            # Unticked: whatever was remembered for this portal is forgotten, the username and the password.
            try:
                await app.remember_username(username if remember else None)
            except ConfigError as error:  # signed in all the same; say why the name was not kept
                notes.append(f"Could not remember your username: {error.user_message}")
            if not remember:
                await app.controller.forget_password(username)
        except Exception as error:  # shown on the form: a wrong password is not an app error
            self.post_message(self.SignInFailed(sign_in_error_text(error)))
            return
        self.post_message(self.SignedIn(notes))

    def on_login_screen_sign_in_failed(self, message: SignInFailed) -> None:
        self.query_one("#sign-in", Button).disabled = False
        self._set_status(message.message, error=True)
        self.query_one("#password", Input).focus()

    async def on_login_screen_signed_in(self, message: SignedIn) -> None:
        self._set_status("")
        app = shell(self)
        await app.enter_portal()
        for note in message.notes:
            self.app.notify(note, title="Not remembered", severity="warning", timeout=10)

    # -- create an account, recover it --

    @on(Button.Pressed, "#create-account")
    def create_account(self) -> None:
        from ssp_tui.tui.sign_in.register import RegisterScreen

        self.app.push_screen(RegisterScreen())

    @on(Button.Pressed, "#forgot")
    def forgot(self) -> None:
        from ssp_tui.tui.sign_in.recovery import RecoveryScreen

        username = self.query_one("#username", Input).value.strip()
        self.app.push_screen(RecoveryScreen(username), self._password_was_set)

    def _password_was_set(self, username: str | None) -> None:
        if username:
            self.query_one("#username", Input).value = username
            self.query_one("#password", Input).value = ""
            # After this screen has taken its focus back (the link that opened the dialog).
            self.call_after_refresh(self.query_one("#password", Input).focus)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#login-status", Static)
        status.update(text)
        status.set_class(error, "error")
