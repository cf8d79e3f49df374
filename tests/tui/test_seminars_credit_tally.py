"""CreditTally: the filtered activity's credits as a sum of integers, exactly equal to adding the Decimals."""

from __future__ import annotations

import random
from decimal import Decimal
from types import SimpleNamespace

from ssp_tui.tui.sections.seminars.credit_tally import CreditTally


def rows(*credits: str) -> list:
    return [SimpleNamespace(credits=Decimal(value)) for value in credits]


def test_a_view_adds_up_exactly_whatever_the_decimal_places() -> None:
    tally = CreditTally()
    tally.extend(rows("1", "1.5", "2.0"))
    assert tally.total([0, 1, 2]) == Decimal("4.5")
    tally.extend(rows("0.25", "0.1"))  # finer than before: what was kept is scaled, nothing rounded
    assert tally.total([1, 3]) == Decimal("1.75")
    assert tally.total([0, 1, 2, 3, 4]) == Decimal("4.85")
    assert tally.total([]) == 0
    assert len(tally) == 5
    tally.clear()
    assert len(tally) == 0 and tally.total([]) == 0


def test_any_view_equals_the_sum_of_its_decimals() -> None:
    generator = random.Random(7)
    credits = [generator.choice(["0.5", "1", "1.5", "2.0", "0.25", "3", "0.05"]) for _ in range(2000)]
    tally = CreditTally()
    for start in range(0, len(credits), 300):  # in pages, as the activity arrives
        tally.extend(rows(*credits[start : start + 300]))
    for _ in range(20):
        view = sorted(generator.sample(range(len(credits)), generator.randrange(len(credits))))
        assert tally.total(view) == sum((Decimal(credits[i]) for i in view), Decimal(0))
