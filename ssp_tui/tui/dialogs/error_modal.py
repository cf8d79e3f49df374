"""The one error modal: the portal's own message, what to do next, and never a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorModal(ModalScreen[None]):
    """Shows one failure. ``message`` is already fit for the screen (``SspError.full_message``)."""

    DEFAULT_CSS = """
    #error-message { margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("escape,enter", "close", "Close", tooltip="Close this message", id="error_modal.close")
    ]

    def __init__(self, title: str, message: str, *, hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Static(self._title, classes="dialog-title")
            yield Static(self._message, id="error-message", markup=False)
            if self._hint:
                yield Static(self._hint, classes="hint", markup=False)
            yield Button("OK", variant="primary", id="error-ok")

    def on_mount(self) -> None:
        self.query_one("#error-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def describe_error(error: BaseException) -> tuple[str, str, bool]:
    """(title, message, serious) for any failure; serious ones get the modal, the rest a notification.

    The message is the error's ``user_message`` then its ``next_step`` (``ssp_tui.errors.SspError``): what
    happened and what to do. Only those words (written to be shown) and the error's class reach the screen:
    an exception's own text can hold a URL with a token, so it is never displayed.
    """
    from ssp_tui.api import errors
    from ssp_tui.api.constants import WEB_SUPPORT_NAME
    from ssp_tui.errors import (
        CannotWrite,
        ConfigError,
        SecretStoreError,
        SspError,
        is_file_error,
        next_step_for_os_error,
        os_reason,
    )

    if not isinstance(error, SspError):
        if isinstance(error, OSError) and is_file_error(error):
            # A disk failure that no layer named (each should): still the system's words and what to do.
            where = f" ({error.filename})" if error.filename else ""
            message = f"A file could not be used{where}: {os_reason(error)}. {next_step_for_os_error(error)}"
            return "File problem", message, True
        return (
            "Something went wrong",
            f"The action stopped with an internal error ({type(error).__name__}). Nothing was changed on the "
            f"portal. Try again; if it keeps happening, contact {WEB_SUPPORT_NAME} (see Help, F1).",
            True,
        )
    message = error.full_message
    if isinstance(error, errors.Locked | errors.RateLimited):
        title = "Login on hold" if isinstance(error, errors.Locked) else "Too many attempts"
        return title, message, False
    titles: list[tuple[type[SspError], str, bool]] = [
        (errors.AuthenticationRequired, "Signed out", False),
        (errors.Forbidden, "Not allowed", False),
        (errors.NotFound, "Not found", False),
        (errors.ValidationFailed, "Please check what you entered", False),
        (errors.Conflict, "Already changed", False),
        (errors.ConnectionFailed, "Cannot reach the portal", True),
        (errors.RequestTimeout, "The portal did not answer in time", True),
        (errors.ProtocolError, "Unexpected answer from the portal", True),
        (errors.DownloadError, "Download failed", True),
        (errors.ServerError, "The portal had a problem", True),
        (ConfigError, "Check the configuration", True),
        (SecretStoreError, "Secrets cannot be kept", False),
        (errors.PortalError, "The portal refused the request", True),
        (CannotWrite, "Could not save", True),
    ]
    for error_type, title, serious in titles:
        if isinstance(error, error_type):
            return title, message, serious
    return "Cannot do that", message, True
