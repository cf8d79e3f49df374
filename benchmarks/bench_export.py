"""Excel export of 100k seminar-activity rows: export_rows against xlsxwriter constant_memory used directly.

Run: .venv/bin/python -m benchmarks.bench_export [--rows N] [--runs 3]
Times are medians of interleaved runs (this machine is noisy: read the ratio, not the seconds); peak Python
memory of each writer is measured in a separate tracemalloc run so it does not slow the timed ones.
Goal (issue 7): ratio at most 1.2x, memory flat (independent of the row count).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from ssp_tui.api.models.content import SeminarActivity, SeminarFormat
from ssp_tui.operations.export import Column, ColumnKind, export_rows

COLUMNS = [
    Column("Participant", "participant"),
    Column("Policy #", "policy_number"),
    Column("Policyholder", "policyholder"),
    Column("Title", "title"),
    Column("Format", "format"),
    Column("Completed", "completed_on", ColumnKind.DATE),
    Column("Credits", "credits", ColumnKind.DECIMAL),
]


def make_rows(count: int) -> list[SeminarActivity]:
    start = date(2020, 1, 1)
    titles = ["Managing Risk in Telehealth", "Informed Consent Essentials", "Documentation That Defends"]
    return [
        SeminarActivity(
            id=f"act{i:06d}",
            participant=f"Dr. Participant {i % 997}",
            policy_number=f"PL-{100000 + i % 5000}",
            policyholder=f"Clinic Group {i % 311}",
            seminar_id=f"sem{i % 40}",
            title=f"{titles[i % 3]} ({i % 40})",
            format=SeminarFormat.ONLINE if i % 2 else SeminarFormat.LIVE,
            completed_on=start + timedelta(days=i % 2500),
            credits=Decimal("1.5") if i % 3 else Decimal("2.25"),
        )
        for i in range(count)
    ]


def direct_xlsxwriter(rows: list[SeminarActivity], path: Path) -> None:
    """The baseline: the same workbook written straight to xlsxwriter, no escaping, no width fitting."""
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet("Export")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    decimal_format = workbook.add_format({"num_format": "#,##0.00"})
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.header, bold)
    for number, row in enumerate(rows, start=1):
        sheet.write_string(number, 0, row.participant)
        sheet.write_string(number, 1, row.policy_number)
        sheet.write_string(number, 2, row.policyholder)
        sheet.write_string(number, 3, row.title)
        sheet.write_string(number, 4, row.format)
        sheet.write_datetime(number, 5, row.completed_on, date_format)
        sheet.write_number(number, 6, float(row.credits), decimal_format)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(COLUMNS) - 1)
    workbook.close()


def through_export_rows(rows: list[SeminarActivity], path: Path) -> None:
    export_rows(rows, COLUMNS, path, on_progress=lambda _done: None)


def timed(
    writer: Callable[[list[SeminarActivity], Path], None], rows: list[SeminarActivity], folder: Path
) -> float:
    started = time.perf_counter()
    writer(rows, folder / f"{writer.__name__}.xlsx")
    return time.perf_counter() - started


def peak_memory(writer: Callable[[list[SeminarActivity], Path], None], rows, folder: Path) -> int:
    tracemalloc.start()
    writer(rows, folder / f"{writer.__name__}-mem.xlsx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rows = make_rows(args.rows)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        timed(direct_xlsxwriter, rows[:2000], folder)  # warm imports and caches for both
        timed(through_export_rows, rows[:2000], folder)
        baseline, ours = [], []
        for _ in range(args.runs):  # interleaved, so drift in machine load hits both alike
            baseline.append(timed(direct_xlsxwriter, rows, folder))
            ours.append(timed(through_export_rows, rows, folder))
        base_peak = peak_memory(direct_xlsxwriter, rows, folder)
        our_peak = peak_memory(through_export_rows, rows, folder)
        small_peak = peak_memory(through_export_rows, rows[: max(1, args.rows // 10)], folder)
    results = {
        "baseline_s": statistics.median(baseline),
        "export_rows_s": statistics.median(ours),
        "ratio": statistics.median(ours) / statistics.median(baseline),
        "baseline_peak_mb": base_peak / 1e6,
        "export_rows_peak_mb": our_peak / 1e6,
        "export_rows_peak_at_tenth_rows_mb": small_peak / 1e6,
    }
    print(f"Excel export, {args.rows:,} rows, median of {args.runs}")
    print(f"  xlsxwriter constant_memory directly: {results['baseline_s']:.2f} s")
    print(f"  export_rows:                         {results['export_rows_s']:.2f} s")
    print(f"  ratio: {results['ratio']:.2f}x (goal <= 1.2x)")
    print(
        f"  peak traced memory: baseline {results['baseline_peak_mb']:.1f} MB, export_rows "
        f"{results['export_rows_peak_mb']:.1f} MB ({results['export_rows_peak_at_tenth_rows_mb']:.1f} MB "
        f"at a tenth of the rows: flat means about the same)"
    )
    return results


if __name__ == "__main__":
    main()
