"""Formatting shared by the CLI, the screens and the widgets (no Textual, no click: anyone may import it)."""

from __future__ import annotations

from decimal import Decimal


def money(cents: int | None) -> str:
    """Integer cents as dollars: 123456 -> ``$1,234.56``, -500 -> ``-$5.00`` (a credit); None -> ``""``."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    dollars, remainder = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{remainder:02d}"


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet opening a CSV or TSV file may run as a formula when a cell starts with it."""


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet opening a CSV or TSV file shows as text: a leading apostrophe before anything it
    could run as a formula. Only for those formats: an xlsx cell is written as a string and needs none."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 file``, ``2 files``, ``1,204 policies``: a count with its noun agreeing. The plural is the singular
    plus ``s`` unless given (``plural(n, "policy", "policies")``); the count is grouped by thousands."""
    noun = singular if count == 1 else (plural_form if plural_form is not None else singular + "s")
    return f"{count:,} {noun}"


def decimal_text(value: Decimal | float | int | str) -> str:
    """A number as people write it, no trailing zeros and no exponent: ``2``, ``1.5``, ``0.25``, ``100``
    (CME credits on screen and in a CSV file, which would otherwise say ``2.0``)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{number.normalize():f}"
