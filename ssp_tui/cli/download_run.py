"""Downloads from the CLI: the options they share, checked before any network work, and running a
``DownloadPlan`` through the shared engine (``operations.downloads.DownloadEngine``).

Every download command takes ``--concurrency``, ``--allow-missing`` (with a combined PDF), ``--overwrite`` or
``--skip`` (a combined PDF that already exists), and ``--dry-run`` (say what would be fetched, write
nothing). Reporting is in ``download_report``.
"""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.errors import next_step_for_os_error
from ssp_tui.settings.config import MAX_CONCURRENCY

if TYPE_CHECKING:
    from ssp_tui.cli.context import CliRun
    from ssp_tui.operations.downloads import BulkResult, Destination, DownloadPlan
    from ssp_tui.settings.config import Profile

F = TypeVar("F", bound=Callable[..., Any])
DOCUMENT_FIELDS = ("policy", "term", "date", "type", "title", "id")
"""The filename template fields a policy or library document fills (certificates fill every field)."""


@dataclass(frozen=True, slots=True)
class DownloadOptions:
    concurrency: int | None
    allow_missing: bool
    overwrite: bool
    skip: bool
    dry_run: bool


def download_options(*, combined_flag: str) -> Callable[[F], F]:
    """Adds the shared download options, handed to the command as one ``options: DownloadOptions``."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def with_options(
            *args: Any,
            concurrency: int | None,
            allow_missing: bool,
            overwrite: bool,
            skip: bool,
            dry_run: bool,
            **kwargs: Any,
        ) -> Any:
            options = DownloadOptions(concurrency, allow_missing, overwrite, skip, dry_run)
            return command(*args, options=options, **kwargs)

        decorators = [
            click.option(
                "--concurrency",
                type=click.IntRange(1, MAX_CONCURRENCY),
                help=f"Parallel downloads, 1 to {MAX_CONCURRENCY} (default: the profile's, 6).",
            ),
            click.option(
                "--allow-missing",
                is_flag=True,
                help=f"With {combined_flag}: write the PDF even if some files fail (its first bookmark "
                "lists them).",
            ),
            click.option(
                "--overwrite", is_flag=True, help=f"With {combined_flag}: replace a file already there."
            ),
            click.option(
                "--skip", is_flag=True, help=f"With {combined_flag}: do nothing if the file exists."
            ),
            click.option(
                "--dry-run", is_flag=True, help="Say what would be fetched and where; write nothing."
            ),
        ]
        wrapped: Any = with_options
        for option in reversed(decorators):
            wrapped = option(wrapped)
        return wrapped  # type: ignore[no-any-return]

    return decorate


def destination(
    combined: Path | None,
    folder: Path | None,
    options: DownloadOptions,
    *,
    combined_flag: str,
    folder_flag: str,
) -> Destination | None:
    """Exactly one of the two flags, and everything about the target checked now, before any request: a
    usage error (exit 2), or a folder that cannot be written (exit 1). None: the combined file exists and
    ``--skip`` says to leave it (the command then does nothing)."""
    # Here, not at the top: the listings that share a module with a download command (`docs list`) start
    # without the download engine (pikepdf and all: some 30 ms of CPU a command).
    from ssp_tui.operations.downloads import Destination

    if (combined is None) == (folder is None):
        raise click.UsageError(f"Give exactly one of {combined_flag} FILE.pdf or {folder_flag} DIR.")
    if options.overwrite and options.skip:
        raise click.UsageError("Give --overwrite or --skip, not both.")
    if combined is None:
        for flag, given in (("--overwrite", options.overwrite), ("--skip", options.skip),
                            ("--allow-missing", options.allow_missing)):  # fmt: skip
            if given:
                raise click.UsageError(f"{flag} goes with {combined_flag}, not {folder_flag}.")
        assert folder is not None
        where = Destination.separate(folder)
        if where.folder.exists() and not where.folder.is_dir():
            raise click.UsageError(f"{folder_flag} wants a folder, and {str(where.folder)!r} is a file.")
        check_writable(where.folder)
        return where
    # Not resolved: a symlink planted at FILE.pdf (even a dangling one) is never written through.
    where = Destination.combined(combined, replace_existing=options.overwrite)
    final = where.combined_file
    assert final is not None
    if final.is_dir():
        raise click.UsageError(f"{combined_flag} wants a file name, and {str(final)!r} is a folder.")
    if os.path.lexists(final):
        if options.skip:
            return None
        if not options.overwrite:
            raise click.UsageError(
                f"{final} already exists: add --overwrite to replace it, or --skip to leave it as it is."
            )
    check_writable(where.folder)
    return where


def check_writable(folder: Path) -> None:
    """The folder exists and can be written, or can be made: its nearest existing parent is a writable
    folder. The engine checks again (and creates it) when the download starts."""
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise CommandFailed(
            f"Cannot create the download folder {folder}: {probe} is not a folder.",
            next_step=next_step_for_os_error(NotADirectoryError(errno.ENOTDIR, "Not a folder")),
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        doing = "save into" if probe == folder else "create"
        raise CommandFailed(
            f"Cannot {doing} the download folder {folder}: Permission denied.",
            next_step=next_step_for_os_error(PermissionError(errno.EACCES, "Permission denied")),
        )


def template_check(fields: Iterable[str]) -> Callable[[Profile], None]:
    """A ``run_portal`` profile check: the profile's filename template can name these files."""

    def check(profile: Profile) -> None:
        from ssp_tui.operations.safe_names import TemplateError, render_template

        sample: Mapping[str, object] = {name: "x" for name in fields}
        try:
            render_template(profile.filename_template, sample)
        except TemplateError as exc:
            raise CommandFailed(f"The profile's filename template cannot be used: {exc}") from None

    return check


async def run_plan(run: CliRun, plan: DownloadPlan) -> BulkResult:
    """Run ``plan``; an ended session propagates to ``run_portal``'s retry, which runs the body again (the
    files already saved then come from the cache). Ctrl+C or SIGTERM stop the run through the engine's cancel
    event: the manifest lists what was saved, every verified file stays, nothing partial is left."""
    from ssp_tui.cli.context import cache_dir
    from ssp_tui.cli.progress import download_progress
    from ssp_tui.operations.downloads import DestinationUnusable, DownloadEngine

    if run.download_engine is None:
        run.download_engine = DownloadEngine(run.client, cache_dir())
    run.stop.downloading = True
    try:
        with download_progress(run.output, len(plan.jobs)) as on_progress:
            try:
                return await run.download_engine.run(plan, on_progress=on_progress, cancel=run.stop.event)
            except DestinationUnusable as exc:
                raise CommandFailed.of(exc) from None
    finally:
        run.stop.downloading = False


def check_concurrency(concurrency: int | None, default: int) -> int:
    """``concurrency``, or ``default`` when not given; a usage error (exit 2) outside 1 to MAX_CONCURRENCY."""
    value = default if concurrency is None else concurrency
    if not 1 <= value <= MAX_CONCURRENCY:
        raise click.UsageError(f"--concurrency must be 1 to {MAX_CONCURRENCY}.")
    return value


def concurrency_for(run: CliRun, options: DownloadOptions) -> int:
    return options.concurrency if options.concurrency is not None else run.profile.concurrency
