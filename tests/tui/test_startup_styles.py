"""The login screen's first resume skips Textual's restyle of every node (start-up, docs/performance.md): the
styles its widgets got as they mounted must be exactly those a full restyle gives."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.dom import DOMNode
from textual.screen import Screen
from tui_helpers import wait_for_screen

from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sign_in.login import LoginScreen


def styles_of(screen: Screen[object]) -> dict[str, dict[str, object]]:
    """Each node's rules from the stylesheet, by its place in the DOM."""
    return {
        f"{index}:{type(node).__name__}#{node.id}": dict(node.styles.base.get_rules())
        for index, node in enumerate(screen.walk_children(with_self=True))
    }


async def test_the_login_screen_is_styled_once_before_its_first_frame_as_a_restyle_would(
    make_app: Callable[..., SspApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    restyled: list[DOMNode] = []
    update_node_styles = DOMNode.update_node_styles

    def record(node: DOMNode, animate: bool = True) -> None:
        restyled.append(node)
        update_node_styles(node, animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", record)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_screen(pilot, LoginScreen, "#sign-in")
        screen = app.screen
        assert screen not in restyled  # its first resume did not restyle the whole screen
        assert screen.focused is screen.query_one("#username")
        as_mounted = styles_of(screen)
        screen.update_node_styles(animate=False)  # what Textual's restyle on resume would have given
        assert styles_of(screen) == as_mounted
        assert any(rules for rules in as_mounted.values())
