"""Running a ``DownloadPlan`` through the shared engine (``operations.downloads.DownloadEngine``) and
reporting the result the CLI way: the saved paths on stdout, failures and the summary on stderr, exit 4
when partial."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click

from ssp_tui.cli.context import CliRun, cache_dir
from ssp_tui.cli.exit_codes import CommandFailed, PartialResult
from ssp_tui.cli.output import Output
from ssp_tui.cli.progress import download_progress
from ssp_tui.operations.downloads import (
    BulkResult,
    Destination,
    DestinationUnusable,
    DownloadEngine,
    DownloadMode,
    DownloadPlan,
)
from ssp_tui.settings.config import MAX_CONCURRENCY


def destination(
    combined: Path | None, folder: Path | None, *, combined_flag: str, folder_flag: str
) -> Destination:
    """Exactly one of the two flags; a usage error (exit 2) otherwise."""
    if (combined is None) == (folder is None):
        raise click.UsageError(f"Give exactly one of {combined_flag} FILE.pdf or {folder_flag} DIR.")
    if combined is not None:
        # Not resolved: a symlink planted at FILE.pdf (even a dangling one) is never written through.
        where = Destination.combined(combined)
        if where.combined_file is not None and where.combined_file.is_dir():
            raise click.UsageError(
                f"{combined_flag} wants a file name, and {str(where.combined_file)!r} is a folder."
            )
        return where
    assert folder is not None
    where = Destination.separate(folder)
    if where.folder.exists() and not where.folder.is_dir():
        raise click.UsageError(f"{folder_flag} wants a folder, and {str(where.folder)!r} is a file.")
    return where


def check_concurrency(concurrency: int | None, default: int) -> int:
    value = default if concurrency is None else concurrency
    if not 1 <= value <= MAX_CONCURRENCY:
        raise click.UsageError(f"--concurrency must be 1 to {MAX_CONCURRENCY}.")
    return value


async def run_plan(run: CliRun, plan: DownloadPlan, cancel: asyncio.Event | None = None) -> BulkResult:
    """Run ``plan``; an ended session propagates to ``run_portal``'s retry, which runs the body again (the
    files already saved then come from the cache). ``cancel`` set (e.g. by a signal handler) stops the run:
    the manifest lists what was saved, every verified file stays, nothing partial is left."""
    if run.download_engine is None:
        run.download_engine = DownloadEngine(run.client, cache_dir())
    with download_progress(run.output, len(plan.jobs)) as on_progress:
        try:
            return await run.download_engine.run(plan, on_progress=on_progress, cancel=cancel)
        except DestinationUnusable as exc:
            raise CommandFailed(exc.user_message) from None


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
    else:
        output.info(f"Saved {summary}.")
    for problem in result.problems:
        output.warn(problem)
    if result.cancelled:
        raise CommandFailed("Cancelled; the finished files are complete and the manifest lists the rest.")
    if result.failed:
        if not result.files:
            raise CommandFailed("Every file failed; the manifest lists them.")
        where = " and in the manifest" if result.manifest_path is not None else ""
        raise PartialResult(f"{len(result.failed)} files failed; they are named above{where}.")
    if result.problems:
        raise PartialResult("Every file was saved, and they are listed above; the manifest is not complete.")
