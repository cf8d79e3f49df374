"""A Footer that rebuilds its keys only when the keys it would show have changed.

Textual's Footer recomposes every key on each ``bindings_updated`` signal (a focus change, a
``refresh_bindings``, a screen pushed or resumed), whether or not anything it shows changed, and each new
key flipped its ``-compact`` class twice (the key's default is compact, the footer's is not), restyling
itself each time. Opening a section screen sent the signal 5-7 times: about 0.4 s of the 1.2-1.5 s of CPU
the first open of a small section took on the large book (issue 23). Here the keys are rebuilt only when
they differ, and each is made with the footer's value.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class SteadyFooter(Footer):
    """``Footer``, recomposed only when its bindings (their keys, labels, enabled state or tooltips) differ
    from those it last showed."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: Hashable = None
        self.compositions = 0
        """How many times the keys were built (tests count it)."""

    def _keys_now(self) -> Hashable:
        """Everything ``Footer.compose`` draws from: the bindings it shows (``show``), each with whether it
        is enabled and its tooltip, and the command palette's (``Binding`` is a frozen dataclass, so
        comparable). Which widget a binding came from does not show, so moving the focus between two inputs
        changes nothing here."""
        if not self._bindings_ready:
            return None
        active = self.screen.active_bindings
        shown = tuple(
            (binding, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in active.values()
            if binding.show
        )
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (
            self.show_command_palette,
            self.app.ENABLE_COMMAND_PALETTE,
            shown,
            palette[1:] if palette is not None else None,
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys_now()
        self.compositions += 1
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # A key starts compact (its default) and is made not compact by its binding to the footer
                # once mounted: each flip restyles it. Giving it the footer's value first flips nothing.
                # The command palette's key is not bound to the footer and keeps its default.
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Footer.bindings_changed, with the recompose made conditional.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._keys_now() != self._shown:
            await self.recompose()
