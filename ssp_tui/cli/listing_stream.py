"""Listings printed as their pages arrive: the first row is out before the last page is fetched.

A large book's listing is hundreds of pages (200,000 seminar completions). In TSV, CSV and JSON (``--json``,
``--json FIELDS``) every page is written as soon as it is decoded and then dropped, so memory stays flat and a
script downstream starts at once; the output is byte for byte what ``Output.listing`` prints for all rows. An
aligned table needs every row's width first and a ``--jq`` program the whole array, so there the rows are
held and printed at the end, exactly as ``Output.listing`` prints them.

If the session ends mid-listing and ``run_portal`` repeats the command's body after signing in again, the
rows already printed are not printed twice: the stream skips as many rows as it has written.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Sequence
from typing import Generic, TypeVar

from ssp_tui.api.pagination import Paginator
from ssp_tui.cli.output import Column, Format, Output

T = TypeVar("T")


class ListingStream(Generic[T]):
    """One per command: ``await stream.write(paginator)`` inside the body, ``stream.finish()`` after."""

    def __init__(
        self,
        output: Output,
        columns: Sequence[Column[T]],
        *,
        title: str | None = None,
        empty: str = "Nothing found.",
        on_rows: Callable[[Sequence[T]], None] | None = None,
    ) -> None:
        self.output = output
        self.columns = columns
        self.title = title
        self.empty = empty
        self.on_rows = on_rows
        """Sees every row once, as it is written (e.g. to total a column for a closing line)."""
        self.written = 0
        self._held: list[T] = []
        self._streaming = output.streams

    async def write(self, rows: Paginator[T] | AsyncIterable[Sequence[T]]) -> int:
        """Print every page of ``rows`` as it arrives (skipping rows a previous attempt printed); returns
        how many rows were written in all."""
        pages = (page.items async for page in rows.pages()) if isinstance(rows, Paginator) else rows
        seen = 0
        async for items in pages:
            fresh = items[max(0, self.written - seen) :]
            seen += len(items)
            if fresh:
                self._emit(fresh)
        return self.written

    def _emit(self, rows: Sequence[T]) -> None:
        first = self.written == 0
        self.written += len(rows)
        if self.on_rows is not None:
            self.on_rows(rows)
        if not self._streaming:
            self._held.extend(rows)
        elif self.output.format is Format.JSON:
            self.output.write_json_rows(rows, first=first)
        else:
            self.output.write_rows(self.columns, rows, first=first, title=self.title)

    def finish(self) -> None:
        """Close the listing: the JSON array's end, the held rows, or the ``empty`` message."""
        if not self._streaming:
            self.output.listing(self._held, self.columns, title=self.title, empty=self.empty)
            self._held = []
        elif self.output.format is Format.JSON:
            self.output.close_json(self.written)
        elif not self.written:
            self.output.info(self.empty)
