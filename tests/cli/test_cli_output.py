"""The CLI's output rules in isolation: TSV that `cut` can trust, rich tables that never read data as markup,
progress only for a person at a terminal."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from click.testing import CliRunner
from rich.console import Console

from ssp_tui.cli.output import Column, Output, cell, when
from ssp_tui.cli.progress import download_progress
from ssp_tui.operations.downloads import BulkProgress, DownloadJob, JobState, Phase

ROWS = [{"name": "tab\there", "note": "line\nbreak", "n": 3}, {"name": "[bold]x[/bold]", "note": "", "n": 10}]
COLUMNS: list[Column[dict[str, object]]] = [
    Column("Name", lambda r: r["name"]),
    Column("Note", lambda r: r["note"]),
    Column("N", lambda r: r["n"], "right"),
]


def test_values_read_naturally() -> None:
    assert when(date(2026, 11, 28)) == "2026-11-28"
    assert when(datetime(2026, 11, 28, 14, 3, 59, tzinfo=UTC)) == "2026-11-28 14:03 UTC"
    assert cell(True) == "yes" and cell(None) == "" and cell(["a", "b"]) == "a, b"
    assert cell(Decimal("1.50")) == "1.5" and cell(Decimal("2")) == "2"


def test_piped_listing_is_tab_separated_with_one_line_per_record() -> None:
    runner = CliRunner()
    with runner.isolation() as (stdout, _stderr, _):
        Output().listing(ROWS, COLUMNS)
        text = stdout.getvalue().decode()
    lines = text.splitlines()
    assert lines[0] == "Name\tNote\tN"
    assert [line.split("\t") for line in lines[1:]] == [
        ["tab here", "line break", "3"],
        ["[bold]x[/bold]", "", "10"],
    ]


def test_terminal_tables_show_data_as_written() -> None:
    buffer = io.StringIO()
    output = Output(stdout=Console(file=buffer, force_terminal=True, width=120, color_system=None))
    output.listing(ROWS, COLUMNS)
    assert "[bold]x[/bold]" in buffer.getvalue()


def progress_report(done: int) -> BulkProgress:
    job = DownloadJob(key="k", api_path="/documents/k/content", relative_path="a.pdf", title="Declarations")
    return BulkProgress(
        phase=Phase.DOWNLOADING, files_total=2, files_done=done, files_failed=0, bytes_done=2048 * done,
        job=job, job_state=JobState.DONE,
    )  # fmt: skip


def test_progress_is_drawn_only_on_a_terminal_and_never_with_quiet() -> None:
    buffer = io.StringIO()
    terminal = Console(file=buffer, force_terminal=True, width=100)
    with download_progress(Output(stderr=terminal), 2) as on_progress:
        assert on_progress is not None
        on_progress(progress_report(1))
        on_progress(progress_report(2))
    assert "Declarations" in buffer.getvalue() or "2/2" in buffer.getvalue()
    with download_progress(Output(stderr=terminal, quiet=True), 2) as quiet_progress:
        assert quiet_progress is None
    piped = Console(file=io.StringIO())
    with download_progress(Output(stderr=piped), 2) as piped_progress:
        assert piped_progress is None
