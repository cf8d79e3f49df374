"""The certificate search (``GET /credentialing/certificates`` without ``policy_id``): for any role and
search, exactly the certificates the insured search and a listing per policy give, in a few pages."""

from __future__ import annotations

import sqlite3

import httpx2
import pytest
from sandbox_harness import SandboxServer

from ssp_tui.api.models import Role


def by_insured(c: dict) -> tuple[str, ...]:
    """``sort=insured`` as docs/api.md defines it: names without regard to case, then exactly, then the id."""
    insured, holder = c["insured_name"], c["holder_name"]
    return (insured.casefold(), c["policy_number"], holder.casefold(), insured, holder, c["id"])


def by_holder(c: dict) -> tuple[str, ...]:
    insured, holder = c["insured_name"], c["holder_name"]
    return (holder.casefold(), insured.casefold(), c["policy_number"], insured, holder, c["id"])


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
    keys = [by_insured(c) for c in found]
    assert keys == sorted(keys)  # by insured, policy and holder (the default sort)
    if role is Role.INSURED:
        assert len({c["insured_id"] for c in found}) <= 1  # only their own certificates


def test_another_customers_certificates_are_never_found(sandbox: SandboxServer) -> None:
    patel, lakes = sandbox.account(Role.POLICYHOLDER, 0), sandbox.account(Role.POLICYHOLDER, 1)
    with sandbox.client(sandbox.token(lakes.username)) as client:
        theirs = {c["id"] for c in everything(client, "/credentialing/certificates", status="all")}
    with sandbox.client(sandbox.token(patel.username)) as client:
        mine = {c["id"] for c in everything(client, "/credentialing/certificates", status="all")}
    assert mine and theirs and not mine & theirs


def test_the_portal_sorts_by_insured_or_by_holder_ignoring_case_and_pages_keep_the_order(
    private_sandbox: SandboxServer,
) -> None:
    """``sort=holder`` and ``sort=insured`` are total orders that fold case as Python's ``casefold`` does
    (SQLite's NOCASE folds ASCII only), so a client can print each page as it comes and merge searches."""
    with sqlite3.connect(private_sandbox.db_path) as db:
        holders = [row[0] for row in db.execute("SELECT id FROM certificate_holders ORDER BY name")]
        insureds = [row[0] for row in db.execute("SELECT id FROM insureds ORDER BY name")]
        # A name a byte order puts after "Z", and two an ASCII-only fold (NOCASE) orders wrongly: "Ä" < "ä".
        new_names = ["aardvark Imaging", "Ärzte Zentrum", "ärzte Verbund"]
        for holder_id, name in zip(holders, new_names, strict=False):
            db.execute("UPDATE certificate_holders SET name = ? WHERE id = ?", [name, holder_id])
        db.execute("UPDATE insureds SET name = ? WHERE id = ?", ["de Vries, Anna", insureds[0]])
    agent = private_sandbox.account(Role.AGENT)
    with private_sandbox.client(private_sandbox.token(agent.username)) as client:
        default = everything(client, "/credentialing/certificates", status="all", limit=10)
        insured = everything(client, "/credentialing/certificates", status="all", limit=10, sort="insured")
        holder = everything(client, "/credentialing/certificates", status="all", limit=10, sort="holder")
        policy_id = holder[0]["policy_id"]
        one_policy = everything(client, "/credentialing/certificates", policy_id=policy_id, sort="holder")
    assert len(default) > 10 and len({c["id"] for c in holder}) == len(holder)
    assert [c["id"] for c in default] == [c["id"] for c in insured]
    assert [by_insured(c) for c in insured] == sorted(map(by_insured, insured))
    assert [by_holder(c) for c in holder] == sorted(map(by_holder, holder))
    assert sorted(c["id"] for c in holder) == sorted(c["id"] for c in insured)
    names = list(dict.fromkeys(c["holder_name"] for c in holder))
    assert names[:1] == ["aardvark Imaging"] and names.index("ärzte Verbund") < names.index("Ärzte Zentrum")
    assert names != sorted(names)  # a byte order would differ
    assert [by_holder(c) for c in one_policy] == sorted(map(by_holder, one_policy))
    assert {c["policy_id"] for c in one_policy} == {policy_id}
