"""Payments (Pilot, against the sandbox): a policyholder's account and term, the installment picture, Pay
(opened in the browser, or shown and copied over SSH), and no Pay for agents and support staff. Insureds have
no Payments section at all (tests/tui/test_sign_in.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from section_helpers import enter_as, shown_text
from textual.widgets import Button
from tui_helpers import SandboxLike, click, wait_for

from ssp_tui.api.models import BillingKind, BillingTerm
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common import links
from ssp_tui.tui.common.links import LinkDialog
from ssp_tui.tui.sections.payments.chart import InstallmentStrip
from ssp_tui.tui.sections.payments.screen import PaymentsScreen
from ssp_tui.widgets.virtual_table import VirtualTable

SIZE = (150, 50)


async def open_payments(pilot, app: SspApp) -> PaymentsScreen:  # type: ignore[no-untyped-def]
    await pilot.press("2")
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentsScreen), "Payments")
    screen = app.screen
    assert isinstance(screen, PaymentsScreen)
    await wait_for(pilot, lambda: screen.detail is not None, "the first account's details")
    await pilot.pause()
    return screen


def rows(screen: PaymentsScreen, selector: str) -> int:
    return screen.query_one(selector, VirtualTable).model.row_count


def active_actions(screen: PaymentsScreen) -> set[str]:
    return {active.binding.action for active in screen.active_bindings.values() if active.enabled}


async def test_policyholder_sees_the_term_and_pays_in_the_browser(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], opened_in_browser: list[str]
) -> None:
    opened = opened_in_browser
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_payments(pilot, app)
        detail = screen.detail
        assert (
            detail is not None and detail.kind is BillingKind.ACCOUNT and detail.term is BillingTerm.CURRENT
        )
        shown = shown_text(screen)
        # The seed's figures for Dr. Patel's NORCAL account (monthly plan, one installment due).
        for text in ("Monthly", "$11,467.00", "$11,412.00", "$1,911.16", "$955.58", "12/01/2026"):
            assert text in shown, text
        assert "Extended Reporting Endorsement" in shown
        assert rows(screen, "#installments") == 12 and rows(screen, "#payments") == 10
        assert rows(screen, "#billed-policies") == 2, "the account's two policies are listed"
        picture = str(screen.query_one(InstallmentStrip).render())
        assert picture.startswith("██████████▓░") and "10 paid · 1 due · 1 scheduled" in picture

        assert "pay" in active_actions(screen)
        assert not screen.query_one("#pay-button", Button).has_class("hidden")
        await pilot.press("y")
        await wait_for(pilot, lambda: opened, "the browser to be asked to open the pay link")
        assert opened[0].startswith("https://") and "token=" in opened[0]
        assert not isinstance(app.screen, LinkDialog)
        await pilot.press("e")
        await wait_for(pilot, lambda: len(opened) == 2, "the ERE page to open")
        assert opened[1] == detail.ere_url

        await pilot.press("t")
        await wait_for(
            pilot, lambda: screen.detail and screen.detail.term is BillingTerm.PREVIOUS, "the previous term"
        )
        assert rows(screen, "#installments") > 0
        # Pay is on the current term only: the previous term offers none, and y does nothing there.
        assert "pay" not in active_actions(screen)
        assert screen.query_one("#pay-button", Button).has_class("hidden")
        await pilot.press("y")
        await pilot.pause()
        assert len(opened) == 2

        await pilot.press("v")
        await wait_for(pilot, lambda: rows(screen, "#billing-table") == 2, "the two billed policies")
        await wait_for(
            pilot, lambda: screen.detail and screen.detail.kind is BillingKind.POLICY, "a policy's billing"
        )


async def test_pay_over_ssh_shows_and_copies_the_link(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
    monkeypatch.setattr(links, "_open_in_browser", lambda url: pytest.fail("no browser over SSH"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        screen = await open_payments(pilot, app)
        await click(pilot, "#pay-button")
        await wait_for(pilot, lambda: isinstance(app.screen, LinkDialog), "the link dialog")
        dialog = app.screen
        assert isinstance(dialog, LinkDialog)
        await wait_for(pilot, lambda: dialog.query("#link-url"), "the link shown")
        assert "token=" in dialog.url and dialog.url in shown_text(dialog)
        await wait_for(pilot, lambda: app.clipboard == dialog.url, "the link copied (OSC 52)")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back on Payments")


@pytest.mark.parametrize(
    ("username", "accounts"),
    [("agent.rivera", 8), ("support.morgan", None), ("office.lakes", 1)],
)
async def test_no_pay_for_agents_support_or_accounts_that_cannot_pay_online(
    username: str,
    accounts: int | None,
    sandbox: SandboxLike,
    make_app: Callable[..., SspApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(links, "_open_in_browser", lambda url: pytest.fail("nothing to open"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        screen = await open_payments(pilot, app)
        if accounts is not None:
            assert rows(screen, "#billing-table") == accounts
        assert "$" in shown_text(screen), "the figures are shown to every role"
        # The payments applied are the policyholder's (and support's): an agent sees no such table at all.
        sees_payments = username != "agent.rivera"
        assert screen.query_one("#payments").display is sees_payments
        assert "pay" not in active_actions(screen)
        assert screen.query_one("#pay-button", Button).has_class("hidden")
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen, "y does nothing where Pay is not allowed"
