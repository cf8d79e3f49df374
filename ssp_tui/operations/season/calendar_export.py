"""Dates to keep, as an RFC 5545 calendar any calendar app imports: installments due, policy terms ending
and renewals on offer, and open holder requests' expected-by times.

Every event's UID is made from what it is about (the account and installment, the policy and term, the
request), never from its date or text, so a calendar re-imported after a change updates its events instead
of doubling them; SEQUENCE grows with each export so clients take the newer version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar

from ssp_tui.api.models import BillingDetail, HolderRequest, InstallmentStatus, PolicySummary
from ssp_tui.operations.downloads.private_files import make_private_folders, write_private
from ssp_tui.operations.safe_names import final_path_inside

UID_DOMAIN = "ssp-tui.invalid"
PRODUCT_ID = "-//ssp-tui//Secure Services Portal dates//EN"
_OPEN_REQUEST = ("submitted", "in_review")


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    summary: str
    description: str
    start: date | datetime
    """A date for an all-day event (a due date), a datetime for a moment (a request's deadline)."""
    category: str


def installment_events(details: Iterable[BillingDetail]) -> list[CalendarEvent]:
    """One all-day event per installment not yet paid."""
    events = []
    for detail in details:
        for item in detail.installments:
            if item.status is InstallmentStatus.PAID:
                continue
            amount = f"${item.amount_cents / 100:,.2f}"
            events.append(
                CalendarEvent(
                    uid=f"installment-{detail.kind.value}-{detail.id}-{detail.term_start}-{item.number}",
                    summary=f"Installment {item.number} due: {amount} ({detail.number})",
                    description=f"{detail.name}, {detail.insurer}, {detail.kind.value} {detail.number}. "
                    f"Status: {item.status.value.replace('_', ' ')}.",
                    start=item.due_on,
                    category="Installment",
                )
            )
    return events


def policy_events(policies: Iterable[PolicySummary]) -> list[CalendarEvent]:
    """The end of each policy's current term, and a note when a renewal term is on offer."""
    events = []
    for policy in policies:
        renewal = (
            " A renewal term is on offer." if policy.has_renewal else " No renewal term is on offer yet."
        )
        events.append(
            CalendarEvent(
                uid=f"term-end-{policy.id}-{policy.term_start}",
                summary=f"Policy {policy.policy_number} term ends",
                description=f"{policy.policyholder}, {policy.coverage_type}, {policy.insurer}. "
                f"Current term {policy.term_start} to {policy.term_end}.{renewal}",
                start=policy.term_end,
                category="Renewal" if policy.has_renewal else "Term end",
            )
        )
    return events


def holder_request_events(requests: Iterable[HolderRequest]) -> list[CalendarEvent]:
    """When each open certificate-holder request is expected back (the portal answers within 48 hours)."""
    return [
        CalendarEvent(
            uid=f"holder-request-{request.id}",
            summary=f"Holder request {request.id} expected: {request.holder_name}",
            description=f"Certificate for {request.insured_name} ({request.policy_number}) to "
            f"{request.holder_name}; status {request.status.value.replace('_', ' ')}.",
            start=request.expected_by,
            category="Holder request",
        )
        for request in requests
        if request.status.value in _OPEN_REQUEST
    ]


def _sequence(stamp: datetime) -> int:
    """Minutes since 1970 at export: a later export always carries a higher SEQUENCE, as RFC 5545 asks of
    an update (some clients ignore an event whose SEQUENCE did not grow)."""
    return int(stamp.timestamp()) // 60


def build_calendar(events: Sequence[CalendarEvent], stamp: datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Secure Services Portal")
    for event in sorted(events, key=lambda e: (str(e.start), e.uid)):
        item = icalendar.Event()
        item.add("uid", f"{event.uid}@{UID_DOMAIN}")
        item.add("dtstamp", stamp)
        item.add("summary", event.summary)
        item.add("description", event.description)
        item.add("categories", [event.category])
        item.add("sequence", _sequence(stamp))
        item.add("dtstart", event.start)
        if isinstance(event.start, datetime):
            item.add("dtend", event.start + timedelta(minutes=30))
        else:
            item.add("dtend", event.start + timedelta(days=1))
            item.add("transp", "TRANSPARENT")  # an all-day reminder, not a busy day
        calendar.add_component(item)
    return calendar.to_ical()


def write_calendar(path: Path, data: bytes) -> Path:
    """Replace ``path`` atomically with the calendar (0600: it names insureds and amounts)."""
    final = final_path_inside(path.parent.resolve(), path.name)
    make_private_folders(final.parent)
    write_private(final, data)
    return final
