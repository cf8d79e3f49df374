"""Settings (F2): theme, download folder, filename template, concurrency and the TLS trust store, saved in the
profile; and the consent to keep secrets in a private file where there is no OS keyring, saved at the top of
config.toml (``secrets_file_consent``: the CLI reads the same)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from ssp_tui.settings.config import MAX_CONCURRENCY
from ssp_tui.tui.dialogs.secrets_consent import CONSENT_LABEL
from ssp_tui.tui.shell import shell

if TYPE_CHECKING:
    from ssp_tui.settings.config import Profile


def check_template(template: str) -> str | None:
    """None when usable, else what is wrong with it (the download engine's own rules)."""
    from ssp_tui.operations.safe_names import TemplateError, validate_template

    try:
        validate_template(template)
    except TemplateError as error:
        return str(error)
    return None


def check_concurrency(text: str) -> int | str:
    """The number, or what is wrong with it."""
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_CONCURRENCY:
        return f"Concurrency is a whole number from 1 to {MAX_CONCURRENCY}."
    return int(text)


def _saved_consent() -> bool:
    from ssp_tui.errors import ConfigError
    from ssp_tui.settings.config import load_config

    try:
        return load_config().secrets_file_consent
    except ConfigError:
        return False  # shown unticked; saving reports the broken file


class SettingsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    #settings-dialog Input, #settings-dialog Select { margin-bottom: 1; }
    #settings-status { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving", id="settings.cancel"),
        Binding("ctrl+s", "save", "Save", tooltip="Save to the profile", id="settings.save"),
    ]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self._profile = profile
        self._original_theme = ""
        self._consent = False
        """The consent as config.toml had it when the dialog opened."""

    def compose(self) -> ComposeResult:
        app = self.app
        themes = sorted(app.available_themes)
        with Vertical(id="settings-dialog", classes="dialog"):
            yield Static("Settings", classes="dialog-title")
            yield Label("Theme (ansi-dark and ansi-light use your terminal's own colours)")
            yield Select([(name, name) for name in themes], value=app.theme, allow_blank=False, id="theme")
            if app.no_color:
                yield Static("NO_COLOR is set: colours stay off whatever the theme.", classes="hint")
            yield Label("Download folder")
            yield Input(str(self._profile.download_dir), id="download-dir")
            yield Label("Filename template")
            yield Input(self._profile.filename_template, id="filename-template")
            yield Label(f"Concurrent downloads (1 to {MAX_CONCURRENCY})")
            yield Input(str(self._profile.concurrency), type="integer", id="concurrency")
            yield Checkbox(
                "Verify TLS with the operating system's trust store",
                self._profile.os_trust_store,
                id="os-trust-store",
            )
            yield Static(
                "For a TLS-inspecting proxy; applies when ssp-tui next starts (proxies: docs/client.md).",
                classes="hint",
            )
            if app.browser_delivery is None:  # a browser session keeps nothing on the server's disk
                self._consent = _saved_consent()
                yield Checkbox(CONSENT_LABEL, self._consent, id="secrets-file-consent")
                yield Static(
                    "Only where there is no OS keyring: remembered devices, passwords and sessions go to a "
                    "file readable only by you (0600), instead of not being kept at all.",
                    classes="hint",
                )
            if app.controller.user is not None:
                yield Label("Multi-factor authentication: phone, authenticator app, remembered devices")
                yield Button("Security…", id="settings-security")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="settings-save")
                yield Button("Cancel", id="settings-cancel")
            yield Static("", id="settings-status", markup=False)

    def on_mount(self) -> None:
        self._original_theme = self.app.theme

    @on(Select.Changed, "#theme")
    def preview_theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.app.theme = event.value

    @on(Button.Pressed, "#settings-save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        folder_text = self.query_one("#download-dir", Input).value.strip()
        template = self.query_one("#filename-template", Input).value.strip()
        concurrency = check_concurrency(self.query_one("#concurrency", Input).value)
        folder = Path(folder_text).expanduser() if folder_text else None
        problem = (
            "Choose a download folder."
            if folder is None
            else f"{folder} is a file, not a folder."
            if folder.is_file()
            else check_template(template) or (concurrency if isinstance(concurrency, str) else None)
        )
        if problem:
            self._set_status(problem, error=True)
            return
        assert folder is not None and isinstance(concurrency, int)
        self._profile.download_dir = folder
        self._profile.filename_template = template
        self._profile.concurrency = concurrency
        self._profile.os_trust_store = self.query_one("#os-trust-store", Checkbox).value
        self._profile.theme = self.app.theme
        consents = self.query("#secrets-file-consent").results(Checkbox)
        consent = next((box.value for box in consents), self._consent)
        self.save(consent if consent != self._consent else None)

    @work(exclusive=True, exit_on_error=False, group="settings-save")
    async def save(self, consent: bool | None) -> None:
        """``consent``: the new consent to the secrets file, None when unchanged."""
        try:
            await shell(self).save_profile()
            if consent is not None:
                await shell(self).controller.set_secrets_file_consent(consent)
        except Exception as error:  # e.g. a read-only config folder: say so, keep the dialog open
            from ssp_tui.tui.dialogs.error_modal import describe_error

            self._set_status(describe_error(error)[1], error=True)
            return
        in_browser = shell(self).browser_delivery is not None
        self.notify("Settings kept for this browser session." if in_browser else "Settings saved.")
        self.dismiss(None)

    @on(Button.Pressed, "#settings-security")
    def open_security(self) -> None:
        from ssp_tui.tui.security.screen import SecurityScreen

        self.app.push_screen(SecurityScreen())

    @on(Button.Pressed, "#settings-cancel")
    def action_cancel(self) -> None:
        self.app.theme = self._original_theme
        self.dismiss(None)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#settings-status", Static)
        status.update(text)
        status.set_class(error, "error")
