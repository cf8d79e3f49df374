"""Listings stream: each page is printed before the next is fetched, in exactly the format of a whole listing,
and a repeated body (after a re-login) never prints a row twice."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Sequence

import msgspec
import pytest
from click.testing import CliRunner
from rich.console import Console

from ssp_tui.cli.listing_stream import ListingStream
from ssp_tui.cli.output import Column, Format, Output


class Row(msgspec.Struct):
    name: str
    n: int


COLUMNS: list[Column[Row]] = [Column("Name", lambda r: r.name), Column("N", lambda r: r.n, "right")]
PAGES = [[Row(f"row {p}-{i}", 10 * p + i) for i in range(3)] for p in range(4)]
ALL_ROWS = [row for page in PAGES for row in page]


class Pages:
    """Pages as a portal hands them out; records what had been printed when each page was asked for."""

    def __init__(self, stdout: io.BytesIO, pages: Sequence[list[Row]] = PAGES) -> None:
        self.stdout = stdout
        self.pages = pages
        self.printed_before_page: list[str] = []

    async def __aiter__(self) -> AsyncIterator[list[Row]]:
        for page in self.pages:
            self.printed_before_page.append(self.stdout.getvalue().decode())
            yield page


async def test_piped_rows_of_a_page_are_printed_before_the_next_page_is_fetched() -> None:
    with CliRunner().isolation() as (stdout, _stderr, _):
        stream = ListingStream(Output(), COLUMNS)
        pages = Pages(stdout)
        assert await stream.write(pages) == len(ALL_ROWS)
        stream.finish()
        text = stdout.getvalue().decode()
    assert pages.printed_before_page[0] == ""
    assert pages.printed_before_page[1].splitlines() == ["Name\tN", "row 0-0\t0", "row 0-1\t1", "row 0-2\t2"]
    assert pages.printed_before_page[3].count("\n") == 1 + 9  # header and three pages, before the fourth
    with CliRunner().isolation() as (whole, _stderr, _):
        Output().listing(ALL_ROWS, COLUMNS)  # what the whole listing prints at once
        assert text == whole.getvalue().decode()


async def test_json_streams_one_array_identical_to_the_whole_listing() -> None:
    with CliRunner().isolation() as (stdout, _stderr, _):
        stream = ListingStream(Output(fmt=Format.JSON), COLUMNS)
        pages = Pages(stdout)
        await stream.write(pages)
        stream.finish()
        text = stdout.getvalue().decode()
    assert pages.printed_before_page[1].startswith('[{"name":"row 0-0"')
    assert text == msgspec.json.encode(ALL_ROWS).decode() + "\n"
    assert msgspec.json.decode(text, type=list[Row]) == ALL_ROWS


async def test_a_repeated_body_prints_only_the_rows_not_printed_yet() -> None:
    class Broken(Pages):
        async def __aiter__(self) -> AsyncIterator[list[Row]]:
            yield self.pages[0]
            yield self.pages[1]
            raise ConnectionError("the session ended")

    with CliRunner().isolation() as (stdout, _stderr, _):
        stream = ListingStream(Output(), COLUMNS)
        with pytest.raises(ConnectionError):
            await stream.write(Broken(stdout))
        await stream.write(Pages(stdout))  # run_portal repeats the body after signing in again
        stream.finish()
        lines = stdout.getvalue().decode().splitlines()
    assert lines[0] == "Name\tN"
    assert [line.split("\t")[0] for line in lines[1:]] == [row.name for row in ALL_ROWS]


async def test_an_empty_listing_says_so_on_stderr_and_json_is_an_empty_array() -> None:
    with CliRunner().isolation() as (stdout, stderr, _):
        stream = ListingStream(Output(), COLUMNS, empty="No rows here.")
        await stream.write(Pages(stdout, []))
        stream.finish()
        assert stdout.getvalue() == b"" and stderr.getvalue().decode().strip() == "No rows here."
    with CliRunner().isolation() as (stdout, _stderr, _):
        stream = ListingStream(Output(fmt=Format.JSON), COLUMNS)
        await stream.write(Pages(stdout, [[]]))
        stream.finish()
        assert stdout.getvalue().decode() == "[]\n"


async def test_on_a_terminal_the_table_is_printed_whole_at_the_end() -> None:
    screen = io.StringIO()
    output = Output(stdout=Console(file=screen, force_terminal=True, width=60))
    seen: list[int] = []
    stream = ListingStream(output, COLUMNS, on_rows=lambda rows: seen.append(len(rows)))
    await stream.write(Pages(io.BytesIO()))
    assert screen.getvalue() == ""  # held for the column widths
    stream.finish()
    assert "row 3-2" in screen.getvalue() and "Name" in screen.getvalue()
    assert seen == [3, 3, 3, 3]
