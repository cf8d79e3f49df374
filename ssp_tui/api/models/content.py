"""Home, risk management, seminars and the agent resource library."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import msgspec

from ssp_tui.api.models.common import Listed, Term


class AttentionKind(StrEnum):
    AMOUNT_DUE = "amount_due"
    PAST_DUE = "past_due"
    RENEWAL_DOCUMENTS = "renewal_documents"
    HOLDER_REQUESTS = "holder_requests"
    CHANGE_REQUESTS = "change_requests"
    """Policy change requests under way, or one rejected lately."""
    RENEWAL_APPLICATION_MISSING = "renewal_application_missing"
    """An agent's renewal whose application is not completed yet."""


class Announcement(msgspec.Struct, kw_only=True):
    id: str
    title: str
    body: str
    published_on: date
    category: str
    """E.g. news, announcement, norcal."""


class RiskHighlight(msgspec.Struct, kw_only=True):
    id: str
    title: str
    summary: str
    resource_id: str | None = None


class AttentionItem(msgspec.Struct, kw_only=True):
    """Something the user should act on, computed by the portal for the caller."""

    kind: AttentionKind
    message: str
    ref_id: str | None = None
    """What it is about, so choosing it opens exactly that record: the billing account (amount due, past
    due) or the policy (renewal documents, a missing renewal application, a rejected change request); none
    for the holder-request and change-request counts."""
    term: Term | None = None
    """The policy term it is about (``renewal`` for renewal documents); none for billing, which is always
    the current term."""


class Home(msgspec.Struct, kw_only=True):
    announcements: list[Announcement]
    risk_highlights: list[RiskHighlight]
    attention: list[AttentionItem]


class RiskCategory(StrEnum):
    SAMPLE_FORMS = "sample_forms"
    """Sample forms, checklists and letters."""
    GUIDELINES = "guidelines"
    """Risk resource guidelines for physicians and healthcare organizations."""
    SURVEYS = "surveys"
    """Site and safety surveys."""
    TOOLKITS = "toolkits"
    OTHER = "other"


class RiskResource(msgspec.Struct, kw_only=True):
    """In-portal (``document_id``) or public (``url``); exactly one is set."""

    id: str
    title: str
    category: RiskCategory
    coverage_types: list[str]
    summary: str
    published_on: date
    document_id: str | None = None
    url: str | None = None


class SeminarFormat(StrEnum):
    ONLINE = "online"
    LIVE = "live"


class Seminar(msgspec.Struct, kw_only=True):
    id: str
    title: str
    format: SeminarFormat
    cme_credits: Decimal
    url: str
    description: str = ""
    event_on: date | None = None
    """For live seminars."""


class SeminarActivity(Listed, kw_only=True):
    """One participant's completion of a seminar."""

    id: str
    participant: str
    policy_number: str
    policyholder: str
    seminar_id: str
    title: str
    format: SeminarFormat
    completed_on: date
    credits: Decimal


class AgentCategory(StrEnum):
    NEWSLETTER = "newsletter"
    """ProVisions newsletter archive."""
    MARKETING = "marketing"
    NEW_BUSINESS_APPLICATIONS = "new_business_applications"
    RENEWAL_APPLICATIONS = "renewal_applications"
    UNDERWRITING_MANUALS = "underwriting_manuals"
    AGENT_OF_RECORD = "agent_of_record"
    BULLETINS = "bulletins"


class AgentResource(Listed, kw_only=True):
    id: str
    title: str
    category: AgentCategory
    published_on: date
    summary: str = ""
    document_id: str | None = None
    url: str | None = None
