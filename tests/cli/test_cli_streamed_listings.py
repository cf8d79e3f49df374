"""Listings run as a user runs them, on small pages: the first row is written before the last page is asked
for, the output is byte for byte what one large page prints, and the portal is asked only what is needed."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import httpx2
import msgspec
import pytest
from cli_helpers import Cli, LoginAs

from ssp_tui.api.models import Certificate, CertificateSort, PolicySummary, Role
from ssp_tui.api.transport import Transport
from ssp_tui.operations.certificate_search import portal_order

CERTIFICATES = "/api/v1/credentialing/certificates"


@dataclass
class Asked:
    """Each request the CLI sent: its path, query, and how many bytes it had written to stdout by then."""

    requests: list[tuple[str, dict[str, str], int]] = field(default_factory=list)

    def written_at(self, path: str) -> list[int]:
        return [written for asked, _query, written in self.requests if asked == path]

    def paths(self) -> list[str]:
        return [path for path, _query, _written in self.requests if not path.startswith("/api/v1/auth/")]


def _stdout_bytes() -> int:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    return len(buffer.getvalue()) if buffer is not None and hasattr(buffer, "getvalue") else 0


def record_requests(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """From now on, every request is recorded against the output written so far, and listings come in
    pages of 4."""
    record = Asked()
    real_send = httpx2.AsyncClient.send
    real_init = Transport.__init__

    async def recording_send(self: httpx2.AsyncClient, request: httpx2.Request, **kwargs: object) -> object:
        record.requests.append((request.url.path, dict(request.url.params), _stdout_bytes()))
        return await real_send(self, request, **kwargs)  # type: ignore[arg-type]

    def small_pages(self: Transport, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        self.page_size = 4

    monkeypatch.setattr(httpx2.AsyncClient, "send", recording_send)
    monkeypatch.setattr(Transport, "__init__", small_pages)
    return record


@pytest.mark.parametrize("args", [(), ("--group", "coi"), ("--json",), ("--format", "csv")])
def test_coi_list_prints_pages_as_they_arrive_exactly_as_one_page_would(
    cli: Cli, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    profile = login_as(Role.AGENT)
    whole = cli.run("coi", "list", "--status", "all", *args, profile=profile)  # one page of 1,000
    assert whole.exit_code == 0, whole.stderr
    recorder = record_requests(monkeypatch)
    paged = cli.run("coi", "list", "--status", "all", *args, profile=profile)
    assert paged.exit_code == 0, paged.stderr
    assert paged.stdout == whole.stdout
    written = recorder.written_at(CERTIFICATES)
    assert len(written) >= 4  # pages of 4: a listing of many pages
    # The next page is asked for as one arrives, before it is printed: so the last request follows the
    # printing of all but the last two pages; nothing was held back to sort.
    assert written[0] == 0 and written[-1] > 0
    sort = CertificateSort.HOLDER if "coi" in args else CertificateSort.INSURED
    assert {query.get("sort") for path, query, _ in recorder.requests if path == CERTIFICATES} == {sort.value}


def test_coi_list_of_several_queries_merges_them_in_one_order_each_once(
    cli: Cli, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = login_as(Role.AGENT)
    listed = cli.run("policies", "list", "--status", "all", "--json", profile=profile)
    policies = msgspec.json.decode(listed.stdout, type=list[PolicySummary])
    holders = list(dict.fromkeys(p.policyholder for p in policies))[:3]
    queries = [arg for holder in [*holders, holders[0].upper()] for arg in ("--query", holder)]
    def certificates(*args: str) -> list[Certificate]:
        result = cli.run("coi", "list", *args, "--json", profile=profile)
        assert result.exit_code == 0, result.stderr
        return msgspec.json.decode(result.stdout, type=list[Certificate])

    separately = [certificates("--query", holder) for holder in holders]
    recorder = record_requests(monkeypatch)
    found = certificates(*queries, "--group", "coi")
    union = {c.id: c for certificates in separately for c in certificates}
    assert sorted(c.id for c in found) == sorted(union)  # each once, though one query was given twice
    assert found == sorted(union.values(), key=portal_order(CertificateSort.HOLDER))
    assert len(recorder.written_at(CERTIFICATES)) > len(holders) + 1  # several pages each


@pytest.mark.parametrize("by", ["number", "id"])
def test_docs_list_finds_the_policy_with_one_search_and_prints_what_one_page_would(
    cli: Cli, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    profile = login_as(Role.AGENT)
    listed = cli.run("policies", "list", "--status", "all", "--json", profile=profile)
    policy = next(p for p in msgspec.json.decode(listed.stdout, type=list[PolicySummary]) if p.has_renewal)
    reference = policy.policy_number.lower() if by == "number" else policy.id
    whole = cli.run("docs", "list", reference, "--term", "all", profile=profile)
    assert whole.exit_code == 0, whole.stderr
    recorder = record_requests(monkeypatch)
    paged = cli.run("docs", "list", reference, "--term", "all", profile=profile)
    assert paged.exit_code == 0, paged.stderr
    assert paged.stdout == whole.stdout and len(whole.stdout.splitlines()) > 8  # several pages of 4
    documents = f"/api/v1/policies/{policy.id}/documents"
    # One search resolves a number or an id (no detail, no 404 lookup); then only the document pages.
    assert recorder.paths()[0] == "/api/v1/policies"
    assert set(recorder.paths()[1:]) == {documents}
    terms = [query["term"] for path, query, _ in recorder.requests if path == documents]
    assert set(terms) == {"previous", "current", "renewal"}
