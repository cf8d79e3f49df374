"""Home's "needs your attention" items open exactly their record (Pilot, against the sandbox).

Once "Account 2078786576 ... past due" opened another account (the list's first row) and "Renewal documents
for NCP2002798 are ready" opened another policy on its current term. Each item here is one that is not the
first row of its list (the test checks), so opening "the section" is not enough to pass. The tests click the
item, as a user does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from section_helpers import enter_as
from textual.pilot import Pilot
from textual.widgets import OptionList, TabbedContent
from tui_helpers import SandboxLike, settle, wait_for

from ssp_tui.api.models import AttentionKind, BillingTerm, Term
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.credentialing.requests import HolderRequestsPane
from ssp_tui.tui.sections.credentialing.screen import REQUESTS_TAB, CredentialingScreen
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sections.payments.screen import PaymentsScreen
from ssp_tui.tui.sections.policy_services.screen import PolicyServicesScreen

SIZE = (150, 50)
T = TypeVar("T")
AGENT = "agent.rivera"  # many clients: past-due accounts and renewals
POLICYHOLDER = "dr.patel"  # an amount due (not past due)


async def open_attention(
    pilot: Pilot[None], app: SspApp, kind: AttentionKind, section: type[T]
) -> tuple[T, str | None]:
    """Click the last attention item of ``kind`` on Home, as a user does; the section it opened and the id
    the item is about."""
    await pilot.press("1")
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
    home = app.screen
    assert isinstance(home, HomeScreen)
    await wait_for(pilot, lambda: home.attention, "the attention items")
    matching = [i for i, item in enumerate(home.attention) if item.kind is kind]
    assert matching, f"the seed should give this user {kind} items"
    # By keys, as a user does: a long item wraps and a long list scrolls, so a row is not an item's index.
    attention = home.query_one("#home-attention", OptionList)
    attention.focus()
    await pilot.press("home", *["down"] * matching[-1], "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, section), section.__name__)
    screen = app.screen
    assert isinstance(screen, section)
    return screen, home.attention[matching[-1]].ref_id


async def test_a_past_due_item_opens_exactly_its_account(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        screen, account_id = await open_attention(pilot, app, AttentionKind.PAST_DUE, PaymentsScreen)
        assert account_id is not None
        await wait_for(
            pilot, lambda: screen.detail is not None and screen.detail.id == account_id, "the account"
        )
        assert screen.detail is not None and screen.detail.term is BillingTerm.CURRENT
        table = screen.billing_list.table
        assert table.cursor_key == account_id
        assert table.shown_rows()[0].id != account_id  # type: ignore[attr-defined]
        await settle(pilot)
        assert screen.detail.id == account_id, "the list's first row did not take over afterwards"


async def test_a_renewal_item_opens_exactly_its_policy_on_the_renewal_term(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        kind = AttentionKind.RENEWAL_DOCUMENTS
        screen, policy_id = await open_attention(pilot, app, kind, PolicyServicesScreen)
        assert policy_id is not None
        await wait_for(
            pilot, lambda: screen.policy is not None and screen.policy.id == policy_id, "the policy"
        )
        await wait_for(pilot, lambda: screen.documents.table.model.row_count > 0, "its documents")
        assert screen.term is Term.RENEWAL and screen.documents.term is Term.RENEWAL
        assert {doc.term for doc in screen.documents.table.shown_rows()} == {Term.RENEWAL}  # type: ignore[attr-defined]
        table = screen.picker.table
        assert table.cursor_key == policy_id
        assert table.shown_rows()[0].id != policy_id  # type: ignore[attr-defined]
        await settle(pilot)
        assert screen.policy is not None and screen.policy.id == policy_id
        # The picker's first row was asked for before Home's policy; its answer, arriving late (the load was
        # cancelled after it had answered), once replaced the term with the current one. It changes nothing.
        first_row = table.shown_rows()[0].id  # type: ignore[attr-defined]
        late = await app.controller.call(lambda client: client.policies.get(first_row))
        screen.post_message(PolicyServicesScreen.PolicyLoaded(late, Term.CURRENT, []))
        await settle(pilot)
        assert screen.policy.id == policy_id and screen.term is Term.RENEWAL


async def test_an_amount_due_item_opens_exactly_its_account(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, POLICYHOLDER)
        screen, account_id = await open_attention(pilot, app, AttentionKind.AMOUNT_DUE, PaymentsScreen)
        assert account_id is not None
        await wait_for(
            pilot, lambda: screen.detail is not None and screen.detail.id == account_id, "the account"
        )
        assert screen.detail is not None and screen.detail.term is BillingTerm.CURRENT
        assert screen.billing_list.table.cursor_key == account_id


async def test_a_holder_requests_item_opens_those_requests(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, AGENT)
        screen, ref_id = await open_attention(pilot, app, AttentionKind.HOLDER_REQUESTS, CredentialingScreen)
        assert ref_id is None  # a count of requests, not one record
        pane = screen.query_one(HolderRequestsPane)
        await wait_for(pilot, lambda: screen.query_one(TabbedContent).active == REQUESTS_TAB, "the requests")
        await wait_for(pilot, lambda: pane.table.model.row_count > 0, "the requests listed")
        assert pane.table.has_focus
