"""Support triage: read-only views of any customer account."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import msgspec

from ssp_tui.api.models.billing import PaymentPlan
from ssp_tui.api.models.changes import ChangeRequest
from ssp_tui.api.models.common import Role
from ssp_tui.api.models.content import SeminarActivity
from ssp_tui.api.models.credentialing import HolderRequest
from ssp_tui.api.models.policies import Document, PolicySummary


class FlagKind(StrEnum):
    PAST_DUE = "past_due"
    LOCKED_USER = "locked_user"
    MFA_NOT_ENROLLED = "mfa_not_enrolled"
    OVERDUE_HOLDER_REQUEST = "overdue_holder_request"
    CANCELLED_POLICY = "cancelled_policy"
    OVERDUE_CHANGE_REQUEST = "overdue_change_request"


class Flag(msgspec.Struct, kw_only=True):
    kind: FlagKind
    message: str
    """Plain words, e.g. "past due $1,240.00 since 2026-10-01"."""
    ref_id: str | None = None


class SupportAccountHit(msgspec.Struct, kw_only=True):
    """One row of ``GET /support/accounts``."""

    id: str
    name: str
    policy_numbers: list[str]
    usernames: list[str]
    flags: list[Flag]


class SupportBilling(msgspec.Struct, kw_only=True):
    id: str
    account_number: str
    plan: PaymentPlan
    amount_due_cents: int
    past_due_cents: int
    past_due_since: date | None
    autopay: bool


class SupportUser(msgspec.Struct, kw_only=True):
    id: str
    username: str
    display_name: str
    email: str
    role: Role
    mfa_enrolled: bool
    locked: bool
    locked_since: datetime | None = None
    last_login: datetime | None = None


class SupportAccount(msgspec.Struct, kw_only=True):
    """``GET /support/accounts/{id}``: everything a support person needs at once."""

    id: str
    name: str
    flags: list[Flag]
    policies: list[PolicySummary]
    billing: list[SupportBilling]
    users: list[SupportUser]
    holder_requests: list[HolderRequest]
    recent_documents: list[Document]
    seminar_activity: list[SeminarActivity]
    change_requests: list[ChangeRequest] = []
    """Policy change requests, newest first."""
