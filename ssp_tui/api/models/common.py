"""Shared pieces of the Portal API v1 contract: enums, pagination and problem details.

Money is integer cents everywhere (fields end in ``_cents``); never a float.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Generic, TypeVar

import msgspec

from ssp_tui.api.constants import PLAIN_TEXT_PATTERN
from ssp_tui.api.roles import Capability as Capability
from ssp_tui.api.roles import Role as Role

T = TypeVar("T")

PlainText = Annotated[str, msgspec.Meta(max_length=1024, pattern=PLAIN_TEXT_PATTERN)]
"""A request's text field: no control characters, bounded (constraints the OpenAPI document states)."""


class Term(StrEnum):
    PREVIOUS = "previous"
    CURRENT = "current"
    RENEWAL = "renewal"


class PolicyStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class StatusFilter(StrEnum):
    """The Active / Cancelled / All choice of the portal's policy and insured searches."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    ALL = "all"


class Listed(msgspec.Struct, kw_only=True, gc=False):
    """The base of the records a listing brings by the thousand (certificates, documents, activity rows).

    Their fields hold only scalars (text, numbers, dates, enums), so an instance can never be part of a
    reference cycle, and the cyclic garbage collector need not track it: 200,000 activity rows tracked made
    every full collection walk them all, about half of decoding them, and more each time the heap grew
    (issue 23's profiles: a second of collections during the large book's Seminars open). A subclass must
    keep to scalar fields; tests/api/test_listed_models.py checks it."""


class Page(msgspec.Struct, Generic[T], kw_only=True):
    """One page of a cursor-paginated list."""

    items: list[T]
    next_cursor: str | None = None
    """Opaque; pass back as ``cursor`` for the next page. ``None`` on the last page."""


class FieldError(msgspec.Struct, kw_only=True):
    field: str
    message: str


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details, the body of every error response."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    retry_after: int | None = None
    """Seconds to wait, on 423 (locked) and 429 (throttled); mirrors the Retry-After header."""
    errors: list[FieldError] = []
    """Per-field messages on 422."""
