"""Everything the CLI prints: data on stdout, messages on stderr.

Listings are a rich table on a terminal and tab-separated lines (a header line first) when stdout is piped;
``--json`` prints the contract's own models with ``msgspec.json.encode``, so ``msgspec.json.decode(out,
type=list[Model])`` reads them back. Money is integer cents in JSON and ``$1,240.00`` in tables.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

import click
import msgspec
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ssp_tui.formatting import money as money  # re-exported: the CLI commands import it from here

T = TypeVar("T")


def when(value: date | datetime | None) -> str:
    """ISO dates; datetimes to the minute, in the timezone the portal gave."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ", timespec="minutes")
        return text.replace("+00:00", " UTC")
    return value.isoformat()


def cell(value: object) -> str:
    """A value as table text: money must be formatted by the caller; everything else reads naturally."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):  # datetime is a date too
        return when(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(item) for item in value)
    return str(value)


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    header: str
    value: Callable[[T], object]
    justify: Literal["left", "right"] = "left"


def _tsv_field(text: str) -> str:
    # A tab or newline inside a value would shift every later column for `cut` and friends.
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


class Output:
    """One per command run; built inside the command so that it writes to the streams click gave it."""

    def __init__(
        self,
        *,
        as_json: bool = False,
        quiet: bool = False,
        stdout: Console | None = None,
        stderr: Console | None = None,
    ) -> None:
        self.as_json = as_json
        self.quiet = quiet
        self._stdout = stdout or Console(file=sys.stdout, highlight=False, soft_wrap=False)
        self._stderr = stderr or Console(file=sys.stderr, highlight=False, soft_wrap=True)

    @property
    def stdout_is_terminal(self) -> bool:
        return self._stdout.is_terminal

    @property
    def stderr_is_terminal(self) -> bool:
        return self._stderr.is_terminal

    @property
    def stderr_console(self) -> Console:
        return self._stderr

    @property
    def shows_progress(self) -> bool:
        """Progress bars only for a person watching stderr, and never with --quiet."""
        return self.stderr_is_terminal and not self.quiet

    # -- data, on stdout --

    def json(self, value: Any) -> None:
        click.echo(msgspec.json.encode(value).decode())

    def line(self, text: str) -> None:
        click.echo(text)

    def listing(
        self,
        items: Sequence[T],
        columns: Sequence[Column[T]],
        *,
        title: str | None = None,
        empty: str = "Nothing found.",
    ) -> None:
        """``items`` as JSON, as a table, or as tab-separated lines; ``empty`` goes to stderr when none."""
        if self.as_json:
            self.json(list(items))
            return
        if not items:
            self.info(empty)
            return
        self.table(columns, items, title=title)

    def table(self, columns: Sequence[Column[T]], items: Iterable[T], *, title: str | None = None) -> None:
        rows = [[cell(column.value(item)) for column in columns] for item in items]
        if not self.stdout_is_terminal:
            if title:
                click.echo(f"# {title}")
            click.echo("\t".join(column.header for column in columns))
            for row in rows:
                click.echo("\t".join(_tsv_field(text) for text in row))
            return
        table = Table(title=title, title_justify="left", header_style="bold", pad_edge=False)
        for column in columns:
            table.add_column(column.header, justify=column.justify, overflow="fold")
        for row in rows:
            table.add_row(*(_plain(text) for text in row))
        self._stdout.print(table)

    def fields(self, pairs: Sequence[tuple[str, object]], *, title: str | None = None) -> None:
        """A record as ``label: value`` lines (a two-column grid on a terminal)."""
        if not self.stdout_is_terminal:
            if title:
                click.echo(f"# {title}")
            for label, value in pairs:
                click.echo(f"{label}: {_tsv_field(cell(value))}")
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        for label, value in pairs:
            grid.add_row(_plain(label), _plain(cell(value)))
        if title:
            self._stdout.print(_plain(title), style="bold underline")
        self._stdout.print(grid)

    def blank(self) -> None:
        click.echo("")

    # -- messages, on stderr --

    def info(self, text: str) -> None:
        """A message for the person (a summary, a hint); silent with --quiet."""
        if not self.quiet:
            click.echo(text, err=True)

    def warn(self, text: str) -> None:
        """Something the person must know even with --quiet (a failed file, a session not kept)."""
        click.echo(text, err=True)


def _plain(text: str) -> Text:
    """Text that rich must not read as markup: a title like ``[DRAFT] Policy`` stays as it is."""
    return Text(text)


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the portal's records as JSON (the same as the global --json).",
)
"""Every listing takes ``--json`` after the command too: ``ssp-tui policies list --json``."""
