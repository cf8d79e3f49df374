"""DownloadProgressPanel: overall and per-file progress of a batch of downloads, with a cancel key.

It is fed plain values (keys, names, byte counts, messages), so it knows nothing of the API or of how the
files are fetched; the screen that runs the downloads calls its methods from the progress callback.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from ssp_tui.formatting import plural

_UNITS = ("B", "KB", "MB", "GB", "TB")


def format_bytes(count: int) -> str:
    """A byte count for people: 999 -> "999 B", 1536 -> "1.5 KB" (powers of 1024)."""
    value = float(count)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable: the last unit always returns")


@dataclass
class _ActiveFile:
    name: str
    done: int = 0
    total: int | None = None


@dataclass
class _Progress:
    """Counters of one batch (plain data, so the arithmetic is easy to follow and to test)."""

    total_files: int = 0
    total_bytes: int | None = None
    files_done: int = 0
    finished_bytes: int = 0
    active: dict[Hashable, _ActiveFile] = field(default_factory=dict)
    failed: dict[Hashable, tuple[str, str]] = field(default_factory=dict)

    @property
    def bytes_done(self) -> int:
        return self.finished_bytes + sum(item.done for item in self.active.values())


class DownloadProgressPanel(Vertical, can_focus=True):
    """Files n/total, bytes, a progress bar, a line per active file and per failure; `c`/escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c,escape",
            "cancel",
            "Cancel downloads",
            tooltip="Stop the downloads still running",
            id="download_progress_panel.cancel",
        ),
    ]

    DEFAULT_CSS = """
    DownloadProgressPanel {
        height: auto;
        border: round $primary;
        padding: 0 1;
        & > #download-summary { height: 1; }
        & > ProgressBar { height: 1; }
        & > #download-files { height: auto; max-height: 12; }
    }
    """

    MAX_ACTIVE_LINES = 8
    """Active files shown one per line; the rest are summed up in one line."""

    PROGRESS_INTERVAL_S = 0.2
    """While files arrive the panel is drawn at most this often (the first update at once). Each drawing is a
    frame of the whole screen, on the event loop the downloads run on: drawn on every update, a TUI download
    of 2,000 certificates took twice the CPU of the engine alone. Start, finish and cancel draw at once."""

    @dataclass
    class Cancelled(Message):
        """The user asked to stop the downloads (posted once per batch)."""

        panel: DownloadProgressPanel

        @property
        def control(self) -> DownloadProgressPanel:
            return self.panel

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._progress = _Progress()
        self._state = "idle"  # idle, running, cancelling, finished
        self._summary = ""
        self._redraw_pending = False
        self._drawn: tuple[object, ...] = ()
        """What the last redraw showed (bar, summary, files), so an unchanged part is not drawn again."""
        self._files_height = 0
        """The lines the list of files takes: while a batch runs, the most it has shown in it."""
        self._reserved_lines = 0
        """Lines the list of files takes while the batch runs, however few files are arriving."""
        self.progress_interval = self.PROGRESS_INTERVAL_S
        self._resting: Timer | None = None
        """Set for ``progress_interval`` after a progress drawing; updates meanwhile are drawn as it ends."""
        self._held = False
        """An update arrived while resting."""

    def compose(self) -> ComposeResult:
        yield Static("", id="download-summary")
        yield ProgressBar(total=None, show_eta=True, id="download-bar")
        yield Static("", id="download-files")

    def on_mount(self) -> None:
        self._redraw()  # start() may have been called before the panel was mounted

    @property
    def is_running(self) -> bool:
        return self._state in ("running", "cancelling")

    @property
    def failed_count(self) -> int:
        return len(self._progress.failed)

    def start(self, total_files: int, total_bytes: int | None = None, *, at_once: int = 0) -> None:
        """Begin a batch; `total_bytes` when the sizes are known (the bar then counts bytes, else files).
        `at_once`: how many files may arrive at the same time (the concurrency): the list of files takes
        that many lines (at most ``MAX_ACTIVE_LINES``) from the start, so it does not grow as they come."""
        if total_files < 0 or (total_bytes is not None and total_bytes < 0):
            raise ValueError("totals cannot be negative")
        self._progress = _Progress(total_files=total_files, total_bytes=total_bytes)
        self._reserved_lines = min(at_once, total_files, self.MAX_ACTIVE_LINES)
        self._state = "running"
        self._summary = ""
        self._stop_resting()
        self._redraw()
        self.refresh_bindings()

    def file_progress(self, key: Hashable, name: str, done: int, total: int | None = None) -> None:
        """A file has `done` bytes of `total` (None when the size is unknown)."""
        self._progress.active[key] = _ActiveFile(name, done, total)
        self._progress_redraw()

    def file_done(self, key: Hashable, size: int | None = None) -> None:
        """A file finished; `size` counts its bytes when no progress was reported for it (e.g. cached)."""
        progress = self._progress
        active = progress.active.pop(key, None)
        if active is not None:
            progress.finished_bytes += active.total if active.total is not None else active.done
        elif size is not None:
            progress.finished_bytes += size
        progress.files_done += 1
        self._progress_redraw()

    def file_failed(self, key: Hashable, name: str, message: str) -> None:
        """A file failed; it stays listed with the reason."""
        progress = self._progress
        progress.active.pop(key, None)
        progress.failed[key] = (name, message)
        self._progress_redraw()

    def finish(self, summary: str) -> None:
        """The batch ended (completed, failed or cancelled): show the summary; cancelling is off."""
        self._state = "finished"
        self._summary = summary
        self._progress.active.clear()
        self._stop_resting()
        self._redraw()
        self.refresh_bindings()

    def action_cancel(self) -> None:
        if self._state != "running":
            return
        self._state = "cancelling"
        self._redraw()
        self.refresh_bindings()
        self.post_message(self.Cancelled(self))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self._state == "running"
        return True

    def _progress_redraw(self) -> None:
        """A file's progress: drawn at once, then at most once per ``progress_interval``."""
        if self._resting is not None:
            self._held = True
            return
        self._redraw()
        if self.progress_interval > 0 and self.is_mounted:
            self._resting = self.set_timer(self.progress_interval, self._rested)

    def _stop_resting(self) -> None:
        # The batch starts or ends: drawn at once, and nothing held is drawn after it.
        if self._resting is not None:
            self._resting.stop()
            self._resting = None
        self._held = False

    def _rested(self) -> None:
        self._resting = None
        if self._held:
            self._held = False
            self._progress_redraw()

    def _redraw(self) -> None:
        """Draw once for however many updates arrive before the panel next handles its messages: thousands of
        small files report several updates each, and drawing every one held up the downloads themselves."""
        if self._redraw_pending or not self.is_mounted:
            return  # not mounted yet: on_mount draws
        self._redraw_pending = True
        self.call_later(self._redraw_now)

    def _redraw_now(self) -> None:
        self._redraw_pending = False
        if not self.is_mounted:
            return
        progress = self._progress
        bar = self.query_one(ProgressBar)
        # A finished batch has nothing left to estimate: the bar would stay at "100% --:--:--" under the
        # summary, which looks stuck. The summary alone says how it ended.
        bar.display = self._state != "finished"
        if progress.total_bytes is not None:
            amounts: tuple[float | None, float] = (
                max(progress.total_bytes, 1),
                min(progress.bytes_done, progress.total_bytes),
            )
        elif self._state == "idle":
            amounts = (None, 0)
        else:
            amounts = (max(progress.total_files, 1), progress.files_done)
        summary, files = self._summary_text(), self._files_text()
        # Only what changed is drawn, and without a new layout unless the list of files changes height: the
        # panel is redrawn hundreds of times in a big download, on the loop the download itself runs on, and
        # a layout is of the whole screen (a certificate tree of thousands of lines beside it). The bar moves
        # a percent at a time (what it can show), and to the end.
        total, done = amounts
        shown = (total, None if not total else 100 if done >= total else int(done * 100 // total))
        drawn = self._drawn or (None, None, None)
        if shown != drawn[0]:
            if total is None:
                bar.update(total=None)
            else:
                bar.update(total=total, progress=done)
        if summary != drawn[1]:
            # Content, not a string: nothing in it is markup (a folder named "[x]" shows as it is), and a
            # string would be parsed as markup on every redraw.
            self.query_one("#download-summary", Static).update(Content(summary), layout=False)
        self._draw_files(files, changed=files != drawn[2])
        self._drawn = (shown, summary, files)

    def _draw_files(self, files: Text, *, changed: bool) -> None:
        """While a batch runs, the list of files keeps the tallest height it has had in it, and at least the
        lines ``start`` set aside (blank lines below fewer files); it shrinks when the batch ends. Small files
        come and go between two drawings: six downloads at once showed 0 to 6 lines, a new height nearly every
        drawing, and each was a layout of the whole screen, with the tree beside the panel resized and rebuilt
        (Textual's ``Tree`` builds all its lines again on a resize, and asks for another layout): in a
        download of 1,929 certificates, 0.7 s of the TUI's 3.9 s of CPU were layouts (issue 23)."""
        lines = files.plain.count("\n") + 1 if files.plain else 0
        running = self._state in ("running", "cancelling")
        height = max(lines, self._files_height, self._reserved_lines) if running else lines
        static = self.query_one("#download-files", Static)
        relayout = height != self._files_height
        if not (changed or relayout):
            return
        if relayout:
            static.styles.min_height = height if running else None
        self._files_height = height
        static.update(files, layout=relayout)

    def _summary_text(self) -> str:
        progress = self._progress
        if self._state == "finished":
            return self._summary
        files = f"{progress.files_done:,} of {plural(progress.total_files, 'file')}"
        if progress.total_bytes is not None:
            files += f" · {format_bytes(progress.bytes_done)} of {format_bytes(progress.total_bytes)}"
        else:
            files += f" · {format_bytes(progress.bytes_done)}"
        if progress.failed:
            files += f" · {len(progress.failed):,} failed"
        return f"Cancelling… {files}" if self._state == "cancelling" else f"Downloading {files}"

    def _files_text(self) -> Text:
        progress = self._progress
        text = Text()
        active = list(progress.active.values())
        for item in active[: self.MAX_ACTIVE_LINES]:
            if item.total:
                amount = f"{item.done * 100 // item.total}% of {format_bytes(item.total)}"
            else:
                amount = format_bytes(item.done)
            text.append("↓ ", style="bold")
            text.append(f"{item.name}  {amount}\n")
        if len(active) > self.MAX_ACTIVE_LINES:
            text.append(f"  and {len(active) - self.MAX_ACTIVE_LINES:,} more\n", style="dim")
        for name, message in progress.failed.values():
            text.append("✗ ", style="bold red")
            text.append(f"{name}: {message}\n")
        text.rstrip()
        return text
