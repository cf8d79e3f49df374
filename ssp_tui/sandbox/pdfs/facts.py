"""The plain data the PDF builders draw: documents.py fills these from the database, tests fill them by hand.

The builders never touch SQLite, so each one can be exercised (and timed) on literal data.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date


def money(cents: int, *, whole: bool = False) -> str:
    """US dollars: ``$1,234.56``, or ``$1,000,000`` with ``whole`` (limits are always whole dollars)."""
    sign = "-" if cents < 0 else ""
    dollars, remainder = divmod(abs(cents), 100)
    if whole:
        return f"{sign}${dollars:,}"
    return f"{sign}${dollars:,}.{remainder:02d}"


def us_date(day: date | None) -> str:
    """MM/DD/YYYY, as ACORD forms print dates; an absent date prints as a dash."""
    return day.strftime("%m/%d/%Y") if day is not None else "\u2013"


def long_date(day: date) -> str:
    """ "November 28, 2026", for letters."""
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def insurer_code(insurer: str) -> str:
    """A five-digit NAIC-like company code, stable for a name (the sandbox's insurers have no real filing)."""
    return f"{10000 + zlib.crc32(insurer.encode('utf-8')) % 89999:05d}"


@dataclass(frozen=True, slots=True)
class Party:
    """A named person or organisation and its postal address, one line per entry."""

    name: str
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InsuredFacts:
    name: str
    credentials: str
    specialty: str
    npi: str = ""

    @property
    def display_name(self) -> str:
        """ "Priya Patel, MD"; a facility's name stands alone."""
        if not self.credentials or self.credentials == "Facility":
            return self.name
        return f"{self.name}, {self.credentials}"


@dataclass(frozen=True, slots=True)
class TermFacts:
    term: str
    """previous, current or renewal."""
    start: date
    end: date
    retro_date: date
    limit_per_claim_cents: int
    limit_aggregate_cents: int
    premium_cents: int


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    """A policy in one of its terms, with everything a policy document prints about it."""

    policy_number: str
    insurer: str
    coverage_type: str
    claims_made: bool
    status: str
    named_insured: Party
    """The customer that owns the policy, with its address."""
    producer: Party | None
    """The agency, or None for a policy written direct."""
    term: TermFacts
    insureds: tuple[InsuredFacts, ...] = ()
    cancelled_on: date | None = None

    @property
    def coverage_basis(self) -> str:
        return "Claims-Made" if self.claims_made else "Occurrence"


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    certificate_number: str
    issued_on: date
    policy: PolicyFacts
    insured: InsuredFacts
    holder: Party


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    claim_number: str
    policy_number: str
    status: str
    """open or closed."""
    incident_on: date
    reported_on: date
    closed_on: date | None
    allegation: str
    indemnity_paid_cents: int
    expense_paid_cents: int


@dataclass(frozen=True, slots=True)
class ClaimsHistoryFacts:
    insured: InsuredFacts
    named_insured: str
    policy_number: str
    insurer: str
    issued_on: date
    period_start: date
    """Ten years before ``issued_on``: the letter covers claims reported from this date on."""
    claims: tuple[ClaimFacts, ...]
    letter_number: str


@dataclass(frozen=True, slots=True)
class EndorsementFacts:
    code: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class PolicyDocumentFacts:
    """Declarations, endorsements and notices: a policy term plus what the document row adds."""

    title: str
    issued_on: date
    policy: PolicyFacts
    form_code: str
    """The form this document is printed on, e.g. PL-1001-D for the declarations of form PL-1001."""
    form_name: str
    """The title of the policy form."""
    form_edition: str
    policy_form_code: str
    endorsements: tuple[EndorsementFacts, ...] = ()
    """For the declarations: the schedule of forms and endorsements; for an endorsement: the one it prints."""
    renewal_term: TermFacts | None = None
    note: str = ""
    """Extra text from the document's ``params`` (a cancellation reason, a renewal message, ...)."""


@dataclass(frozen=True, slots=True)
class InstallmentFacts:
    number: int
    due_on: date
    amount_cents: int
    status: str
    """paid, due, past_due or scheduled."""


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """A policy term's invoice: the policy's premium, and the billing account's installments for the term."""

    title: str
    issued_on: date
    invoice_number: str
    account_number: str
    account_name: str
    insurer: str
    plan: str
    """annual, semi_annual, quarterly or monthly."""
    bill_to: Party
    policy_number: str
    coverage_type: str
    term_start: date
    term_end: date
    premium_cents: int
    fees_cents: int
    total_cents: int
    account_policies: tuple[str, ...]
    """Policy numbers billed on the account."""
    installments: tuple[InstallmentFacts, ...]
    installments_projected: bool
    """True when the term has no billed installments yet (a renewal): the schedule is projected."""
    payments_cents: int
    """Payments applied to the account in the term."""
    can_pay_online: bool
    autopay: bool

    @property
    def amount_due_cents(self) -> int:
        return sum(i.amount_cents for i in self.installments if i.status in ("due", "past_due"))


@dataclass(frozen=True, slots=True)
class ResourceFacts:
    """A risk-management or agent resource published as an in-portal PDF."""

    title: str
    category: str
    summary: str
    published_on: date
    audience: str
    """risk (policyholders and insureds) or agent."""
    topics: tuple[str, ...]
    """One body section each."""
    pages: int
