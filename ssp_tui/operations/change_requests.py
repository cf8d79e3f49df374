"""What the CLI and the screens share about policy change requests: reading an amount of money as typed,
how old a request is, and the change kinds in words."""

from __future__ import annotations

import re
from datetime import datetime

from ssp_tui.api.models import ChangeKind

KIND_TITLES: dict[ChangeKind, str] = {
    ChangeKind.MAILING_ADDRESS: "Mailing address change",
    ChangeKind.ADD_INSURED: "Add an insured",
    ChangeKind.REMOVE_INSURED: "Remove an insured",
    ChangeKind.CHANGE_LIMITS: "Change of limits",
    ChangeKind.OTHER: "Other change",
}
_AMOUNT = re.compile(r"^\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM]?)$")
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000}


def dollars_to_cents(text: str) -> int:
    """'2M', '$2,000,000', '250k', '1000000.50' -> integer cents; ValueError with a hint otherwise."""
    found = _AMOUNT.match(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not an amount; write it like 2000000, $2,000,000 or 2M")
    amount = float(found.group(1).replace(",", "")) * _SUFFIX[found.group(2).lower()]
    return round(amount * 100)


def request_age(submitted_at: datetime, now: datetime) -> str:
    """'3 h', '2 d 4 h'."""
    hours = max(0, int((now - submitted_at).total_seconds() // 3600))
    return f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{hours} h"
