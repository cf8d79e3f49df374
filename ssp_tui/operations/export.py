"""Export rows to Excel (.xlsx) or CSV: typed cells, real dates, and no formula injection.

XLSX is written by xlsxwriter in constant_memory mode (rows stream to disk; memory stays flat), with a bold
header row, frozen panes, an autofilter and column widths fitted to the data. Text is written as string cells
exactly as it is: xlsxwriter's string-to-formula, -URL and -number conversions are off, so no cell becomes a
formula or a hyperlink, and ``=1+1`` stays the text ``=1+1`` (no apostrophe added to the data). A CSV file
has no cell types, so there any text cell that starts with ``= + - @``, tab or CR gets a leading apostrophe
(``neutralise_formula``, the rule the CLI's TSV and CSV listings use too).
The file is written under a temporary name in the same folder and renamed when complete.
"""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError, XlsxWriterException

from ssp_tui.errors import SspError, next_step_for_os_error, os_reason
from ssp_tui.formatting import decimal_text, neutralise_formula

XLSX_MAX_DATA_ROWS = 1_048_575
"""Excel's sheet holds 1,048,576 rows, one of them the header."""
MAX_COLUMN_WIDTH = 60
DEFAULT_PROGRESS_EVERY = 1000
_NO_ROWS = object()
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class ColumnKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    INT = "int"
    DECIMAL = "decimal"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    value: str | Callable[[Any], Any]
    """An attribute name (or mapping key, for dict rows), or a function of the row."""
    kind: ColumnKind = ColumnKind.TEXT


ColumnSpec = Column | tuple[str, str | Callable[[Any], Any]] | tuple[str, str | Callable[[Any], Any], str]
ProgressCallback = Callable[[int], None]


class ExportError(SspError):
    """The export could not be written; the message is fit to show. No file is left behind."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    rows: int
    format: ExportFormat


escape_text = neutralise_formula
"""The CSV rule, under the name the tests and older callers use."""


def _column(spec: ColumnSpec) -> Column:
    if isinstance(spec, Column):
        return spec
    if len(spec) == 2:
        return Column(spec[0], spec[1])
    return Column(spec[0], spec[1], ColumnKind(spec[2]))


def _getter(value: str | Callable[[Any], Any], mapping_rows: bool) -> Callable[[Any], Any]:
    if callable(value):
        return value
    return itemgetter(value) if mapping_rows else attrgetter(value)


def _as_date(value: Any, header: str, row_number: int) -> date:
    if isinstance(value, date):
        return value  # datetime is a date too
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    raise ExportError(f"Row {row_number}, column {header!r}: {value!r} is not a date.")


def _cell_text(value: Any) -> str:
    return escape_text(value if isinstance(value, str) else str(value))


_CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def _temp_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def _create_private(temp: Path) -> None:
    """Create ``temp`` empty, new (never through a link) and 0600: an export is a private record like any
    download, readable by the user only from its first byte. The writers reopen it, which keeps the mode."""
    os.close(os.open(temp, _CREATE_NEW, 0o600))


def export_rows(
    rows: Iterable[Any],
    columns: Sequence[ColumnSpec],
    path: Path,
    fmt: ExportFormat | str | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    progress_every: int = DEFAULT_PROGRESS_EVERY,
    sheet_name: str = "Export",
) -> ExportResult:
    """Write ``rows`` to ``path`` as XLSX or CSV (``fmt``, else from the suffix); replaces ``path`` when done.

    ``on_progress(rows_written)`` is called every ``progress_every`` rows and once at the end. Raises
    ExportError (with nothing left on disk) for a bad value, too many rows, or a file that cannot be written.
    """
    path = Path(path)
    chosen = ExportFormat(fmt) if fmt is not None else _format_from_suffix(path)
    specs = [_column(spec) for spec in columns]
    if not specs:
        raise ExportError("Nothing to export: no columns.")
    iterator = iter(rows)
    first = next(iterator, _NO_ROWS)
    mapping_rows = isinstance(first, Mapping)
    getters = [_getter(spec.value, mapping_rows) for spec in specs]
    all_rows: Iterator[Any] = chain((first,), iterator) if first is not _NO_ROWS else iter(())
    temp = _temp_beside(path)
    writer = _write_xlsx if chosen is ExportFormat.XLSX else _write_csv
    try:
        _create_private(temp)
        count = writer(all_rows, specs, getters, temp, on_progress, max(1, progress_every), sheet_name)
        os.replace(temp, path)
    except OSError as exc:
        raise ExportError(
            f"Could not write {path.name}: {os_reason(exc)}.", next_step=next_step_for_os_error(exc)
        ) from None
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
        reason = cause.strerror if cause is not None and cause.strerror else "the file could not be created"
        step = next_step_for_os_error(cause) if cause is not None else "Choose another folder and try again."
        raise ExportError(f"Could not write {path.name}: {reason}.", next_step=step) from None
    except XlsxWriterException as exc:
        raise ExportError(f"Could not write {path.name}: {str(exc).rstrip('.')}.") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    if on_progress is not None:
        on_progress(count)
    return ExportResult(path, count, chosen)


def _format_from_suffix(path: Path) -> ExportFormat:
    suffix = path.suffix.lower().lstrip(".")
    try:
        return ExportFormat(suffix)
    except ValueError:
        raise ExportError(f"Choose a file ending in .xlsx or .csv (not {path.name!r}).") from None


def _write_xlsx(
    rows: Iterator[Any],
    specs: list[Column],
    getters: list[Callable[[Any], Any]],
    temp: Path,
    on_progress: ProgressCallback | None,
    every: int,
    sheet_name: str,
) -> int:
    workbook = xlsxwriter.Workbook(str(temp), _WORKBOOK_OPTIONS)
    try:
        sheet = workbook.add_worksheet(sheet_name[:31])
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        decimal_format = workbook.add_format({"num_format": "#,##0.00"})
        widths = [len(spec.header) for spec in specs]
        for col, spec in enumerate(specs):
            sheet.write_string(0, col, spec.header, bold)
        # One writer per column, chosen once, so the per-cell cost is one call and one branch.
        write_string, write_number, write_datetime = (
            sheet.write_string,
            sheet.write_number,
            sheet.write_datetime,
        )
        cells: list[tuple[int, Callable[[Any], Any], ColumnKind, str]] = [
            (col, getter, spec.kind, spec.header)
            for col, (getter, spec) in enumerate(zip(getters, specs, strict=True))
        ]
        row_number = 0
        for row in rows:
            row_number += 1
            if row_number > XLSX_MAX_DATA_ROWS:
                raise ExportError(
                    f"Too many rows for one Excel sheet (more than {XLSX_MAX_DATA_ROWS:,}); use CSV."
                )
            for col, getter, kind, header in cells:
                value = getter(row)
                if value is None:
                    continue
                if kind is ColumnKind.TEXT:
                    text = value if type(value) is str else str(value)
                    if len(text) > widths[col]:
                        widths[col] = len(text)
                    write_string(row_number, col, text)
                elif kind is ColumnKind.DATE:
                    when = _as_date(value, header, row_number)
                    has_time = type(when) is datetime
                    write_datetime(row_number, col, when, datetime_format if has_time else date_format)
                    needed = 16 if has_time else 10
                    if widths[col] < needed:
                        widths[col] = needed
                else:
                    number = _number(value, kind, header, row_number)
                    write_number(
                        row_number, col, number, decimal_format if kind is ColumnKind.DECIMAL else None
                    )
                    shown = len(str(value))
                    if shown > widths[col]:
                        widths[col] = shown
            if on_progress is not None and row_number % every == 0:
                on_progress(row_number)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(MAX_COLUMN_WIDTH, width + 2))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(row_number, 1), len(specs) - 1)
    except BaseException:
        with contextlib.suppress(Exception):
            workbook.close()  # releases its temporary files; the half-written workbook is then removed
        raise
    workbook.close()
    return row_number


def _number(value: Any, kind: ColumnKind, header: str, row_number: int) -> float | int:
    try:
        return int(value) if kind is ColumnKind.INT else float(value)
    except (TypeError, ValueError):
        raise ExportError(f"Row {row_number}, column {header!r}: {value!r} is not a number.") from None


def _csv_converter(kind: ColumnKind, header: str) -> Callable[[Any, int], str]:
    if kind is ColumnKind.TEXT:
        return lambda value, _row: "" if value is None else _cell_text(value)
    if kind is ColumnKind.DATE:
        return lambda value, row: "" if value is None else _as_date(value, header, row).isoformat()

    def number_text(value: Any, row: int) -> str:
        if value is None:
            return ""
        number = _number(value, kind, header, row)  # validates
        # A credit of 2 is "2", not "2.0": the digits the value means, from a float or a Decimal alike.
        return str(number) if kind is ColumnKind.INT else decimal_text(value)

    return number_text


def _write_csv(
    rows: Iterator[Any],
    specs: list[Column],
    getters: list[Callable[[Any], Any]],
    temp: Path,
    on_progress: ProgressCallback | None,
    every: int,
    sheet_name: str,
) -> int:
    del sheet_name  # a CSV file has no sheets
    converters = [
        (getter, _csv_converter(spec.kind, spec.header)) for getter, spec in zip(getters, specs, strict=True)
    ]
    row_number = 0
    # utf-8-sig: Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
    with temp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([escape_text(spec.header) for spec in specs])
        for row in rows:
            row_number += 1
            writer.writerow([convert(getter(row), row_number) for getter, convert in converters])
            if on_progress is not None and row_number % every == 0:
                on_progress(row_number)
        handle.flush()
        os.fsync(handle.fileno())
    return row_number
