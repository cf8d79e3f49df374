"""What a download command prints: the saved paths on stdout (or the whole result as JSON), failures and the
summary on stderr, and the exit code: 4 when some items failed (the rest are complete), 1 when nothing was
written, 130/143 when a signal stopped it. ``--dry-run`` prints the plan instead, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssp_tui.cli.exit_codes import CommandFailed, Interrupted, PartialResult
from ssp_tui.cli.interrupts import last_stop
from ssp_tui.cli.output import Column, Format, Output
from ssp_tui.formatting import plural

if TYPE_CHECKING:
    from ssp_tui.operations.downloads import BulkResult, DownloadJob, DownloadPlan

RESULT_FIELDS = (
    "mode", "complete", "fetched", "files", "failed", "missing", "combined_path", "manifest_path",
)  # fmt: skip
"""What ``--json FIELDS`` may name for a download's result."""
PLAN_FIELDS = ("mode", "destination", "files", "failed", "cached", "to_fetch")
"""What ``--json FIELDS`` may name for a ``--dry-run``'s plan."""


def result_json(result: BulkResult) -> dict[str, Any]:
    from ssp_tui.operations.downloads import DownloadMode

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
    """Print the outcome; raises to exit 4 (some failed, the rest are complete), 1 (nothing written), or
    130/143 (stopped by a signal: what was saved is listed, the next run resumes from the cache)."""
    from ssp_tui.operations.downloads import DownloadMode

    for line in result.failure_lines():
        output.warn(f"failed: {line}")
    if output.as_json:
        output.json(result_json(result))
    elif result.mode is DownloadMode.COMBINED:
        if result.combined_path is not None:
            output.line(str(result.combined_path))
    else:
        for saved in result.files:
            output.line(str(saved.path))
    from_cache = len(result.files) - result.fetched
    summary = f"{len(result.files)} of {plural(len(result.files) + len(result.failed), 'file')}"
    summary += f" ({result.fetched} downloaded, {max(from_cache, 0)} from the cache)"
    stop = last_stop()
    if result.cancelled and stop is not None:
        where = f"; manifest: {result.manifest_path}" if result.manifest_path else ""
        raise Interrupted(
            f"Stopped by {stop.name}: saved {summary}{where}. Run the same command again to fetch the rest "
            "(what was saved comes from the cache).",
            stop.exit_code,
        )
    if result.mode is DownloadMode.COMBINED:
        _combined_outcome(output, result, summary)
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
        raise PartialResult(f"{len(result.failed)} failed; they are named above{where}.")
    if result.problems:
        raise PartialResult("Every file was saved, and they are listed above; the manifest is not complete.")


def _combined_outcome(output: Output, result: BulkResult, summary: str) -> None:
    if result.combined_path is None:
        failed_jobs = [failed for failed in result.failed if failed.job.api_path]
        raise CommandFailed(
            f"No PDF was written: {len(failed_jobs)} of the documents failed. "
            "Try again, or add --allow-missing to combine the others and list what is missing."
        )
    output.info(f"Combined {summary} into {result.combined_path}.")
    if result.missing:
        raise PartialResult(
            f"{len(result.missing)} missing from the combined PDF (its first bookmark says so)."
        )
    if result.failed:
        raise PartialResult(f"{len(result.failed)} failed; they are named above.")


@dataclass(frozen=True, slots=True)
class PlannedFile:
    job: DownloadJob
    target: str
    """Where it would be written (separate files), or "combined" for a combined PDF."""
    cached: bool


PLAN_COLUMNS: list[Column[PlannedFile]] = [
    Column("Source", lambda p: "cache" if p.cached else "portal"),
    Column("Title", lambda p: p.job.title),
    Column("File", lambda p: p.target),
]


def report_dry_run(output: Output, plan: DownloadPlan) -> None:
    """What the plan would fetch and write, without fetching or writing anything (the cache is only read)."""
    from ssp_tui.cli.context import cache_dir
    from ssp_tui.operations.downloads import DownloadMode
    from ssp_tui.operations.downloads.cache import ContentCache, normalise_sha256

    cache = ContentCache(cache_dir())
    separate = plan.mode is DownloadMode.SEPARATE
    planned = [
        PlannedFile(
            job,
            str(plan.destination.folder / job.relative_path) if separate else "combined",
            cache.lookup(sha256=normalise_sha256(job.expected_sha256), etag=job.etag, verify=False)
            is not None,
        )
        for job in plan.jobs
    ]
    for reference, message in plan.unresolved:
        output.warn(f"failed: {reference}: {message}")
    target = plan.destination.folder if separate else plan.destination.combined_file
    if output.format is Format.JSON:
        output.json(
            {
                "mode": plan.mode.value,
                "destination": str(target),
                "files": [
                    {"key": p.job.key, "title": p.job.title, "path": p.target if separate else None,
                     "from_cache": p.cached}
                    for p in planned
                ],
                "failed": [{"key": ref, "message": message} for ref, message in plan.unresolved],
                "cached": sum(p.cached for p in planned),
                "to_fetch": sum(not p.cached for p in planned),
            }
        )  # fmt: skip
    else:
        output.table(PLAN_COLUMNS, planned)
    cached = sum(p.cached for p in planned)
    into = f"into {target}" if separate else f"combined into {Path(str(target))}"
    output.info(
        f"Dry run: {plural(len(planned), 'file')} {into} ({len(planned) - cached} to download, {cached} "
        "from the cache); nothing was written."
    )
    if plan.unresolved:
        raise PartialResult(f"{len(plan.unresolved)} could not be found; they are named above.")
