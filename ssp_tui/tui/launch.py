"""``ssp-tui`` with no subcommand: load the profile and keymap, choose the portal, run the TUI.

Apart from the app itself so that the app's module stays about the app (``tui/app.py``).
"""

from __future__ import annotations

import gc

from ssp_tui.tui.app import SspApp


def run_app(
    portal: str | None = None, profile: str | None = None, force_sandbox: bool = False, no_mouse: bool = False
) -> None:
    """``ssp-tui`` with no subcommand: choose the portal, then run the TUI (the sandbox starts beside it)."""
    from ssp_tui.errors import ConfigError
    from ssp_tui.portal.target import choose_target
    from ssp_tui.settings.config import config_path, load_keymap, load_profile

    try:
        profile_name, loaded = load_profile(profile)
        keymap, keymap_problems = load_keymap()
        target = choose_target(portal, loaded, force_sandbox=force_sandbox)
    except ConfigError as error:
        # Before the UI exists a plain message on stderr is the clearest place for it (exit status 1).
        raise SystemExit(f"ssp-tui: {error.full_message}") from None
    # Everything imported so far (modules, classes, Textual's tables) lives as long as the process. Frozen,
    # the collector stops re-scanning it: the full collections that otherwise fall inside the first frame
    # cost about 50 ms of start-up (docs/performance.md), and every later full collection is cheaper too.
    # (Keeping the collector off until the first frame was tried: the one big collection when it came back
    # on then held the frame's write to the terminal back by about 100 ms.)
    gc.freeze()
    gc.enable()  # ssp_tui.__main__ turned it off for the imports
    app = SspApp(
        target,
        profile_name=profile_name,
        profile=loaded,
        keymap=keymap,
        keymap_source=config_path(),
        keymap_problems=keymap_problems,
    )
    app.run(mouse=not no_mouse)
