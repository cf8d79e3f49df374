"""Policies, their terms, and their documents."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import msgspec

from ssp_tui.api.models.common import Listed, PolicyStatus, Term


class DocumentType(StrEnum):
    DECLARATIONS = "declarations"
    POLICY_FORM = "policy_form"
    ENDORSEMENT = "endorsement"
    INVOICE = "invoice"
    RENEWAL_NOTICE = "renewal_notice"
    CANCELLATION_NOTICE = "cancellation_notice"
    RENEWAL_APPLICATION = "renewal_application"
    """The completed renewal application of a renewal term (agents and support)."""
    RESOURCE = "resource"
    """Risk-management and agent-library PDFs."""


class PolicySummary(Listed, kw_only=True):
    """One row of ``GET /policies``."""

    id: str
    policy_number: str
    policyholder: str
    insurer: str
    coverage_type: str
    status: PolicyStatus
    term_start: date
    """Start of the current term."""
    term_end: date
    has_renewal: bool = False
    agency: str | None = None


class PolicyTerm(msgspec.Struct, kw_only=True):
    term: Term
    start: date
    end: date
    retro_date: date
    """Claims-made retroactive date."""
    limit_per_claim_cents: int
    limit_aggregate_cents: int
    premium_cents: int


class InsuredRef(Listed, kw_only=True):
    id: str
    name: str


class PolicyDetail(msgspec.Struct, kw_only=True):
    """``GET /policies/{id}``."""

    id: str
    policy_number: str
    policyholder: str
    insurer: str
    coverage_type: str
    status: PolicyStatus
    claims_made: bool
    terms: list[PolicyTerm]
    """Previous, current and (when offered) renewal."""
    insureds: list[InsuredRef]
    agency: str | None = None
    cancelled_on: date | None = None


class Document(Listed, kw_only=True):
    """A PDF the portal holds; its bytes come from ``GET /documents/{id}/content``."""

    id: str
    title: str
    type: DocumentType
    issued_on: date
    pages: int
    bytes: int
    sha256: str
    """Hex digest of the content; the client verifies every download against it."""
    policy_id: str | None = None
    policy_number: str | None = None
    term: Term | None = None
    completed_on: date | None = None
    """For a renewal application: the day the client completed it."""


class FrequentForms(msgspec.Struct, kw_only=True):
    """The public Frequently Downloaded Forms page."""

    title: str
    url: str
