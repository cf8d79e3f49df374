"""Policy change requests and renewal applications in Policy Services (Pilot, against the sandbox): the list
and the request form for a policyholder, Home's items opening them, nothing of it for support, and an agent's
renewal applications: the renewal term's application line, the list of every renewal, and Home's "missing"."""

from __future__ import annotations

from collections.abc import Callable

from section_helpers import enter_as
from test_support import block, open_hit, open_support, search_for
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static
from tui_helpers import SandboxLike, click, wait_for, wait_for_screen

from ssp_tui.api.models import (
    ApplicationStatus,
    AttentionKind,
    ChangeKind,
    ChangeRequest,
    RenewalApplication,
    Term,
)
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.home.screen import HomeScreen
from ssp_tui.tui.sections.policy_services.change_form import ChangeRequestForm
from ssp_tui.tui.sections.policy_services.change_requests import ChangeRequestsScreen
from ssp_tui.tui.sections.policy_services.renewal_applications import RenewalApplicationsScreen
from ssp_tui.tui.sections.policy_services.screen import PolicyServicesScreen
from ssp_tui.widgets.virtual_table import VirtualTable

SIZE = (150, 50)


async def open_policy_services(pilot: Pilot, app: SspApp) -> PolicyServicesScreen:
    await pilot.press("3")
    await wait_for(pilot, lambda: isinstance(app.screen, PolicyServicesScreen), "Policy Services")
    screen = app.screen
    assert isinstance(screen, PolicyServicesScreen)
    await wait_for(pilot, lambda: screen.picker.table.model.row_count > 0, "the policies")
    return screen


def requests_shown(app: SspApp) -> list[ChangeRequest]:
    return [r for r in app.screen.query_one(VirtualTable).shown_rows() if isinstance(r, ChangeRequest)]


async def choose_attention(pilot: Pilot, app: SspApp, kind: AttentionKind) -> None:
    home = app.screen
    assert isinstance(home, HomeScreen)
    await wait_for(pilot, lambda: home.attention, "the attention items")
    index = next(i for i, item in enumerate(home.attention) if item.kind is kind)
    attention = home.query_one("#home-attention", OptionList)
    attention.focus()
    attention.highlighted = index
    await pilot.press("enter")


async def test_a_policyholder_asks_for_a_change_and_follows_it(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app(server=private_sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, private_sandbox, "office.lakes")
        await open_policy_services(pilot, app)
        await pilot.press("c")
        await wait_for_screen(pilot, ChangeRequestsScreen, "#changes-table")
        await wait_for(pilot, lambda: len(requests_shown(app)) == 2, "the seeded requests")
        statuses = {r.status.value for r in requests_shown(app)}
        assert statuses == {"submitted", "rejected"}
        await pilot.press("n")
        await wait_for_screen(pilot, ChangeRequestForm, "#change-submit")
        form = app.screen
        form.query_one("#change-kind", Select).value = ChangeKind.REMOVE_INSURED
        insured = form.query_one("#change-insured", Select)
        await wait_for(pilot, lambda: insured.prompt == "Choose the insured", "the policy's insureds")
        insured.value = next(value for _label, value in insured._options if isinstance(value, str))
        form.query_one("#change-reason", Input).value = "retired"
        await click(pilot, "#change-submit")
        await wait_for(
            pilot,
            lambda: "Effective date" in str(form.query_one("#change-status", Static).render()),
            "the missing date",
        )
        form.query_one("#change-effective", Input).focus()
        await pilot.press(*"12/31/2026")
        await pilot.pause()
        status = form.query_one("#change-status", Static)
        assert str(status.render()) == "" and not status.has_class("error"), "the date is fixed: no message"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangeRequestsScreen), "back at the list")
        await wait_for(pilot, lambda: len(requests_shown(app)) == 3, "the new request listed")
        newest = requests_shown(app)[0]
        assert newest.kind is ChangeKind.REMOVE_INSURED and newest.status.value == "submitted"
        assert "retired" in newest.summary


async def test_home_opens_change_requests_and_support_has_none(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        await choose_attention(pilot, app, AttentionKind.CHANGE_REQUESTS)
        await wait_for_screen(pilot, ChangeRequestsScreen, "#changes-table")
        await wait_for(pilot, lambda: requests_shown(app), "the requests")
    support = make_app()
    async with support.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "support.morgan")
        screen = await open_policy_services(pilot, support)
        assert screen.check_action("change_requests", ()) is False
        await pilot.press("c")
        await pilot.pause()
        assert support.screen is screen


async def test_an_agent_sees_renewal_applications(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        await choose_attention(pilot, app, AttentionKind.RENEWAL_APPLICATION_MISSING)
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyServicesScreen), "Policy Services")
        screen = app.screen
        assert isinstance(screen, PolicyServicesScreen)
        line = screen.documents.query_one("#renewal-application", Static)
        await wait_for(pilot, lambda: "MISSING" in str(line.render()), "the missing application")
        assert screen.term is Term.RENEWAL

        screen.picker.table.focus()
        await pilot.press("A")
        await wait_for_screen(pilot, RenewalApplicationsScreen, "#applications-table")
        table = app.screen.query_one(VirtualTable)
        await wait_for(pilot, lambda: table.model.row_count > 0, "the renewals")
        rows = [r for r in table.shown_rows() if isinstance(r, RenewalApplication)]
        assert {r.status for r in rows} == {ApplicationStatus.COMPLETED, ApplicationStatus.MISSING}
        app.screen.query_one("#applications-filter", Select).value = next(
            value
            for label, value in app.screen.query_one("#applications-filter", Select)._options
            if label == "Application completed"
        )
        await wait_for(
            pilot,
            lambda: (
                table.shown_rows()
                and all(r.status is ApplicationStatus.COMPLETED for r in table.shown_rows())
            ),
            "only the completed ones",
        )
        completed = table.shown_rows()[0]
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyServicesScreen), "back in Policy Services")
        await wait_for(
            pilot,
            lambda: (
                screen.policy is not None
                and screen.policy.id == completed.policy_id
                and "completed on" in str(line.render())
            ),
            "the completed application's line",
        )
        documents = screen.documents.table.shown_rows()
        assert completed.document is not None and completed.document.id in {d.id for d in documents}


async def test_support_triage_shows_an_overdue_change_request(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await enter_as(pilot, sandbox, "support.morgan")
        screen = await open_support(pilot, app)
        await search_for(pilot, screen, "credentialing.mercy")
        await open_hit(pilot, screen, "credentialing.mercy")
        await wait_for(pilot, lambda: screen.query("#support-block-changes"), "the change requests block")
        changes = block(screen, "changes")
        assert "OVERDUE (over 3 business days)" in changes and "in review" in changes
        assert "policy change request" in block(screen, "problems")
