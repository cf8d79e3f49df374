"""rich progress bars on stderr for the download engine, only for a person watching a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.filesize import decimal
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from ssp_tui.cli.output import Output
from ssp_tui.operations.downloads import BulkProgress, Phase, ProgressCallback


@contextmanager
def download_progress(output: Output, total_files: int) -> Iterator[ProgressCallback | None]:
    """A callback for ``DownloadEngine.run`` drawing one overall bar, or None when nobody is watching
    (stderr piped, or --quiet): then nothing but the results is printed."""
    if not output.shows_progress:
        yield None
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[size]}"),
        TimeElapsedColumn(),
        console=output.stderr_console,
        transient=True,
    )
    task = progress.add_task("Downloading", total=total_files, size="")

    def on_progress(report: BulkProgress) -> None:
        if report.phase is Phase.COMBINING:
            description = "Combining"
        elif report.job is not None:
            description = f"Downloading {report.job.title[:40]}"
        else:
            description = "Downloading"
        # The bar counts files, finished or failed; the size column shows the bytes so far.
        progress.update(
            task,
            description=description,
            completed=report.files_done + report.files_failed,
            size=decimal(report.bytes_done),
        )

    with progress:
        yield on_progress
