"""The credits of the activity table's rows as exact integers, so the summary of a filtered view is one sum.

The summary line ("1,234 completions · 1,851.5 credits") follows every filter keystroke over up to 200,000
rows. Adding a Decimal per shown row, or counting them by value, cost 8-14 ms a keystroke; a sum of small
integers picked by row index costs about a third of that, and is as exact: each credit is held as an integer
number of its smallest decimal place seen so far (tenths, hundredths...).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ssp_tui.api.models import SeminarActivity


class CreditTally:
    """Each row's credits, in the order the rows were added to the table (its row indices)."""

    def __init__(self) -> None:
        self._units: list[int] = []
        self._places = 0
        """Decimal places every credit so far fits in: a row's units are its credits * 10**places."""

    def __len__(self) -> int:
        return len(self._units)

    def clear(self) -> None:
        self._units = []
        self._places = 0

    def extend(self, rows: Iterable[SeminarActivity]) -> None:
        credits = [row.credits for row in rows]
        distinct = set(credits)  # a handful of values: each converted once, not once a row
        places = max((_places(value) for value in distinct), default=0)
        if places > self._places:  # a finer credit than any before (0.25 after halves): scale what is kept
            factor = 10 ** (places - self._places)
            self._units = [units * factor for units in self._units]
            self._places = places
        scale = 10**self._places
        units_of = {value: int(value * scale) for value in distinct}
        self._units.extend(map(units_of.__getitem__, credits))

    def total(self, indices: Sequence[int]) -> Decimal:
        """The credits of the rows at these indices, exactly."""
        return Decimal(sum(map(self._units.__getitem__, indices))).scaleb(-self._places)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
