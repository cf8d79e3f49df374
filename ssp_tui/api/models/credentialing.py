"""Credentialing: insureds, certificates of insurance, claims histories and holder requests."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from ssp_tui.api.constants import PLAIN_TEXT_PATTERN
from ssp_tui.api.models.common import Listed, PolicyStatus


class SearchBy(StrEnum):
    POLICY_NUMBER = "policy_number"
    POLICYHOLDER = "policyholder"


class CertificateTerm(StrEnum):
    CURRENT = "current"
    RENEWAL = "renewal"


class CertificateSort(StrEnum):
    """The order of ``GET /credentialing/certificates`` (``sort=``). Names compare without regard to case
    (Unicode case folding: "de Vries" among the Ds), then exactly; the certificate id breaks what is left, so
    the order is total and a client can merge several sorted listings."""

    INSURED = "insured"
    """By insured name, policy number, then holder name: one block per insured (the default)."""
    HOLDER = "holder"
    """By holder name, insured name, then policy number: one block per certificate holder."""


class HolderRequestStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    COMPLETED = "completed"
    REJECTED = "rejected"


OPEN_HOLDER_REQUEST_STATUSES = frozenset({HolderRequestStatus.SUBMITTED, HolderRequestStatus.IN_REVIEW})
"""A request not answered yet."""


def holder_request_overdue(status: HolderRequestStatus, expected_by: datetime, now: datetime) -> bool:
    """The one rule for an overdue holder request, for the portal's Home and every list of requests alike:
    still open after its expected-by time (48 hours after it was sent). ``now`` from the caller's clock."""
    return status in OPEN_HOLDER_REQUEST_STATUSES and now > expected_by


class CredentialedInsured(Listed, kw_only=True):
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


class Certificate(Listed, kw_only=True):
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
    sha256: str | None = None
    """The certificate PDF's SHA-256 when the portal has already produced it (so a copy can be reused and
    verified); None when it will be made on the first download."""
    claims_history_sha256: str | None = None
    """The same for the insured's claims-history letter on this policy: its SHA-256 once the portal has
    produced it, so a rerun serves it from the cache like the certificate; None otherwise."""
    term_start: date | None = None
    term_end: date | None = None
    """The policy term the certificate covers: when it lapses unless renewed."""
    renewal_offered: bool = False
    """The policy has a renewal term on offer (its renewal certificates can be downloaded)."""
    holder_address: str = ""
    holder_zip: str = ""
    holder_contact_name: str = ""
    holder_contact_email: str = ""
    """Where the holder wants certificates sent (their medical staff office or credentialing desk)."""


USPS_STATE_CODES: tuple[str, ...] = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "AA", "AE", "AP",
)
"""States, DC, territories and military mail codes."""

# Constraints carried by the type, so decoding enforces them and the OpenAPI document states them.
UspsState = Annotated[
    str,
    msgspec.Meta(pattern=f"^({'|'.join(USPS_STATE_CODES)})$", description="Two-letter USPS code, e.g. CA"),
]
ZipCode = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{5}(-?[0-9]{4})?$", description="Five digits, or ZIP+4")
]
FilledText = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
    ),
]
"""Not empty, not only spaces, and no control characters."""
ShortText = Annotated[str, msgspec.Meta(max_length=200, pattern=PLAIN_TEXT_PATTERN)]


class HolderRequestCreate(msgspec.Struct, kw_only=True):
    """``POST /credentialing/holder-requests``; send an ``Idempotency-Key`` header."""

    policy_id: FilledText
    insured_id: FilledText
    holder_name: FilledText
    address: FilledText
    city: FilledText
    state: UspsState
    """Two-letter USPS code."""
    zip: ZipCode
    """Five digits, or ZIP+4."""
    contact_name: ShortText = ""
    contact_email: ShortText = ""


class HolderRequest(Listed, kw_only=True):
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

    def is_overdue(self, now: datetime) -> bool:
        """Still open after its expected-by time (``holder_request_overdue``)."""
        return holder_request_overdue(self.status, self.expected_by, now)
