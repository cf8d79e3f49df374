"""Payments: billing accounts and policies, terms, installments and the InvoiceCloud hand-off."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import msgspec

from ssp_tui.api.models.common import Listed


class BillingTerm(StrEnum):
    CURRENT = "current"
    PREVIOUS = "previous"


class PaymentPlan(StrEnum):
    ANNUAL = "annual"
    SEMI_ANNUAL = "semi_annual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


class InstallmentStatus(StrEnum):
    PAID = "paid"
    DUE = "due"
    PAST_DUE = "past_due"
    SCHEDULED = "scheduled"


class BillingKind(StrEnum):
    ACCOUNT = "account"
    POLICY = "policy"


class BillingSummary(msgspec.Struct, kw_only=True):
    """One row of ``GET /billing/accounts`` or ``GET /billing/policies``."""

    id: str
    """The billing account id, or the policy id for the policies list."""
    kind: BillingKind
    number: str
    """The billing account number or the policy number."""
    name: str
    """The policyholder or account name."""
    insurer: str
    amount_due_cents: int
    due_on: date | None = None
    past_due_cents: int = 0
    can_pay_online: bool = False
    """True when this caller may pay it online (NORCAL accounts, paying roles)."""
    policy_numbers: list[str] = []


class Installment(Listed, kw_only=True):
    number: int
    due_on: date
    amount_cents: int
    status: InstallmentStatus


class AppliedPayment(Listed, kw_only=True):
    paid_on: date
    amount_cents: int
    method: str
    reference: str


class BilledPolicy(Listed, kw_only=True):
    id: str
    policy_number: str
    premium_cents: int


class BillingDetail(msgspec.Struct, kw_only=True):
    """``GET /billing/accounts/{id}`` or ``/billing/policies/{id}`` for one term."""

    id: str
    kind: BillingKind
    number: str
    name: str
    insurer: str
    term: BillingTerm
    term_start: date
    term_end: date
    plan: PaymentPlan
    term_amount_cents: int
    """Everything billed for the term: premium plus fees and surcharges."""
    premium_cents: int
    balance_cents: int
    """What is still unpaid for the term."""
    amount_due_cents: int
    """What is due now (past-due installments plus the next one due)."""
    due_on: date | None
    past_due_cents: int
    autopay: bool
    can_pay_online: bool
    installments: list[Installment]
    """Projected and past installments, in due order."""
    payments: list[AppliedPayment]
    policies: list[BilledPolicy]
    ere_note: str
    """The portal's note on Extended Reporting Endorsement (tail) billing."""
    ere_url: str


class PayLink(msgspec.Struct, kw_only=True):
    """A one-time hand-off to InvoiceCloud; the client never sees card data."""

    url: str
    expires_at: datetime
