"""The in-memory world the seed builds before it writes rows, and the helpers every seed module shares.

Every random draw goes through ``SeedContext.rng`` in a fixed order, so the same seed, scale and ``today``
give byte-identical databases. Nothing here iterates a ``set`` of strings (its order differs between
processes).
"""

from __future__ import annotations

import calendar
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from ssp_tui.sandbox.ids import new_id
from ssp_tui.sandbox.seed_catalog import Limits, Specialty

T = TypeVar("T")

# Columns of every seeded table, in insert order (parents before children).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "agencies": ("id", "name", "city", "state"),
    "customers": ("id", "name", "kind", "agency_id", "address", "city", "state", "zip"),
    "insureds": ("id", "customer_id", "name", "credentials", "specialty", "npi", "claims_history_available"),
    "users": (
        "id", "username", "display_name", "email", "phone", "role", "customer_id", "insured_id", "agency_id",
        "password_hash", "totp_secret", "failed_logins", "locked_at", "last_login", "demo_password",
    ),
    "demo_accounts": ("position", "user_id", "note"),
    "billing_accounts": (
        "id", "account_number", "customer_id", "name", "insurer", "plan", "autopay", "can_pay_online",
    ),
    "policies": (
        "id", "policy_number", "customer_id", "agency_id", "billing_account_id", "insurer", "coverage_type",
        "status", "cancelled_on", "claims_made",
    ),
    "policy_terms": (
        "policy_id", "term", "start", "end", "retro_date", "limit_per_claim_cents", "limit_aggregate_cents",
        "premium_cents",
    ),
    "policy_insureds": ("policy_id", "insured_id"),
    "billing_terms": ("account_id", "term", "start", "end", "term_amount_cents", "premium_cents"),
    "installments": ("id", "account_id", "term", "number", "due_on", "amount_cents", "status"),
    "payments": ("id", "account_id", "term", "paid_on", "amount_cents", "method", "reference"),
    "documents": (
        "id", "policy_id", "term", "title", "type", "issued_on", "filename", "generator", "params", "pages",
    ),
    "certificate_holders": (
        "id", "name", "kind", "address", "city", "state", "zip", "contact_name", "contact_email",
    ),
    "certificates": ("id", "policy_id", "insured_id", "holder_id", "term"),
    "claims": (
        "id", "insured_id", "policy_id", "claim_number", "status", "incident_on", "reported_on", "closed_on",
        "indemnity_paid_cents", "expense_paid_cents", "allegation",
    ),
    "holder_requests": (
        "id", "user_id", "customer_id", "policy_id", "insured_id", "holder_name", "address", "city", "state",
        "zip", "contact_name", "contact_email", "status", "submitted_at", "expected_by", "completed_at",
    ),
    "announcements": ("id", "title", "body", "published_on", "category"),
    "risk_resources": (
        "id", "title", "category", "coverage_types", "summary", "published_on", "document_id", "url",
        "highlight",
    ),
    "seminars": ("id", "title", "format", "cme_credits", "url", "description", "event_on"),
    "seminar_activity": (
        "id", "customer_id", "participant", "policy_number", "policyholder", "seminar_id", "completed_on",
        "credits",
    ),
    "agent_resources": ("id", "category", "title", "published_on", "summary", "document_id", "url"),
    "registrations": (
        "id", "user_type", "name", "email", "phone", "policy_number", "works_for", "status", "reason",
        "submitted_at", "decided_at", "user_id",
    ),
    "account_codes": (
        "user_id", "purpose", "token_hash", "code_hash", "payload", "created_at", "expires_at", "used",
        "failures",
    ),
    "outbox": ("username", "factor", "code", "sent_at", "address", "subject", "body"),
    "change_requests": (
        "id", "user_id", "customer_id", "policy_id", "kind", "change", "summary", "note", "status",
        "submitted_at", "expected_by", "review_at", "decide_at", "outcome", "decision", "decided_at",
    ),
    "device_tokens": ("token_hash", "user_id", "expires_at", "id", "label", "created_at", "last_used_at"),
}


@dataclass(slots=True)
class Agency:
    id: str
    name: str
    city: str
    state: str


@dataclass(slots=True)
class Insured:
    id: str
    name: str
    """Full name without credentials, e.g. "Priya Patel" (or the facility's name)."""
    credentials: str
    specialty: Specialty
    claims_history_available: bool = True
    claims: int | None = None
    """How many claims to seed; None draws it at random."""

    @property
    def is_person(self) -> bool:
        return self.credentials != "Facility"


@dataclass(slots=True)
class TermDates:
    term: str
    start: date
    end: date
    retro_date: date
    limits: Limits
    premium_cents: int


@dataclass(slots=True)
class Policy:
    id: str
    number: str
    coverage_type: str
    insureds: list[Insured]
    terms: list[TermDates] = field(default_factory=list)
    cancelled_on: date | None = None
    cancel_reason: str = ""

    def term(self, name: str) -> TermDates | None:
        return next((t for t in self.terms if t.term == name), None)


@dataclass(slots=True)
class BillingAccount:
    id: str
    number: str
    insurer: str
    plan: str
    autopay: bool
    current_start: date
    policies: list[Policy] = field(default_factory=list)
    past_due: bool = False


@dataclass(slots=True)
class Customer:
    id: str
    name: str
    kind: str
    agency: Agency | None
    city: tuple[str, str, str, str]
    insurer: str
    insureds: list[Insured] = field(default_factory=list)
    accounts: list[BillingAccount] = field(default_factory=list)
    policyholder_user_id: str = ""
    demo_key: str = ""

    @property
    def policies(self) -> list[Policy]:
        return [p for a in self.accounts for p in a.policies]


@dataclass(slots=True)
class SeedContext:
    rng: random.Random
    today: date
    scale: int
    rows: dict[str, list[tuple[object, ...]]] = field(default_factory=dict)
    agencies: list[Agency] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    used_numbers: dict[str, None] = field(default_factory=dict)
    """Policy, account, claim and NPI numbers handed out so far (a dict keeps insertion order)."""
    usernames: dict[str, None] = field(default_factory=dict)
    """Usernames handed out so far (the large book's logins must not take one the demo data has)."""

    def add(self, table: str, row: tuple[object, ...]) -> None:
        self.rows.setdefault(table, []).append(row)

    def new_id(self, prefix: str) -> str:
        return new_id(prefix, self.rng)

    def unique_number(self, prefix: str, digits: int) -> str:
        while True:
            number = f"{prefix}{self.rng.randrange(10 ** (digits - 1), 10**digits)}"
            if number not in self.used_numbers:
                self.used_numbers[number] = None
                return number

    def weighted(self, items: list[T] | tuple[T, ...], weights: list[int] | tuple[int, ...]) -> T:
        return self.rng.choices(items, weights=weights, k=1)[0]

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def instant(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def iso_instant(moment: datetime) -> str:
    """ISO-8601 UTC with a trailing 'Z', the schema's instant format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slug(text: str, limit: int = 48) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-")
