"""The Credentialing search bar: a policy number or policyholder, Active/Cancelled/All, the term, and how the
certificates are grouped. Enter in the box, or a change of status or term, asks the screen to search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Select

from ssp_tui.api.models import CertificateTerm, CredentialedInsured, PolicyStatus, SearchBy, StatusFilter
from ssp_tui.formatting import plural
from ssp_tui.tui.sections.credentialing.selection import GROUPING_LABELS, Grouping

T = TypeVar("T")

BY_CHOICES: tuple[tuple[str, SearchBy], ...] = (
    ("Policyholder", SearchBy.POLICYHOLDER),
    ("Policy number", SearchBy.POLICY_NUMBER),
)
STATUS_CHOICES: tuple[tuple[str, StatusFilter], ...] = (
    ("Active", StatusFilter.ACTIVE),
    ("Cancelled", StatusFilter.CANCELLED),
    ("All", StatusFilter.ALL),
)
TERM_CHOICES: tuple[tuple[str, CertificateTerm], ...] = (
    ("Current Term", CertificateTerm.CURRENT),
    ("Renewal Term", CertificateTerm.RENEWAL),
)


@dataclass(frozen=True, slots=True)
class CertificateSearch:
    text: str
    by: SearchBy
    status: StatusFilter
    term: CertificateTerm


class CoiSearchBar(Vertical):
    DEFAULT_CSS: ClassVar[str] = """
    CoiSearchBar { height: auto; }
    CoiSearchBar > Horizontal { height: auto; }
    CoiSearchBar #coi-query { width: 1fr; }
    CoiSearchBar Select { width: 24; }
    """

    @dataclass
    class SearchRequested(Message):
        search: CertificateSearch

    @dataclass
    class GroupingChanged(Message):
        grouping: Grouping

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input(placeholder="Policy number or policyholder (Enter searches)", id="coi-query")
            yield Select(
                BY_CHOICES,
                value=SearchBy.POLICYHOLDER,
                allow_blank=False,
                id="coi-by",
                tooltip="Search insureds by policyholder or by policy number",
            )
            yield Select(
                STATUS_CHOICES,
                value=StatusFilter.ACTIVE,
                allow_blank=False,
                id="coi-status",
                tooltip="Active, cancelled or all policies",
            )
        with Horizontal():
            yield Select(
                TERM_CHOICES,
                value=CertificateTerm.CURRENT,
                allow_blank=False,
                id="coi-term",
                tooltip="Certificates for the current term or the renewal term (t)",
            )
            yield Select(
                [(label, g) for g, label in GROUPING_LABELS.items()],
                value=Grouping.INSURED,
                allow_blank=False,
                id="coi-grouping",
                tooltip="Group by insured or by COI holder (g)",
            )

    @property
    def search(self) -> CertificateSearch:
        return CertificateSearch(
            text=self.query_one("#coi-query", Input).value.strip(),
            by=self._value("#coi-by", SearchBy, SearchBy.POLICYHOLDER),
            status=self._value("#coi-status", StatusFilter, StatusFilter.ACTIVE),
            term=self._value("#coi-term", CertificateTerm, CertificateTerm.CURRENT),
        )

    @property
    def grouping(self) -> Grouping:
        return self._value("#coi-grouping", Grouping, Grouping.INSURED)

    def set_term(self, term: CertificateTerm) -> None:
        self.query_one("#coi-term", Select).value = term

    def set_grouping(self, grouping: Grouping) -> None:
        self.query_one("#coi-grouping", Select).value = grouping

    def _value(self, selector: str, kind: type[T], default: T) -> T:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, kind) else default

    @on(Input.Submitted, "#coi-query")
    @on(Select.Changed, "#coi-status")
    @on(Select.Changed, "#coi-term")
    def search_requested(self, event: Input.Submitted | Select.Changed) -> None:
        event.stop()
        self.post_message(self.SearchRequested(self.search))

    @on(Select.Changed, "#coi-by")
    def by_changed(self, event: Select.Changed) -> None:
        # Only a typed query depends on it: searching again with an empty box would list the same insureds.
        event.stop()
        if self.search.text:
            self.post_message(self.SearchRequested(self.search))

    @on(Select.Changed, "#coi-grouping")
    def grouping_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.GroupingChanged(self.grouping))


def search_summary(
    insureds: Sequence[CredentialedInsured], certificates: int, term: CertificateTerm, without_renewal: int
) -> str:
    """The line above the certificates: what a search found, or why it found no certificate."""
    if not insureds:
        return "No insureds match. Try the other search (policy number or policyholder) or All."
    policies = {i.policy_id: i for i in insureds}
    term_name = "renewal term" if term is CertificateTerm.RENEWAL else "current term"
    found = f"{plural(len(insureds), 'insured')} on {plural(len(policies), 'policy', 'policies')}"
    if not certificates:
        ended = PolicyStatus.CANCELLED
        cancelled = sorted(p.policy_number for p in policies.values() if p.status is ended)
        if len(cancelled) == len(policies):
            numbers = ", ".join(cancelled)
            which = f"Policy {numbers} is" if len(cancelled) == 1 else f"Policies {numbers} are"
            return f"{found}. {which} cancelled: a cancelled policy has no certificates of insurance."
        return f"{found}, with no certificates for the {term_name}."
    text = f"{found} · {plural(certificates, 'certificate')}, {term_name}"
    if without_renewal:
        text += f" · no renewal term offered on {plural(without_renewal, 'policy', 'policies')}"
    return text
