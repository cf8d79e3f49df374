"""Policy Services dialogs: how to download the selection, and the text preview of a document's first page."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from ssp_tui.formatting import plural
from ssp_tui.operations.downloads import Destination, DownloadMode
from ssp_tui.widgets.choice_set import ChoiceSet


class DownloadDialog(ModalScreen[Destination | None]):
    """One combined PDF (named here) or separate PDFs named by the profile's template, into a folder."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", "Cancel", tooltip="Close without downloading", id="download_dialog.cancel"
        ),
    ]

    def __init__(
        self, count: int, *, folder: Path, default_name: str, template: str, ask_folder: bool = True
    ) -> None:
        super().__init__()
        self.count = count
        self.folder = folder
        self.ask_folder = ask_folder
        """False in a browser session: the browser saves the file where its user chose."""
        self.default_name = default_name
        self.template = template

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="download-dialog"):
            yield Static(f"Download {plural(self.count, 'document')}", classes="dialog-title")
            with ChoiceSet(id="download-mode"):
                yield RadioButton(
                    "One combined PDF (a bookmark per document)", value=True, id="mode-combined"
                )
                yield RadioButton(f"Separate PDFs named {self.template}", id="mode-separate")
            yield Static("File name of the combined PDF", classes="hint")
            yield Input(self.default_name, id="download-name")
            if self.ask_folder:
                yield Static("Folder", classes="hint")
                yield Input(str(self.folder), id="download-folder")
            else:
                yield Static("Your browser saves it (to its downloads folder).", classes="hint")
            yield Static("", id="download-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Download", id="download-start", variant="primary")
                yield Button("Cancel", id="download-cancel")

    @property
    def mode(self) -> DownloadMode:
        separate = self.query_one("#mode-separate", RadioButton).value
        return DownloadMode.SEPARATE if separate else DownloadMode.COMBINED

    @on(ChoiceSet.Confirmed, "#download-mode")
    def mode_confirmed(self, event: ChoiceSet.Confirmed) -> None:
        self.confirm(DownloadMode.SEPARATE if event.button.id == "mode-separate" else DownloadMode.COMBINED)

    @on(RadioSet.Changed, "#download-mode")
    def mode_changed(self) -> None:
        self.query_one("#download-name", Input).disabled = self.mode is DownloadMode.SEPARATE

    @on(Input.Submitted)
    @on(Button.Pressed, "#download-start")
    def start(self) -> None:
        self.confirm(self.mode)

    def confirm(self, mode: DownloadMode) -> None:
        folder_text = self.query_one("#download-folder", Input).value.strip() if self.ask_folder else "."
        error = self.query_one("#download-error", Static)
        if not folder_text:
            error.update("Give a folder to save into.")
            return
        folder = Path(folder_text).expanduser()
        if folder.exists() and not folder.is_dir():
            error.update(f"{escape(str(folder))} is a file, not a folder.")
            return
        if mode is DownloadMode.SEPARATE:
            self.dismiss(Destination.separate(folder))
            return
        typed = self.query_one("#download-name", Input).value
        if not typed.strip():
            error.update("Give the combined PDF a file name.")
            return
        self.dismiss(Destination.combined_in(folder, typed))

    @on(Button.Pressed, "#download-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PreviewDialog(ModalScreen[None]):
    """The text of a document's first page, for terminals with no PDF viewer at hand."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", tooltip="Close the preview", id="preview_dialog.close"),
    ]

    DEFAULT_CSS: ClassVar[str] = """
    #preview-dialog { width: 100; height: 90%; }
    #preview-text { height: 1fr; border: round $primary; padding: 0 1; }
    """

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.document_title = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="preview-dialog"):
            yield Static(f"{escape(self.document_title)} · page 1", classes="dialog-title")
            with VerticalScroll(id="preview-text"):
                body = self.text or "This page has no text to show (it may be a scanned image)."
                yield Static(body, id="preview-body", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Close", id="preview-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#preview-text").focus()

    @on(Button.Pressed, "#preview-close")
    def action_close(self) -> None:
        self.dismiss(None)
