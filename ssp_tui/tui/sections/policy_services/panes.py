"""The two panes of Policy Services: the policy picker and the documents of the chosen policy and term.

They only show what the screen gives them and tell it what the user chose (messages); the screen does every
portal call, so failures reach the one error presentation of ``SectionScreen``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Select, Static

from ssp_tui.api.models import Document, PolicySummary, PolicyTerm, StatusFilter, Term
from ssp_tui.widgets.download_panel import format_bytes
from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

STATUS_CHOICES: tuple[tuple[str, StatusFilter], ...] = (
    ("Active", StatusFilter.ACTIVE),
    ("Cancelled", StatusFilter.CANCELLED),
    ("All", StatusFilter.ALL),
)

TERM_LABELS: dict[Term, str] = {
    Term.CURRENT: "Current term",
    Term.PREVIOUS: "Previous term",
    Term.RENEWAL: "Renewal term",
}
TERM_ORDER: tuple[Term, ...] = (Term.CURRENT, Term.PREVIOUS, Term.RENEWAL)


def humanise(value: str) -> str:
    """``policy_form`` -> ``Policy form``."""
    return value.replace("_", " ").capitalize()


POLICY_COLUMNS: tuple[Column, ...] = (
    Column("policy_number", "Policy #", kind=ColumnKind.ID),
    Column("policyholder", "Policyholder", max_width=34),
    Column("status", "Status", value=lambda p: p.status.value, formatter=humanise, max_width=10),
    Column(
        "term_end",
        "Term ends",
        value=lambda p: p.term_end,
        formatter=lambda d: f"{d:%m/%d/%Y}",
        kind=ColumnKind.DATE,
    ),
    Column("has_renewal", "Renewal", formatter=lambda offered: "offered" if offered else "", max_width=8),
)

DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("type", "Type", value=lambda d: d.type.value, formatter=humanise, max_width=20),
    Column("title", "Title", max_width=70),
    Column("issued_on", "Date", formatter=lambda d: f"{d:%m/%d/%Y}", min_width=10, kind=ColumnKind.DATE),
    Column("pages", "Pages", align="right", min_width=5, kind=ColumnKind.NUMBER),
    Column("bytes", "Size", align="right", formatter=format_bytes, min_width=8, kind=ColumnKind.NUMBER),
)


def term_label(term: PolicyTerm) -> str:
    return f"{TERM_LABELS[term.term]} ({term.start:%m/%d/%Y} to {term.end:%m/%d/%Y})"


class PolicyPicker(Vertical):
    """Active/Cancelled/All, a type-ahead search, and the policies; the cursor row is the chosen policy."""

    DEFAULT_CSS: ClassVar[str] = """
    PolicyPicker > #policy-status { width: 100%; }
    PolicyPicker > #policy-table { height: 1fr; }
    """

    @dataclass
    class StatusChanged(Message):
        status: StatusFilter

    @dataclass
    class PolicyChosen(Message):
        policy: PolicySummary | None
        """None when the list shows no policy (e.g. no cancelled ones, or the search matches none)."""

    def compose(self) -> ComposeResult:
        yield Static("Policies", classes="card-title")
        yield Select(
            [(label, value) for label, value in STATUS_CHOICES],
            value=StatusFilter.ACTIVE,
            allow_blank=False,
            id="policy-status",
            tooltip="Which policies to list",
        )
        yield FilterBar("#policy-table", placeholder="Search policy # or policyholder", id="policy-search")
        yield VirtualTable(POLICY_COLUMNS, multi_select=False, empty_text="No policies", id="policy-table")

    table = getters.query_one("#policy-table", VirtualTable)

    @property
    def status(self) -> StatusFilter:
        value = self.query_one("#policy-status", Select).value
        return value if isinstance(value, StatusFilter) else StatusFilter.ACTIVE

    def show_policies(self, policies: Sequence[PolicySummary]) -> None:
        self.table.set_rows(policies, key=lambda policy: policy.id)

    @on(Select.Changed, "#policy-status")
    def status_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.StatusChanged(self.status))

    @on(VirtualTable.CursorMoved, "#policy-table")
    def cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        self.post_message(self.PolicyChosen(event.row if isinstance(event.row, PolicySummary) else None))

    @on(VirtualTable.RowActivated, "#policy-table")
    def row_activated(self, event: VirtualTable.RowActivated) -> None:
        # Enter on a policy moves on to its documents.
        event.stop()
        self.screen.query_one("#document-table", VirtualTable).focus()


class DocumentsPane(Vertical):
    """The chosen policy, its terms, and its documents (multi-select) for one term."""

    DEFAULT_CSS: ClassVar[str] = """
    DocumentsPane > #documents-heading { height: auto; }
    DocumentsPane > #term-row { height: auto; }
    DocumentsPane > #renewal-application { height: auto; }
    DocumentsPane #document-term { width: 1fr; }
    DocumentsPane > #document-table { height: 1fr; }
    DocumentsPane > #documents-hint { height: auto; }
    """

    @dataclass
    class TermChosen(Message):
        term: Term

    def compose(self) -> ComposeResult:
        yield Static("Choose a policy on the left.", id="documents-heading", classes="card-title")
        with Horizontal(id="term-row"):
            yield Select[Term]([], prompt="Term", allow_blank=True, id="document-term", tooltip="Policy term")
        yield Static("", id="renewal-application", markup=False, classes="hidden")
        yield FilterBar("#document-table", placeholder="Filter documents", id="document-filter")
        yield VirtualTable(DOCUMENT_COLUMNS, empty_text="No documents", id="document-table")
        yield Static(
            "space select · a all · n none · d download · p preview first page · f frequently used forms",
            id="documents-hint",
            classes="hint",
        )

    table = getters.query_one("#document-table", VirtualTable)

    @property
    def term(self) -> Term | None:
        value = self.query_one("#document-term", Select).value
        return value if isinstance(value, Term) else None

    def show_policy(self, heading: str, terms: Sequence[PolicyTerm], keep: Term | None) -> Term:
        """Offer the policy's terms (in portal order); keeps ``keep`` when offered, else the current term."""
        offered = sorted(terms, key=lambda t: TERM_ORDER.index(t.term))
        self.query_one("#documents-heading", Static).update(heading)
        chosen = keep if keep in {t.term for t in offered} else Term.CURRENT
        select = self.query_one("#document-term", Select)
        with self.prevent(Select.Changed):
            select.set_options([(term_label(t), t.term) for t in offered])
            select.value = chosen
        return chosen

    def show_documents(self, documents: Sequence[Document]) -> None:
        self.table.set_rows(documents, key=lambda document: document.id)

    def show_loading(self) -> None:
        self.table.clear()
        self.show_application(None)

    def show_application(self, line: str | None) -> None:
        """The renewal term's application line (agents), or nothing."""
        status = self.query_one("#renewal-application", Static)
        status.update(line or "")
        status.set_class(line is None, "hidden")
        status.set_class(line is not None and "MISSING" in line, "error")

    def show_nothing(self) -> None:
        """No policy is chosen: no terms, no documents."""
        self.query_one("#documents-heading", Static).update("Choose a policy on the left.")
        with self.prevent(Select.Changed):
            self.query_one("#document-term", Select).set_options([])
        self.table.clear()

    def selected_documents(self) -> list[Document]:
        return [row for row in self.table.selected_rows() if isinstance(row, Document)]

    def cursor_document(self) -> Document | None:
        row = self.table.cursor_row
        return row if isinstance(row, Document) else None

    @on(Select.Changed, "#document-term")
    def term_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, Term):
            self.post_message(self.TermChosen(event.value))
