"""Policy Services asks for a policy's documents beside the policy itself (Pilot, against the sandbox): one
round trip after the list, where there were two (issue 23), and each thing asked for once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from section_helpers import enter_as
from test_policy_services import open_documents
from tui_helpers import SandboxLike, wait_for

from ssp_tui.api.models import Document, PolicyDetail, Term
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources.documents import DocumentsResource
from ssp_tui.api.resources.policies import PoliciesResource
from ssp_tui.tui.app import SspApp

SIZE = (150, 44)


class Asked:
    """Which policies and documents the screen asks the portal for, in order."""

    def __init__(self) -> None:
        self.policies: list[str] = []
        self.documents: list[tuple[str, Term]] = []
        self.documents_asked = asyncio.Event()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """Records every policy and documents request; a policy's answer is held until its documents are asked
    for, so a screen that asks for them only after the policy's answer never shows it."""
    record = Asked()
    get_policy = PoliciesResource.get
    list_documents = DocumentsResource.list

    async def held_get(self: PoliciesResource, policy_id: str) -> PolicyDetail:
        record.policies.append(policy_id)
        await record.documents_asked.wait()
        return await get_policy(self, policy_id)

    def recorded_list(
        self: DocumentsResource, policy_id: str, term: Term = Term.CURRENT
    ) -> Paginator[Document]:
        record.documents.append((policy_id, term))
        record.documents_asked.set()
        return list_documents(self, policy_id, term)

    monkeypatch.setattr(PoliciesResource, "get", held_get)
    monkeypatch.setattr(DocumentsResource, "list", recorded_list)
    return record


async def test_the_documents_are_asked_for_beside_the_policy_and_each_once(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], asked: Asked
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        screen = await open_documents(pilot, app)
        first = screen.picker.table.cursor_row
        assert screen.policy is not None and first is not None and screen.policy.id == first.id  # type: ignore[attr-defined]
        assert screen.term is Term.CURRENT
        # Asked once each: the list's own answer asks for its first row, and the picker's message that follows
        # finds it asked for already.
        assert asked.policies == [screen.policy.id]
        assert asked.documents == [(screen.policy.id, Term.CURRENT)]
        assert {d.policy_id for d in screen.documents.table.shown_rows() if isinstance(d, Document)} <= {
            screen.policy.id
        }


async def test_a_term_the_next_policy_does_not_offer_shows_its_current_term(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], asked: Asked
) -> None:
    """The renewal term chosen on one policy, then a policy without one: the renewal documents asked for
    beside it are not shown; its current term is, asked for once the policy's terms are known."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        screen = await open_documents(pilot, app)
        rows = screen.picker.table.shown_rows()
        with_renewal = next(p for p in rows if p.has_renewal)  # type: ignore[attr-defined]
        without = next(p for p in rows if not p.has_renewal)  # type: ignore[attr-defined]
        screen.picker.table.move_cursor_to_key(with_renewal.id)  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: screen.policy is not None and screen.policy.id == with_renewal.id, "it")
        screen.post_message(screen.documents.TermChosen(Term.RENEWAL))
        await wait_for(pilot, lambda: screen.term is Term.RENEWAL, "the renewal term")

        screen.picker.table.move_cursor_to_key(without.id)  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: screen.policy is not None and screen.policy.id == without.id, "next")
        await wait_for(pilot, lambda: (without.id, Term.CURRENT) in asked.documents, "its current documents")
        await wait_for(pilot, lambda: screen.documents.table.model.row_count > 0, "its documents shown")
        assert screen.term is Term.CURRENT
        assert asked.documents[-2:] == [(without.id, Term.RENEWAL), (without.id, Term.CURRENT)]
        shown = [d for d in screen.documents.table.shown_rows() if isinstance(d, Document)]
        assert {d.policy_id for d in shown} == {without.id}
        assert {d.term for d in shown} <= {Term.CURRENT, None}
