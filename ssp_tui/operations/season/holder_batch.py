"""Send a checked holder file: resolve each row's policy and insured, then submit each row with its own
content-derived Idempotency-Key.

Resolution costs one Credentialing search per distinct policy (run concurrently), not one per row. A row
that cannot be resolved or that the portal refuses fails alone; the others go on. ``AuthenticationRequired``
escapes, so the caller can sign in again and run the same rows: their keys make the rerun create nothing
twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ssp_tui.api.client import PortalClient
from ssp_tui.api.constants import DEFAULT_CONCURRENCY
from ssp_tui.api.errors import AuthenticationRequired, PortalError, StatusError
from ssp_tui.api.models import HolderRequest, HolderRequestCreate, SearchBy, StatusFilter
from ssp_tui.api.models.credentialing import CredentialedInsured
from ssp_tui.operations.season.holder_rows import HolderRow


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row: HolderRow
    request: HolderRequest | None = None
    error: str | None = None
    may_have_reached_portal: bool = False
    """The request was sent and its answer lost: rerunning the same file resolves it without a duplicate."""

    @property
    def ok(self) -> bool:
        return self.request is not None


@dataclass(frozen=True, slots=True)
class ResolvedRow:
    row: HolderRow
    insured: CredentialedInsured | None
    error: str | None = None


async def resolve_rows(
    client: PortalClient, rows: Sequence[HolderRow], concurrency: int = DEFAULT_CONCURRENCY
) -> list[ResolvedRow]:
    """Each row's insured on its policy, or why it cannot be found (one search per distinct policy)."""
    gate = asyncio.Semaphore(concurrency)
    policies = sorted({row.policy.casefold(): row.policy for row in rows}.items())

    async def on_policy(policy: str) -> list[CredentialedInsured]:
        async with gate:
            found = await client.credentialing.insureds(
                policy, by=SearchBy.POLICY_NUMBER, status=StatusFilter.ALL
            ).collect()
        wanted = policy.casefold()
        return [r for r in found if wanted in (r.policy_number.casefold(), r.policy_id.casefold())]

    looked_up = await asyncio.gather(*(on_policy(original) for _, original in policies))
    by_policy = {key: insureds for (key, _), insureds in zip(policies, looked_up, strict=True)}
    return [_match(row, by_policy[row.policy.casefold()]) for row in rows]


def _match(row: HolderRow, on_policy: list[CredentialedInsured]) -> ResolvedRow:
    if not on_policy:
        return ResolvedRow(row, None, f"no policy {row.policy} among your insureds")
    wanted = " ".join(row.insured.split()).casefold()
    matches = [i for i in on_policy if wanted in (i.id.casefold(), " ".join(i.name.split()).casefold())]
    if len(matches) == 1:
        return ResolvedRow(row, matches[0])
    problem = "matches more than one insured" if matches else "is not an insured"
    names = ", ".join(sorted(i.name for i in on_policy)[:6])
    more = "…" if len(on_policy) > 6 else ""
    return ResolvedRow(
        row, None, f"{row.insured!r} {problem} on {on_policy[0].policy_number} ({names}{more})"
    )


def request_body(row: HolderRow, insured: CredentialedInsured) -> HolderRequestCreate:
    return HolderRequestCreate(
        policy_id=insured.policy_id,
        insured_id=insured.id,
        holder_name=row.holder_name,
        address=row.address,
        city=row.city,
        state=row.state,
        zip=row.zip,
        contact_name=row.contact_name,
        contact_email=row.contact_email,
    )


async def submit_rows(
    client: PortalClient,
    resolved: Sequence[ResolvedRow],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_done: Callable[[RowOutcome], None] | None = None,
) -> list[RowOutcome]:
    """Submit every resolved row (rows that did not resolve are reported, not sent), in file order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(item: ResolvedRow) -> RowOutcome:
        if item.insured is None:
            outcome = RowOutcome(item.row, error=item.error)
        else:
            async with gate:
                outcome = await _send(client, item.row, item.insured)
        if on_done is not None:
            on_done(outcome)
        return outcome

    return list(await asyncio.gather(*(one(item) for item in resolved)))


async def _send(client: PortalClient, row: HolderRow, insured: CredentialedInsured) -> RowOutcome:
    try:
        created = await client.credentialing.create_holder_request(
            request_body(row, insured), idempotency_key=row.idempotency_key
        )
    except AuthenticationRequired:
        raise
    except StatusError as exc:
        # The portal answered: it refused this row, and nothing was created.
        return RowOutcome(row, error=exc.user_message)
    except PortalError as exc:
        return RowOutcome(row, error=exc.user_message, may_have_reached_portal=True)
    return RowOutcome(row, request=created)
