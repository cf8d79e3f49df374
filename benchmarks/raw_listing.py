"""``python -m benchmarks.raw_listing KIND [ARG]``: the CLI benchmark's baseline, a minimal script that
fetches and decodes what a CLI command lists (at limit=1000), as its own process so both pay a start-up.

The portal and the token come from SSP_BENCH_URL (with /api/v1) and SSP_BENCH_TOKEN. Prints the item count.
KIND: policies, billing, activity, coi [SORT] (the whole book's certificates, by insured or by holder), docs
POLICY_ID (every term), book [FILE] (every document list of every policy, or of those FILE names, six lists
at a time: what a whole-book download lists).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx2

from benchmarks import large_raw as raw
from ssp_tui.api.models import BillingSummary, Certificate, Document, PolicySummary, SeminarActivity


async def book(http: httpx2.AsyncClient, only: str | None) -> int:
    """Every document list of the book's policies (``only``: a file of policy numbers, one a line)."""
    policies = await raw.listing(http, "/policies", PolicySummary, status="all")
    if only:
        wanted = set(Path(only).read_text().split())
        policies = [p for p in policies if p.policy_number in wanted]
    lists = [
        raw.listing(http, f"/policies/{p.id}/documents", Document, term=term)
        for p in policies
        for term in ("previous", "current", *(("renewal",) if p.has_renewal else ()))
    ]
    return len(policies) + sum(len(found) for found in await raw.gathered(6, lists))


async def main(kind: str, arg: str | None) -> int:
    headers = {"Authorization": f"Bearer {os.environ['SSP_BENCH_TOKEN']}"}
    async with httpx2.AsyncClient(base_url=os.environ["SSP_BENCH_URL"], headers=headers, timeout=600) as http:
        if kind == "policies":
            return len(await raw.listing(http, "/policies", PolicySummary, status="all"))
        if kind == "billing":
            return len(await raw.listing(http, "/billing/accounts", BillingSummary))
        if kind == "activity":
            return len(await raw.listing(http, "/seminars/activity", SeminarActivity))
        if kind == "coi":
            search = {"status": "active", "by": "policyholder", "term": "current", "sort": arg or "insured"}
            return len(await raw.listing(http, "/credentialing/certificates", Certificate, **search))
        if kind == "docs":
            terms = ("previous", "current", "renewal")
            lists = [raw.listing(http, f"/policies/{arg}/documents", Document, term=t) for t in terms]
            return sum(len(found) for found in await asyncio.gather(*lists))
        if kind == "book":
            return await book(http, arg)
    raise SystemExit(f"unknown kind {kind!r}")


if __name__ == "__main__":
    print(asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)))
