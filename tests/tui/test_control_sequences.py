"""Terminal control sequences in portal data never reach the screen: a portal whose insured and holder names
carry ``ESC ] 0 ; ... BEL`` (set the window title) and ``ESC [ 2 J`` (clear the screen) shows the names
without them, in the Credentialing tree and anywhere else on screen."""

from __future__ import annotations

from collections.abc import Callable

from section_helpers import enter_as
from tui_helpers import SandboxLike, db, wait_for

from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.credentialing.screen import CredentialingScreen

TITLE_TRAP = "\x1b]0;pwned\x07"
CLEAR_SCREEN = "\x1b[2J"


def plant_control_sequences(sandbox: SandboxLike) -> None:
    with db(sandbox.db_path) as conn:
        conn.execute("UPDATE insureds SET name = name || ? || ?", [TITLE_TRAP, "\x9b31m"])
        conn.execute("UPDATE certificate_holders SET name = ? || name", [CLEAR_SCREEN])


async def test_names_with_control_sequences_are_shown_clean(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    plant_control_sequences(private_sandbox)
    app = make_app(server=private_sandbox)
    async with app.run_test(size=(150, 50)) as pilot:
        await enter_as(pilot, private_sandbox, "agent.chen")
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialingScreen), "Credentialing")
        screen = app.screen
        assert isinstance(screen, CredentialingScreen)
        await wait_for(
            pilot, lambda: screen.last_search is not None and screen.tree.groups, "the first search"
        )
        await pilot.pause()
        names = [group.title for group in screen.tree.groups]
        assert names and all("\x1b" not in name and "\x9b" not in name for name in names)
        assert any(name.startswith("Lucas Nguyen") for name in names)
        labels: list[str] = []
        stack = [screen.tree.root]
        while stack:
            node = stack.pop()
            labels.append(str(node.label))
            stack.extend(node.children)
        assert len(labels) > 10 and not [label for label in labels if "\x1b" in label or "\x9b" in label]
        for certificate in screen.selection.certificates.values():
            assert not certificate.holder_name.startswith("\x1b") and "pwned" not in certificate.insured_name
        # What is on screen, as the terminal would get it: no escape from the data among the characters.
        screenshot = app.export_screenshot()
        assert "pwned" not in screenshot and "[2J" not in screenshot
