"""Seminar activity: the filter form (sent to the portal as query parameters), the table's columns and the
columns of an export, and the one-line summary (count and total credits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from ssp_tui.api.models import Seminar
from ssp_tui.formatting import decimal_text, plural
from ssp_tui.operations.dates import DateParseError, parse_date_range
from ssp_tui.tui.common.form_check import FormCheck
from ssp_tui.widgets.table_columns import Column, ColumnKind


def us_date(value: date | None) -> str:
    return "" if value is None else f"{value:%m/%d/%Y}"


def credits_text(value: Decimal) -> str:
    """CME credits as the portal shows them: ``1.5``, ``2``, ``0.25`` (as a CSV export writes them)."""
    return decimal_text(value)


ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("participant", "Participant", max_width=30),
    Column("policy_number", "Policy #", kind=ColumnKind.ID),
    Column("policyholder", "Policyholder", max_width=34),
    Column("title", "Seminar", max_width=50),
    Column("format", "Format", value=lambda a: a.format.value, formatter=str.capitalize, max_width=7),
    Column("completed_on", "Completed", formatter=us_date, min_width=10, kind=ColumnKind.DATE),
    Column("credits", "Credits", formatter=credits_text, align="right", min_width=7, kind=ColumnKind.NUMBER),
)

CATALOG_COLUMNS: tuple[Column, ...] = (
    Column("title", "Title", max_width=60),
    Column("format", "Format", value=lambda s: s.format.value, formatter=str.capitalize, max_width=7),
    Column(
        "cme_credits",
        "CME credits",
        formatter=credits_text,
        align="right",
        min_width=11,
        kind=ColumnKind.NUMBER,
    ),
    Column("event_on", "Event date", formatter=us_date, min_width=10, kind=ColumnKind.DATE),
    Column("url", "Link", max_width=60),
)


def catalog_detail(seminar: Seminar) -> str:
    when = f" on {us_date(seminar.event_on)}" if seminar.event_on else ""
    return f"{seminar.format.value.capitalize()}{when} · {seminar.description}"


def activity_summary_of(count: int, credits: Decimal, *, filtered_from: int | None = None) -> str:
    credit_word = "credit" if credits == 1 else "credits"  # a Decimal: 1.5 credits, 1 credit
    text = f"{plural(count, 'completion')} · {credits_text(credits)} {credit_word}"
    if filtered_from is not None and filtered_from != count:
        text += f" (filtered from {filtered_from:,} loaded)"
    return text


@dataclass(frozen=True, slots=True)
class ActivityFilters:
    """What the portal is asked for (every field optional; the dates are inclusive)."""

    participant: str = ""
    policy_number: str = ""
    policyholder: str = ""
    title: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        parts = [
            f"{label} {value!r}"
            for label, value in (
                ("participant", self.participant),
                ("policy #", self.policy_number),
                ("policyholder", self.policyholder),
                ("title", self.title),
            )
            if value
        ]
        if self.date_from or self.date_to:
            parts.append(f"{us_date(self.date_from) or 'the start'} to {us_date(self.date_to) or 'today'}")
        return ", ".join(parts) if parts else "no filters"


class ActivityFilterForm(Vertical):
    """Participant, Policy #, Policyholder, title and a date range; Enter (or Apply) asks for them.

    The dates take ISO and the common US forms; a date that is not one is named inline and nothing is sent.
    """

    DEFAULT_CSS: ClassVar[str] = """
    ActivityFilterForm { height: auto; }
    ActivityFilterForm > Horizontal { height: auto; }
    ActivityFilterForm Input { width: 1fr; }
    ActivityFilterForm Label { width: auto; padding: 0 1 0 1; }
    ActivityFilterForm .date-input { width: 14; }
    ActivityFilterForm Button { min-width: 9; }
    ActivityFilterForm > #activity-filter-error { height: auto; color: $error; }
    """

    @dataclass
    class Applied(Message):
        filters: ActivityFilters

    FIELDS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("participant", "Participant"),
        ("policy_number", "Policy #"),
        ("policyholder", "Policyholder"),
        ("title", "Seminar title"),
    )

    DATE_HINT: ClassVar[str] = "MM/DD/YYYY"
    """The dates' one form, as the table shows them (other forms are taken too: ISO, "Jan 1 2026")."""

    def compose(self) -> ComposeResult:
        # Labels beside the fields, not placeholders: a placeholder goes as soon as something is typed.
        with Horizontal():
            for field_name, label in self.FIELDS:
                yield Label(label, classes="filter-label")
                yield Input(id=f"activity-{field_name}", compact=True)
        with Horizontal():
            yield Label("From", classes="filter-label")
            yield Input(placeholder=self.DATE_HINT, id="activity-from", classes="date-input", compact=True)
            yield Label("To", classes="filter-label")
            yield Input(placeholder=self.DATE_HINT, id="activity-to", classes="date-input", compact=True)
            yield Button("Apply", id="activity-apply", variant="primary", compact=True)
            yield Button("Clear", id="activity-clear", compact=True)
        yield Static("", id="activity-filter-error")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._dates = FormCheck(self._date_problem, lambda text, _error: self.show_error(text))

    def _date_problem(self) -> str | None:
        try:
            self.read()
        except DateParseError as error:
            return str(error)
        return None

    def _text(self, field_name: str) -> str:
        return self.query_one(f"#activity-{field_name}", Input).value.strip()

    def read(self) -> ActivityFilters:
        """The filters as typed; DateParseError (fit to show) when a date is not one."""
        first, last = parse_date_range(self._text("from"), self._text("to"))
        texts = {field_name: self._text(field_name) for field_name, _ in self.FIELDS}
        return ActivityFilters(**texts, date_from=first, date_to=last)

    def show_error(self, message: str) -> None:
        self.query_one("#activity-filter-error", Static).update(escape(message))

    @on(Input.Submitted)
    @on(Button.Pressed, "#activity-apply")
    def apply(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        if self._dates.passes():
            self.post_message(self.Applied(self.read()))

    @on(Input.Changed, ".date-input")
    def date_changed(self) -> None:
        self._dates.recheck()

    @on(Button.Pressed, "#activity-clear")
    def clear(self, event: Button.Pressed) -> None:
        event.stop()
        for field_name in (*(name for name, _ in self.FIELDS), "from", "to"):
            self.query_one(f"#activity-{field_name}", Input).value = ""
        self.show_error("")
        self.post_message(self.Applied(ActivityFilters()))
