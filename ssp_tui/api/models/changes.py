"""Policy change requests: what a policyholder (or their agent) asks to change on a policy, and its status.

The change itself is a tagged union on ``kind``: each kind carries exactly the fields it needs, so the
OpenAPI document states them and decoding refuses a change with a field of another kind.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from ssp_tui.api.models.credentialing import FilledText, ShortText, UspsState, ZipCode

LongText = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=2000, pattern=r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
    ),
]
"""Free text up to 2,000 characters on one line, not blank."""
Cents = Annotated[int, msgspec.Meta(ge=1, le=100_000_000_00)]


class ChangeKind(StrEnum):
    MAILING_ADDRESS = "mailing_address"
    ADD_INSURED = "add_insured"
    REMOVE_INSURED = "remove_insured"
    CHANGE_LIMITS = "change_limits"
    OTHER = "other"


class ChangeStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    COMPLETED = "completed"
    REJECTED = "rejected"


OPEN_CHANGE_STATUSES = frozenset({ChangeStatus.SUBMITTED, ChangeStatus.IN_REVIEW})


class MailingAddressChange(msgspec.Struct, kw_only=True, tag_field="kind", tag="mailing_address"):
    """The policyholder's new mailing address."""

    address: FilledText
    city: FilledText
    state: UspsState
    zip: ZipCode
    effective_on: date


class AddInsuredChange(msgspec.Struct, kw_only=True, tag_field="kind", tag="add_insured"):
    """A new insured on the policy."""

    name: FilledText
    """Full name, e.g. "Hannah Cole"."""
    credentials: FilledText
    """E.g. MD, DO, CRNA, NP."""
    specialty: FilledText
    effective_on: date


class RemoveInsuredChange(msgspec.Struct, kw_only=True, tag_field="kind", tag="remove_insured"):
    """An insured leaves the policy (``insured_id`` from ``GET /policies/{id}``)."""

    insured_id: FilledText
    effective_on: date
    reason: FilledText
    """E.g. "retired", "left the group"."""


class LimitsChange(msgspec.Struct, kw_only=True, tag_field="kind", tag="change_limits"):
    """New limits of liability, one of the pairs the insurer writes (e.g. $2M each claim / $4M aggregate)."""

    limit_per_claim_cents: Cents
    limit_aggregate_cents: Cents
    effective_on: date


class OtherChange(msgspec.Struct, kw_only=True, tag_field="kind", tag="other"):
    """Any other change, in the policyholder's words."""

    description: LongText


PolicyChange = MailingAddressChange | AddInsuredChange | RemoveInsuredChange | LimitsChange | OtherChange


class ChangeRequestCreate(msgspec.Struct, kw_only=True):
    """``POST /policy-changes``; send an ``Idempotency-Key`` header."""

    policy_id: FilledText
    change: PolicyChange
    note: ShortText = ""
    """Anything the underwriter should know."""


class ChangeRequest(msgspec.Struct, kw_only=True):
    """One policy change request and where it stands."""

    id: str
    policy_id: str
    policy_number: str
    policyholder: str
    kind: ChangeKind
    summary: str
    """The change in a few words, e.g. "Add Hannah Cole, MD (Family Medicine) from 2026-12-01"."""
    change: PolicyChange
    status: ChangeStatus
    submitted_at: datetime
    expected_by: datetime
    """Three business days after submission: when the portal promises an answer."""
    submitted_by: str
    """The display name of who asked (the policyholder, or their agent)."""
    note: str = ""
    decided_at: datetime | None = None
    decision: str = ""
    """Why it was rejected, or what was done."""
