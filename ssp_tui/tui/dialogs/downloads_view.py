"""The downloads view (F3, or "Downloads" in the command palette, from any section): every batch this session
ran and the earlier runs the download folder's manifest lists; open a file or its folder, and run the failed
ones again through the runner that ran them (so an ended session asks for a new sign-in, as any download).
What an earlier session's run left failed (its manifest names the jobs) runs again through the view's own
runner, into the same folder."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import ClassVar, Protocol

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ssp_tui.operations.downloads import Destination, DownloadJob, DownloadPlan
from ssp_tui.tui.common.download_history import (
    DownloadHistory,
    DownloadRow,
    Retry,
    RowState,
    earlier_rows,
    ledger_rows,
)
from ssp_tui.tui.common.download_runner import DownloadRunner, DownloadSession
from ssp_tui.tui.common.links import open_link
from ssp_tui.widgets.steady_footer import SteadyFooter
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

COLUMNS = [
    Column(
        "batch", "#", value=lambda row: row.batch or "", align="right", min_width=2, kind=ColumnKind.NUMBER
    ),
    Column("when", "When", value=lambda row: row.when, kind=ColumnKind.DATE),
    Column("state", "Status", value=lambda row: row.state.value),
    Column("title", "Document", value=lambda row: row.title, max_width=48),
    Column(
        "where",
        "Where",
        value=lambda row: str(row.path or row.folder or "") if not row.message else row.message,
        max_width=80,
    ),
]
FAILED = (RowState.FAILED, RowState.MISSING)


class ViewSession(DownloadSession, Protocol):
    """What the view needs of the session (``SessionController``): a runner's, and which portal it is on."""

    async def portal_key(self) -> str: ...


class DownloadsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    #downloads-dialog { width: 100%; height: 100%; border: thick $primary; background: $surface; }
    #downloads-table { height: 1fr; }
    #downloads-status { height: auto; }
    """
    AUTO_FOCUS = "#downloads-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the section", id="downloads.close"),
        Binding("o", "open_file", "Open file", tooltip="Open the highlighted file", id="downloads.open_file"),
        Binding(
            "f",
            "open_folder",
            "Open folder",
            tooltip="Open the folder it went to",
            id="downloads.open_folder",
        ),
        Binding(
            "r",
            "retry",
            "Retry failed",
            tooltip="Download the failed files of the highlighted batch again",
            id="downloads.retry",
        ),
    ]

    def __init__(
        self,
        history: DownloadHistory,
        download_dir: Path | None,
        portal_key: Callable[[], Awaitable[str]] | None = None,
        session: DownloadSession | None = None,
    ) -> None:
        """``download_dir``: whose manifest lists earlier runs; ``portal_key``: which portal's ledger entries
        to list (None: neither); ``session``: what runs an earlier run's failures again (None: they are only
        listed)."""
        super().__init__()
        self.history = history
        self.download_dir = download_dir
        self.portal_key = portal_key
        self.session = session

    @classmethod
    def of_session(
        cls, history: DownloadHistory, session: ViewSession, *, in_browser: bool
    ) -> DownloadsScreen:
        """The view of ``session``: its download folder's earlier runs, this portal's ledger, their retries.
        In a browser session the user sees their own batches only, not the server's folders and ledger."""
        if in_browser:
            return cls(history, None)
        return cls(history, session.profile.download_dir, session.portal_key, session)

    def compose(self) -> ComposeResult:
        with Vertical(id="downloads-dialog"):
            yield Static("Downloads", classes="dialog-title")
            yield VirtualTable(
                COLUMNS, multi_select=False, empty_text="Nothing downloaded yet", id="downloads-table"
            )
            yield Static("", id="downloads-status", markup=False)
            yield DownloadRunner(id="downloads-runner")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.load_rows()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#downloads-table", VirtualTable)

    @property
    def runner(self) -> DownloadRunner:
        return self.query_one("#downloads-runner", DownloadRunner)

    @work(exclusive=True, exit_on_error=False, group="downloads-rows")
    async def load_rows(self) -> None:
        rows = self.history.rows()
        if self.download_dir is not None:
            rows += await asyncio.to_thread(earlier_rows, self.download_dir, self.history)
        key = await self._portal_key()
        if key is not None:
            listed = {row.path for row in rows if row.path is not None}
            rows += await asyncio.to_thread(ledger_rows, key, listed)
        self.table.set_rows(rows)
        self._set_status(self._summary(rows))
        self.refresh_bindings()

    async def _portal_key(self) -> str | None:
        if self.portal_key is None:
            return None
        try:
            return await self.portal_key()
        except Exception:  # the portal could not be started: there is still this session's list to show
            return None

    def _summary(self, rows: list[DownloadRow]) -> str:
        batches = len(self.history.batches)
        again = self.session is not None
        failed = sum(1 for row in rows if row.state in FAILED or (again and row.job is not None))
        earlier = sum(1 for row in rows if row.batch == 0)
        parts = [f"{batches} {'batch' if batches == 1 else 'batches'} this session"]
        if failed:
            parts.append(f"{failed} not downloaded (r retries them)")
        if earlier:
            parts.append(f"{earlier} from earlier runs (the download folder's manifest, the COI ledger)")
        return "; ".join(parts) + "."

    def _row(self) -> DownloadRow | None:
        row = self.table.cursor_row
        return row if isinstance(row, DownloadRow) else None

    def on_virtual_table_cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self._row()
        if action == "open_file":
            return row is not None and row.path is not None
        if action == "open_folder":
            return row is not None and row.folder is not None
        if action == "retry":
            if row is not None and row.batch == 0:
                again = row.state is RowState.EARLIER_FAILED and row.job is not None
                return again and self.session is not None and not self.runner.is_running
            batch = self.history.batch(row.batch) if row is not None else None
            return batch is not None and batch.retry is not None and bool(batch.failed_jobs)
        return True

    def _earlier_jobs(self, row: DownloadRow) -> list[DownloadJob]:
        """Every job the earlier run into ``row``'s folder left failed or missing that can run again."""
        if row.state is not RowState.EARLIER_FAILED:
            return []
        rows = self.table.shown_rows()
        return [
            other.job
            for other in rows
            if isinstance(other, DownloadRow)
            and other.job is not None
            and other.state is RowState.EARLIER_FAILED
            and other.folder == row.folder
        ]

    def action_close(self) -> None:
        self.dismiss(None)

    async def action_open_file(self) -> None:
        row = self._row()
        if row is not None and row.path is not None:
            await self._open(row.path, row.title)

    async def action_open_folder(self) -> None:
        row = self._row()
        if row is not None and row.folder is not None:
            await self._open(row.folder, str(row.folder))

    async def _open(self, path: Path, title: str) -> None:
        if self.app.is_web:
            self.notify("The files were sent to your browser's downloads.", title="Downloads")
            return
        if not path.exists():
            self.notify(f"{path} is no longer there.", title="Downloads", severity="warning", markup=False)
            return
        # The desktop opens a file:// link (xdg-open, open, start); over SSH the path is shown and copied.
        await open_link(self.app, path.as_uri(), title)

    def action_retry(self) -> None:
        row = self._row()
        if row is not None and row.batch == 0:
            self._retry_earlier(row)
            return
        batch = self.history.batch(row.batch) if row is not None else None
        if batch is None or batch.retry is None:
            return
        plan = batch.retry_plan()
        if plan is not None:
            count = len(batch.failed_jobs)
            self._set_status(f"Retrying {count} {'file' if count == 1 else 'files'} of batch {batch.number}…")
            self.retry(batch.retry, plan)

    def _retry_earlier(self, row: DownloadRow) -> None:
        jobs = self._earlier_jobs(row)
        session = self.session
        if not jobs or session is None or row.folder is None:
            return
        plan = DownloadPlan(jobs, Destination.separate(row.folder), concurrency=session.profile.concurrency)
        count = len(jobs)
        self._set_status(f"Retrying {count} {'file' if count == 1 else 'files'} of the earlier run…")
        self.retry(partial(self.runner.run_and_report, session), plan)

    @work(exclusive=True, exit_on_error=False, group="downloads-retry")
    async def retry(self, run: Retry, plan: DownloadPlan) -> None:
        try:
            await run(plan)
        except Exception as error:  # e.g. a batch still running on that screen: say so, keep the view
            from ssp_tui.tui.dialogs.error_modal import describe_error

            self._set_status(describe_error(error)[1])
            return
        self.load_rows()

    def _set_status(self, text: str) -> None:
        self.query_one("#downloads-status", Static).update(text)
