"""Command-palette providers: every section the user may open, the app's own commands, and every action
bound on the current screen (so anything a key does can also be found by name)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ssp_tui.tui.shell import shell

if TYPE_CHECKING:
    from textual.binding import ActiveBinding


class SectionCommands(Provider):
    """ "Go to Payments" and friends, plus Help, Settings and Log out."""

    def _commands(self) -> list[tuple[str, str, object]]:
        app = shell(self.app)
        commands: list[tuple[str, str, object]] = [
            (f"Go to {s.title}", f"{s.description} (key {s.key})", partial(app.open_section, s.id))
            for s in app.visible_sections()
        ]
        # The app's own actions by name (the app module imports this one: no reference back to it).
        run = self.app.run_action
        commands.append(("Help", "FAQ, support contacts and keys (F1)", partial(run, "help")))
        settings = partial(run, "settings")
        commands.append(("Settings", "Theme, download folder, names, concurrency (F2)", settings))
        downloads = partial(run, "downloads")
        commands.append(("Downloads", "What was downloaded, where; open it, retry failures (F3)", downloads))
        if app.controller.user is not None:
            commands.append(("Log out", "End the session on the portal (Ctrl+L)", partial(run, "logout")))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, command, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)  # type: ignore[arg-type]


class ScreenActionCommands(Provider):
    """The bindings of the screen the palette was opened over, by their descriptions."""

    def _actions(self) -> list[tuple[str, str, ActiveBinding]]:
        seen: set[str] = set()
        actions = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            # Hidden bindings (number keys, the palette's own key) and the app's own (Help, Settings, Log out,
            # listed by SectionCommands) are reachable in other ways.
            if not binding.show or not binding.description or not active.enabled or active.node is self.app:
                continue
            if binding.action in seen or "command_palette" in binding.action:
                continue
            seen.add(binding.action)
            actions.append((binding.description, binding.tooltip or f"Key: {key}", active))
        return actions

    def _run(self, active: ActiveBinding) -> None:
        self.app.call_later(self.app.run_action, active.binding.action, active.node)

    async def discover(self) -> Hits:
        for name, help_text, active in self._actions():
            yield DiscoveryHit(name, partial(self._run, active), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, active in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, active), help=help_text)
