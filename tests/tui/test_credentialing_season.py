"""Credentialing season in the TUI (Pilot, against the sandbox): a holder file previewed row by row and sent,
the Expiring tab over the whole book, and the Sent tab marking a certificate changed since it was sent."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from section_helpers import enter_as
from test_credentialing import SIZE, open_credentialing
from textual.widgets import Button, Checkbox, Input, Static
from tui_helpers import SandboxLike, click, db, wait_for

from ssp_tui import clock
from ssp_tui.operations.season.ledger import Ledger, LedgerAction, LedgerEntry
from ssp_tui.portal.target import SANDBOX_PORTAL_KEY
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.credentialing.holder_file import HolderFileDialog
from ssp_tui.tui.sections.credentialing.season_panes import ExpiringPane, SentPane


def text(widget: Static) -> str:
    return str(widget.render())


def _holder_requests(db_path: Path, holder: str) -> int:
    with db(db_path) as conn:
        return conn.execute(
            "SELECT count(*) FROM holder_requests WHERE holder_name = ?", [holder]
        ).fetchone()[0]


async def test_a_holder_file_is_previewed_and_only_its_good_rows_sent(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp], tmp_path: Path
) -> None:
    with db(private_sandbox.db_path) as conn:
        row = conn.execute(
            "SELECT p.policy_number, i.name FROM policy_insureds pi JOIN insureds i ON i.id = pi.insured_id "
            "JOIN policies p ON p.id = pi.policy_id JOIN users u ON u.agency_id = p.agency_id "
            "WHERE u.username = 'agent.rivera' AND p.status = 'active' "
            "ORDER BY p.policy_number, i.name LIMIT 1"
        ).fetchone()
    file = tmp_path / "holders.csv"
    with file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Policy", "Insured", "Holder name", "Address", "City", "State", "ZIP"])
        writer.writerow([row[0], row[1], "Tahoe Forest Hospital", "10121 Pine Ave", "Truckee", "CA", "96161"])
        writer.writerow([row[0], row[1], "Nowhere Clinic", "1 Main St", "Truckee", "XX", "96161"])
    app = make_app(server=private_sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, private_sandbox, "agent.rivera")
        await open_credentialing(pilot, app)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, HolderFileDialog), "the holder-file dialog")
        dialog = app.screen
        path_box = dialog.query_one("#holder-file-path", Input)
        path_box.value = ""
        await pilot.press(*str(file), "enter")
        summary = dialog.query_one("#holder-file-summary", Static)
        await wait_for(pilot, lambda: "1 ready, 1 not valid" in text(summary), "the preview")
        send = dialog.query_one("#holder-file-send", Button)
        assert send.disabled and _holder_requests(private_sandbox.db_path, "Tahoe Forest Hospital") == 0
        dialog.query_one("#holder-file-skip", Checkbox).value = True
        await pilot.pause()
        assert not send.disabled and str(send.label) == "Send 1 request"
        await click(pilot, "#holder-file-send")
        await wait_for(pilot, lambda: "Sent 1 of 1" in text(summary), "the requests sent")
        assert _holder_requests(private_sandbox.db_path, "Tahoe Forest Hospital") == 1
        assert _holder_requests(private_sandbox.db_path, "Nowhere Clinic") == 0
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HolderFileDialog), "the dialog closed")


async def test_the_expiring_tab_lists_the_terms_ending_in_the_window(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    today = clock.today()

    def expected(days: int) -> set[str]:
        with db(sandbox.db_path) as conn:
            rows = conn.execute(
                "SELECT ce.id FROM certificates ce JOIN policies p ON p.id = ce.policy_id "
                "JOIN policy_terms t ON t.policy_id = p.id AND t.term = 'current' "
                "JOIN users u ON u.agency_id = p.agency_id WHERE u.username = 'agent.chen' "
                "AND ce.term = 'current' AND p.status = 'active' AND t.\"end\" BETWEEN ? AND ?",
                [today.isoformat(), (today + timedelta(days=days)).isoformat()],
            ).fetchall()
        return {r[0] for r in rows}

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.chen")
        screen = await open_credentialing(pilot, app)
        await pilot.press("e")
        pane = screen.query_one(ExpiringPane)
        summary = pane.query_one("#expiring-summary", Static)
        await wait_for(pilot, lambda: "within 30 days" in text(summary), "the expiring list")
        assert {x.certificate.id for x in pane.table.shown_rows()} == expected(30)
        window = pane.query_one("#expiring-window", Input)
        window.focus()
        window.value = ""
        await pilot.press(*"40w", "enter")
        await wait_for(pilot, lambda: "within 280 days" in text(summary), "the wider window")
        assert {x.certificate.id for x in pane.table.shown_rows()} == expected(280)
        assert len(expected(280)) > len(expected(30))


@pytest.fixture
def ledger_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


async def test_the_sent_tab_marks_a_certificate_changed_since_it_was_sent(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], ledger_home: Path
) -> None:
    now = clock.now()
    common = ("ce_demo1", "NCP0000001", "Ann Lee, MD", "Mercy General Hospital")
    other = ("ce_demo2", "NCP0000001", "Bo Chen, DO", "Mercy General Hospital")
    with Ledger.open(SANDBOX_PORTAL_KEY) as ledger:
        ledger.record(
            [
                LedgerEntry(
                    now - timedelta(days=9), LedgerAction.SENT, *common, "a" * 64, "mso@mercy.example"
                ),
                LedgerEntry(
                    now - timedelta(days=9), LedgerAction.SENT, *other, "c" * 64, "mso@mercy.example"
                ),
                LedgerEntry(now - timedelta(days=1), LedgerAction.DOWNLOADED, *common, "b" * 64),
            ]
        )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.chen")
        screen = await open_credentialing(pilot, app)
        await pilot.press("s")
        pane = screen.query_one(SentPane)
        summary = pane.query_one("#sent-summary", Static)
        await wait_for(pilot, lambda: "3 events" in text(summary), "the ledger")
        assert "1 certificate changed since sent, for 1 holder" in text(summary)
        marked = {
            (entry.certificate_id, entry.action.value)
            for entry, changed in pane.table.shown_rows()
            if changed
        }
        assert marked == {("ce_demo1", "sent")}
