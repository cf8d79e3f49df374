"""Running download jobs through the shared engine (``operations.downloads.BulkDownloader``) and reporting
the result the CLI way: the saved paths on stdout, failures and the summary on stderr, exit 4 when partial."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ssp_tui.api.config import MAX_CONCURRENCY
from ssp_tui.cli.context import CliRun, cache_dir
from ssp_tui.cli.exit_codes import CommandFailed, PartialResult
from ssp_tui.cli.output import Output
from ssp_tui.cli.progress import download_progress
from ssp_tui.operations.download_types import BulkResult, DownloadJob, DownloadMode
from ssp_tui.operations.downloads import BulkDownloader


@dataclass(frozen=True, slots=True)
class Destination:
    mode: DownloadMode
    folder: Path
    combined_path: Path | None = None


def destination(
    combined: Path | None, folder: Path | None, *, combined_flag: str, folder_flag: str
) -> Destination:
    """Exactly one of the two flags; a usage error (exit 2) otherwise."""
    if (combined is None) == (folder is None):
        raise click.UsageError(f"Give exactly one of {combined_flag} FILE.pdf or {folder_flag} DIR.")
    if combined is not None:
        path = combined.expanduser().resolve()
        if path.is_dir():
            raise click.UsageError(f"{combined_flag} wants a file name, and {str(path)!r} is a folder.")
        return Destination(DownloadMode.COMBINED, path.parent, path)
    assert folder is not None
    path = folder.expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise click.UsageError(f"{folder_flag} wants a folder, and {str(path)!r} is a file.")
    return Destination(DownloadMode.SEPARATE, path)


def check_concurrency(concurrency: int | None, default: int) -> int:
    value = default if concurrency is None else concurrency
    if not 1 <= value <= MAX_CONCURRENCY:
        raise click.UsageError(f"--concurrency must be 1 to {MAX_CONCURRENCY}.")
    return value


async def run_jobs(
    run: CliRun, jobs: Sequence[DownloadJob], where: Destination, *, concurrency: int, allow_missing: bool
) -> BulkResult:
    downloader = BulkDownloader(run.client, cache_dir(), concurrency=concurrency)
    with download_progress(run.output, len(jobs)) as on_progress:
        return await downloader.run(
            jobs,
            where.folder,
            where.mode,
            combined_path=where.combined_path,
            on_progress=on_progress,
            allow_missing=allow_missing,
        )


def _result_json(result: BulkResult) -> dict[str, Any]:
    return {
        "mode": result.mode.value,
        "complete": result.complete,
        "fetched": result.fetched,
        "files": [
            {
                "key": saved.job.key,
                "title": saved.job.title,
                "path": str(saved.path) if result.mode is DownloadMode.SEPARATE else None,
                "sha256": saved.sha256,
                "bytes": saved.bytes,
                "from_cache": saved.from_cache,
            }
            for saved in result.files
        ],
        "failed": [
            {"key": failed.job.key, "title": failed.job.title, "message": failed.message}
            for failed in result.failed
        ],
        "missing": [job.key for job in result.missing],
        "combined_path": str(result.combined_path) if result.combined_path else None,
        "manifest_path": str(result.manifest_path) if result.manifest_path else None,
    }


def report(output: Output, result: BulkResult) -> None:
    """Print the outcome; raises to exit 4 (some failed, the rest are complete) or 1 (nothing written)."""
    for line in result.failure_lines():
        output.warn(f"failed: {line}")
    if output.as_json:
        output.json(_result_json(result))
    elif result.mode is DownloadMode.COMBINED:
        if result.combined_path is not None:
            output.line(str(result.combined_path))
    else:
        for saved in result.files:
            output.line(str(saved.path))
    from_cache = len(result.files) - result.fetched
    summary = f"{len(result.files)} of {len(result.files) + len(result.failed)} files"
    summary += f" ({result.fetched} downloaded, {max(from_cache, 0)} from the cache)"
    if result.mode is DownloadMode.COMBINED:
        if result.combined_path is None:
            raise CommandFailed(
                f"No PDF was written: {len(result.failed)} of the documents failed. "
                "Try again, or add --allow-missing to combine the others and list what is missing."
            )
        output.info(f"Combined {summary} into {result.combined_path}.")
        if result.missing:
            raise PartialResult(
                f"{len(result.missing)} missing from the combined PDF (its first bookmark says so)."
            )
        return
    if result.manifest_path is not None:
        output.info(f"Saved {summary}; manifest: {result.manifest_path}")
    if result.cancelled:
        raise CommandFailed("Cancelled; the finished files are complete and the manifest lists the rest.")
    if result.failed:
        if not result.files:
            raise CommandFailed("Every file failed; the manifest lists them.")
        raise PartialResult(f"{len(result.failed)} files failed; they are named above and in the manifest.")
