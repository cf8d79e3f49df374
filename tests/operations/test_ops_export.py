"""Export read back: same rows, same types, real dates, and no formula or hyperlink from hostile text."""

from __future__ import annotations

import csv
import os
import re
import stat
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssp_tui.api.models.content import SeminarActivity, SeminarFormat
from ssp_tui.operations.export import Column, ColumnKind, ExportError, escape_text, export_rows

HOSTILE = [
    "=1+2",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "http://example.com",
    "mailto:a@b.c",
    "www.example.com",
    "1e10",
    "0012345",
    "TRUE",
    "=",
    "'already quoted",
    "ordinary text",
    "",
]

COLUMNS = [
    Column("Participant", "participant"),
    Column("Policy #", "policy_number"),
    Column("Title", "title"),
    Column("Format", "format"),
    Column("Completed", "completed_on", ColumnKind.DATE),
    Column("Credits", "credits", ColumnKind.DECIMAL),
]


def activity(i: int, participant: str = "Dr. Jane Roe") -> SeminarActivity:
    return SeminarActivity(
        id=f"act{i}",
        participant=participant,
        policy_number=f"PL-{1000 + i}",
        policyholder="Valley Clinic",
        seminar_id="sem1",
        title=f"Risk seminar {i}",
        format=SeminarFormat.ONLINE,
        completed_on=date(2026, 1, 1 + i % 28),
        credits=Decimal("1.5"),
    )


def unescape_ooxml(text: str) -> str:
    """xlsxwriter stores control characters as _xHHHH_ (as Excel does); openpyxl hands them back escaped."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match[1], 16)), text)


def test_xlsx_round_trip_keeps_rows_and_types(tmp_path: Path) -> None:
    rows = [activity(i) for i in range(30)]
    progress: list[int] = []
    out = tmp_path / "activity.xlsx"
    result = export_rows(rows, COLUMNS, out, on_progress=progress.append, progress_every=10)
    assert result.rows == 30 and progress == [10, 20, 30, 30]
    book = openpyxl.load_workbook(out)
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Participant", "Policy #", "Title", "Format", "Completed", "Credits")
    assert len(values) == 31
    for row, original in zip(values[1:], rows, strict=True):
        assert row[:4] == (original.participant, original.policy_number, original.title, "online")
        assert isinstance(row[4], datetime) and row[4].date() == original.completed_on
        assert row[5] == float(original.credits)
    assert sheet["E2"].is_date and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F31"
    assert 10 < sheet.column_dimensions["C"].width <= 62
    assert [p for p in tmp_path.iterdir() if p.name != "activity.xlsx"] == []


def test_mapping_rows_getters_and_tuple_columns(tmp_path: Path) -> None:
    rows = [{"name": "a", "n": 3, "when": "2026-11-28"}, {"name": None, "n": None, "when": None}]
    columns = [
        ("Name", "name"),
        ("N", "n", "int"),
        ("When", "when", "date"),
        ("Upper", lambda r: str(r["name"]).upper()),
    ]
    out = tmp_path / "x.xlsx"
    export_rows(rows, columns, out)
    values = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert values[1] == ("a", 3, datetime(2026, 11, 28), "A")
    assert values[2] == (None, None, None, "NONE")


def test_hostile_strings_never_become_formulas_or_links(tmp_path: Path) -> None:
    """xlsx keeps the data as it is: a string cell, never a formula, and no apostrophe added to the value."""
    rows = [{"text": text} for text in HOSTILE]
    out = tmp_path / "hostile.xlsx"
    export_rows(rows, [Column("=Header", "text")], out)
    sheet = openpyxl.load_workbook(out).active
    cells = [row[0] for row in sheet.iter_rows()]
    assert cells[0].value == "=Header" and cells[0].data_type == "s"
    for cell, text in zip(cells[1:], HOSTILE, strict=True):
        if text == "":
            assert cell.value in (None, "")
            continue
        assert cell.data_type == "s" and cell.hyperlink is None
        assert unescape_ooxml(cell.value) == text
    assert not sheet._hyperlinks


def test_csv_round_trip_with_the_same_escaping(tmp_path: Path) -> None:
    rows = [activity(i, participant=HOSTILE[i % len(HOSTILE)]) for i in range(40)]
    out = tmp_path / "activity.csv"
    assert export_rows(rows, COLUMNS, out).rows == 40
    with out.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.reader(handle))
    assert read[0] == ["Participant", "Policy #", "Title", "Format", "Completed", "Credits"]
    for line, original in zip(read[1:], rows, strict=True):
        assert line == [
            escape_text(original.participant),
            original.policy_number,
            original.title,
            "online",
            original.completed_on.isoformat(),
            "1.5",
        ]


def test_bad_values_and_formats_give_clear_errors_and_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"Row 2, column 'When': 'soon' is not a date"):
        export_rows([{"w": date(2026, 1, 1)}, {"w": "soon"}], [("When", "w", "date")], tmp_path / "a.xlsx")
    with pytest.raises(ExportError, match=r"'many' is not a number"):
        export_rows([{"n": "many"}], [("N", "n", "int")], tmp_path / "a.csv")
    with pytest.raises(ExportError, match=r"\.xlsx or \.csv"):
        export_rows([], [("N", "n")], tmp_path / "a.txt")
    with pytest.raises(ExportError, match=r"Could not write a\.csv: No such file or directory"):
        export_rows([{"n": 1}], [("N", "n")], tmp_path / "missing-folder" / "a.csv")
    with pytest.raises(ExportError, match=r"^Could not write a.xlsx: No such file or directory\.$"):
        export_rows([{"n": 1}], [("N", "n")], tmp_path / "missing-folder" / "a.xlsx")
    with pytest.raises(ExportError, match="sheetname"):
        export_rows([{"n": 1}], [("N", "n")], tmp_path / "a.xlsx", sheet_name="bad[name]")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_only_when_complete(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    out.write_text("old")
    with pytest.raises(ExportError):
        export_rows([{"n": 1}, {"n": "x"}], [("N", "n", "int")], out)
    assert out.read_text() == "old"
    export_rows([{"n": 1}], [("N", "n", "int")], out)
    assert out.read_text(encoding="utf-8-sig").splitlines() == ["N", "1"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_is_readable_by_the_user_only(tmp_path: Path, suffix: str) -> None:
    """Issue 17: a private record, like any download, even under the usual umask (files 0644 otherwise)."""
    old_umask = os.umask(0o022)
    try:
        export_rows([{"n": 1}], [("N", "n", "int")], tmp_path / f"a{suffix}")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / f"a{suffix}").stat().st_mode) == 0o600


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_any_text_is_stored_as_inert_text(tmp_path: Path, texts: list[str]) -> None:
    rows = [{"t": text} for text in texts]
    out_xlsx, out_csv = tmp_path / "p.xlsx", tmp_path / "p.csv"
    export_rows(rows, [("T", "t")], out_xlsx)
    export_rows(rows, [("T", "t")], out_csv)
    cells = [row[0] for row in openpyxl.load_workbook(out_xlsx).active.iter_rows(min_row=2)]
    for cell, text in zip(cells, texts, strict=True):
        assert cell.data_type != "f" and cell.hyperlink is None
        if cell.value is not None:
            assert cell.data_type == "s"
            if "_x" not in text:  # a literal "_x0041_" is OOXML's own escape syntax: not comparable this way
                assert unescape_ooxml(cell.value) == text
    with out_csv.open(encoding="utf-8-sig", newline="") as handle:
        read = [line[0] if line else "" for line in csv.reader(handle)][1:]
    assert read == [escape_text(text) for text in texts]
    assert all(not value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in read)


def test_csv_writes_credits_as_people_write_them(tmp_path: Path) -> None:
    """2 credits are "2", not "2.0", whether the value is a Decimal from the portal or a float."""
    rows = [{"c": Decimal("2.0")}, {"c": 2.0}, {"c": Decimal("1.50")}, {"c": 0.25}, {"c": Decimal("100")}]
    out = tmp_path / "credits.csv"
    export_rows(rows, [Column("Credits", "c", ColumnKind.DECIMAL)], out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        read = [line[0] for line in csv.reader(handle)]
    assert read == ["Credits", "2", "2", "1.5", "0.25", "100"]
