"""A support account in plain words, the same for the TUI's Support section and ``ssp-tui support account``.

``account_sections`` gives the overview as titled blocks of aligned text lines (the screen shows one block per
card); ``account_summary`` joins them into the plain text that "Copy summary" puts on the clipboard and
``ssp-tui support account --summary`` prints. No Textual, rich or click here: both front ends import it.

Only what ``GET /support/accounts/{id}`` sends is used, and that holds no secret (no password, hash, TOTP
secret or token), so nothing secret can reach a summary pasted into a ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ssp_tui import clock
from ssp_tui.api.models import (
    OPEN_CHANGE_STATUSES,
    ChangeRequest,
    HolderRequest,
    SupportAccount,
    SupportBilling,
    SupportUser,
)
from ssp_tui.api.models.credentialing import OPEN_HOLDER_REQUEST_STATUSES
from ssp_tui.formatting import money, plural

OPEN_REQUEST_STATUSES = OPEN_HOLDER_REQUEST_STATUSES
OVERDUE_MARK = "OVERDUE (over 48 h)"
CHANGE_OVERDUE_MARK = "OVERDUE (over 3 business days)"
"""Marks an open holder request past its expected-by time (48 hours after it was submitted)."""
COLUMN_GAP = "  "


@dataclass(frozen=True, slots=True)
class SummarySection:
    """One block of the overview: a title and its lines (``empty`` says so when there are none)."""

    key: str
    """A stable name for the block (the screen's widget ids), e.g. ``"problems"``."""
    title: str
    lines: tuple[str, ...]
    empty: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines) if self.lines else self.empty


def utc_text(moment: datetime | None) -> str:
    """``2026-11-25 16:55 UTC``: one unambiguous form for a ticket, whatever the reader's time zone."""
    return "" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def age_in_words(age: timedelta) -> str:
    """``3 days``, ``1 day``, ``5 hours``, ``45 minutes`` (whole units, rounded down; never negative)."""
    minutes = max(int(age.total_seconds() // 60), 0)
    if minutes >= 24 * 60:
        count, unit = minutes // (24 * 60), "day"
    elif minutes >= 60:
        count, unit = minutes // 60, "hour"
    else:
        count, unit = minutes, "minute"
    return plural(count, unit)


def request_is_open(request: HolderRequest) -> bool:
    return request.status in OPEN_REQUEST_STATUSES


def request_is_overdue(request: HolderRequest, now: datetime) -> bool:
    """Still open after its expected-by time (the portal promises an answer within 48 hours)."""
    return request.is_overdue(now)


def aligned(rows: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """Rows of cells as lines with the columns lined up (trailing spaces removed)."""
    if not rows:
        return ()
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(max(map(len, rows)))]
    return tuple(
        COLUMN_GAP.join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    )


def _billing_row(billing: SupportBilling) -> list[str]:
    past_due = "no past due"
    if billing.past_due_cents:
        since = f" since {billing.past_due_since}" if billing.past_due_since else ""
        past_due = f"PAST DUE {money(billing.past_due_cents)}{since}"
    return [
        f"account {billing.account_number}",
        billing.plan.value.replace("_", "-"),
        f"due {money(billing.amount_due_cents)}",
        past_due,
        "AutoPay on" if billing.autopay else "AutoPay off",
    ]


def _user_row(user: SupportUser) -> list[str]:
    locked = "not locked"
    if user.locked:
        locked = f"LOCKED since {utc_text(user.locked_since)}" if user.locked_since else "LOCKED"
    last_login = f"last login {utc_text(user.last_login)}" if user.last_login else "never logged in"
    return [
        user.username,
        user.display_name,
        user.role.value,
        "MFA enrolled" if user.mfa_enrolled else "MFA NOT ENROLLED",
        locked,
        last_login,
        user.email,
    ]


def _request_row(request: HolderRequest, now: datetime) -> list[str]:
    return [
        f"{age_in_words(now - request.submitted_at)} old",
        OVERDUE_MARK if request_is_overdue(request, now) else "",
        request.status.value.replace("_", " "),
        request.holder_name,
        f"for {request.insured_name}",
        f"policy {request.policy_number}",
        f"submitted {utc_text(request.submitted_at)}",
    ]


def _change_row(change: ChangeRequest, now: datetime) -> list[str]:
    overdue = change.status in OPEN_CHANGE_STATUSES and now > change.expected_by
    return [
        f"{age_in_words(now - change.submitted_at)} old",
        CHANGE_OVERDUE_MARK if overdue else "",
        change.status.value.replace("_", " "),
        f"policy {change.policy_number}",
        change.summary,
        change.decision,
    ]


def account_sections(account: SupportAccount, now: datetime) -> list[SummarySection]:
    """The overview, problems first. ``now`` (aware) dates the holder requests' ages."""
    open_requests = sorted(
        (r for r in account.holder_requests if request_is_open(r)), key=lambda r: r.submitted_at
    )
    closed = len(account.holder_requests) - len(open_requests)
    request_lines = aligned([_request_row(r, now) for r in open_requests])
    if closed:
        request_lines += (f"(and {closed} completed or rejected)",)
    return [
        SummarySection(
            "problems",
            f"Problems ({len(account.flags)})",
            tuple(f"! {flag.message}" for flag in account.flags),
            "No problems found.",
        ),
        SummarySection(
            "policies",
            "Policies",
            aligned(
                [
                    [
                        p.policy_number,
                        p.status.value.upper() if p.status.value == "cancelled" else p.status.value,
                        p.coverage_type,
                        p.insurer,
                        f"{p.term_start} to {p.term_end}",
                        "renewal offered" if p.has_renewal else "",
                    ]
                    for p in account.policies
                ]
            ),
            "No policies.",
        ),
        SummarySection(
            "billing",
            "Billing",
            aligned([_billing_row(b) for b in account.billing]),
            "No billing accounts.",
        ),
        SummarySection("users", "Users", aligned([_user_row(u) for u in account.users]), "No portal users."),
        SummarySection(
            "requests", "Open holder requests", request_lines, "No open certificate-holder requests."
        ),
        SummarySection(
            "changes",
            "Policy change requests",
            aligned([_change_row(c, now) for c in account.change_requests]),
            "No policy change requests.",
        ),
        SummarySection(
            "documents",
            "Recent documents",
            aligned([[str(d.issued_on), d.policy_number or "", d.title] for d in account.recent_documents]),
            "No documents.",
        ),
        SummarySection(
            "seminars",
            "Recent seminar activity",
            aligned(
                [
                    [str(a.completed_on), a.participant, a.title, f"{a.credits} credits"]
                    for a in account.seminar_activity
                ]
            ),
            "No seminar activity.",
        ),
    ]


def account_summary(account: SupportAccount, now: datetime | None = None) -> str:
    """The whole overview as plain text, for a ticket or an e-mail."""
    moment = now or clock.now()
    parts = [f"{account.name} (account {account.id}), as of {utc_text(moment)}"]
    for section in account_sections(account, moment):
        body = "\n".join(f"  {line}" for line in section.text.splitlines())
        parts.append(f"{section.title}:\n{body}")
    return "\n\n".join(parts) + "\n"
