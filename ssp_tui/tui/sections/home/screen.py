"""Home: what needs attention, news and announcements, risk-management highlights and quick jumps."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from ssp_tui.api.models.content import AttentionItem, AttentionKind, Home
from ssp_tui.tui.section_registry import RecordRef
from ssp_tui.tui.section_screen import SectionScreen
from ssp_tui.tui.shell import shell
from ssp_tui.widgets.option_list_keys import VimOptionList


@dataclass(frozen=True)
class QuickJump:
    label: str
    section_id: str
    intent: str


QUICK_JUMPS: tuple[QuickJump, ...] = (
    QuickJump("Create a COI", "credentialing", "create_coi"),
    QuickJump("Policy Documents", "policy_services", "documents"),
    QuickJump("Seminar Activity", "seminars", "activity"),
)
"""Shown only when the user can open the target section."""

ATTENTION_SECTIONS: dict[AttentionKind, str] = {
    AttentionKind.AMOUNT_DUE: "payments",
    AttentionKind.PAST_DUE: "payments",
    AttentionKind.RENEWAL_DOCUMENTS: "policy_services",
    AttentionKind.HOLDER_REQUESTS: "credentialing",
    AttentionKind.CHANGE_REQUESTS: "policy_services",
    AttentionKind.RENEWAL_APPLICATION_MISSING: "policy_services",
}
"""Where an attention item is dealt with; choosing the item opens that section, on exactly the record the item
is about (its ``ref_id`` and ``term``), when the user has it."""
ATTENTION_INTENTS: dict[AttentionKind, str] = {
    AttentionKind.HOLDER_REQUESTS: "holder_requests",
    AttentionKind.CHANGE_REQUESTS: "change_requests",
}
"""Items about a list rather than one record open the section on that list (holder requests in Credentialing,
change requests in Policy Services)."""


class HomeScreen(SectionScreen):
    DEFAULT_CSS = """
    #home-main { width: 2fr; padding: 0 1; }
    #home-side { width: 1fr; padding: 0 1; border-left: vkey $primary; }
    #home-attention { height: auto; max-height: 10; border: none; }
    #home-announcements, #home-risk { height: auto; }
    .announcement, .risk-highlight { margin-bottom: 1; }
    .quick-jump { width: 100%; margin-bottom: 1; }
    """
    SECTION_ID = "home"
    BINDINGS = [
        Binding("r", "reload", "Reload", tooltip="Fetch Home again from the portal", id="home.reload")
    ]

    @dataclass
    class Loaded(Message):
        home: Home

    def __init__(self) -> None:
        super().__init__()
        self.attention: list[AttentionItem] = []

    def compose_body(self) -> ComposeResult:
        jumps = [jump for jump in QUICK_JUMPS if shell(self).can_open(jump.section_id)]
        with VerticalScroll(id="home-main"):
            yield Static("Needs your attention", classes="card-title")
            yield VimOptionList(id="home-attention")
            yield Static("News and announcements", classes="card-title")
            yield Vertical(id="home-announcements")
        with Vertical(id="home-side"):
            if jumps:
                yield Static("Quick jumps", classes="card-title")
                for jump in jumps:
                    yield Button(jump.label, id=f"jump-{jump.section_id}", classes="quick-jump")
            yield Static("Risk management", classes="card-title")
            yield Vertical(id="home-risk")
            if shell(self).can_open("risk"):
                yield Button("Open Risk Management", id="jump-risk", classes="quick-jump")

    def on_mount(self) -> None:
        self.query_one("#home-attention", OptionList).add_option(Option("Loading…", disabled=True))
        self.load_home()

    def action_reload(self) -> None:
        self.load_home()

    @work(exclusive=True, exit_on_error=False, group="home")
    async def load_home(self) -> None:
        home = await self.controller.call(lambda client: client.home.get())
        self.post_message(self.Loaded(home))

    def worker_failed(self, worker: Worker[object], error: BaseException) -> bool:
        # The app shows the error itself; here the page says why it is empty.
        if worker.group == "home":
            attention = self.query_one("#home-attention", OptionList)
            attention.clear_options()
            attention.add_option(Option("Home could not be loaded. Press r to try again.", disabled=True))
            self.call_after_refresh(shell(self).prebuild_sections)
        return False

    def on_home_screen_loaded(self, message: Loaded) -> None:
        home = message.home
        attention = self.query_one("#home-attention", OptionList)
        attention.clear_options()
        self.attention = list(home.attention)
        if home.attention:
            app = shell(self)
            for index, item in enumerate(home.attention):
                target = ATTENTION_SECTIONS.get(item.kind)
                jumpable = target is not None and app.can_open(target)
                attention.add_option(Option(f"• {_escape(item.message)}", id=f"attention-{index}"))
                if not jumpable:
                    attention.disable_option(f"attention-{index}")
        else:
            attention.add_option(Option("Nothing needs your attention.", disabled=True))

        announcements = self.query_one("#home-announcements", Vertical)
        announcements.remove_children()
        announcements.mount_all(
            Static(
                f"[b]{_escape(a.title)}[/b]  [dim]{a.published_on:%b %d, %Y} · {_escape(a.category)}[/dim]\n"
                f"{_escape(a.body)}",
                classes="announcement",
            )
            for a in home.announcements
        )
        if not home.announcements:
            announcements.mount(Static("No news right now.", classes="hint"))

        risk = self.query_one("#home-risk", Vertical)
        risk.remove_children()
        risk.mount_all(
            Static(f"[b]{_escape(h.title)}[/b]\n{_escape(h.summary)}", classes="risk-highlight")
            for h in home.risk_highlights
        )
        # Only now, Home's data drawn, are the other sections' screens built (in the idle turns after).
        self.call_after_refresh(shell(self).prebuild_sections)

    @on(OptionList.OptionSelected, "#home-attention")
    def attention_chosen(self, event: OptionList.OptionSelected) -> None:
        index = int((event.option.id or "attention--1").rsplit("-", 1)[-1])
        if not 0 <= index < len(self.attention):
            return
        item = self.attention[index]
        section_id = ATTENTION_SECTIONS.get(item.kind)
        if section_id is not None and shell(self).can_open(section_id):
            if (intent := ATTENTION_INTENTS.get(item.kind)) is not None:
                shell(self).open_section(section_id, intent=intent)
                return
            record = RecordRef(item.ref_id, item.term.value if item.term else None) if item.ref_id else None
            shell(self).open_section(section_id, intent=ATTENTION_INTENTS.get(item.kind), record=record)

    @on(Button.Pressed, ".quick-jump")
    def quick_jump(self, event: Button.Pressed) -> None:
        section_id = (event.button.id or "").removeprefix("jump-")
        intent = next((j.intent for j in QUICK_JUMPS if j.section_id == section_id), None)
        shell(self).open_section(section_id, intent=intent)


def _escape(text: str) -> str:
    """Portal text is data, never markup."""
    from rich.markup import escape

    return escape(text)
