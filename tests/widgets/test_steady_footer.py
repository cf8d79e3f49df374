"""SteadyFooter in a headless app: the keys are rebuilt when what they show changes, and only then."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from ssp_tui.widgets.steady_footer import SteadyFooter


class FooterApp(App[None]):
    BINDINGS = [
        Binding("d", "download", "Download"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.downloading = False

    def compose(self) -> ComposeResult:
        yield Button("First", id="first")
        yield Button("Second", id="second")
        yield SteadyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "download":
            return None if self.downloading else True  # None: shown, disabled
        return True

    def action_download(self) -> None:
        self.downloading = True
        self.refresh_bindings()

    def action_reload(self) -> None:
        pass


def keys(app: App[None]) -> dict[str, bool]:
    """Each key the footer shows, and whether it is enabled."""
    return {key.key: not key.has_class("-disabled") for key in app.query(FooterKey)}


async def test_the_keys_are_rebuilt_only_when_they_change() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        footer = app.query_one(SteadyFooter)
        assert keys(app) == {"d": True, "r": True, "ctrl+p": True}
        # Each key looks as under Textual's Footer: the bound keys take the footer's (not compact), the
        # command palette's keeps its own default (compact).
        assert {key.key: key.has_class("-compact") for key in app.query(FooterKey)} == {
            "d": False,
            "r": False,
            "ctrl+p": True,
        }
        built = footer.compositions

        app.screen.refresh_bindings()  # nothing it shows changed
        app.query_one("#second", Button).focus()  # another widget, with the same (hidden) bindings
        await pilot.pause()
        await pilot.pause()
        assert footer.compositions == built
        assert keys(app) == {"d": True, "r": True, "ctrl+p": True}

        await pilot.press("d")  # disables Download and asks for the bindings to be shown again
        await pilot.pause()
        await pilot.pause()
        assert footer.compositions == built + 1
        assert keys(app) == {"d": False, "r": True, "ctrl+p": True}
