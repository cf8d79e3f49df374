"""Credentialing-season operations without a portal: the holder file reader, the window parser, the cover
template, the ledger's "changed since sent" and the calendar's stable UIDs."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import xlsxwriter

from ssp_tui.api.models import (
    BillingDetail,
    BillingKind,
    BillingTerm,
    Installment,
    InstallmentStatus,
    PaymentPlan,
)
from ssp_tui.operations.season.calendar_export import build_calendar, installment_events
from ssp_tui.operations.season.drafts import CoverTemplate, DraftError
from ssp_tui.operations.season.expiring import WindowError, parse_window
from ssp_tui.operations.season.holder_rows import HolderFileError, parse_rows, read_holder_file
from ssp_tui.operations.season.ledger import Ledger, LedgerAction, LedgerEntry

HEADER = ["Policy #", "Insured", "Certificate Holder", "Street", "City", "ST", "Postal code", "Email"]
GOOD = ["NCP1", "Ann Lee", "Mercy General", "4001 J St", "Sacramento", "ca", "95819", ""]


def test_header_spellings_are_matched_and_each_bad_row_says_why() -> None:
    parsed = parse_rows(
        [
            HEADER,
            GOOD,
            ["NCP1", "Ann Lee", "", "1 Main", "Sacramento", "CA", "95819", ""],
            ["NCP1", "Ann Lee", "Sutter\x1b]0;x", "1 Main", "Sacramento", "CA", "958", "not-an-email"],
            [],
            ["NCP1", "ann  lee", "MERCY general", "4001 J St", "Sacramento", "CA", "95819", ""],
        ]
    )
    assert [row.line for row in parsed.rows] == [2] and parsed.rows[0].state == "CA"
    reasons = {r.line: r.reason for r in parsed.rejected}
    assert reasons[3] == "holder name is empty"
    assert "control characters" in reasons[4] and "zip '958'" in reasons[4] and "not an email" in reasons[4]
    assert reasons[6] == "the same request as row 2"  # case and spacing do not make a new request


def test_the_key_is_the_content() -> None:
    one = parse_rows([HEADER, GOOD]).rows[0]
    again = parse_rows([HEADER, GOOD]).rows[0]
    moved = parse_rows([HEADER, [*GOOD[:3], "4100 J St", *GOOD[4:]]]).rows[0]
    assert one.idempotency_key == again.idempotency_key != moved.idempotency_key
    assert len(one.idempotency_key) <= 255 and one.idempotency_key.isascii()


def test_a_header_without_the_needed_columns_is_refused_whole() -> None:
    with pytest.raises(HolderFileError, match="no column for: holder name"):
        parse_rows([["Policy", "Insured", "Address", "City", "State", "Zip"], GOOD[:2]])


def test_an_xlsx_zip_typed_as_a_number_reads_back_as_digits(tmp_path: Path) -> None:
    path = tmp_path / "holders.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    for r, row in enumerate([HEADER, GOOD]):
        for c, value in enumerate(row):
            sheet.write(r, c, 95819 if value == "95819" else value)
    book.close()
    assert read_holder_file(path).rows[0].zip == "95819"
    (tmp_path / "holders.txt").write_text("x")
    with pytest.raises(HolderFileError, match=r"use a \.csv or \.xlsx"):
        read_holder_file(tmp_path / "holders.txt")
    (tmp_path / "fake.xlsx").write_text("not a zip")
    with pytest.raises(HolderFileError, match="not an Excel workbook"):
        read_holder_file(tmp_path / "fake.xlsx")


@pytest.mark.parametrize(
    ("text", "days"), [("30d", 30), ("6w", 42), ("2m", 60), (" 45 ", 45), ("3 weeks", 21)]
)
def test_windows(text: str, days: int) -> None:
    assert parse_window(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["", "soon", "0d", "-3d", "99999d"])
def test_bad_windows(text: str) -> None:
    with pytest.raises(WindowError):
        parse_window(text)


def test_a_template_with_an_unknown_placeholder_or_no_subject_is_refused() -> None:
    assert CoverTemplate.parse("Subject: For $holder_name\nHello $contact_name")
    with pytest.raises(DraftError, match=r"\$holdr"):
        CoverTemplate.parse("Subject: For $holdr\nHello")
    with pytest.raises(DraftError, match="Subject"):
        CoverTemplate.parse("Hello $contact_name")
    with pytest.raises(DraftError, match="stray"):
        CoverTemplate.parse("Subject: x\nCosts $ 5")


def _entry(action: LedgerAction, sha: str, days_ago: int, cert: str = "ce_1") -> LedgerEntry:
    at = datetime(2026, 11, 28, tzinfo=UTC) - timedelta(days=days_ago)
    return LedgerEntry(at, action, cert, "NCP1", "Ann Lee", "Mercy", sha, "mso@mercy.example")


def test_the_ledger_knows_what_changed_since_it_was_sent(tmp_path: Path) -> None:
    path = tmp_path / "data" / "ledger.sqlite3"
    with Ledger.open("portal-a", path) as ledger:
        ledger.record([_entry(LedgerAction.DOWNLOADED, "a", 9), _entry(LedgerAction.SENT, "a", 8)])
        assert ledger.changed_since_delivered() == []
        ledger.record([_entry(LedgerAction.DOWNLOADED, "b", 2)])
        changed = ledger.changed_since_delivered()
        assert [(c.delivered.sha256, c.latest_sha256) for c in changed] == [("a", "b")]
        ledger.record([_entry(LedgerAction.DRAFTED, "b", 1)])
        assert ledger.changed_since_delivered() == []  # drafted again with the new bytes
    with Ledger.open("portal-b", path) as other:
        assert other.history() == []  # another portal's history is its own
    assert os.stat(path).st_mode & 0o777 == 0o600 and os.stat(path.parent).st_mode & 0o777 == 0o700


def _billing(amount: int, status: InstallmentStatus) -> BillingDetail:
    return BillingDetail(
        id="ba_1", kind=BillingKind.ACCOUNT, number="1040703945", name="Patel Family Medicine",
        insurer="NORCAL", term=BillingTerm.CURRENT, term_start=date(2026, 6, 1), term_end=date(2027, 6, 1),
        plan=PaymentPlan("quarterly"), term_amount_cents=amount * 4, premium_cents=amount * 4,
        balance_cents=amount, amount_due_cents=amount, due_on=date(2026, 12, 1), past_due_cents=0,
        autopay=False, can_pay_online=True,
        installments=[Installment(number=4, due_on=date(2027, 3, 1), amount_cents=amount, status=status)],
        payments=[], policies=[], ere_note="", ere_url="",
    )  # fmt: skip


def test_a_changed_installment_keeps_its_uid_and_a_paid_one_drops_out() -> None:
    stamp = datetime(2026, 11, 28, 9, tzinfo=UTC)
    first = icalendar.Calendar.from_ical(
        build_calendar(installment_events([_billing(100_00, InstallmentStatus.SCHEDULED)]), stamp)
    )
    later = icalendar.Calendar.from_ical(
        build_calendar(
            installment_events([_billing(120_00, InstallmentStatus.DUE)]), stamp + timedelta(days=1)
        )
    )
    (a,), (b,) = list(first.walk("VEVENT")), list(later.walk("VEVENT"))
    assert a["UID"] == b["UID"] and a["SUMMARY"] != b["SUMMARY"]
    assert int(b["SEQUENCE"]) > int(a["SEQUENCE"])
    assert installment_events([_billing(100_00, InstallmentStatus.PAID)]) == []
