"""Renewal applications: the application an agent's client completes for each renewal term."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import msgspec

from ssp_tui.api.models.policies import Document


class ApplicationStatus(StrEnum):
    COMPLETED = "completed"
    MISSING = "missing"


class ApplicationFilter(StrEnum):
    COMPLETED = "completed"
    MISSING = "missing"
    ALL = "all"


class RenewalApplication(msgspec.Struct, kw_only=True):
    """One renewal term and its application: the completed one (a document of the renewal term), or none
    yet."""

    policy_id: str
    policy_number: str
    policyholder: str
    renewal_start: date
    renewal_end: date
    status: ApplicationStatus
    completed_on: date | None = None
    document: Document | None = None
    """The completed application (type ``renewal_application``); download it with
    ``GET /documents/{id}/content``."""
    agency: str | None = None
