"""The save-as dialog of an export: Excel or CSV, and the file to write (never replaced without asking)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from ssp_tui.formatting import plural
from ssp_tui.operations.export import Column, ExportFormat
from ssp_tui.operations.export_columns import SEMINAR_ACTIVITY_COLUMNS, SEMINAR_CATALOG_COLUMNS
from ssp_tui.widgets.choice_set import ChoiceSet

SUFFIXES = {ExportFormat.XLSX: ".xlsx", ExportFormat.CSV: ".csv"}


@dataclass(frozen=True, slots=True)
class ExportKind:
    """What `e` exports from a tab: its columns, the file's default name and sheet, the dialog's words."""

    columns: tuple[Column, ...]
    stem: str
    sheet_name: str
    what: str


ACTIVITY_EXPORT = ExportKind(
    SEMINAR_ACTIVITY_COLUMNS, "seminar-activity", "Seminar activity", "what the filters show"
)
CATALOG_EXPORT = ExportKind(SEMINAR_CATALOG_COLUMNS, "seminar-catalog", "Seminar catalog", "the catalog")


@dataclass(frozen=True, slots=True)
class ExportChoice:
    path: Path
    format: ExportFormat


def check_export_path(text: str, fmt: ExportFormat) -> Path:
    """The file to write, from what the user typed; ValueError (fit to show) when it cannot be one."""
    if not text.strip():
        raise ValueError("Give a file to save to.")
    path = Path(text.strip()).expanduser()
    if path.suffix.lower() not in SUFFIXES.values():
        path = path.with_name(path.name + SUFFIXES[fmt])
    elif path.suffix.lower() != SUFFIXES[fmt]:
        raise ValueError(f"{path.name} does not end in {SUFFIXES[fmt]}; change the name or the format.")
    if path.is_dir():
        raise ValueError(f"{path} is a folder: add a file name.")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"{parent} is a file, not a folder.")
            break
    return path


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Format (Excel or CSV) and the file; a file that exists is replaced only after a second "Replace"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without exporting", id="export_dialog.cancel"),
    ]

    def __init__(self, rows: int, default_path: Path, what: str = "what the filters show") -> None:
        super().__init__()
        self.rows = rows
        self.what = what
        self.default_path = default_path
        self._confirmed: Path | None = None
        self._confirmed_text = ""
        """The file-name field's text when the user was asked whether to replace ``_confirmed``."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Static(f"Export {plural(self.rows, 'row')} ({self.what})", classes="dialog-title")
            with ChoiceSet(id="export-format"):
                yield RadioButton("Excel workbook (.xlsx)", value=True, id="format-xlsx")
                yield RadioButton("CSV (.csv)", id="format-csv")
            yield Static("Save to", classes="hint")
            yield Input(str(self.default_path), id="export-path")
            yield Static("", id="export-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Export", id="export-start", variant="primary")
                yield Button("Cancel", id="export-cancel")

    @property
    def format(self) -> ExportFormat:
        return ExportFormat.CSV if self.query_one("#format-csv", RadioButton).value else ExportFormat.XLSX

    @on(RadioSet.Changed, "#export-format")
    def format_changed(self) -> None:
        self._name_follows(self.format)

    @on(ChoiceSet.Confirmed, "#export-format")
    def format_confirmed(self, event: ChoiceSet.Confirmed) -> None:
        # Enter on a format: that one, and export (the set's own Changed may arrive after this).
        fmt = ExportFormat.CSV if event.button.id == "format-csv" else ExportFormat.XLSX
        self._name_follows(fmt)
        self._start(fmt)

    def _name_follows(self, fmt: ExportFormat) -> None:
        # The file name follows the format when it ends in the other one's suffix.
        field = self.query_one("#export-path", Input)
        path = Path(field.value.strip())
        if path.suffix.lower() in SUFFIXES.values():
            field.value = str(path.with_suffix(SUFFIXES[fmt]))

    @on(Input.Changed, "#export-path")
    def path_changed(self, event: Input.Changed) -> None:
        # Input.Changed arrives as a message, possibly after the press that asked the question: only a new
        # file name withdraws a "Replace" the user has been asked about.
        if self._confirmed is not None and event.value == self._confirmed_text:
            return
        self._confirmed = None
        self.query_one("#export-start", Button).label = "Export"
        self.query_one("#export-error", Static).update("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#export-start")
    def start(self) -> None:
        self._start(self.format)

    def _start(self, fmt: ExportFormat) -> None:
        error = self.query_one("#export-error", Static)
        try:
            path = check_export_path(self.query_one("#export-path", Input).value, fmt)
        except ValueError as problem:
            error.update(escape(str(problem)))
            return
        if path.exists() and self._confirmed != path:
            self._confirmed = path
            self._confirmed_text = self.query_one("#export-path", Input).value
            error.update(escape(f"{path.name} already exists. Press Replace to overwrite it."))
            self.query_one("#export-start", Button).label = "Replace"
            return
        self.dismiss(ExportChoice(path, fmt))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
