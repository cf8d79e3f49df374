"""DownloadProgressPanel: counts, per-file lines, failures and the cancel key."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import ProgressBar, Static

from ssp_tui.widgets.download_panel import DownloadProgressPanel, format_bytes


class PanelApp(App[None]):
    def __init__(self, progress_interval: float = 0) -> None:
        super().__init__()
        self.cancelled: list[DownloadProgressPanel.Cancelled] = []
        self.progress_interval = progress_interval
        """0: every update is drawn (what these tests read); the pacing has a test of its own."""

    def compose(self) -> ComposeResult:
        panel = DownloadProgressPanel(id="panel")
        panel.progress_interval = self.progress_interval
        yield panel

    def on_mount(self) -> None:
        self.query_one(DownloadProgressPanel).focus()

    def on_download_progress_panel_cancelled(self, message: DownloadProgressPanel.Cancelled) -> None:
        self.cancelled.append(message)


def shown(app: PanelApp) -> tuple[str, str]:
    summary = str(app.query_one("#download-summary", Static).render())
    files = str(app.query_one("#download-files", Static).render())
    return summary, files


def test_format_bytes() -> None:
    assert format_bytes(0) == "0 B"
    assert format_bytes(1023) == "1023 B"
    assert format_bytes(1536) == "1.5 KB"
    assert format_bytes(5 * 1024**3) == "5.0 GB"


async def test_progress_counts_files_and_bytes_and_lists_active_and_failed_files() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        panel.start(3, total_bytes=4096)
        panel.file_progress("a", "policy-a.pdf", 512, 1024)
        panel.file_progress("b", "policy-b.pdf", 1024, 2048)
        await pilot.pause()
        summary, files = shown(app)
        assert summary == "Downloading 0 of 3 files · 1.5 KB of 4.0 KB"
        assert "policy-a.pdf  50% of 1.0 KB" in files and "policy-b.pdf  50% of 2.0 KB" in files
        assert app.query_one(ProgressBar).progress == 1536

        panel.file_done("a")
        panel.file_failed("b", "policy-b.pdf", "The portal did not answer in time.")
        panel.file_done("c", size=1024)  # served from the cache: no progress was reported
        await pilot.pause()
        summary, files = shown(app)
        assert summary == "Downloading 2 of 3 files · 2.0 KB of 4.0 KB · 1 failed"
        assert "policy-a.pdf" not in files
        assert "✗ policy-b.pdf: The portal did not answer in time." in files
        assert panel.failed_count == 1

        panel.finish("2 files saved, 1 failed")
        await pilot.pause()
        assert shown(app)[0] == "2 files saved, 1 failed"
        assert not panel.is_running
        assert not app.query_one(ProgressBar).display, "no bar stuck at 100% --:--:-- once finished"
        panel.start(1)
        await pilot.pause()
        assert app.query_one(ProgressBar).display, "the next batch shows its bar again"


async def test_unknown_sizes_count_files_on_the_bar() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        panel.start(4)
        panel.file_progress("a", "a.pdf", 300)
        panel.file_done("a")
        await pilot.pause()
        bar = app.query_one(ProgressBar)
        assert (bar.total, bar.progress) == (4, 1)
        assert shown(app)[0] == "Downloading 1 of 4 files · 300 B"


async def test_cancel_posts_once_and_not_after_finish() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        await pilot.press("c")
        assert app.cancelled == []  # nothing running yet
        panel.start(2)
        await pilot.press("c")
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.cancelled) == 1 and app.cancelled[0].panel is panel
        assert shown(app)[0].startswith("Cancelling… 0 of 2 files")
        panel.start(1)
        panel.finish("Done")
        await pilot.press("c")
        await pilot.pause()
        assert len(app.cancelled) == 1


async def test_many_active_files_are_summed_up() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        panel.start(20)
        for number in range(12):
            panel.file_progress(number, f"file-{number}.pdf", 10, 100)
        await pilot.pause()
        files = shown(app)[1]
        assert files.count("↓") == DownloadProgressPanel.MAX_ACTIVE_LINES
        assert "and 4 more" in files


async def test_a_burst_of_updates_is_drawn_once() -> None:
    """Thousands of small files report several updates each: the panel draws once a burst, not per update."""
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        panel.start(200)
        await pilot.pause()
        drawn: list[str] = []
        real = panel._redraw_now

        def counting() -> None:
            drawn.append(panel._summary_text())
            real()

        panel._redraw_now = counting  # type: ignore[method-assign]
        for n in range(200):
            panel.file_progress(n, f"file-{n}.pdf", 10, 20)
            panel.file_done(n)
        await pilot.pause()
        assert drawn == ["Downloading 200 of 200 files · 3.9 KB"]
        assert shown(app)[0] == "Downloading 200 of 200 files · 3.9 KB"


async def test_a_redraw_draws_only_what_changed_and_lays_out_only_when_the_file_list_changes_height() -> None:
    """A layout is of the whole screen (a certificate tree of thousands of lines beside the panel): a
    progress update that keeps the panel's height must not ask for one, and an unchanged part is not drawn."""
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        panel.start(3, total_bytes=3000)
        panel.file_progress("a", "a.pdf", 100, 1000)
        await pilot.pause()
        calls: list[tuple[str, bool]] = []
        for static in app.query(Static).results(Static):
            real = static.update

            def spy(content: object = "", *, layout: bool = True, real=real, name=static.id) -> None:  # type: ignore[no-untyped-def]
                calls.append((name, layout))
                real(content, layout=layout)  # type: ignore[arg-type]

            static.update = spy  # type: ignore[method-assign]
        panel.file_progress("a", "a.pdf", 500, 1000)  # same lines, new numbers
        await pilot.pause()
        assert calls == [("download-summary", False), ("download-files", False)]
        calls.clear()
        panel.file_progress("a", "a.pdf", 500, 1000)  # nothing new
        await pilot.pause()
        assert calls == []
        panel.file_progress("b", "b.pdf", 10, 1000)  # a second line
        await pilot.pause()
        assert calls == [("download-summary", False), ("download-files", True)]
        assert "b.pdf  1% of 1000 B" in shown(app)[1]


async def test_the_bar_moves_a_percent_at_a_time_and_to_the_end_and_the_summary_is_not_markup() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        panel.start(1000)
        await pilot.pause()
        bar = app.query_one(ProgressBar)
        for number in range(9):  # 0.9%: nothing the bar can show
            panel.file_done(number)
            await pilot.pause()
        assert bar.progress == 0 and shown(app)[0].startswith("Downloading 9 of 1,000 files")
        panel.file_done(9)
        await pilot.pause()
        assert bar.progress == 10
        for number in range(10, 1000):
            panel.file_done(number)
        await pilot.pause()
        assert (bar.progress, bar.total) == (1000, 1000)
        panel.finish("Combined 1,000 documents into /tmp/[bold]x[/bold]/all.pdf.")
        await pilot.pause()
        assert shown(app)[0] == "Combined 1,000 documents into /tmp/[bold]x[/bold]/all.pdf."


async def test_progress_is_drawn_at_once_then_at_most_once_an_interval_and_start_and_finish_at_once() -> None:
    """Each drawing is a frame of the whole screen on the loop the downloads run on: while files arrive, the
    first update is drawn at once and the rest when the interval ends (Textual's timer calls ``_rested``)."""
    app = PanelApp(progress_interval=60)  # long enough that only the test ends an interval
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        assert DownloadProgressPanel.PROGRESS_INTERVAL_S > 0 and DownloadProgressPanel().progress_interval > 0
        panel.start(3)
        panel.file_done(0)
        await pilot.pause()
        assert shown(app)[0] == "Downloading 1 of 3 files · 0 B"
        panel.file_done(1)
        await pilot.pause()
        assert shown(app)[0] == "Downloading 1 of 3 files · 0 B", "held until the interval ends"
        panel._rested()
        await pilot.pause()
        assert shown(app)[0] == "Downloading 2 of 3 files · 0 B"
        panel.file_done(2)
        await pilot.pause()
        assert shown(app)[0] == "Downloading 2 of 3 files · 0 B"
        panel.finish("Saved 3 files.")
        await pilot.pause()
        assert shown(app)[0] == "Saved 3 files." and panel._resting is None
        panel.start(1)
        panel.file_done(0)
        await pilot.pause()
        assert shown(app)[0] == "Downloading 1 of 1 file · 0 B", "a new batch is drawn at once"


async def test_a_running_batch_keeps_the_file_list_at_its_tallest_and_shrinks_it_at_its_end() -> None:
    """Small files come and go between two drawings: a list that shrank and grew again each time asked for a
    layout of the whole screen nearly every drawing. It grows when it must, and shrinks once, at the end."""
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        files = app.query_one("#download-files", Static)
        panel.start(3, total_bytes=3000)
        panel.file_progress("a", "a.pdf", 100, 1000)
        panel.file_progress("b", "b.pdf", 100, 1000)
        await pilot.pause()
        assert files.size.height == 2
        layouts: list[bool] = []
        real = files.update

        def spy(content: object = "", *, layout: bool = True) -> None:
            layouts.append(layout)
            real(content, layout=layout)  # type: ignore[arg-type]

        files.update = spy  # type: ignore[method-assign]
        panel.file_done("a")  # one line left: the list keeps two
        await pilot.pause()
        panel.file_done("b")
        panel.file_progress("c", "c.pdf", 100, 1000)
        await pilot.pause()
        assert layouts == [False, False] and files.size.height == 2
        assert "c.pdf" in shown(app)[1] and "a.pdf" not in shown(app)[1]
        panel.file_progress("d", "d.pdf", 100, 1000)
        panel.file_progress("e", "e.pdf", 100, 1000)  # three lines: taller, laid out once
        await pilot.pause()
        assert layouts[-1] is True and files.size.height == 3
        panel.finish("Saved 5 files.")
        await pilot.pause()
        # No file left: the one line an empty Static takes, as before the batch.
        assert layouts[-1] is True and files.size.height == 1 and files.styles.min_height is None


async def test_the_file_list_takes_its_lines_for_the_files_arriving_at_once_from_the_start() -> None:
    """The runner says how many files arrive at once: the list takes those lines at the start (one layout),
    so the first files arriving lay nothing out; the reservation ends with the batch."""
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(DownloadProgressPanel)
        files = app.query_one("#download-files", Static)
        panel.start(10, at_once=3)
        await pilot.pause()
        assert files.size.height == 3
        layouts: list[bool] = []
        real = files.update

        def spy(content: object = "", *, layout: bool = True) -> None:
            layouts.append(layout)
            real(content, layout=layout)  # type: ignore[arg-type]

        files.update = spy  # type: ignore[method-assign]
        for key in "abc":
            panel.file_progress(key, f"{key}.pdf", 1, 10)
            await pilot.pause()
        assert layouts == [False, False, False] and files.size.height == 3
        panel.finish("Saved 3 files.")
        await pilot.pause()
        assert files.size.height == 1 and files.styles.min_height is None
        panel.start(1, at_once=6)  # never more lines than files
        await pilot.pause()
        assert files.size.height == 1
