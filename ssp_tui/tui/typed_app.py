"""``ssp_app(node)``: the running app, typed.

Its own module so that the login screen (the first frame) need not import ``chrome.py`` and Textual's Tabs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from ssp_tui.tui.app import SspApp


def ssp_app(node: DOMNode) -> SspApp:
    """The running app, typed (screens and widgets only ever run inside ``SspApp``)."""
    return cast("SspApp", node.app)
