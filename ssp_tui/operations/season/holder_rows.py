"""Certificate-holder requests read from a spreadsheet: one row per insured x holder, every row checked
before anything is sent.

A coordinator keeps the list in Excel or exports it from the agency system, so the reader takes ``.csv``
(UTF-8, with or without a BOM) and ``.xlsx`` with a header row in any column order; header names are matched
loosely ("Holder name", "holder_name", "HOLDER NAME"). Each good row gets an Idempotency-Key derived from its
content: a rerun of the same file after an interruption sends the same keys, so the portal creates nothing
twice; a changed row is a new request.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ssp_tui.api.models.credentialing import USPS_STATE_CODES
from ssp_tui.errors import SspError

MAX_ROWS = 5000
"""A coordinator's list is tens to hundreds of rows; a file beyond this is probably the wrong file."""
MAX_FIELD = 200
KEY_PREFIX = "ssp-bulk-"

# Header spellings accepted for each field (after lowercasing and squeezing spaces, dashes and underscores).
_HEADERS: dict[str, tuple[str, ...]] = {
    "policy": ("policy", "policynumber", "policyno", "policy#"),
    "insured": ("insured", "insuredname", "insuredid", "physician", "provider"),
    "holder_name": ("holder", "holdername", "certificateholder", "holdername1"),
    "address": ("address", "holderaddress", "street", "address1"),
    "city": ("city", "holdercity"),
    "state": ("state", "holderstate", "st"),
    "zip": ("zip", "zipcode", "postalcode", "holderzip"),
    "contact_name": ("contact", "contactname", "attention", "attn"),
    "contact_email": ("contactemail", "email", "holderemail"),
}
REQUIRED = ("policy", "insured", "holder_name", "address", "city", "state", "zip")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ZIP = re.compile(r"^[0-9]{5}(-?[0-9]{4})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class HolderFileError(SspError):
    """The file as a whole cannot be read (missing, not CSV/xlsx, no usable header); nothing was sent."""


@dataclass(frozen=True, slots=True)
class HolderRow:
    """One valid row, ready to resolve and send."""

    line: int
    """The row's number as the spreadsheet shows it (the header is row 1)."""
    policy: str
    insured: str
    holder_name: str
    address: str
    city: str
    state: str
    zip: str
    contact_name: str = ""
    contact_email: str = ""

    @property
    def idempotency_key(self) -> str:
        """The same row content always gives the same key (case and spacing of names do not matter)."""
        parts = [
            self.policy,
            self.insured,
            self.holder_name,
            self.address,
            self.city,
            self.state,
            self.zip,
            self.contact_name,
            self.contact_email,
        ]
        canonical = "\x1f".join(" ".join(p.split()).casefold() for p in parts)
        return KEY_PREFIX + hashlib.sha256(canonical.encode()).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class HolderFile:
    rows: tuple[HolderRow, ...]
    rejected: tuple[RejectedRow, ...]

    @property
    def all_valid(self) -> bool:
        return not self.rejected


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().casefold())


def _columns(header: list[str]) -> dict[str, int]:
    lookup = {alias: field for field, aliases in _HEADERS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        field = lookup.get(_header_key(name))
        if field and field not in found:
            found[field] = index
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        wanted = ", ".join(m.replace("_", " ") for m in missing)
        raise HolderFileError(
            f"The header row has no column for: {wanted}. Columns needed: policy, insured, holder name, "
            "address, city, state, zip (contact and contact email are optional)."
        )
    return found


def _problems(values: dict[str, str]) -> list[str]:
    problems = [f"{f.replace('_', ' ')} is empty" for f in REQUIRED if not values[f]]
    for field, text in values.items():
        if _CONTROL.search(text):
            problems.append(f"{field.replace('_', ' ')} contains control characters")
        elif len(text) > MAX_FIELD:
            problems.append(f"{field.replace('_', ' ')} is longer than {MAX_FIELD} characters")
    if values["state"] and values["state"] not in USPS_STATE_CODES:
        problems.append(f"state {values['state']!r} is not a two-letter USPS code")
    if values["zip"] and not _ZIP.match(values["zip"]):
        problems.append(f"zip {values['zip']!r} is not five digits or ZIP+4")
    if values["contact_email"] and not _EMAIL.match(values["contact_email"]):
        problems.append(f"contact email {values['contact_email']!r} is not an email address")
    return problems


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a ZIP typed into Excel comes back as 95819.0
    return str(value).strip()


def _at(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def parse_rows(table: Iterable[list[object]]) -> HolderFile:
    """Check every row of a table whose first row is the header."""
    rows_iter: Iterator[list[object]] = iter(table)
    header = next(rows_iter, None)
    if header is None:
        raise HolderFileError("The file is empty: it needs a header row and one row per insured x holder.")
    columns = _columns([_cell(h) for h in header])
    good: list[HolderRow] = []
    rejected: list[RejectedRow] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(rows_iter, start=2):
        cells = [_cell(c) for c in raw]
        if not any(cells):
            continue
        if len(good) + len(rejected) >= MAX_ROWS:
            raise HolderFileError(f"The file has more than {MAX_ROWS} rows; split it into smaller files.")
        values = {f: _at(cells, columns.get(f)) for f in _HEADERS}
        values["state"] = values["state"].upper()
        if problems := _problems(values):
            rejected.append(RejectedRow(line, "; ".join(problems)))
            continue
        row = HolderRow(line=line, **values)
        if (first := seen.get(row.idempotency_key)) is not None:
            rejected.append(RejectedRow(line, f"the same request as row {first}"))
            continue
        seen[row.idempotency_key] = line
        good.append(row)
    if not good and not rejected:
        raise HolderFileError("The file has a header row but no requests.")
    return HolderFile(tuple(good), tuple(rejected))


def read_holder_file(path: Path) -> HolderFile:
    """Read and check ``path`` (.csv or .xlsx); HolderFileError when the file as a whole is unusable."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                return parse_rows(csv.reader(handle))
        if suffix == ".xlsx":
            return parse_rows(_xlsx_rows(path))
    except FileNotFoundError:
        raise HolderFileError(f"No file at {path}: check the path.") from None
    except UnicodeDecodeError:
        raise HolderFileError(
            f"{path} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8."
        ) from None
    except (OSError, csv.Error) as exc:
        raise HolderFileError(f"Could not read {path}: {getattr(exc, 'strerror', None) or exc}.") from None
    raise HolderFileError(f"{path.name}: use a .csv or .xlsx file.")


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    from zipfile import BadZipFile

    import openpyxl  # imported here: only this command reads workbooks

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError) as exc:
        raise HolderFileError(f"{path} is not an Excel workbook ({exc}).") from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        book.close()
