"""Payments without a portal: money, the installment picture, and where a browser can open."""

from __future__ import annotations

from datetime import date

import pytest

from ssp_tui.api.models import Installment, InstallmentStatus
from ssp_tui.cli.output import money as cli_money
from ssp_tui.formatting import money
from ssp_tui.tui.common.links import browser_can_open
from ssp_tui.tui.sections.payments.chart import installment_picture
from ssp_tui.widgets.table_columns import format_cents


def test_money_is_one_format_everywhere() -> None:
    assert money(123_456) == "$1,234.56"
    assert money(5) == "$0.05"
    assert money(-500) == "-$5.00"
    assert money(0) == "$0.00"
    assert money(None) == ""
    assert cli_money is money and format_cents is money


def test_installment_picture_counts_and_sums_in_due_order() -> None:
    def item(number: int, month: int, status: InstallmentStatus) -> Installment:
        return Installment(number=number, due_on=date(2026, month, 1), amount_cents=10_000, status=status)

    picture = installment_picture(
        [
            item(4, 4, InstallmentStatus.SCHEDULED),
            item(1, 1, InstallmentStatus.PAID),
            item(3, 3, InstallmentStatus.DUE),
            item(2, 2, InstallmentStatus.PAST_DUE),
        ]
    )
    text = picture.plain
    assert text.startswith("██▓░"), "one block per installment, by due date"
    assert "1 paid · 1 past due · 1 due · 1 scheduled" in text
    assert "($100.00 paid, $300.00 to go)" in text
    assert installment_picture([]).plain == "No installments in this term."


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({}, "linux", False),
        ({"DISPLAY": ":0", "SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"}, "linux", False),
        ({"SSH_TTY": "/dev/pts/1"}, "darwin", False),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_a_browser_opens_only_where_it_can_reach_the_user(
    environ: dict[str, str], platform: str, expected: bool
) -> None:
    assert browser_can_open(environ, platform) is expected
