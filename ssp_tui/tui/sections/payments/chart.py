"""A small picture of a term's installments: one block per installment, coloured by whether it is paid,
due, past due or still scheduled, with the counts beside it (the shape of a term at a glance)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

from ssp_tui.api.models import Installment, InstallmentStatus
from ssp_tui.formatting import money

BLOCKS: dict[InstallmentStatus, tuple[str, str]] = {
    InstallmentStatus.PAID: ("█", "green"),
    InstallmentStatus.PAST_DUE: ("█", "bold red"),
    InstallmentStatus.DUE: ("▓", "yellow"),
    InstallmentStatus.SCHEDULED: ("░", "dim"),
}
"""Glyph and colour per status; the glyphs differ too, so the picture reads without colour (NO_COLOR)."""

LABELS: dict[InstallmentStatus, str] = {
    InstallmentStatus.PAID: "paid",
    InstallmentStatus.PAST_DUE: "past due",
    InstallmentStatus.DUE: "due",
    InstallmentStatus.SCHEDULED: "scheduled",
}


def installment_picture(installments: Sequence[Installment]) -> Text:
    """``████████▓░  8 paid · 1 due · 1 scheduled ($800.00 paid, $200.00 to go)``, in due order."""
    if not installments:
        return Text("No installments in this term.", style="dim")
    ordered = sorted(installments, key=lambda item: (item.due_on, item.number))
    picture = Text()
    for item in ordered:
        glyph, style = BLOCKS[item.status]
        picture.append(glyph, style=style)
    counts = Counter(item.status for item in ordered)
    paid_cents = sum(item.amount_cents for item in ordered if item.status is InstallmentStatus.PAID)
    still_cents = sum(item.amount_cents for item in ordered if item.status is not InstallmentStatus.PAID)
    parts = []
    for status in (InstallmentStatus.PAID, InstallmentStatus.PAST_DUE, InstallmentStatus.DUE):
        if counts[status]:
            parts.append(f"{counts[status]} {LABELS[status]}")
    if counts[InstallmentStatus.SCHEDULED]:
        parts.append(f"{counts[InstallmentStatus.SCHEDULED]} scheduled")
    picture.append(f"  {' · '.join(parts)}")
    picture.append(f"  ({money(paid_cents)} paid, {money(still_cents)} to go)", style="dim")
    return picture


class InstallmentStrip(Static):
    """Shows ``installment_picture`` for the installments it is given."""

    DEFAULT_CSS: ClassVar[str] = "InstallmentStrip { height: auto; margin: 0 0 1 0; }"

    def show(self, installments: Sequence[Installment]) -> None:
        self.update(installment_picture(installments))
