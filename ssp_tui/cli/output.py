"""Everything the CLI prints: data on stdout, messages on stderr, and nothing from outside unsanitised.

Listings follow gh's conventions: an aligned table on a terminal, tab-separated lines (a header line first)
when stdout is piped, or what ``--format table|tsv|csv|json`` asks for; ``--no-header`` drops the header
line. JSON is the contract's own models (``msgspec.json.encode``, money in integer cents), optionally cut to
``--json FIELDS`` and filtered by ``--jq EXPR``. Every string printed passes ``strip_controls`` first.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ssp_tui.cli.cells import Column, cell, dollars, money_column, raw_cell, when
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.formatting import money
from ssp_tui.text_safety import clean_json, clean_value, strip_controls

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "Column",
    "Format",
    "Output",
    "cell",
    "dollars",
    "json_option",
    "money",
    "money_column",
    "raw_cell",
    "when",
]

T = TypeVar("T")
_PIPED_TABLE_WIDTH = 4096
_ECHO_LINES = 2000
"""Lines written per call: click.echo flushes each time, and a listing can have 100,000 lines."""


class Format(StrEnum):
    TABLE = "table"
    TSV = "tsv"
    CSV = "csv"
    JSON = "json"


class Output:
    """One per command run; built inside the command so that it writes to the streams click gave it.

    ``fmt`` None: a table when stdout is a terminal, TSV when not. ``json_fields`` keeps only those fields of
    each JSON record; ``jq`` is a compiled ``jq`` program run over the JSON."""

    def __init__(
        self,
        *,
        fmt: Format | None = None,
        quiet: bool = False,
        json_fields: Sequence[str] | None = None,
        jq: Any = None,
        header: bool = True,
        stdout: Console | None = None,
        stderr: Console | None = None,
    ) -> None:
        self._fmt = fmt
        self.quiet = quiet
        self.json_fields = tuple(json_fields) if json_fields else None
        self.jq = jq
        self.header = header
        self._stdout = stdout
        self._stderr = stderr

    @property
    def format(self) -> Format:
        if self._fmt is not None:
            return self._fmt
        return Format.TABLE if self.stdout_is_terminal else Format.TSV

    @property
    def as_json(self) -> bool:
        return self._fmt is Format.JSON

    @property
    def stdout_is_terminal(self) -> bool:
        if self._stdout is not None:
            return self._stdout.is_terminal
        return _is_terminal(sys.stdout)

    @property
    def stderr_is_terminal(self) -> bool:
        if self._stderr is not None:
            return self._stderr.is_terminal
        return _is_terminal(sys.stderr)

    @property
    def stdout_console(self) -> Console:
        if self._stdout is None:
            from rich.console import Console  # only for a person at a terminal: rich costs start-up time

            # A table asked for in a pipe (--format table) is as wide as its content, not folded to 80.
            width = None if _is_terminal(sys.stdout) else _PIPED_TABLE_WIDTH
            self._stdout = Console(file=sys.stdout, highlight=False, soft_wrap=False, width=width)
        return self._stdout

    @property
    def stderr_console(self) -> Console:
        if self._stderr is None:
            from rich.console import Console

            self._stderr = Console(file=sys.stderr, highlight=False, soft_wrap=True)
        return self._stderr

    @property
    def shows_progress(self) -> bool:
        """Progress bars only for a person watching stderr, and never with --quiet."""
        return self.stderr_is_terminal and not self.quiet

    # -- data, on stdout --

    def json(self, value: Any) -> None:
        """``value`` as JSON (cut to the chosen fields, through the jq program), strings sanitised."""
        import msgspec

        if self.jq is None:
            _echo(self._json_bytes(value).decode())
            return
        data = clean_value(_select(msgspec.to_builtins(value), self.json_fields))
        if self.jq is None:
            _echo(msgspec.json.encode(data).decode())
            return
        try:
            results = self.jq.input_value(data).all()
        except ValueError as exc:
            raise CommandFailed(f"--jq: {strip_controls(str(exc)).strip()}") from None
        lines = [
            strip_controls(result) if isinstance(result, str) else msgspec.json.encode(result).decode()
            for result in results
        ]
        _echo_lines(lines)

    def _json_bytes(self, value: Any) -> bytes:
        import msgspec

        if self.json_fields is None:
            return clean_json(msgspec.json.encode(value))
        return msgspec.json.encode(clean_value(_select(msgspec.to_builtins(value), self.json_fields)))

    # -- a listing written as its pages arrive (listing_stream.py) --

    @property
    def streams(self) -> bool:
        """Whether rows can be written as they come: TSV, CSV and JSON can; a table needs every row's width
        first, and a jq program the whole array."""
        return self.format in (Format.TSV, Format.CSV) or (self.format is Format.JSON and self.jq is None)

    def write_rows(
        self, columns: Sequence[Column[T]], rows: Sequence[T], *, first: bool, title: str | None = None
    ) -> None:
        """Some rows of a TSV or CSV listing (the header line before the first), exactly as ``table`` would
        print them among the others."""
        if self.format is Format.CSV:
            self._csv(columns, rows, header=first and self.header)
            return
        _echo_lines(self._tsv_lines(columns, rows, title=title, header=first and self.header))

    def write_json_rows(self, rows: Sequence[Any], *, first: bool) -> None:
        """Some records of a JSON array: the pieces join into the array ``json`` prints for all of them."""
        body = self._json_bytes(list(rows))[1:-1].decode()
        click.echo(("[" if first else ",") + body, nl=False)

    def close_json(self, written: int) -> None:
        click.echo("]" if written else "[]")

    def line(self, text: str) -> None:
        _echo(strip_controls(text))

    def listing(
        self,
        items: Sequence[T],
        columns: Sequence[Column[T]],
        *,
        title: str | None = None,
        empty: str = "Nothing found.",
    ) -> None:
        """``items`` in the chosen format; ``empty`` goes to stderr when there are none (JSON: ``[]``)."""
        if self.format is Format.JSON:
            self.json(list(items))
            return
        if not items:
            self.info(empty)
            return
        self.table(columns, items, title=title)

    def table(self, columns: Sequence[Column[T]], items: Iterable[T], *, title: str | None = None) -> None:
        fmt = self.format
        if fmt is Format.TABLE:
            self._rich_table(columns, items, title)
            return
        if fmt is Format.CSV:
            self._csv(columns, items, header=self.header)
            return
        _echo_lines(self._tsv_lines(columns, items, title=title, header=self.header))

    @staticmethod
    def _tsv_lines(
        columns: Sequence[Column[T]], items: Iterable[T], *, title: str | None, header: bool
    ) -> list[str]:
        lines = []
        if header:
            if title:
                lines.append(f"# {strip_controls(title)}")
            lines.append("\t".join(raw_cell(column.header) for column in columns))
        rows = items if isinstance(items, Sequence) else list(items)
        lines.extend(map("\t".join, zip(*(column.machine_cells(rows) for column in columns), strict=True)))
        return lines

    @staticmethod
    def _csv(columns: Sequence[Column[T]], items: Iterable[T], *, header: bool) -> None:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if header:
            writer.writerow([raw_cell(column.header) for column in columns])
        rows = items if isinstance(items, Sequence) else list(items)
        writer.writerows(zip(*(column.machine_cells(rows) for column in columns), strict=True))
        click.echo(buffer.getvalue(), nl=False)

    def _rich_table(self, columns: Sequence[Column[T]], items: Iterable[T], title: str | None) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(
            title=_plain(title) if title else None,
            title_justify="left",
            header_style="bold",
            pad_edge=False,
            show_header=self.header,
        )
        for column in columns:
            table.add_column(Text(strip_controls(column.header)), justify=column.justify, overflow="fold")
        for item in items:
            table.add_row(*(_plain(column.shown(item)) for column in columns))
        self.stdout_console.print(table)

    def fields(self, pairs: Sequence[tuple[str, object]], *, title: str | None = None) -> None:
        """A record as ``label: value`` lines (a two-column grid on a terminal)."""
        if not self.stdout_is_terminal:
            lines = [f"# {strip_controls(title)}"] if title else []
            lines.extend(f"{label}: {_one_line(value)}" for label, value in pairs)
            _echo_lines(lines)
            return
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        for label, value in pairs:
            grid.add_row(_plain(label), _plain(cell(value)))
        if title:
            self.stdout_console.print(_plain(title), style="bold underline")
        self.stdout_console.print(grid)

    def blank(self) -> None:
        click.echo("")

    # -- messages, on stderr --

    def info(self, text: str) -> None:
        """A message for the person (a summary, a hint); silent with --quiet."""
        if not self.quiet:
            click.echo(strip_controls(text), err=True)

    def warn(self, text: str) -> None:
        """Something the person must know even with --quiet (a failed file, a session not kept)."""
        click.echo(strip_controls(text), err=True)


def _select(data: Any, fields: tuple[str, ...] | None) -> Any:
    """Only ``fields`` of a record, or of each record of a list (gh's ``--json FIELDS``)."""
    if fields is None:
        return data
    if isinstance(data, list):
        return [_select(item, fields) for item in data]
    if isinstance(data, dict):
        return {name: data.get(name) for name in fields}
    return data


def _one_line(value: object) -> str:
    return cell(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _plain(text: str) -> Any:
    """Text that rich must not read as markup: a title like ``[DRAFT] Policy`` stays as it is."""
    from rich.text import Text

    return Text(strip_controls(text))


def _echo(text: str) -> None:
    click.echo(text)


def _echo_lines(lines: Sequence[str]) -> None:
    for start in range(0, len(lines), _ECHO_LINES):
        click.echo("\n".join(lines[start : start + _ECHO_LINES]))


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the portal's records as JSON (the same as the global --json).",
)
"""The older per-command ``--json`` flag, handed to the command as ``as_json`` (pass it to ``make_output``).
New commands use ``output_options()``, which adds ``--json [FIELDS]``, ``--jq`` and the formats."""
