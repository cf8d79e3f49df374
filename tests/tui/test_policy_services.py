"""Policy Services (Pilot, against the sandbox): pick a policy and a term, select documents, download them as
one combined PDF or as separate files at the template's paths, preview a first page, open the forms link,
and Home's "Policy Documents" quick jump."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from section_helpers import enter_as, shown_text
from textual.pilot import Pilot
from textual.widgets import Select
from tui_helpers import SandboxLike, click, wait_for

from ssp_tui.api.models import Document, StatusFilter, Term
from ssp_tui.operations.downloads.jobs import document_job
from ssp_tui.settings.config import Profile
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog, PreviewDialog
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sections.policy_services.screen import PolicyServicesScreen
from ssp_tui.widgets.virtual_table import VirtualTable

SIZE = (150, 44)
TEMPLATE = "{policy}/{term}/{type}-{title}.pdf"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The engine's cache of this test only (so every test really downloads)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


async def open_documents(pilot: Pilot, app: SspApp) -> PolicyServicesScreen:
    await pilot.press("3")
    await wait_for(pilot, lambda: isinstance(app.screen, PolicyServicesScreen), "Policy Services")
    screen = app.screen
    assert isinstance(screen, PolicyServicesScreen)
    await wait_for(pilot, lambda: screen.documents.table.model.row_count > 0, "the first policy's documents")
    return screen


def document_rows(screen: PolicyServicesScreen) -> list[Document]:
    return [row for row in screen.documents.table.shown_rows() if isinstance(row, Document)]


async def download_all(pilot: Pilot, app: SspApp, screen: PolicyServicesScreen, *, separate: bool) -> None:
    screen.documents.table.focus()
    await pilot.press("a", "d")
    await wait_for(pilot, lambda: isinstance(app.screen, DownloadDialog), "the download dialog")
    dialog = app.screen
    await wait_for(pilot, lambda: dialog.query("#download-start"), "the dialog's buttons")
    await pilot.pause()  # laid out, so that a click lands on the button
    if separate:
        await click(pilot, "#mode-separate")
        await wait_for(pilot, lambda: dialog.query_one("#download-name").disabled, "separate chosen")
    await click(pilot, "#download-start")
    await wait_for(pilot, lambda: screen.runner.last_result is not None, "the download to finish")


async def test_policyholder_downloads_one_combined_pdf(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    app = make_app(Profile(download_dir=tmp_path / "downloads"))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_documents(pilot, app)
        documents = document_rows(screen)
        assert screen.policy is not None and screen.policy.policy_number == "NCP1513214"
        assert len(documents) == 5
        shown = shown_text(screen)
        assert "Current term" in shown
        await download_all(pilot, app, screen, separate=False)
        result = screen.runner.last_result
        assert result is not None and result.complete
        expected = (tmp_path / "downloads" / "NCP1513214-current-documents.pdf").resolve()
        assert result.combined_path == expected
        with pikepdf.open(expected) as pdf:
            assert len(pdf.pages) == sum(d.pages for d in documents)
            # Issue 17: the combined PDF says what it is and which policy it is for.
            assert str(pdf.docinfo["/Title"]) == "Policy documents - NCP1513214 current term"
            assert "NCP1513214" in str(pdf.docinfo["/Subject"])
            with pdf.open_outline() as outline:
                assert [item.title for item in outline.root] == [d.title for d in documents]
        assert "Combined 5 documents" in str(screen.runner.panel.query_one("#download-summary").render())


async def test_the_combined_pdf_is_never_written_through_a_planted_symlink(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    """Issue 17: a symlink planted at the combined PDF's name, and a dangling one at the next name, are both
    left alone; the PDF gets the first free name in the folder, and nothing is written outside it."""
    folder, outside = tmp_path / "downloads", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    (outside / "victim.pdf").write_bytes(b"keep me")
    (folder / "NCP1513214-current-documents.pdf").symlink_to(outside / "victim.pdf")
    (folder / "NCP1513214-current-documents (2).pdf").symlink_to(outside / "created-by-us.pdf")
    app = make_app(Profile(download_dir=folder))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_documents(pilot, app)
        await download_all(pilot, app, screen, separate=False)
        result = screen.runner.last_result
        assert result is not None and result.complete
        assert result.combined_path == folder.resolve() / "NCP1513214-current-documents (3).pdf"
        assert not result.combined_path.is_symlink()
        with pikepdf.open(result.combined_path) as pdf:
            assert len(pdf.pages) == sum(d.pages for d in document_rows(screen))
    assert (outside / "victim.pdf").read_bytes() == b"keep me"
    assert sorted(p.name for p in outside.iterdir()) == ["victim.pdf"]


async def test_separate_downloads_land_at_template_paths_with_a_manifest(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    folder = tmp_path / "pdfs"
    app = make_app(Profile(download_dir=folder, filename_template=TEMPLATE))
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_documents(pilot, app)
        documents = document_rows(screen)
        await download_all(pilot, app, screen, separate=True)
        result = screen.runner.last_result
        assert result is not None and result.complete
        manifest = json.loads((folder / "manifest.json").read_text())
        listed = {entry["key"]: entry for entry in manifest["files"]}
        for document in documents:
            relative = document_job(
                document, template=TEMPLATE, policy_number="NCP1513214", term=Term.CURRENT
            )
            path = folder / relative.relative_path
            assert path.is_file(), path
            assert str(relative.relative_path).startswith("NCP1513214/current/")
            assert listed[document.id]["file"] == relative.relative_path.as_posix()  # type: ignore[union-attr]
            assert listed[document.id]["sha256"] == document.sha256
            assert listed[document.id]["bytes"] == path.stat().st_size == document.bytes
        assert manifest["complete"] is True


async def test_agent_searches_policies_terms_preview_and_forms(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], opened_in_browser: list[str]
) -> None:
    opened = opened_in_browser
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        screen = await open_documents(pilot, app)
        policies = screen.picker.table
        active = policies.model.row_count
        assert active > 1

        screen.picker.query_one("#policy-status", Select).value = StatusFilter.ALL
        await wait_for(pilot, lambda: policies.model.row_count > active, "cancelled policies too")
        statuses = {row.status.value for row in policies.shown_rows()}
        assert statuses == {"active", "cancelled"}

        # Search: type part of Dr. Patel's policy number into the picker's filter.
        await pilot.press("slash", *"NCP151")
        await wait_for(pilot, lambda: policies.model.shown_count == 1, "one matching policy")
        await wait_for(
            pilot,
            lambda: screen.policy is not None and screen.policy.policy_number == "NCP1513214",
            "the matching policy's details",
        )
        term_select = screen.documents.query_one("#document-term", Select)
        await wait_for(pilot, lambda: term_select.value == Term.CURRENT, "the terms")
        offered = {value for _label, value in term_select._options if isinstance(value, Term)}
        assert offered == {Term.CURRENT, Term.PREVIOUS, Term.RENEWAL}, "renewal is offered on this policy"
        term_select.value = Term.RENEWAL
        await wait_for(pilot, lambda: screen.term is Term.RENEWAL, "the renewal term")
        await wait_for(pilot, lambda: document_rows(screen), "the renewal documents")
        assert all(d.term in (Term.RENEWAL, None) for d in document_rows(screen))

        screen.documents.table.focus()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewDialog), "the preview")
        preview = app.screen
        assert isinstance(preview, PreviewDialog)
        await wait_for(pilot, lambda: preview.query("#preview-body"), "the preview's text")
        assert "NCP1513214" in preview.text, preview.text[:300]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back from the preview")

        await pilot.press("f")
        await wait_for(pilot, lambda: opened, "the forms link to open")
        assert opened == ["https://www.proassurance.com/policyholders/frequently-downloaded-forms/"]

        await pilot.press("slash", *"zzz")
        await wait_for(pilot, lambda: policies.model.shown_count == 0, "no matching policy")
        await wait_for(pilot, lambda: screen.policy is None and not document_rows(screen), "no documents")


async def test_home_quick_jump_opens_the_documents(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        assert isinstance(app.screen, HomeScreen)
        await wait_for(pilot, lambda: app.screen.query("#jump-policy_services"), "the quick jumps")
        await click(pilot, "#jump-policy_services")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyServicesScreen), "Policy Services")
        screen = app.screen
        assert isinstance(screen, PolicyServicesScreen)
        await wait_for(pilot, lambda: isinstance(app.focused, VirtualTable), "a table focused")
        await wait_for(pilot, lambda: document_rows(screen), "the policyholder's documents")
