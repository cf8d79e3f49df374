"""The shared support summary (no Textual): ages in words, the overdue mark, aligned columns, problems first,
and each block's words for an account built here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ssp_tui.api.models import (
    Document,
    DocumentType,
    Flag,
    FlagKind,
    HolderRequest,
    HolderRequestStatus,
    PaymentPlan,
    PolicyStatus,
    PolicySummary,
    Role,
    SeminarActivity,
    SeminarFormat,
    SupportAccount,
    SupportBilling,
    SupportUser,
)
from ssp_tui.operations.support_summary import (
    OVERDUE_MARK,
    account_sections,
    account_summary,
    age_in_words,
    aligned,
    request_is_overdue,
)

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "words"),
    [
        (timedelta(seconds=30), "0 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=59), "59 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=47, minutes=59), "1 day"),
        (timedelta(days=3, hours=5), "3 days"),
        (timedelta(minutes=-5), "0 minutes"),
    ],
)
def test_age_in_words(age: timedelta, words: str) -> None:
    assert age_in_words(age) == words


def request(status: HolderRequestStatus, submitted_hours_ago: float, holder: str = "Holder") -> HolderRequest:
    submitted = NOW - timedelta(hours=submitted_hours_ago)
    return HolderRequest(
        id=f"hr_{holder}",
        status=status,
        submitted_at=submitted,
        expected_by=submitted + timedelta(hours=48),
        holder_name=holder,
        policy_id="po_1",
        policy_number="NCP1",
        insured_id="in_1",
        insured_name="Omar Haddad",
    )


def test_only_open_requests_past_48_hours_are_overdue() -> None:
    assert request_is_overdue(request(HolderRequestStatus.SUBMITTED, 49), NOW)
    assert request_is_overdue(request(HolderRequestStatus.IN_REVIEW, 72), NOW)
    assert not request_is_overdue(request(HolderRequestStatus.SUBMITTED, 47), NOW)
    assert not request_is_overdue(request(HolderRequestStatus.COMPLETED, 100), NOW)
    assert not request_is_overdue(request(HolderRequestStatus.REJECTED, 100), NOW)


def test_aligned_lines_up_columns() -> None:
    assert aligned([["a", "bb", "c"], ["ccc", "d", ""]]) == ("a    bb  c", "ccc  d")
    assert aligned([]) == ()


def account(flags: list[Flag], *, locked: bool = True) -> SupportAccount:
    return SupportAccount(
        id="cu_1",
        name="Mercy Ridge Surgery Center",
        flags=flags,
        policies=[
            PolicySummary(
                id="po_1",
                policy_number="NCP1",
                policyholder="Mercy Ridge Surgery Center",
                insurer="NORCAL Insurance Company",
                coverage_type="Ambulatory Surgery Center Professional Liability",
                status=PolicyStatus.CANCELLED,
                term_start=date(2026, 4, 12),
                term_end=date(2027, 4, 12),
            )
        ],
        billing=[
            SupportBilling(
                id="ba_1",
                account_number="1044254527",
                plan=PaymentPlan.SEMI_ANNUAL,
                amount_due_cents=248_000,
                past_due_cents=124_000,
                past_due_since=date(2026, 10, 1),
                autopay=True,
            )
        ],
        users=[
            SupportUser(
                id="us_1",
                username="jdoe",
                display_name="Jane Doe",
                email="jdoe@example.com",
                role=Role.POLICYHOLDER,
                mfa_enrolled=False,
                locked=locked,
                locked_since=datetime(2026, 11, 20, 9, 30, tzinfo=UTC) if locked else None,
                last_login=None,
            )
        ],
        holder_requests=[
            request(HolderRequestStatus.SUBMITTED, 72, "Cumberland"),
            request(HolderRequestStatus.IN_REVIEW, 5, "Aetna"),
            request(HolderRequestStatus.COMPLETED, 200, "Done"),
        ],
        recent_documents=[
            Document(
                id="do_1",
                title="Declarations",
                type=DocumentType.DECLARATIONS,
                issued_on=date(2026, 3, 14),
                pages=2,
                bytes=4000,
                sha256="ab" * 32,
                policy_number="NCP1",
            )
        ],
        seminar_activity=[
            SeminarActivity(
                id="sa_1",
                participant="Omar Haddad",
                policy_number="NCP1",
                policyholder="Mercy Ridge Surgery Center",
                seminar_id="se_1",
                title="Informed Consent",
                format=SeminarFormat.ONLINE,
                completed_on=date(2026, 6, 19),
                credits=Decimal("1.5"),
            )
        ],
    )


def test_the_overview_puts_problems_first_and_says_each_fact() -> None:
    flags = [
        Flag(kind=FlagKind.PAST_DUE, message="past due $1,240.00 since 2026-10-01 on account 1044254527")
    ]
    sections = {s.key: s for s in account_sections(account(flags), NOW)}
    assert next(iter(sections)) == "problems"
    assert sections["problems"].lines == ("! past due $1,240.00 since 2026-10-01 on account 1044254527",)
    assert "CANCELLED" in sections["policies"].text
    billing = sections["billing"].text
    assert all(w in billing for w in ("semi-annual", "due $2,480.00", "PAST DUE $1,240.00 since 2026-10-01"))
    assert "AutoPay on" in billing
    users = sections["users"].text
    assert all(
        w in users for w in ("jdoe", "policyholder", "MFA NOT ENROLLED", "LOCKED since 2026-11-20 09:30")
    )
    assert "never logged in" in users
    requests = sections["requests"].lines
    assert (
        requests[0].startswith("3 days old") and OVERDUE_MARK in requests[0] and "Cumberland" in requests[0]
    )
    assert requests[1].startswith("5 hours old") and OVERDUE_MARK not in requests[1]
    assert requests[2] == "(and 1 completed or rejected)"
    assert "Done" not in sections["requests"].text
    assert "2026-03-14  NCP1  Declarations" in sections["documents"].text
    assert "1.5 credits" in sections["seminars"].text
    assert "ab" * 32 not in account_summary(account(flags), NOW)  # document digests are not for a ticket


def test_a_healthy_account_says_so_and_the_summary_is_plain_text() -> None:
    summary = account_summary(account([], locked=False), NOW)
    assert summary.startswith("Mercy Ridge Surgery Center (account cu_1), as of 2026-11-28 15:00 UTC\n")
    assert "Problems (0):\n  No problems found." in summary
    assert "not locked" in summary
    assert "\x1b" not in summary and "[b]" not in summary
