"""One failed worker, one error shown: the section screen reports it once, and the section only says on the
page what could not be loaded (issue 18: Payments, Policy Services and Credentialing reported every failure
twice, their handler calling ``super()`` while Textual also ran the base screen's)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx2
import pytest
from section_helpers import enter_as, shown_text
from tui_helpers import SandboxLike, wait_for

from ssp_tui.api.errors import ServerError
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.dialogs.error_modal import ErrorModal
from ssp_tui.tui.section_screen import SectionScreen
from ssp_tui.tui.sections.credentialing.screen import CredentialingScreen
from ssp_tui.tui.sections.payments.screen import PaymentsScreen
from ssp_tui.tui.sections.policy_services.screen import PolicyServicesScreen

SIZE = (150, 50)

# The section, its screen, one worker of it to start, and what its page says when that worker fails.
CASES: dict[str, tuple[type[SectionScreen], Callable[..., object], str]] = {
    "payments": (
        PaymentsScreen,
        lambda screen: screen.load_detail(screen.chosen, screen.detail_pane.term),
        "The billing details could not be loaded",
    ),
    "policy_services": (
        PolicyServicesScreen,
        lambda screen: screen.load_documents(screen.policy.id, screen.term),
        "The documents could not be loaded",
    ),
    "credentialing": (
        CredentialingScreen,
        lambda screen: screen.search(screen.search_bar.search),
        "The search failed",
    ),
}


class ProblemBody(httpx2.AsyncByteStream):
    """A problem+json body the client reads as it reads the portal's."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"title": "Internal Server Error", "detail": "Injected by the test."}'


def presented_errors(app: SspApp) -> int:
    """Error dialogs on the stack plus warning notifications: what the user sees of failures."""
    modals = sum(isinstance(screen, ErrorModal) for screen in app.screen_stack)
    return modals + sum(note.severity == "warning" for note in app._notifications)


@pytest.mark.parametrize("section_id", list(CASES))
async def test_a_failed_worker_is_reported_once_and_said_on_the_page(
    sandbox: SandboxLike,
    make_app: Callable[..., SspApp],
    monkeypatch: pytest.MonkeyPatch,
    section_id: str,
) -> None:
    screen_type, start_worker, page_says = CASES[section_id]
    app = make_app()
    reported: list[BaseException] = []
    show_error = app.show_error

    def recording_show_error(error: BaseException) -> None:
        reported.append(error)
        show_error(error)

    monkeypatch.setattr(app, "show_error", recording_show_error)
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "dr.patel")
        app.open_section(section_id)
        await wait_for(pilot, lambda: isinstance(app.screen, screen_type), section_id)
        screen = app.screen
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers), "the section to load")
        if isinstance(screen, PolicyServicesScreen):
            await wait_for(pilot, lambda: screen.policy is not None, "the first policy")
        if isinstance(screen, PaymentsScreen):
            await wait_for(pilot, lambda: screen.chosen is not None, "the first account")
        assert not reported, reported
        shown_before = presented_errors(app)

        async def failing_send(self: httpx2.AsyncClient, request: httpx2.Request, **kwargs: object) -> object:
            # The portal fails every request from here on (500 is not retried), as a streamed answer.
            headers = {"content-type": "application/problem+json"}
            return httpx2.Response(500, headers=headers, stream=ProblemBody(), request=request)

        monkeypatch.setattr(httpx2.AsyncClient, "send", failing_send)
        start_worker(screen)
        await wait_for(pilot, lambda: reported, "the failure")
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers), "the worker to end")
        await pilot.pause()
        assert len(reported) == 1, reported
        assert isinstance(reported[0], ServerError), reported
        assert presented_errors(app) - shown_before == 1
        assert page_says in shown_text(screen)
