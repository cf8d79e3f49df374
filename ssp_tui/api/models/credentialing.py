"""Credentialing: insureds, certificates of insurance, claims histories and holder requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from ssp_tui.api.models.common import PolicyStatus, Term


class SearchBy(StrEnum):
    POLICY_NUMBER = "policy_number"
    POLICYHOLDER = "policyholder"


class CertificateTerm(StrEnum):
    CURRENT = "current"
    RENEWAL = "renewal"


class HolderRequestStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    COMPLETED = "completed"
    REJECTED = "rejected"


class CredentialedInsured(msgspec.Struct, kw_only=True):
    """One row of ``GET /credentialing/insureds``."""

    id: str
    name: str
    credentials: str
    """E.g. MD, DO, CRNA."""
    specialty: str
    policy_id: str
    policy_number: str
    policyholder: str
    status: PolicyStatus
    has_renewal: bool = False


class Certificate(msgspec.Struct, kw_only=True):
    """One insured x certificate holder for a policy term."""

    id: str
    insured_id: str
    insured_name: str
    policy_id: str
    policy_number: str
    policyholder: str
    term: CertificateTerm
    holder_id: str
    holder_name: str
    holder_city: str
    holder_state: str
    claims_history_available: bool


class HolderRequestCreate(msgspec.Struct, kw_only=True):
    """``POST /credentialing/holder-requests``; send an ``Idempotency-Key`` header."""

    policy_id: str
    insured_id: str
    holder_name: str
    address: str
    city: str
    state: str
    """Two-letter USPS code."""
    zip: str
    """Five digits, or ZIP+4."""
    contact_name: str = ""
    contact_email: str = ""


class HolderRequest(msgspec.Struct, kw_only=True):
    id: str
    status: HolderRequestStatus
    submitted_at: datetime
    expected_by: datetime
    """48 hours after submission."""
    holder_name: str
    policy_id: str
    policy_number: str
    insured_id: str
    insured_name: str
    city: str = ""
    state: str = ""
    completed_at: datetime | None = None
