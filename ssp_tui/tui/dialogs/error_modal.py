"""The one error modal: the portal's own message, what to do next, and never a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorModal(ModalScreen[None]):
    """Shows one failure. ``message`` is already fit for the screen (``PortalError.user_message``)."""

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

    Only ``user_message`` (written by the client to be shown) and the error's class reach the screen: an
    exception's own text can hold a URL with a token, so it is never displayed.
    """
    from ssp_tui.api import errors

    if not isinstance(error, errors.PortalError):
        return (
            "Something went wrong",
            f"The action stopped with an internal error ({type(error).__name__}). Nothing was changed on the "
            "portal. Try again; if it keeps happening, contact Web Support (see Help, F1).",
            True,
        )
    message = error.user_message
    if isinstance(error, errors.Locked | errors.RateLimited):
        title = "Login on hold" if isinstance(error, errors.Locked) else "Too many attempts"
        if error.retry_after is None:
            message += " Wait a while before trying again."
        return title, message, False
    titles: list[tuple[type[errors.PortalError], str, bool]] = [
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
        (errors.ConfigError, "Check the configuration", True),
        (errors.SecretStoreError, "Secrets cannot be kept", False),
    ]
    for error_type, title, serious in titles:
        if isinstance(error, error_type):
            return title, message, serious
    return "The portal refused the request", message, True
