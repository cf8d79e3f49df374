"""Holder requests from a file (the TUI side of ``coi request-holders``): pick a .csv or .xlsx, see every row
checked (fields, then policy and insured on the portal) before anything is sent, then send the good rows.

The dialog does no portal work itself: the screen hands it ``check`` and ``send`` (through the session, so
an expired session signs in again), and each row's content-derived Idempotency-Key makes a second Send, or
the same file next week, create nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static
from textual.worker import Worker, WorkerState

from ssp_tui.api.errors import PortalError
from ssp_tui.formatting import plural
from ssp_tui.operations.season.holder_batch import ResolvedRow, RowOutcome
from ssp_tui.operations.season.holder_rows import HolderFile, HolderFileError, read_holder_file
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

Check = Callable[[HolderFile], Awaitable[list[ResolvedRow]]]
Send = Callable[[list[ResolvedRow]], Awaitable[list[RowOutcome]]]


@dataclass(frozen=True, slots=True)
class PreviewRow:
    line: int
    status: str
    policy: str
    insured: str
    holder: str
    place: str
    detail: str


PREVIEW_COLUMNS: tuple[Column, ...] = (
    Column("line", "Row", align="right", width=5, kind=ColumnKind.NUMBER),
    Column("status", "Status", min_width=9, max_width=12),
    Column("policy", "Policy #", min_width=10, kind=ColumnKind.ID),
    Column("insured", "Insured", max_width=26),
    Column("holder", "Holder", max_width=30),
    Column("place", "City", max_width=20),
    Column("detail", "Detail", max_width=60),
)


def preview_rows(
    holder_file: HolderFile, resolved: Sequence[ResolvedRow], outcomes: Sequence[RowOutcome] = ()
) -> list[PreviewRow]:
    sent = {o.row.line: o for o in outcomes}
    rows = [PreviewRow(r.line, "invalid", "", "", "", "", r.reason) for r in holder_file.rejected]
    for item in resolved:
        row = item.row
        place = f"{row.city}, {row.state}"
        if item.insured is None:
            rows.append(
                PreviewRow(
                    row.line, "invalid", row.policy, row.insured, row.holder_name, place, item.error or ""
                )
            )
            continue
        outcome = sent.get(row.line)
        if outcome is None:
            status, detail = "ready", ""
        elif outcome.request is not None:
            status, detail = outcome.request.status.value.replace("_", " "), outcome.request.id
        else:
            status, detail = "failed", outcome.error or ""
        rows.append(
            PreviewRow(
                row.line,
                status,
                item.insured.policy_number,
                item.insured.name,
                row.holder_name,
                place,
                detail,
            )
        )
    return sorted(rows, key=lambda r: r.line)


class HolderFileDialog(ModalScreen[int]):
    """Answers how many requests were sent (0 when closed without sending)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="holder_file_dialog.close")
    ]
    DEFAULT_CSS: ClassVar[str] = """
    HolderFileDialog { align: center middle; }
    HolderFileDialog > Vertical {
        width: 96%; max-width: 140; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    HolderFileDialog #holder-file-path-row { height: auto; }
    HolderFileDialog #holder-file-path { width: 1fr; }
    HolderFileDialog #holder-file-table { height: 1fr; }
    HolderFileDialog #holder-file-summary { height: auto; }
    HolderFileDialog #holder-file-buttons { height: auto; align-horizontal: right; }
    """

    def __init__(self, check: Check, send: Send, start_folder: Path) -> None:
        super().__init__()
        self._check, self._send = check, send
        self._start = start_folder
        self._file: HolderFile | None = None
        self._resolved: list[ResolvedRow] = []
        self._sent = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Holder requests from a file (.csv or .xlsx)", classes="card-title")
            yield Static(
                "Columns: policy, insured, holder name, address, city, state, zip; contact and contact "
                "email optional. Every row is checked before anything is sent.",
                classes="hint",
            )
            with Horizontal(id="holder-file-path-row"):
                yield Input(str(self._start) + "/", placeholder="Path to holders.csv", id="holder-file-path")
                yield Button("Check", id="holder-file-check", variant="primary")
            yield Static("", id="holder-file-summary")
            yield VirtualTable(
                PREVIEW_COLUMNS, multi_select=False, empty_text="No file checked yet", id="holder-file-table"
            )
            with Horizontal(id="holder-file-buttons"):
                yield Checkbox("Send the good rows even if some are bad", id="holder-file-skip")
                yield Button("Send", id="holder-file-send", variant="success", disabled=True)
                yield Button("Close", id="holder-file-close")

    def on_mount(self) -> None:
        self.query_one("#holder-file-path", Input).focus()

    @on(Input.Submitted, "#holder-file-path")
    @on(Button.Pressed, "#holder-file-check")
    def check_file(self) -> None:
        self.run_check(Path(self.query_one("#holder-file-path", Input).value.strip()).expanduser())

    @work(exclusive=True, exit_on_error=False, group="holder-file")
    async def run_check(self, path: Path) -> None:
        summary = self.query_one("#holder-file-summary", Static)
        try:
            holder_file = await asyncio.to_thread(read_holder_file, path)
        except HolderFileError as exc:
            summary.update(exc.full_message)
            return
        summary.update(f"Checking {plural(len(holder_file.rows), 'row')} against the portal…")
        try:
            resolved = await self._check(holder_file)
        except PortalError as exc:
            summary.update(f"{exc.full_message} Press Check to try again.")
            return
        self._file, self._resolved = holder_file, resolved
        self._show()

    def _show(self, outcomes: Sequence[RowOutcome] = ()) -> None:
        assert self._file is not None
        rows = preview_rows(self._file, self._resolved, outcomes)
        self.query_one(VirtualTable).set_rows(rows, key=lambda r: r.line)
        invalid = sum(r.status == "invalid" for r in rows)
        ready = sum(r.status == "ready" for r in rows)
        text = f"{plural(len(rows), 'row')}: {ready} ready, {invalid} not valid"
        if outcomes:
            failed = sum(not o.ok for o in outcomes)
            text = f"Sent {len(outcomes) - failed} of {len(outcomes)}; {failed} failed, {invalid} not valid."
            if failed:
                text += " Send again to retry: rows already sent are not sent twice."
        elif invalid:
            text += ". Fix them in the file and Check again, or tick the box to send the others."
        self.query_one("#holder-file-summary", Static).update(text)
        self._update_send()

    @on(Checkbox.Changed, "#holder-file-skip")
    def _update_send(self) -> None:
        ready = [r for r in self._resolved if r.insured is not None]
        invalid = bool(self._file and self._file.rejected) or len(ready) < len(self._resolved)
        allowed = bool(ready) and (not invalid or self.query_one("#holder-file-skip", Checkbox).value)
        button = self.query_one("#holder-file-send", Button)
        button.disabled = not allowed
        button.label = f"Send {plural(len(ready), 'request')}" if ready else "Send"

    @on(Button.Pressed, "#holder-file-send")
    def send_rows(self) -> None:
        self.run_send()

    @work(exclusive=True, exit_on_error=False, group="holder-file")
    async def run_send(self) -> None:
        self.query_one("#holder-file-send", Button).disabled = True
        self.query_one("#holder-file-summary", Static).update("Sending…")
        try:
            outcomes = await self._send([r for r in self._resolved if r.insured is not None])
        except PortalError as exc:
            self.query_one("#holder-file-summary", Static).update(
                f"{exc.full_message} Press Send to try again: nothing is sent twice."
            )
            self._update_send()
            return
        self._sent += sum(o.ok for o in outcomes)
        self._show(outcomes)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.query_one("#holder-file-summary", Static).update(
                f"Something went wrong ({type(event.worker.error).__name__}); please report it. Nothing more "
                "was sent."
            )
            self._update_send()

    @on(Button.Pressed, "#holder-file-close")
    def action_close(self) -> None:
        self.dismiss(self._sent)
