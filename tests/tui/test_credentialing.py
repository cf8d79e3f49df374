"""Credentialing (Pilot, against the sandbox): an agent's many insureds grouped by insured and by COI holder,
a policyholder's group policy downloaded as one PDF and as separate PDFs, who sees the section, and Home's
"Create a COI"."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from section_helpers import enter_as
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import SandboxLike, click, db, nav_section_ids, wait_for

from ssp_tui.operations.downloads.jobs import CoiJobs
from ssp_tui.operations.pdf_text import first_page_text
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog
from ssp_tui.tui.sections.credentialing import screen as credentialing_screen
from ssp_tui.tui.sections.credentialing.screen import CredentialingScreen
from ssp_tui.tui.sections.credentialing.selection import Grouping, plan_downloads
from ssp_tui.tui.sections.credentialing.tree import NO_CLAIMS_HISTORY, CertificateTree

SIZE = (150, 50)


async def open_credentialing(pilot: Pilot, app: SspApp) -> CredentialingScreen:
    await pilot.press("4")
    await wait_for(pilot, lambda: isinstance(app.screen, CredentialingScreen), "Credentialing")
    screen = app.screen
    assert isinstance(screen, CredentialingScreen)
    await wait_for(pilot, lambda: screen.last_search is not None, "the first search")
    await pilot.pause()
    return screen


async def search_for(pilot: Pilot, screen: CredentialingScreen, text: str) -> None:
    """`/`, replace the query, Enter: the results replace the tree and the focus moves to it."""
    await pilot.press("slash")
    query = screen.query_one("#coi-query", Input)
    query.value = ""
    await pilot.press(*text, "enter")
    await wait_for(
        pilot,
        lambda: screen.last_search is not None and screen.last_search.text == text and screen.tree.has_focus,
        f"the results for {text!r}",
    )
    await pilot.pause()


async def move_to_group(pilot: Pilot, tree: CertificateTree, title_start: str) -> None:
    """Arrow down (wrapping to the top once) until the highlighted node is the group named so."""
    await pilot.press("home")
    for _ in range(len(tree.selection.certificates) + len(tree.groups) + 2):
        node = tree.cursor_node
        item = node.data if node is not None else None
        if item is not None and item.is_group and item.title.startswith(title_start):
            return
        await pilot.press("down")
    raise AssertionError(f"no group {title_start!r} in the tree")


def current_certificate_ids(db_path: Path, insured_name: str) -> set[str]:
    with db(db_path) as conn:
        rows = conn.execute(
            "SELECT ce.id FROM certificates ce JOIN insureds i ON i.id = ce.insured_id "
            "WHERE i.name = ? AND ce.term = 'current'",
            [insured_name],
        ).fetchall()
    return {row["id"] for row in rows}


async def test_agent_ticks_an_insured_then_a_coi_holder_across_insureds(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.chen")
        screen = await open_credentialing(pilot, app)
        tree = screen.tree
        everyone = {c.insured_id for c in screen.selection.certificates.values()}
        assert len(everyone) >= 10, "an agent's book: many insureds"

        await search_for(pilot, screen, "Lucas Nguyen")
        assert [group.title.split(" · ")[0] for group in tree.groups] == ["Lucas Nguyen"]
        await pilot.press("space")  # the highlighted group: every certificate of the insured
        nguyen = current_certificate_ids(sandbox.db_path, "Lucas Nguyen")
        assert nguyen and screen.selection.selected == nguyen
        await pilot.press("enter")  # Enter on the group unticks it all again
        assert not screen.selection.selected
        await pilot.press("space")
        assert screen.selection.selected == nguyen

        await search_for(pilot, screen, "")  # the whole book again; the ticks stay
        assert screen.selection.selected == nguyen
        await pilot.press("n", "g")
        await wait_for(pilot, lambda: tree.grouping is Grouping.COI, "grouping by COI")
        assert not screen.selection.selected
        shared = next(g for g in tree.groups if len({c.insured_id for c in g.certificates}) >= 2)
        await move_to_group(pilot, tree, shared.title)
        await pilot.press("space")
        holder_ids = {c.id for c in screen.selection.certificates.values() if c.holder_id == shared.key}
        assert screen.selection.selected == holder_ids, "every insured's certificate for this holder"
        assert len({screen.selection.certificates[i].insured_id for i in holder_ids}) >= 2

        # Down to the group's first certificate and untick it: the group is then partly ticked.
        await pilot.press("down", "space")
        assert len(screen.selection.selected) == len(holder_ids) - 1
        assert str(tree.label_of(tree.cursor_node.parent)).startswith("[-] ")  # type: ignore[union-attr,arg-type]


def page_bytes(page: pikepdf.Page) -> bytes:
    contents = page.obj.Contents
    if isinstance(contents, pikepdf.Array):
        return b"".join(part.read_bytes() for part in contents)
    return contents.read_bytes()


async def download_as(pilot: Pilot, screen: CredentialingScreen, folder: Path, *, separate: bool) -> None:
    runs_before = screen.runner.last_result
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(screen.app.screen, DownloadDialog), "the download dialog")
    dialog = screen.app.screen
    await wait_for(pilot, lambda: bool(dialog.query("#mode-separate")), "the dialog's fields")
    if separate:
        await click(pilot, "#mode-separate")
    dialog.query_one("#download-folder", Input).value = str(folder)
    await click(pilot, "#download-start")
    await wait_for(
        pilot,
        lambda: screen.runner.last_result is not runs_before and not screen.runner.is_running,
        "the download to finish",
    )


async def test_policyholder_downloads_a_group_policy_as_one_pdf_and_as_separate_pdfs(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "office.lakes")
        screen = await open_credentialing(pilot, app)
        tree = screen.tree
        certificates = list(screen.selection.certificates.values())
        assert (
            len({c.policy_id for c in certificates}) == 1 and len({c.insured_id for c in certificates}) >= 3
        )
        await pilot.press("a")
        for insured in ("Lucas Nguyen", "Samuel Hoffman"):
            await move_to_group(pilot, tree, insured)
            await pilot.press("c")  # COI and Claims History Access for the insured's certificates
        hoffman_leaves = [
            str(tree.label_of(leaf))
            for group in tree.root.children
            if group.data is not None and group.data.title.startswith("Samuel Hoffman")
            for leaf in group.children
        ]
        assert hoffman_leaves and all(NO_CLAIMS_HISTORY in label for label in hoffman_leaves)

        await download_as(pilot, screen, tmp_path / "single", separate=False)
        combined = screen.runner.last_result
        assert combined is not None and combined.complete and combined.combined_path is not None
        await download_as(pilot, screen, tmp_path / "separate", separate=True)
        separate = screen.runner.last_result
        assert separate is not None and separate.complete

    # What was asked: every certificate, in the tree's order (insureds by name, holders by name), and one
    # claims-history letter for Nguyen after his first certificate; none for Hoffman (not available).
    ordered = sorted(certificates, key=lambda c: (c.insured_name.casefold(), c.holder_name.casefold()))
    expected_titles: list[str] = []
    for cert in ordered:
        expected_titles.append(f"COI {cert.insured_name} - {cert.holder_name}")
        if cert.insured_name == "Lucas Nguyen" and "Claims history Lucas Nguyen" not in expected_titles:
            expected_titles.append("Claims history Lucas Nguyen")

    manifest = json.loads((tmp_path / "separate" / "manifest.json").read_text())
    file_of = {entry["title"]: tmp_path / "separate" / entry["file"] for entry in manifest["files"]}
    assert sorted(file_of) == sorted(expected_titles) and manifest["complete"] is True
    for title, path in file_of.items():
        text = first_page_text(path)
        if title.startswith("COI "):
            insured, holder = title.removeprefix("COI ").split(" - ", 1)
            assert insured in text and holder in text, title
        else:
            assert "Lucas Nguyen" in text and "claim" in text.lower(), title

    with pikepdf.open(combined.combined_path) as single:
        with single.open_outline() as outline:
            bookmarks = [(item.title, item) for item in outline.root]
        assert [title for title, _ in bookmarks] == expected_titles
        offset = 0
        for title in expected_titles:
            with pikepdf.open(file_of[title]) as part:
                for page in part.pages:
                    assert page_bytes(single.pages[offset]) == page_bytes(page), f"{title}, page {offset}"
                    offset += 1
        assert offset == len(single.pages)


async def test_who_sees_credentialing_and_an_insured_sees_only_their_own(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "support.morgan")
        assert "credentialing" not in nav_section_ids(app)
        await pilot.press("4")
        await pilot.pause()
        assert not isinstance(app.screen, CredentialingScreen)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.nguyen")
        screen = await open_credentialing(pilot, app)
        names = {c.insured_name for c in screen.selection.certificates.values()}
        assert names == {"Lucas Nguyen"}


async def test_home_create_a_coi_opens_the_certificates(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.chen")
        await click(pilot, "#jump-credentialing")
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialingScreen), "Credentialing")
        screen = app.screen
        assert isinstance(screen, CredentialingScreen)
        await wait_for(
            pilot,
            lambda: bool(screen.query(CertificateTree)) and screen.tree.has_focus,
            "the certificates, focused",
        )


async def test_the_download_is_planned_off_the_event_loop_with_the_access_levels_as_they_were(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,000 certificates' jobs and file names are built in a thread (issue 23), from a copy of the access
    levels: a change made while they are built does not reach that download."""
    planned_in: list[threading.Thread] = []
    started, proceed = threading.Event(), threading.Event()

    def plan_in_a_thread(*args: Any, **kwargs: Any) -> CoiJobs:
        planned_in.append(threading.current_thread())
        started.set()
        proceed.wait(timeout=30)
        return plan_downloads(*args, **kwargs)

    monkeypatch.setattr(credentialing_screen, "plan_downloads", plan_in_a_thread)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "office.lakes")
        screen = await open_credentialing(pilot, app)
        ticked = list(screen.selection.certificates)
        await pilot.press("a", "d")
        await wait_for(pilot, started.is_set, "the planning")
        screen.selection.cycle_access(ticked)  # claims history for all, after the plan began
        proceed.set()
        await wait_for(pilot, lambda: isinstance(app.screen, DownloadDialog), "the download dialog")
        dialog = app.screen
        assert isinstance(dialog, DownloadDialog)
        assert dialog.count == len(ticked), "certificates only: the access levels as they were at `d`"
        assert planned_in and planned_in[0] is not threading.main_thread()
        await pilot.press("escape")
