"""Seminars: the catalog (online and live, CME credits, the link to take one) and the activity history,
filtered by the portal, loaded page by page with progress, and exported to Excel or CSV exactly as shown."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rich.markup import escape
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Seminar, SeminarActivity
from ssp_tui.errors import CannotWrite
from ssp_tui.formatting import plural
from ssp_tui.operations.export import ExportError, export_rows
from ssp_tui.tui.common.browser_delivery import browser_delivery
from ssp_tui.tui.common.links import open_link
from ssp_tui.tui.common.shared_values import SharedValues
from ssp_tui.tui.section_screen import SectionScreen
from ssp_tui.tui.sections.seminars.activity import (
    ACTIVITY_COLUMNS,
    CATALOG_COLUMNS,
    ActivityFilterForm,
    ActivityFilters,
    activity_summary_of,
    catalog_detail,
)
from ssp_tui.tui.sections.seminars.credit_tally import CreditTally
from ssp_tui.tui.sections.seminars.export import ACTIVITY_EXPORT, CATALOG_EXPORT, ExportDialog, ExportKind
from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.virtual_table import VirtualTable

ACTIVITY_TAB = "seminar-activity-tab"
CATALOG_TAB = "seminar-catalog-tab"
EXPORT_PROGRESS_EVERY = 2000


SHARED_ACTIVITY_FIELDS = (
    "participant", "policy_number", "policyholder", "seminar_id", "title", "completed_on", "credits"
)
"""Activity fields whose values repeat across rows: held once each (200,000 rows: 134 MB -> 37 MB)."""
STATUS_EVERY_PAGES = 10

class SeminarsScreen(SectionScreen):
    SECTION_ID = "seminars"
    DIALOG_ACTIONS = frozenset({"export"})
    BINDINGS = [
        Binding(
            "e",
            "export",
            "Export",
            tooltip="Export the rows the tab shows to Excel (.xlsx) or CSV",
            id="seminars.export",
            priority=True,  # a dialog key: see SectionScreen.DIALOG_ACTIONS
        ),
        Binding(
            "o",
            "open_seminar",
            "Open",
            tooltip="Open the highlighted seminar's link",
            id="seminars.open_seminar",
        ),
        Binding(
            "l",
            "toggle_tab",
            "Catalog",
            tooltip="Switch between the activity history and the catalog",
            id="seminars.toggle_tab",
        ),
        Binding("f", "filters", "Filters", tooltip="Go to the activity filters", id="seminars.filters"),
        Binding(
            "slash",
            "type_ahead",
            "Search",
            tooltip="Filter the rows shown as you type",
            id="seminars.type_ahead",
        ),
        Binding("x", "stop_loading", "Stop", tooltip="Stop loading the activity", id="seminars.stop_loading"),
        Binding(
            "r",
            "reload",
            "Reload",
            tooltip="Fetch the catalog and the activity again",
            id="seminars.reload",
        ),
    ]

    DEFAULT_CSS = """
    #seminars { height: 1fr; }
    #seminar-tabs { height: 1fr; }
    #seminar-tabs TabPane { height: 1fr; padding: 0 1; }
    #activity-table, #catalog-table { height: 1fr; }
    #activity-status, #activity-summary, #catalog-detail { height: auto; }
    """

    @dataclass
    class CatalogLoaded(Message):
        seminars: list[Seminar]

    def __init__(self) -> None:
        super().__init__()
        self.filters = ActivityFilters()
        self.activity_loading = False
        """The activity is being fetched. Not Textual's ``loading``: that covers the screen with an indicator
        (hiding the rows already loaded) and repaints the whole screen on every frame of its animation."""
        self.loaded_rows = 0
        self.loaded_credits = Decimal(0)
        self.credits = CreditTally()
        """The credits of the activity table's rows, by row index, for the summary of a filtered view."""
        self.last_export: Path | None = None
        self.seminars: dict[str, Seminar] = {}
        """The catalog by id (an activity row opens its seminar's link)."""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="seminars"), TabbedContent(id="seminar-tabs", initial=ACTIVITY_TAB):
            with TabPane("Activity", id=ACTIVITY_TAB):
                yield ActivityFilterForm(id="activity-filters")
                yield Static("Loading…", id="activity-status", classes="card-title")
                yield FilterBar("#activity-table", placeholder="Narrow the rows shown", id="activity-filter")
                yield VirtualTable(
                    ACTIVITY_COLUMNS,
                    multi_select=False,
                    empty_text="No seminar activity",
                    id="activity-table",
                )
                yield Static("", id="activity-summary")
                yield Static(
                    "f filters · / narrow · s sort · e export · x stop loading · l catalog", classes="hint"
                )
            with TabPane("Catalog", id=CATALOG_TAB):
                yield VirtualTable(
                    CATALOG_COLUMNS, multi_select=False, empty_text="No seminars", id="catalog-table"
                )
                yield Static("", id="catalog-detail")
                yield Static("enter or o opens the seminar's link · s sort · l activity", classes="hint")

    activity_table = getters.query_one("#activity-table", VirtualTable)
    catalog_table = getters.query_one("#catalog-table", VirtualTable)

    def on_mount(self) -> None:
        self.watch(self.activity_table, "view_counts", self._show_summary, init=False)
        self.activity_table.focus()

    def first_shown(self) -> None:
        self.load_catalog()
        self.load_activity(self.filters)

    def open_intent(self, intent: str) -> None:
        if intent == "activity" and self.query("#seminar-tabs"):
            self.query_one(TabbedContent).active = ACTIVITY_TAB
            self.activity_table.focus()

    # -- loading --

    @work(exclusive=True, exit_on_error=False, group="seminar-catalog")
    async def load_catalog(self) -> None:
        seminars = await self.controller.call(lambda c: c.seminars.catalog().collect())
        self.post_message(self.CatalogLoaded(seminars))

    def on_seminars_screen_catalog_loaded(self, message: CatalogLoaded) -> None:
        self.seminars = {seminar.id: seminar for seminar in message.seminars}
        self.catalog_table.set_rows(message.seminars, key=lambda seminar: seminar.id)

    @work(exclusive=True, exit_on_error=False, group="seminar-activity")
    async def load_activity(self, filters: ActivityFilters) -> None:
        """Every page of the activity for ``filters``; a newer call (new filters) cancels this one."""
        self.filters = filters
        self.activity_loading = True
        self.refresh_bindings()
        try:
            total = await self.controller.call(lambda c: self._fetch_activity(c, filters))
        except asyncio.CancelledError:
            self._set_status(f"Stopped after {plural(self.loaded_rows, 'row')} ({filters.describe()}).")
            raise
        finally:
            self.activity_loading = False
            self.refresh_bindings()
        self._set_status(f"{plural(total, 'row')} · {filters.describe()}")

    async def _fetch_activity(self, client: PortalClient, filters: ActivityFilters) -> int:
        # Runs again from the first page after a re-login, so it starts from an empty table every time.
        table = self.activity_table
        # The filter's search index is built once, after the last page, not again for every batch.
        table.index_in_background = False
        table.clear()
        self.credits.clear()
        self.loaded_rows = 0
        self.loaded_credits = Decimal(0)
        self._set_status(f"Loading ({filters.describe()})…")
        pending: list[SeminarActivity] = []
        pages_read = 0
        shared = SharedValues(SHARED_ACTIVITY_FIELDS)
        pages = client.seminars.activity(
            participant=filters.participant,
            policy_number=filters.policy_number,
            policyholder=filters.policyholder,
            title=filters.title,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ).pages()
        try:
            async for page in pages:
                shared.share(page.items)
                pending.extend(page.items)
                self.loaded_rows += len(page.items)
                self.loaded_credits += sum((row.credits for row in page.items), Decimal(0))
                # Rows reach the table in batches that double in size, so 100,000 rows cost a dozen
                # table updates rather than one per page, and the first page shows at once.
                appended = len(pending) >= max(1, table.model.row_count)
                if appended:
                    self._append_rows(pending)
                    pending = []
                # The count moves with the table, every tenth page and at the last: each update lays out
                # and repaints the screen, 200 of them for 200,000 rows.
                pages_read += 1
                if appended or pages_read % STATUS_EVERY_PAGES == 0 or page.next_cursor is None:
                    self._set_status(f"Loaded {plural(self.loaded_rows, 'row')}…")
        finally:
            # Also when stopped: every row fetched is shown, and then indexed for the filter.
            table.index_in_background = True
            self._append_rows(pending)
        return self.loaded_rows

    def _append_rows(self, rows: list[SeminarActivity]) -> None:
        self.credits.extend(rows)  # first: the table's count watcher (the summary) reads it
        self.activity_table.append_rows(rows)

    def _set_status(self, text: str) -> None:
        self.query_one("#activity-status", Static).update(escape(text))

    def _show_summary(self, counts: tuple[int, int, int]) -> None:
        shown, total, _selected = counts
        if shown == total == self.loaded_rows:
            text = activity_summary_of(total, self.loaded_credits)  # kept as the pages arrive
        else:
            shown_rows = self.activity_table.model.shown_indices()
            text = activity_summary_of(shown, self.credits.total(shown_rows), filtered_from=total)
        self.query_one("#activity-summary", Static).update(escape(text))

    @on(ActivityFilterForm.Applied)
    def filters_applied(self, message: ActivityFilterForm.Applied) -> None:
        message.stop()
        self.load_activity(message.filters)
        self.activity_table.focus()

    @on(VirtualTable.CursorMoved, "#catalog-table")
    def catalog_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        text = catalog_detail(event.row) if isinstance(event.row, Seminar) else ""
        self.query_one("#catalog-detail", Static).update(escape(text))

    @on(VirtualTable.RowActivated, "#catalog-table")
    def catalog_row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self.action_open_seminar()

    # -- actions --

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.typed_in_field(action):
            return None
        if action == "stop_loading":
            return self.activity_loading
        return True

    def action_toggle_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active == ACTIVITY_TAB:
            tabs.active = CATALOG_TAB
            self.catalog_table.focus()
        else:
            tabs.active = ACTIVITY_TAB
            self.activity_table.focus()

    def action_filters(self) -> None:
        self.query_one(TabbedContent).active = ACTIVITY_TAB
        self.query_one("#activity-participant").focus()

    def action_type_ahead(self) -> None:
        self.query_one(TabbedContent).active = ACTIVITY_TAB
        self.query_one("#activity-filter Input").focus()

    def action_stop_loading(self) -> None:
        for worker in self.workers:
            if worker.group == "seminar-activity":
                worker.cancel()

    def action_reload(self) -> None:
        self.load_catalog()
        self.load_activity(self.filters)

    def action_open_seminar(self) -> None:
        table = self.catalog_table
        seminar = table.cursor_row if self.query_one(TabbedContent).active == CATALOG_TAB else None
        if not isinstance(seminar, Seminar):
            row = self.activity_table.cursor_row
            seminar = self.seminars.get(row.seminar_id) if isinstance(row, SeminarActivity) else None
        if seminar is None:
            self.notify("Highlight a seminar first.", severity="warning")
            return
        self.open_seminar(seminar)

    @work(exclusive=True, exit_on_error=False, group="seminar-link")
    async def open_seminar(self, seminar: Seminar) -> None:
        await open_link(self.app, seminar.url, seminar.title)

    def action_export(self) -> None:
        # What the tab in view shows: the catalog's rows on the Catalog tab, else the activity's.
        if self.query_one(TabbedContent).active == CATALOG_TAB:
            seminars = [row for row in self.catalog_table.shown_rows() if isinstance(row, Seminar)]
            if not seminars:
                self.notify("No seminars to export.", severity="warning")
                return
            self.opens_a_dialog(self.export(CATALOG_EXPORT, seminars))
            return
        rows = [row for row in self.activity_table.shown_rows() if isinstance(row, SeminarActivity)]
        if not rows:
            self.notify("No rows to export: change the filters.", severity="warning")
            return
        if self.activity_loading:
            self.notify(
                f"Still loading: the export has the {plural(len(rows), 'row')} loaded so far.",
                severity="warning",
            )
        self.opens_a_dialog(self.export(ACTIVITY_EXPORT, rows))

    @work(exclusive=True, exit_on_error=False, group="seminar-export")
    async def export(self, kind: ExportKind, rows: Sequence[Seminar] | Sequence[SeminarActivity]) -> None:
        default = self.controller.profile.download_dir / f"{kind.stem}-{clock.today():%Y-%m-%d}.xlsx"
        choice = await self.app.push_screen_wait(ExportDialog(len(rows), default, kind.what))
        if choice is None:
            return
        delivery = browser_delivery(self.app)
        if delivery is not None:  # a browser session: made in its own folder, then sent to the browser
            choice = dataclasses.replace(choice, path=delivery.new_folder() / choice.path.name)
        total = len(rows)

        def progress(done: int) -> None:
            self.app.call_from_thread(self._set_status, f"Exporting {done:,} of {plural(total, 'row')}…")

        def write() -> None:
            choice.path.parent.mkdir(parents=True, exist_ok=True)
            export_rows(
                rows,
                kind.columns,
                choice.path,
                choice.format,
                on_progress=progress,
                progress_every=EXPORT_PROGRESS_EVERY,
                sheet_name=kind.sheet_name,
            )

        try:
            await asyncio.to_thread(write)
        except ExportError as error:
            self.notify(error.full_message, title="Export failed", severity="error", timeout=12)
            return
        except OSError as error:  # the folder could not be made: say which, and to choose another
            failure = CannotWrite(choice.path.parent, error, doing="create")
            self.notify(failure.full_message, title="Export failed", severity="error", timeout=12)
            return
        self.last_export = choice.path
        where = f"to {choice.path}" if delivery is None else delivery.send_file(self.app, choice.path)
        self._set_status(f"Exported {plural(total, 'row')} {where}")
        self.notify(f"Exported {plural(total, 'row')} {where}", title="Export", timeout=10)
