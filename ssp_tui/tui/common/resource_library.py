"""A library of portal resources (Risk Management, the Agent library): categories, search, download, open.

Both sections list the same kind of thing: a titled resource that is either a PDF held in the portal
(``document_id``: downloaded through the shared engine, previewed as text) or a public page (``url``: opened
with ``open_link``). ``ResourceLibraryScreen`` is their common screen; a section subclasses it, names its
categories and says how to fetch them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.markup import escape
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.formatting import plural
from ssp_tui.operations.downloads import Destination, DownloadJob, DownloadPlan
from ssp_tui.operations.downloads.jobs import resource_job
from ssp_tui.operations.pdf_text import PdfTextError
from ssp_tui.operations.safe_names import TemplateError
from ssp_tui.tui.common.download_runner import DownloadRunner, fetch_preview_text
from ssp_tui.tui.common.links import open_link
from ssp_tui.tui.dialogs.download_dialogs import PreviewDialog
from ssp_tui.tui.section_screen import SectionScreen
from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

ALL_CATEGORIES = "all"


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """One resource as both libraries show it."""

    id: str
    title: str
    category: str
    """The category's value (e.g. ``"toolkits"``); shown through the screen's labels."""
    category_label: str
    published_on: date
    summary: str
    document_id: str | None
    url: str | None

    @property
    def kind(self) -> str:
        return "PDF" if self.document_id else "Link"


def by_category(items: Iterable[LibraryItem], labels: Mapping[str, str]) -> list[LibraryItem]:
    """By category in the portal's menu order (``labels``' order), newest first within each: how both
    libraries list "All categories" until the user sorts a column."""
    newest_first = sorted(items, key=lambda item: item.published_on, reverse=True)
    rank = {value: position for position, value in enumerate(labels)}
    return sorted(newest_first, key=lambda item: rank.get(item.category, len(rank)))  # stable


class ResourceLibraryScreen(SectionScreen):
    """Category choice, a portal search (Enter), a type-ahead filter, the resources, downloads and links."""

    CATEGORY_LABELS: ClassVar[dict[str, str]]
    """Category value -> label, in the portal's menu order."""
    ID_PREFIX: ClassVar[str]
    """Prefix of this screen's widget ids (``risk``, ``agent``), so tests and CSS can tell them apart."""
    NOUN: ClassVar[str] = "resources"
    DIALOG_ACTIONS = frozenset({"download", "open", "preview"})

    BINDINGS = [
        Binding(
            "d",
            "download",
            "Download",
            tooltip="Download the selected PDFs (or the highlighted one)",
            id="resource_library.download",
            priority=True,  # a dialog key: see SectionScreen.DIALOG_ACTIONS
        ),
        Binding(
            "o",
            "open",
            "Open",
            tooltip="Open the highlighted link in the browser, or download its PDF",
            id="resource_library.open",
            priority=True,  # a dialog key: see SectionScreen.DIALOG_ACTIONS
        ),
        Binding(
            "p",
            "preview",
            "Preview",
            tooltip="Show the text of the highlighted PDF's first page",
            id="resource_library.preview",
            priority=True,  # a dialog key: see SectionScreen.DIALOG_ACTIONS
        ),
        Binding(
            "slash", "search", "Search", tooltip="Search the portal's resources", id="resource_library.search"
        ),
        Binding(
            "c",
            "next_category",
            "Category",
            tooltip="Show the next category",
            id="resource_library.next_category",
        ),
        Binding(
            "r",
            "reload",
            "Reload",
            tooltip="Fetch the resources again from the portal",
            id="resource_library.reload",
        ),
    ]

    DEFAULT_CSS = """
    .library { height: 1fr; padding: 0 1; }
    .library-search-row { height: auto; }
    .library-search-row > Select { width: 44; }
    .library-search-row > Input { width: 1fr; }
    .library-table { height: 1fr; }
    .library-detail { height: auto; min-height: 2; color: $text-muted; }
    """

    @dataclass
    class Loaded(Message):
        category: str
        query: str
        items: list[LibraryItem]

    async def fetch(self, client: PortalClient, category: str | None, query: str | None) -> list[LibraryItem]:
        """Every resource of ``category`` (None: all) matching ``query`` (None: all), from the portal, in any
        order (the screen lists them ``by_category``)."""
        raise NotImplementedError(f"{type(self).__name__} must fetch its resources")

    def columns(self) -> tuple[Column, ...]:
        labels = self.CATEGORY_LABELS
        rank = {value: position for position, value in enumerate(labels)}
        return (
            Column("title", "Title", max_width=60),
            Column(
                "category",
                "Category",
                formatter=lambda value: labels.get(value, value),
                sort_key=lambda value: rank.get(value, len(rank)),
                max_width=44,
            ),
            Column(
                "published_on",
                "Published",
                formatter=lambda d: f"{d:%m/%d/%Y}",
                min_width=10,
                kind=ColumnKind.DATE,
            ),
            Column("kind", "Kind", value=lambda item: item.kind, min_width=4, max_width=5),
        )

    def compose_body(self) -> ComposeResult:
        prefix = self.ID_PREFIX
        choices = [
            ("All categories", ALL_CATEGORIES),
            *((label, v) for v, label in self.CATEGORY_LABELS.items()),
        ]
        with Vertical(classes="library", id=f"{prefix}-library"):
            with Horizontal(classes="library-search-row"):
                yield Select(
                    choices,
                    value=ALL_CATEGORIES,
                    allow_blank=False,
                    id=f"{prefix}-category",
                    tooltip="Which category to list",
                )
                yield Input(
                    placeholder=f"Search the portal's {self.NOUN} (Enter)",
                    id=f"{prefix}-query",
                    tooltip="Searched in titles and summaries by the portal",
                )
            yield Static("Loading…", id=f"{prefix}-summary", classes="card-title")
            yield FilterBar(
                f"#{prefix}-table", placeholder="Filter the list (type to narrow)", id=f"{prefix}-filter"
            )
            yield VirtualTable(
                self.columns(), empty_text=f"No {self.NOUN}", id=f"{prefix}-table", classes="library-table"
            )
            yield Static("", id=f"{prefix}-detail", classes="library-detail")
            yield Static(
                "space select · a all · d download · o open link · p preview · c category · / search",
                classes="hint",
            )
            yield DownloadRunner(id=f"{prefix}-downloads")

    @property
    def table(self) -> VirtualTable:
        return self.query_one(f"#{self.ID_PREFIX}-table", VirtualTable)

    runner = getters.query_one(DownloadRunner)

    @property
    def category(self) -> str:
        value = self.query_one(f"#{self.ID_PREFIX}-category", Select).value
        return value if isinstance(value, str) else ALL_CATEGORIES

    @property
    def query_text(self) -> str:
        return self.query_one(f"#{self.ID_PREFIX}-query", Input).value.strip()

    def on_mount(self) -> None:
        self.table.focus()

    def first_shown(self) -> None:
        self.load(self.category, self.query_text)

    # -- loading --

    @work(exclusive=True, exit_on_error=False, group="library")
    async def load(self, category: str, query: str) -> None:
        self.query_one(f"#{self.ID_PREFIX}-summary", Static).update("Loading…")
        chosen = None if category == ALL_CATEGORIES else category
        fetched = await self.controller.call(lambda c: self.fetch(c, chosen, query or None))
        items = by_category(fetched, self.CATEGORY_LABELS)
        self.post_message(self.Loaded(category, query, items))

    def on_resource_library_screen_loaded(self, message: Loaded) -> None:
        if (message.category, message.query) != (self.category, self.query_text):
            return  # the user asked for something else meanwhile; that load is on its way
        self.table.set_rows(message.items, key=lambda item: item.id)
        self.query_one(f"#{self.ID_PREFIX}-summary", Static).update(self._summary(message))

    def _summary(self, message: Loaded) -> str:
        count = len(message.items)
        where = (
            "in all categories"
            if message.category == ALL_CATEGORIES
            else (f"in {self.CATEGORY_LABELS.get(message.category, message.category)}")
        )
        found = f"{plural(count, self.NOUN.removesuffix('s'), self.NOUN)} {where}"
        if message.query:
            found += f" matching {message.query!r}"
        if not count:
            found = f"No {self.NOUN} {where}" + (f" match {message.query!r}." if message.query else ".")
        return escape(found)

    @on(Select.Changed)
    def category_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not self.shown:
            return  # the list's first value, set as it mounts: first_shown loads with it
        self.load(self.category, self.query_text)

    @on(Input.Submitted)
    def query_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != f"{self.ID_PREFIX}-query":
            return
        event.stop()
        self.load(self.category, self.query_text)
        self.table.focus()

    @on(VirtualTable.CursorMoved)
    def cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        item = event.row if isinstance(event.row, LibraryItem) else None
        detail = ""
        if item is not None:
            where = "a PDF in the portal" if item.document_id else item.url
            detail = f"{item.category_label} · {item.summary} ({where})"
        self.query_one(f"#{self.ID_PREFIX}-detail", Static).update(escape(detail))

    @on(VirtualTable.RowActivated)
    def row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self.action_open()

    # -- actions --

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.typed_in_field(action):
            return None
        if action == "download":
            return not self.runner.is_running
        return True

    def action_search(self) -> None:
        self.query_one(f"#{self.ID_PREFIX}-query", Input).focus()

    def action_reload(self) -> None:
        self.load(self.category, self.query_text)

    def action_next_category(self) -> None:
        values = [ALL_CATEGORIES, *self.CATEGORY_LABELS]
        following = values[(values.index(self.category) + 1) % len(values)]
        self.query_one(f"#{self.ID_PREFIX}-category", Select).value = following

    def _cursor_item(self) -> LibraryItem | None:
        row = self.table.cursor_row
        return row if isinstance(row, LibraryItem) else None

    def action_open(self) -> None:
        item = self._cursor_item()
        if item is None:
            self.notify(f"Highlight one of the {self.NOUN} first.", severity="warning")
        elif item.url:
            self.opens_a_dialog(self.open_url(item))
        else:
            self.opens_a_dialog(self.download([item]))

    @work(exclusive=True, exit_on_error=False, group="library-link")
    async def open_url(self, item: LibraryItem) -> None:
        if item.url:
            await open_link(self.app, item.url, item.title)

    def action_download(self) -> None:
        chosen = [row for row in self.table.selected_rows() if isinstance(row, LibraryItem)]
        if not chosen and (item := self._cursor_item()) is not None:
            chosen = [item]
        files = [item for item in chosen if item.document_id]
        links = len(chosen) - len(files)
        if links:
            self.notify(
                f"{links} of the chosen {self.NOUN} are web pages, not files: open them with o.",
                severity="warning" if not files else "information",
            )
        if files:
            self.opens_a_dialog(self.download(files))
        elif not chosen:
            self.notify(f"Highlight or select {self.NOUN} first (space selects, a all).", severity="warning")

    def _jobs(self, items: Sequence[LibraryItem]) -> list[DownloadJob]:
        template = self.controller.profile.filename_template
        return [
            resource_job(item.document_id, item.title, item.published_on, template=template)
            for item in items
            if item.document_id
        ]

    @work(exclusive=True, exit_on_error=False, group="library-download")
    async def download(self, items: list[LibraryItem]) -> None:
        profile = self.controller.profile
        try:
            jobs = self._jobs(items)
        except TemplateError as error:
            self.notify(f"{error} Change the filename template in Settings (F2).", severity="error")
            return
        if len(jobs) == 1:
            # One file: straight into the download folder, nothing to choose.
            plan = DownloadPlan(
                jobs, Destination.separate(profile.download_dir), concurrency=profile.concurrency
            )
            await self.runner.run_and_report(self.controller, plan)
            return
        await self.runner.ask_and_run(
            self.controller,
            jobs,
            default_name=f"{self.ID_PREFIX}-{self.NOUN}-{clock.today():%Y-%m-%d}.pdf",
            title=self.NOUN.capitalize(),
        )

    def action_preview(self) -> None:
        item = self._cursor_item()
        if item is None or not item.document_id:
            self.notify("Highlight a PDF to preview (links open with o).", severity="warning")
            return
        self.opens_a_dialog(self.preview(item))

    @work(exclusive=True, exit_on_error=False, group="library-preview")
    async def preview(self, item: LibraryItem) -> None:
        if not item.document_id:
            return
        job = resource_job(item.document_id, item.title, item.published_on, template="{id}.pdf")
        self.notify(f"Fetching {item.title}…", timeout=3)
        try:
            text = await fetch_preview_text(self.controller, job)
        except PdfTextError as error:
            self.notify(error.full_message, title="No preview", severity="warning")
            return
        await self.app.push_screen(PreviewDialog(item.title, text))
