"""Policy change requests (Policy Services, key c; policyholders, and agents for their clients): the requests
with status, age and the portal's answer, newest first; n asks for a new one (``change_form.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from ssp_tui import clock
from ssp_tui.api.models import OPEN_CHANGE_STATUSES, ChangeRequest, PolicySummary
from ssp_tui.operations.change_requests import request_age
from ssp_tui.tui.shell import shell
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable


def status_words(change: ChangeRequest) -> str:
    words = change.status.value.replace("_", " ")
    overdue = change.status in OPEN_CHANGE_STATUSES and clock.now() > change.expected_by
    return f"{words} · OVERDUE" if overdue else words


CHANGE_COLUMNS: tuple[Column, ...] = (
    Column("status", "Status", value=status_words, max_width=22),
    Column(
        "age",
        "Age",
        value=lambda c: request_age(c.submitted_at, clock.now()),
        align="right",
        min_width=7,
        kind=ColumnKind.NUMBER,
    ),
    Column("policy_number", "Policy", kind=ColumnKind.ID),
    Column("summary", "Change", max_width=60),
    Column(
        "expected_by",
        "Answer by",
        value=lambda c: c.expected_by,
        formatter=lambda d: f"{d:%m/%d/%Y}",
        kind=ColumnKind.DATE,
    ),
    Column("decision", "Decision", max_width=60),
)


class ChangeRequestsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    #changes-dialog { width: 96%; height: 90%; }
    #changes-table { height: 1fr; }
    #changes-detail { height: auto; min-height: 3; }
    """
    BINDINGS = [
        Binding(
            "n",
            "new_request",
            "New request",
            tooltip="Ask for a change on a policy",
            id="change_requests.new_request",
        ),
        Binding("r", "reload", "Reload", tooltip="Fetch the requests again", id="change_requests.reload"),
        Binding("escape", "close", "Close", tooltip="Back to Policy Services", id="change_requests.close"),
    ]

    @dataclass
    class Loaded(Message):
        changes: list[ChangeRequest]

    def __init__(self, policies: Sequence[PolicySummary], current_policy_id: str | None = None) -> None:
        super().__init__()
        self._policies = list(policies)
        self._current = current_policy_id

    def compose(self) -> ComposeResult:
        with Vertical(id="changes-dialog", classes="dialog"):
            yield Static("Policy change requests", classes="dialog-title")
            yield Static(
                "The portal answers within three business days. n: ask for a change · Enter: details",
                classes="hint",
            )
            yield VirtualTable(
                CHANGE_COLUMNS, multi_select=False, empty_text="No change requests yet", id="changes-table"
            )
            yield Static("", id="changes-detail", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("New request", variant="primary", id="changes-new")
                yield Button("Close", id="changes-close")

    def on_mount(self) -> None:
        self.load()
        self.query_one(VirtualTable).focus()

    @work(exclusive=True, exit_on_error=False, group="changes")
    async def load(self) -> None:
        changes = await shell(self).controller.call(lambda c: c.changes.list().collect())
        self.post_message(self.Loaded(changes))

    def on_change_requests_screen_loaded(self, message: Loaded) -> None:
        self.query_one(VirtualTable).set_rows(message.changes, key=lambda change: change.id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            shell(self).show_error(event.worker.error)

    @on(VirtualTable.CursorMoved, "#changes-table")
    @on(VirtualTable.RowActivated, "#changes-table")
    def show_detail(self, event: VirtualTable.CursorMoved | VirtualTable.RowActivated) -> None:
        event.stop()
        change = event.row
        if not isinstance(change, ChangeRequest):
            self.query_one("#changes-detail", Static).update("")
            return
        lines = [
            f"{change.policy_number} ({change.policyholder}): {change.summary}",
            f"Asked by {change.submitted_by} on {change.submitted_at:%m/%d/%Y %H:%M} UTC; "
            f"{change.status.value.replace('_', ' ')}",
        ]
        if change.note:
            lines.append(f"Note: {change.note}")
        if change.decision:
            lines.append(f"Answer: {change.decision}")
        self.query_one("#changes-detail", Static).update("\n".join(lines))

    @on(Button.Pressed, "#changes-new")
    def action_new_request(self) -> None:
        from ssp_tui.tui.sections.policy_services.change_form import ChangeRequestForm

        active = [p for p in self._policies if p.status.value == "active"]
        if not active:
            self.notify("No active policy to change.", severity="warning")
            return
        self.app.push_screen(ChangeRequestForm(active, self._current), self._filed)

    def _filed(self, change: ChangeRequest | None) -> None:
        if change is not None:
            self.notify(f"Request {change.id} submitted; expect an answer by {change.expected_by:%m/%d/%Y}.")
            self.load()

    def action_reload(self) -> None:
        self.load()

    @on(Button.Pressed, "#changes-close")
    def action_close(self) -> None:
        self.dismiss(None)
