"""The user's certificate-holder requests: status, age, and the overdue ones (past the 48 hours) marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from textual import getters
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ssp_tui import clock
from ssp_tui.api.models.credentialing import OPEN_HOLDER_REQUEST_STATUSES, HolderRequest
from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

OVERDUE_MARK = "OVERDUE"


def format_age(age: timedelta) -> str:
    """``45 min``, ``5 h``, ``2 d 3 h``."""
    minutes = max(int(age.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A request as listed, with what is worked out from the time it is shown."""

    request: HolderRequest
    age: timedelta
    overdue: bool

    @classmethod
    def of(cls, request: HolderRequest, now: datetime) -> RequestRow:
        return cls(request, now - request.submitted_at, request.is_overdue(now))


def _status_text(row: RequestRow) -> str:
    return row.request.status.value.replace("_", " ").capitalize()


REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("overdue", "", value=lambda r: r.overdue, formatter=lambda o: OVERDUE_MARK if o else "", width=7),
    Column("status", "Status", value=_status_text, max_width=10),
    Column(
        "age",
        "Age",
        value=lambda r: r.age,
        formatter=format_age,
        align="right",
        min_width=8,
        kind=ColumnKind.NUMBER,
    ),
    Column("holder", "Holder", value=lambda r: r.request.holder_name, max_width=40),
    Column("insured", "Insured", value=lambda r: r.request.insured_name, max_width=30),
    Column("policy", "Policy #", value=lambda r: r.request.policy_number, kind=ColumnKind.ID),
    Column(
        "submitted",
        "Submitted",
        value=lambda r: r.request.submitted_at,
        formatter=lambda d: f"{d.astimezone():%m/%d/%Y %H:%M}",
        min_width=16,
        kind=ColumnKind.DATE,
    ),
    Column("id", "Request", value=lambda r: r.request.id, kind=ColumnKind.ID),
)


class HolderRequestsPane(Vertical):
    """The list, newest first; the screen loads it and hands it over."""

    DEFAULT_CSS: ClassVar[str] = """
    HolderRequestsPane { height: 1fr; }
    HolderRequestsPane > #requests-summary { height: auto; }
    HolderRequestsPane > #requests-table { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Your certificate-holder requests", id="requests-summary", classes="card-title")
        yield FilterBar("#requests-table", placeholder="Filter requests", id="requests-filter")
        yield VirtualTable(
            REQUEST_COLUMNS, multi_select=False, empty_text="No holder requests yet", id="requests-table"
        )

    table = getters.query_one("#requests-table", VirtualTable)

    def show_requests(
        self, requests: Sequence[HolderRequest], now: datetime | None = None
    ) -> list[RequestRow]:
        moment = now or clock.now()
        rows = sorted((RequestRow.of(r, moment) for r in requests), key=lambda row: row.age)
        self.table.set_rows(rows, key=lambda row: row.request.id)
        overdue = sum(row.overdue for row in rows)
        open_count = sum(row.request.status in OPEN_HOLDER_REQUEST_STATUSES for row in rows)
        summary = f"Your certificate-holder requests: {len(rows)}, {open_count} open"
        if overdue:
            summary += f", {overdue} overdue (past the 48 hours)"
        self.query_one("#requests-summary", Static).update(summary)
        return rows
