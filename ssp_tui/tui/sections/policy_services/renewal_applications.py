"""Renewal applications (Policy Services, Shift+A; agents): each renewal term of the agency's clients with its
application, completed (and when) or still missing. Enter opens the policy's renewal term, where the
application is listed, previewed and downloaded like every other document."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static
from textual.worker import Worker, WorkerState

from ssp_tui.api.models import ApplicationFilter, ApplicationStatus, RenewalApplication
from ssp_tui.tui.shell import shell
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

FILTERS = (
    ("Every renewal", ApplicationFilter.ALL),
    ("Application missing", ApplicationFilter.MISSING),
    ("Application completed", ApplicationFilter.COMPLETED),
)
APPLICATION_COLUMNS: tuple[Column, ...] = (
    Column("policy_number", "Policy #", kind=ColumnKind.ID),
    Column("policyholder", "Policyholder", max_width=36),
    Column(
        "renewal_start",
        "Renewal begins",
        formatter=lambda d: f"{d:%m/%d/%Y}",
        min_width=10,
        kind=ColumnKind.DATE,
    ),
    Column(
        "status",
        "Application",
        value=lambda a: a.status,
        formatter=lambda s: "completed" if s is ApplicationStatus.COMPLETED else "MISSING",
        max_width=12,
    ),
    Column(
        "completed_on",
        "Completed",
        formatter=lambda d: f"{d:%m/%d/%Y}" if d else "",
        min_width=10,
        kind=ColumnKind.DATE,
    ),
)


class RenewalApplicationsScreen(ModalScreen[str | None]):
    """Dismisses with the policy id whose renewal term to open, or None."""

    DEFAULT_CSS = """
    #applications-dialog { width: 96%; height: 90%; }
    #applications-table { height: 1fr; }
    """
    BINDINGS = [
        Binding(
            "escape", "close", "Close", tooltip="Back to Policy Services", id="renewal_applications.close"
        )
    ]

    @dataclass
    class Loaded(Message):
        which: ApplicationFilter
        applications: list[RenewalApplication]

    def compose(self) -> ComposeResult:
        with Vertical(id="applications-dialog", classes="dialog"):
            yield Static("Renewal applications of your clients", classes="dialog-title")
            yield Select(FILTERS, value=ApplicationFilter.ALL, allow_blank=False, id="applications-filter")
            yield VirtualTable(
                APPLICATION_COLUMNS, multi_select=False, empty_text="No renewals", id="applications-table"
            )
            yield Static(
                "Enter: open the renewal term (the application is among its documents)", classes="hint"
            )
            with Horizontal(classes="buttons"):
                yield Button("Close", id="applications-close")

    def on_mount(self) -> None:
        self.load(ApplicationFilter.ALL)
        self.query_one(VirtualTable).focus()

    @property
    def which(self) -> ApplicationFilter:
        value = self.query_one("#applications-filter", Select).value
        return value if isinstance(value, ApplicationFilter) else ApplicationFilter.ALL

    @on(Select.Changed, "#applications-filter")
    def filter_changed(self) -> None:
        self.load(self.which)

    @work(exclusive=True, exit_on_error=False, group="applications")
    async def load(self, which: ApplicationFilter) -> None:
        found = await shell(self).controller.call(lambda c: c.renewals.applications(which).collect())
        self.post_message(self.Loaded(which, found))

    def on_renewal_applications_screen_loaded(self, message: Loaded) -> None:
        if message.which is self.which:
            self.query_one(VirtualTable).set_rows(message.applications, key=lambda a: a.policy_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            shell(self).show_error(event.worker.error)

    @on(VirtualTable.RowActivated, "#applications-table")
    def open_renewal(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        if isinstance(event.row, RenewalApplication):
            self.dismiss(event.row.policy_id)

    @on(Button.Pressed, "#applications-close")
    def action_close(self) -> None:
        self.dismiss(None)
