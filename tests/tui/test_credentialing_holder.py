"""Add a COI Holder (Pilot, against a sandbox of the test's own): the form refuses bad input without
sending anything, a request whose response is lost on the network is created once, the confirmation gives
the 48 hours, and the requests list marks the overdue ones."""

from __future__ import annotations

from collections.abc import Callable

import httpx2
import pytest
from section_helpers import enter_as, shown_text
from test_credentialing import SIZE, move_to_group, open_credentialing
from textual.app import App
from textual.widgets import Input, Static
from tui_helpers import SandboxLike, click, db, press_burst, wait_for

from ssp_tui.api import client as client_module
from ssp_tui.api.constants import IDEMPOTENCY_HEADER
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.credentialing.holder import HolderRequestDialog, HolderRequestSent, InsuredChoice
from ssp_tui.tui.sections.credentialing.requests import OVERDUE_MARK, HolderRequestsPane, RequestRow

HOLDER = "Huron Valley Credentialing Office"


class LoseFirstHolderResponse(httpx2.AsyncBaseTransport):
    """Real HTTP to the sandbox, except that the first holder-request POST reaches the portal and its response
    is then lost (the connection drops while it is read), as on a flaky network."""

    def __init__(self) -> None:
        self.inner = httpx2.AsyncHTTPTransport()
        self.sent_keys: list[str | None] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and request.url.path.endswith("/credentialing/holder-requests"):
            self.sent_keys.append(request.headers.get(IDEMPOTENCY_HEADER))
            if len(self.sent_keys) == 1:
                await response.aread()
                await response.aclose()
                raise httpx2.ReadError("connection reset while reading the response", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def lossy(monkeypatch: pytest.MonkeyPatch) -> LoseFirstHolderResponse:
    """The app's client goes through the lossy transport and retries at once (no backoff sleep)."""
    transport = LoseFirstHolderResponse()
    real_client = client_module.PortalClient

    async def no_sleep(_seconds: float) -> None:
        return None

    def make_client(base_url: str, **options: object) -> client_module.PortalClient:
        return real_client(base_url, transport=transport, sleep=no_sleep, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(client_module, "PortalClient", make_client)
    return transport


def requests_for(db_path: object, holder_name: str) -> int:
    with db(db_path) as conn:  # type: ignore[arg-type]
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM holder_requests WHERE holder_name = ?", [holder_name]
            ).fetchone()[0]
        )


async def test_bad_input_is_refused_unsent_and_a_lost_response_creates_one_request(
    private_sandbox: SandboxLike, make_app: Callable[..., SspApp], lossy: LoseFirstHolderResponse
) -> None:
    app = make_app(server=private_sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, private_sandbox, "office.lakes")
        screen = await open_credentialing(pilot, app)
        await move_to_group(pilot, screen.tree, "Lucas Nguyen")
        nguyen = screen.tree.cursor_certificate()
        assert nguyen is not None
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HolderRequestDialog), "the holder form")
        dialog = app.screen
        assert isinstance(dialog, HolderRequestDialog)
        await wait_for(pilot, lambda: bool(dialog.query("#holder-holder_name")), "the form's fields")
        choice = dialog.choice
        assert choice is not None and (choice.insured_id, choice.policy_id) == (
            nguyen.insured_id,
            nguyen.policy_id,
        )

        await pilot.press(*HOLDER)  # the name box has the focus
        dialog.query_one("#holder-city", Input).value = "Ann Arbor"
        dialog.query_one("#holder-state", Input).value = "XX"
        dialog.query_one("#holder-zip", Input).value = "4810"
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = {
            name: str(dialog.query_one(f"#holder-{name}-error", Static).render())
            for name in ("address", "state", "zip", "holder_name")
        }
        assert "Enter the street address" in errors["address"]
        assert "not a USPS state" in errors["state"] and "5 digits" in errors["zip"]
        assert errors["holder_name"] == ""
        assert app.screen is dialog and app.focused is dialog.query_one("#holder-address", Input)
        assert lossy.sent_keys == [] and requests_for(private_sandbox.db_path, HOLDER) == 0, "nothing sent"

        await pilot.press(*"100 Main St")
        dialog.query_one("#holder-state", Input).value = "mi"
        dialog.query_one("#holder-zip", Input).value = "48104-1234"
        await click(pilot, "#holder-send")
        await wait_for(pilot, lambda: isinstance(app.screen, HolderRequestSent), "the confirmation")
        # The screen is pushed before its children mount; on a loaded machine its text comes a frame later.
        await wait_for(pilot, lambda: "48 hours" in shown_text(app.screen), "the confirmation's text")
        confirmation = shown_text(app.screen)
        assert "48 hours" in confirmation and HOLDER in confirmation

        # The first response was lost; the client sent the same request again with the same key.
        assert len(lossy.sent_keys) == 2 and lossy.sent_keys[0] == lossy.sent_keys[1] is not None
        assert requests_for(private_sandbox.db_path, HOLDER) == 1

        await pilot.press("escape", "l")
        pane = screen.query_one(HolderRequestsPane)
        await wait_for(
            pilot,
            lambda: any(r.request.holder_name == HOLDER for r in pane.table.shown_rows()),
            "the new request in the list",
        )
        mine = [
            r
            for r in pane.table.shown_rows()
            if isinstance(r, RequestRow) and r.request.holder_name == HOLDER
        ]
        assert len(mine) == 1 and not mine[0].overdue and mine[0].request.status.value == "submitted"


async def test_overdue_requests_are_marked(sandbox: SandboxLike, make_app: Callable[..., SspApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "credentialing.mercy")
        screen = await open_credentialing(pilot, app)
        await pilot.press("l")
        pane = screen.query_one(HolderRequestsPane)
        await wait_for(pilot, lambda: pane.table.has_focus and pane.table.model.row_count > 0, "the requests")
        rows = [r for r in pane.table.shown_rows() if isinstance(r, RequestRow)]
        overdue = [r for r in rows if r.overdue]
        assert overdue, "the seed's overdue request"
        assert all(r.request.status.value not in ("completed", "rejected") for r in overdue)
        assert f"{len(overdue)} overdue" in shown_text(pane)
        first_overdue = pane.table.model.index_of_key(overdue[0].request.id)
        assert first_overdue is not None and pane.table.model.texts(first_overdue)[0] == OVERDUE_MARK


async def test_without_a_highlighted_insured_the_form_asks_for_one() -> None:
    choices = [
        InsuredChoice("ins-1", "pol-1", "Lucas Nguyen"),
        InsuredChoice("ins-2", "pol-1", "Grace Okafor"),
    ]
    results: list[object] = []
    app: App[None] = App()
    async with app.run_test() as pilot:
        app.push_screen(HolderRequestDialog(choices, None), results.append)
        await wait_for(pilot, lambda: bool(app.screen.query("#holder-insured-error")), "the form")
        dialog = app.screen
        assert isinstance(dialog, HolderRequestDialog) and dialog.choice is None
        for name, value in (
            ("holder_name", "X Clinic"),
            ("address", "1 A St"),
            ("city", "Troy"),
            ("zip", "48083"),
        ):
            dialog.query_one(f"#holder-{name}", Input).value = value
        dialog.query_one("#holder-state", Input).value = "MI"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Choose the insured" in str(dialog.query_one("#holder-insured-error", Static).render())
        assert app.screen is dialog and not results


async def test_fields_typed_in_one_burst_each_land_in_their_field(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    """Typing quickly, Enter after each field: every value in its own field (they all went into the name)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "office.lakes")
        screen = await open_credentialing(pilot, app)
        await move_to_group(pilot, screen.tree, "Lucas Nguyen")
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HolderRequestDialog), "the holder form")
        dialog = app.screen
        await wait_for(
            pilot, lambda: app.focused is dialog.query_one("#holder-holder_name", Input), "the name focused"
        )
        values = {"holder_name": HOLDER, "address": "100 Main St", "city": "Ann Arbor", "state": "MI"}
        keys = [key for value in values.values() for key in (*value, "enter")]
        await press_burst(pilot, *keys, *"48104")
        await wait_for(pilot, lambda: dialog.query_one("#holder-zip", Input).value, "the ZIP typed")
        typed = {name: dialog.query_one(f"#holder-{name}", Input).value for name in (*values, "zip")}
        assert typed == {**values, "zip": "48104"}
        assert app.screen is dialog and app.focused is dialog.query_one("#holder-zip", Input)


async def test_keys_typed_right_after_h_land_in_the_form(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    """`h` and the holder's name in one burst: the name lands in the form's first field. The keys after `h`
    reached the certificates below while the form was being opened (`a` there ticks every certificate)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "office.lakes")
        screen = await open_credentialing(pilot, app)
        await move_to_group(pilot, screen.tree, "Lucas Nguyen")
        await press_burst(pilot, "h", *"Acme")
        await wait_for(pilot, lambda: isinstance(app.screen, HolderRequestDialog), "the holder form")
        name = app.screen.query_one("#holder-holder_name", Input)
        await wait_for(pilot, lambda: name.value, "the name typed")
        assert name.value == "Acme"
        assert not screen.selection.chosen(screen.tree.shown_order()), "nothing was ticked below"


async def test_h_is_typed_in_the_search_box(sandbox: SandboxLike, make_app: Callable[..., SspApp]) -> None:
    """`h` opens the form as it arrives (a priority key), but not from the search box: there it is typed."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "office.lakes")
        screen = await open_credentialing(pilot, app)
        search = screen.query_one("#coi-query", Input)
        search.focus()
        await wait_for(pilot, lambda: app.focused is search, "the search box focused")
        search.value = ""
        await pilot.press("h", "a")
        assert search.value == "ha"
        assert app.screen is screen
