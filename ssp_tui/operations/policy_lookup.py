"""Many policies at once: from what a person typed (policy numbers or ids) to their documents, concurrently.

A whole book is thousands of policies, so nothing here goes one policy after another, and resolving a policy
costs one request: a search (``GET /policies?q=``), which matches a policy number or, exactly, a policy id,
and answers the number, the id and whether a renewal term is offered. Only a reference the search does not
find is then tried as an id (``GET /policies/{id}``), for a portal whose search does not match ids (one
started by an older ssp-tui). Many references (``WHOLE_BOOK_FROM``) cost less still: the book's policy list,
read once at 1,000 a page, answers every number and id in it. The document lists of every policy and term are
then fetched ``concurrency`` at a time, at the API's largest page, and handed on in order as they arrive.
Results keep the order the references were given in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import msgspec

from ssp_tui.api.client import PortalClient
from ssp_tui.api.constants import DEFAULT_CONCURRENCY
from ssp_tui.api.errors import NotFound
from ssp_tui.api.models import Document, PolicyDetail, PolicySummary, StatusFilter, Term

T = TypeVar("T")
R = TypeVar("R")
WHOLE_BOOK_FROM = 50
"""From this many references on, the book's policy list is read once (pages of 1,000) and the numbers are
found in it, rather than one search each: 300 searches cost the portal (and the CLI) several times what the
three pages of a 2,600-policy book do."""


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """A policy found for a reference: enough to list its documents."""

    reference: str
    id: str
    policy_number: str
    terms: tuple[Term, ...]
    """The terms to look in: from a search, the previous and current terms and the renewal when one is
    offered (a term a policy lacks simply lists no documents); the detail's when it was found by id."""

    @classmethod
    def from_summary(cls, reference: str, summary: PolicySummary) -> PolicyRef:
        terms = (Term.PREVIOUS, Term.CURRENT, *((Term.RENEWAL,) if summary.has_renewal else ()))
        return cls(reference, summary.id, summary.policy_number, terms)

    @classmethod
    def from_detail(cls, reference: str, detail: PolicyDetail) -> PolicyRef:
        return cls(reference, detail.id, detail.policy_number, tuple(term.term for term in detail.terms))


@dataclass(frozen=True, slots=True)
class Resolved:
    found: list[PolicyRef]
    """In the order the references were given, each policy once."""
    unknown: list[str]
    """References that are neither a policy number nor a policy id this login may see."""


async def in_parallel(
    items: Iterable[T], work: Callable[[T], Awaitable[R]], concurrency: int = DEFAULT_CONCURRENCY
) -> list[R]:
    """``work`` on every item, at most ``concurrency`` at a time; the results in the items' order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(item: T) -> R:
        async with gate:
            return await work(item)

    return list(await asyncio.gather(*(one(item) for item in items)))


async def resolve_policy(client: PortalClient, reference: str) -> PolicyRef | None:
    """The policy a reference names (a policy number, any case, or an id); None when there is none. One
    request when there is one: the search matches ids too."""
    text = reference.strip()
    if not text:
        return None
    async for summary in client.policies.list(status=StatusFilter.ALL, q=text):
        if summary.policy_number.casefold() == text.casefold() or summary.id == text:
            return PolicyRef.from_summary(reference, summary)
    return await _policy_by_id(client, reference)


async def _policy_by_id(client: PortalClient, reference: str) -> PolicyRef | None:
    """A reference no search found, tried as an id: a portal's search may not match ids."""
    text = reference.strip()
    if not text:
        return None
    try:
        return PolicyRef.from_detail(reference, await client.policies.get(text))
    except (NotFound, ValueError):  # ValueError: not usable as an id at all
        return None


async def _listed(client: PortalClient, references: Sequence[str]) -> dict[str, PolicySummary]:
    """The policies of the whole book (every status) that one of ``references`` names, by the reference;
    a reference missing from it is no policy number or id this login may see."""
    by_number = {reference.strip().casefold(): reference for reference in references}
    by_id = {reference.strip(): reference for reference in references}
    found: dict[str, PolicySummary] = {}
    async for summary in client.policies.list(status=StatusFilter.ALL):
        for reference in (by_number.get(summary.policy_number.casefold()), by_id.get(summary.id)):
            if reference is not None:
                found.setdefault(reference, summary)
    return found


async def resolve_policies(
    client: PortalClient, references: Sequence[str], concurrency: int = DEFAULT_CONCURRENCY
) -> Resolved:
    """Every reference resolved, ``concurrency`` at a time; a policy named twice (even once by number and
    once by id) is kept once, where it was first named."""
    distinct = list(dict.fromkeys(references))
    if len(distinct) < WHOLE_BOOK_FROM:
        answers = await in_parallel(distinct, lambda ref: resolve_policy(client, ref), concurrency)
    else:
        listed = await _listed(client, distinct)

        async def one(reference: str) -> PolicyRef | None:
            if reference in listed:
                return PolicyRef.from_summary(reference, listed[reference])
            return await _policy_by_id(client, reference)

        answers = await in_parallel(distinct, one, concurrency)
    found: dict[str, PolicyRef] = {}
    unknown: list[str] = []
    for reference, policy in zip(distinct, answers, strict=True):
        if policy is None:
            unknown.append(reference)
        else:
            found.setdefault(policy.id, policy)
    return Resolved(list(found.values()), unknown)


async def policy_documents(
    client: PortalClient,
    policies: Sequence[PolicyRef],
    terms: Callable[[PolicyRef], Sequence[Term]],
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[Document]:
    """The documents of each policy's ``terms(policy)``, listed ``concurrency`` lists at a time, in policy
    then term order; every document carries its policy number and term (filled in if a portal left them
    out, since file names are made from them)."""
    lists = policy_document_lists(client, policies, terms, concurrency)
    return [document async for documents in lists for document in documents]


async def policy_document_lists(
    client: PortalClient,
    policies: Sequence[PolicyRef],
    terms: Callable[[PolicyRef], Sequence[Term]],
    concurrency: int = DEFAULT_CONCURRENCY,
) -> AsyncIterator[list[Document]]:
    """``policy_documents`` one list (a policy's term) at a time, in the same order, each handed on as soon
    as it and those before it are in, while the following lists are fetched: a listing prints its first
    rows before its last list arrives."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def documents_of(policy: PolicyRef, term: Term) -> list[Document]:
        async with gate:
            return [
                _with_policy(document, policy, term)
                async for document in client.documents.list(policy.id, term=term)
            ]

    fetches = [
        asyncio.ensure_future(documents_of(policy, term)) for policy in policies for term in terms(policy)
    ]
    try:
        for fetch in fetches:
            yield await fetch
    finally:
        for fetch in fetches:
            fetch.cancel()
        await asyncio.gather(*fetches, return_exceptions=True)


def _with_policy(document: Document, policy: PolicyRef, term: Term) -> Document:
    if document.policy_number is not None and document.term is not None and document.policy_id is not None:
        return document
    return msgspec.structs.replace(
        document,
        policy_id=document.policy_id or policy.id,
        policy_number=document.policy_number or policy.policy_number,
        term=document.term or term,
    )
