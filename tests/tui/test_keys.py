"""The keys a keyboard user expects (issue 19): `?` opens the key help, the footer shows Ctrl+Q, vim moves in
tables, keys remapped by binding id in config.toml's [keymap] (a wrong entry is reported, never a crash),
`--no-mouse`, and docs/tui.md lists every binding id."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from section_helpers import enter_as
from textual.widgets import Input, OptionList, TabbedContent
from tui_helpers import SandboxLike, wait_for

from ssp_tui.settings.config import load_keymap
from ssp_tui.tui import launch
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.help import HelpScreen
from ssp_tui.tui.keymap import binding_ids, check_keymap, valid_key
from ssp_tui.tui.sections.seminars.screen import SeminarsScreen
from ssp_tui.widgets.virtual_table import VirtualTable

SIZE = (150, 50)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "tui.md"


async def test_question_mark_opens_the_keys_and_the_footer_shows_quit(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.demo_accounts, "the sandbox's demo accounts")
        await pilot.press("?")  # in the username box a ? is text
        assert app.screen.query_one("#username", Input).value == "?"
        await enter_as(pilot, sandbox, "dr.patel")

        def footer_keys() -> set[tuple[str, str]]:
            return {(key.key, key.description) for key in app.screen.query("FooterKey")}  # type: ignore[attr-defined]

        await wait_for(pilot, footer_keys, "the footer")
        assert ("ctrl+q", "Quit") in footer_keys()
        await pilot.press("?")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "Help")
        help_screen = app.screen
        await wait_for(pilot, lambda: help_screen.query(TabbedContent), "Help's tabs")
        assert help_screen.query_one(TabbedContent).active == "help-keys"
        await pilot.press("?")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), "Help closed")


async def test_j_k_g_and_shift_g_move_a_table_cursor(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, SeminarsScreen), "Seminars")
        table = app.screen.query_one("#activity-table", VirtualTable)
        await wait_for(pilot, lambda: app.focused is table and table.model.row_count > 3, "the activity rows")
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers), "loading to end")
        await pilot.press("g")
        assert table.model.cursor == 0
        await pilot.press("j", "j", "j", "k")
        assert table.model.cursor == 2
        await pilot.press("G")
        assert table.model.cursor == table.model.row_count - 1
        await pilot.press("ctrl+u")
        assert table.model.cursor < table.model.row_count - 1


async def test_j_k_g_and_shift_g_move_in_a_list_of_choices(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    """Home's attention items are a list, not a table: the same moves work there."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        items = app.screen.query_one("#home-attention", OptionList)
        await wait_for(pilot, lambda: items.option_count > 2, "the attention items")
        items.focus()
        await pilot.press("g")
        assert items.highlighted == 0
        await pilot.press("j", "j", "k")
        assert items.highlighted == 1
        await pilot.press("G")
        assert items.highlighted == items.option_count - 1
        await pilot.press("k")
        assert items.highlighted == items.option_count - 2


async def test_a_remapped_key_opens_its_section(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(keymap={"app.section_6": "ctrl+k", "app.help": "f9"})
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        await wait_for(pilot, lambda: app._keymap, "the keymap applied")
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, SeminarsScreen), "Seminars by its new key")
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "Help by its new key")


async def test_a_wrong_keymap_entry_is_reported_with_its_id_and_file(
    make_app: Callable[..., SspApp], isolated_config: Path
) -> None:
    app = make_app(keymap={"app.nothing": "x", "app.help": "ctrl+notakey", "app.settings": "f8"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app._notifications) >= 2, "the keymap's messages")
        messages = [notification.message for notification in app._notifications]
        assert any("'app.nothing'" in m and str(isolated_config) in m for m in messages), messages
        assert any("'app.help'" in m and "'ctrl+notakey'" in m for m in messages), messages
        assert app._keymap == {"app.settings": "f8"}  # the good entry still applies


def test_keymap_is_read_from_config_toml(isolated_config: Path) -> None:
    isolated_config.write_text('[keymap]\n"app.logout" = "ctrl+x"\n"app.help" = 5\n', encoding="utf-8")
    keymap, problems = load_keymap()
    assert keymap == {"app.logout": "ctrl+x"}
    assert len(problems) == 1 and "app.help" in problems[0] and str(isolated_config) in problems[0]


def test_key_names_are_checked() -> None:
    assert all(valid_key(key) for key in ("ctrl+x", "f5", "question_mark", "j", "G", "shift+tab", "pageup"))
    assert not any(valid_key(key) for key in ("ctrl+", "hyperx+a", "notakey", ""))
    usable, problems = check_keymap({"app.help": "f1, f9"}, {"app.help"}, Path("c.toml"))
    assert usable == {"app.help": "f1,f9"} and problems == []


def test_no_mouse_runs_the_app_without_the_mouse(
    monkeypatch: pytest.MonkeyPatch, isolated_config: Path
) -> None:
    runs: list[dict[str, object]] = []
    monkeypatch.setattr(SspApp, "run", lambda self, **kwargs: runs.append(kwargs))
    monkeypatch.setattr(launch, "gc", SimpleNamespace(freeze=lambda: None, enable=lambda: None))
    launch.run_app(portal="http://127.0.0.1:9", no_mouse=True)
    launch.run_app(portal="http://127.0.0.1:9")
    assert runs == [{"mouse": False}, {"mouse": True}]


def test_docs_list_every_binding_id() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = sorted(binding_id for binding_id in binding_ids() if f"`{binding_id}`" not in text)
    assert not missing, f"docs/tui.md does not list: {missing}"
