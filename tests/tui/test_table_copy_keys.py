"""Copying from a section's table (Pilot, against the sandbox): C copies the highlighted cell and Y the row,
as the table shows them; the screen's own lower-case keys keep their meaning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from section_helpers import enter_as
from test_policy_services import open_documents
from tui_helpers import SandboxLike, wait_for

from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.policy_services.screen import PolicyServicesScreen


async def test_c_and_y_copy_a_document_cell_and_row_in_policy_services(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    app = make_app(Profile(download_dir=tmp_path / "downloads"))
    async with app.run_test(size=(150, 44)) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_documents(pilot, app)
        table = screen.documents.table
        table.focus()
        await pilot.pause()
        index = table.model.cursor_index
        assert index is not None
        texts = table.model.texts(index)
        await pilot.press("C")
        assert app.clipboard == texts[0].strip()
        await pilot.press("right", "C")
        assert app.clipboard == texts[1].strip()
        await pilot.press("Y")
        assert app.clipboard == "\t".join(text.strip() for text in texts)
        assert app.clipboard.count("\t") == len(table.columns) - 1
        # Lower-case c is still the screen's (policy change requests), not a copy.
        await pilot.press("c")
        await wait_for(pilot, lambda: not isinstance(app.screen, PolicyServicesScreen), "change requests")
        assert app.clipboard == "\t".join(text.strip() for text in texts)
