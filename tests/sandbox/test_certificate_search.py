"""The certificate search (``GET /credentialing/certificates`` without ``policy_id``): for any role and
search, exactly the certificates the insured search and a listing per policy give, in a few pages."""

from __future__ import annotations

import httpx2
import pytest
from sandbox_harness import SandboxServer

from ssp_tui.api.models import Role


def everything(client: httpx2.Client, path: str, **params: object) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        page = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def per_policy(client: httpx2.Client, term: str, **search: object) -> list[str]:
    """The old way: the insured search, then each policy's certificates, kept to the insureds found."""
    insureds = everything(client, "/credentialing/insureds", **search)
    found = {(i["id"], i["policy_id"]) for i in insureds}
    certificates = []
    for policy_id in dict.fromkeys(i["policy_id"] for i in insureds):
        for c in everything(client, "/credentialing/certificates", policy_id=policy_id, term=term):
            if (c["insured_id"], c["policy_id"]) in found:
                certificates.append(c["id"])
    return certificates


@pytest.mark.parametrize(
    ("role", "search"),
    [
        (Role.AGENT, {"status": "all"}),
        (Role.AGENT, {"status": "active", "q": "a", "by": "policyholder"}),
        (Role.AGENT, {"status": "all", "q": "NCP", "by": "policy_number"}),
        (Role.POLICYHOLDER, {"status": "all"}),
        (Role.INSURED, {"status": "all"}),
    ],
)
@pytest.mark.parametrize("term", ["current", "renewal"])
def test_the_search_finds_what_the_per_policy_listings_find(
    sandbox: SandboxServer, role: Role, search: dict[str, object], term: str
) -> None:
    account = sandbox.account(role)
    with sandbox.client(sandbox.token(account.username)) as client:
        expected = per_policy(client, term, **search)
        found = everything(client, "/credentialing/certificates", term=term, limit=7, **search)
    assert sorted(c["id"] for c in found) == sorted(expected)
    assert len({c["id"] for c in found}) == len(found)  # no certificate twice across pages
    keys = [(c["insured_name"], c["policy_number"], c["holder_name"], c["id"]) for c in found]
    assert keys == sorted(keys)  # by insured, policy and holder
    if role is Role.INSURED:
        assert len({c["insured_id"] for c in found}) <= 1  # only their own certificates


def test_another_customers_certificates_are_never_found(sandbox: SandboxServer) -> None:
    patel, lakes = sandbox.account(Role.POLICYHOLDER, 0), sandbox.account(Role.POLICYHOLDER, 1)
    with sandbox.client(sandbox.token(lakes.username)) as client:
        theirs = {c["id"] for c in everything(client, "/credentialing/certificates", status="all")}
    with sandbox.client(sandbox.token(patel.username)) as client:
        mine = {c["id"] for c in everything(client, "/credentialing/certificates", status="all")}
    assert mine and theirs and not mine & theirs
