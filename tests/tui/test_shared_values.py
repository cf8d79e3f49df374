"""Rows share one object per distinct value of the chosen fields; other fields are left alone."""

from __future__ import annotations

from dataclasses import dataclass

from ssp_tui.tui.common.shared_values import SharedValues


@dataclass
class Row:
    name: str
    group: str


def test_equal_values_become_one_object_and_other_fields_are_untouched() -> None:
    rows = [Row("".join(["row ", str(n)]), "".join(["group ", str(n % 2)])) for n in range(6)]
    assert rows[0].group == rows[2].group and rows[0].group is not rows[2].group
    names = [row.name for row in rows]
    shared = SharedValues(["group"])
    shared.share(rows[:3])
    shared.share(rows[3:])  # later pages share with earlier ones
    assert {id(row.group) for row in rows} == {id(rows[0].group), id(rows[1].group)}
    assert [row.group for row in rows] == ["group 0", "group 1"] * 3
    assert all(row.name is name for row, name in zip(rows, names, strict=True))
