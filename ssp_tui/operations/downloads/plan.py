"""What to download and where: ``DownloadJob`` (one PDF), ``Destination`` (a folder, or one combined PDF) and
``DownloadPlan`` (jobs, destination, concurrency, the missing-file policy), plus what the engine needs of a
client. These are the only shapes a download has between a screen or a command and the file on disk."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Protocol

from ssp_tui.api.constants import DEFAULT_CONCURRENCY
from ssp_tui.api.download import DownloadedFile, FinishHook
from ssp_tui.operations.safe_names import safe_filename

ByteProgress = Callable[[int, int | None], None]
"""``(done_bytes, total_bytes_or_None)``, as the client reports a streamed download."""
DEFAULT_COMBINED_NAME = "combined.pdf"


class Downloader(Protocol):
    """The client's single download path: streamed, verified, written to ``dest`` atomically; ``then(file)``
    runs in the worker thread that finished it (a downloader may ignore it: the engine then does that work in
    a thread of its own).

    ``PortalClient`` satisfies it; tests pass fakes. Errors are ``ssp_tui.api.errors.PortalError`` subclasses.
    """

    async def download(
        self,
        api_path: str,
        dest: Path,
        *,
        expected_sha256: str | None = None,
        on_progress: ByteProgress | None = None,
        durable: bool = True,
        then: FinishHook | None = None,
    ) -> DownloadedFile: ...


class DownloadMode(StrEnum):
    SEPARATE = "separate"
    """One file per job at its template path, and ``manifest.json`` beside them."""
    COMBINED = "combined"
    """One PDF with a bookmark per job."""


@dataclass(frozen=True, slots=True)
class DownloadJob:
    """One PDF to fetch."""

    key: str
    """Stable identity, e.g. the document id; written to the manifest."""
    api_path: str
    """From ``client.documents.content_path(id)`` and friends."""
    relative_path: PurePath | str
    """Where it goes under the target folder in SEPARATE mode (``render_template`` output); checked again."""
    title: str
    """Shown in progress, failures, and as the bookmark in a combined PDF."""
    expected_sha256: str | None = None
    """When known (listings give it), the cache can serve it and the client verifies it."""
    pages: int | None = None
    etag: str | None = None
    """A strong ETag known from elsewhere (a previous run); the cache's ETag index can serve it."""


def _final_name_path(path: Path) -> Path:
    """``path`` made absolute with its folder resolved and its last part kept as it is: a symlink planted at
    the final name is never followed (the placement refuses to write over it and takes the next number)."""
    expanded = path.expanduser()
    return expanded.parent.resolve() / expanded.name


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a download goes: separate files under ``folder``, or one PDF at ``combined_file``."""

    folder: Path
    """SEPARATE: the files go under it (at their template paths) with ``manifest.json``. COMBINED: the PDF's
    folder."""
    combined_file: Path | None = None
    """COMBINED: the PDF to write (never written through a symlink; over another file only with
    ``replace_existing``)."""
    replace_existing: bool = False
    """COMBINED: a file already at ``combined_file`` is replaced (the name itself, atomically: a symlink there
    is replaced, never followed). Otherwise the PDF gets the next free ``name (n).pdf``."""

    @property
    def mode(self) -> DownloadMode:
        return DownloadMode.SEPARATE if self.combined_file is None else DownloadMode.COMBINED

    @classmethod
    def separate(cls, folder: Path) -> Destination:
        return cls(Path(folder).expanduser().resolve())

    @classmethod
    def combined(cls, file: Path, *, replace_existing: bool = False) -> Destination:
        """One PDF at ``file`` (an absolute path, or one relative to the working folder)."""
        final = _final_name_path(Path(file))
        return cls(final.parent, final, replace_existing)

    @classmethod
    def combined_in(cls, folder: Path, name: str) -> Destination:
        """One PDF called ``name`` in ``folder`` (the TUI's dialog); only the last part of ``name`` counts."""
        root = Path(folder).expanduser().resolve()
        return cls(root, root / combined_file_name(name))


def combined_file_name(text: str) -> str:
    """A safe ``*.pdf`` file name from what the user typed (only its last path part is used)."""
    stem = text.strip()
    if stem.lower().endswith(".pdf"):
        stem = stem[:-4]
    return (safe_filename(stem) if stem else DEFAULT_COMBINED_NAME[:-4]) + ".pdf"


@dataclass(frozen=True, slots=True)
class DownloadPlan:
    """One download, as the TUI and the CLI both hand it to ``DownloadEngine.run``."""

    jobs: Sequence[DownloadJob]
    destination: Destination
    concurrency: int = DEFAULT_CONCURRENCY
    allow_missing: bool = False
    """COMBINED: write the PDF without the documents that failed (its first bookmark names them)."""
    title: str = ""
    """What the download is, e.g. "Policy documents - NC-2041178 current": the combined PDF's Title."""
    labels: tuple[str, ...] = field(default=())
    """Whom it is for (policy numbers, insureds): the combined PDF's Subject and Keywords."""
    unresolved: tuple[tuple[str, str], ...] = field(default=())
    """``(reference, message)`` for what was asked for but never became a job (an id that does not exist):
    reported as failed, in the manifest too, without stopping a combined PDF of the rest."""

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")

    @property
    def mode(self) -> DownloadMode:
        return self.destination.mode

    def allowing_missing(self) -> DownloadPlan:
        return replace(self, allow_missing=True)
