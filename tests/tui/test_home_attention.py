"""Home's "needs your attention" items open exactly their record (Pilot, against the sandbox).

Once "Account 2078786576 ... past due" opened another account (the list's first row) and "Renewal documents
for NCP2002798 are ready" opened another policy on its current term. Each item here is one that is not the
first row of its list (the test checks), so opening "the section" is not enough to pass."""

from __future__ import annotations

from collections.abc import Callable

from section_helpers import enter_as
from textual.widgets import OptionList
from tui_helpers import SandboxLike, wait_for

from ssp_tui.api.models import AttentionKind, BillingTerm, Term
from ssp_tui.app import SspApp
from ssp_tui.screens.home import HomeScreen
from ssp_tui.screens.payments import PaymentsScreen
from ssp_tui.screens.policy_services import PolicyServicesScreen

SIZE = (150, 50)
AGENT = "agent.rivera"  # many clients: past-due accounts and renewals


async def choose_last(pilot, app: SspApp, kind: AttentionKind) -> str:  # type: ignore[no-untyped-def]
    """Choose the last attention item of ``kind`` on Home; its ref_id."""
    await pilot.press("1")
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
    home = app.screen
    assert isinstance(home, HomeScreen)
    await wait_for(pilot, lambda: home.attention, "the attention items")
    matching = [i for i, item in enumerate(home.attention) if item.kind is kind]
    assert matching, f"the seed should give {AGENT} {kind} items"
    index = matching[-1]
    attention = home.query_one("#home-attention", OptionList)
    attention.focus()
    attention.highlighted = index
    await pilot.press("enter")
    ref_id = home.attention[index].ref_id
    assert ref_id is not None
    return ref_id


async def test_a_past_due_item_opens_exactly_its_account(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        account_id = await choose_last(pilot, app, AttentionKind.PAST_DUE)
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentsScreen), "Payments")
        screen = app.screen
        assert isinstance(screen, PaymentsScreen)
        await wait_for(
            pilot, lambda: screen.detail is not None and screen.detail.id == account_id, "the account"
        )
        assert screen.detail is not None and screen.detail.term is BillingTerm.CURRENT
        assert screen.billing_list.table.cursor_key == account_id
        assert screen.billing_list.table.shown_rows()[0].id != account_id  # type: ignore[attr-defined]
        await pilot.pause(0.2)
        assert screen.detail.id == account_id, "the list's first row did not take over afterwards"


async def test_a_renewal_item_opens_exactly_its_policy_on_the_renewal_term(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        policy_id = await choose_last(pilot, app, AttentionKind.RENEWAL_DOCUMENTS)
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyServicesScreen), "Policy Services")
        screen = app.screen
        assert isinstance(screen, PolicyServicesScreen)
        await wait_for(
            pilot, lambda: screen.policy is not None and screen.policy.id == policy_id, "the policy"
        )
        await wait_for(pilot, lambda: screen.documents.table.model.row_count > 0, "its documents")
        assert screen.term is Term.RENEWAL and screen.documents.term is Term.RENEWAL
        assert {doc.term for doc in screen.documents.table.shown_rows()} == {Term.RENEWAL}  # type: ignore[attr-defined]
        assert screen.picker.table.cursor_key == policy_id
        assert screen.picker.table.shown_rows()[0].id != policy_id  # type: ignore[attr-defined]
        await pilot.pause(0.2)
        assert screen.policy is not None and screen.policy.id == policy_id
