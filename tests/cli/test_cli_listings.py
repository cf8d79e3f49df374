"""Every listing against the sandbox: ``--json`` decodes into the contract's models, the piped table has a
header line and one line per record, and roles the portal refuses exit 1 with its message."""

from __future__ import annotations

from typing import Any

import msgspec
from cli_helpers import Cli, LoginAs
from sandbox_harness import SandboxServer

from ssp_tui.api.models import (
    AgentResource,
    BillingDetail,
    BillingKind,
    BillingSummary,
    Certificate,
    CertificateTerm,
    Document,
    HolderRequest,
    PolicySummary,
    RiskResource,
    Role,
    Seminar,
    SeminarActivity,
    SupportAccount,
    SupportAccountHit,
    Term,
)
from ssp_tui.cli.exit_codes import ExitCode


def decoded(result: Any, model: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return msgspec.json.decode(result.stdout, type=model)


def tsv_rows(result: Any) -> list[list[str]]:
    assert result.exit_code == 0, result.stderr
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_policies_list_json_and_tsv(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.AGENT)
    policies = decoded(
        cli.run("policies", "list", "--status", "all", "--json", profile=profile), list[PolicySummary]
    )
    assert policies
    rows = tsv_rows(cli.run("policies", "list", "--status", "all", profile=profile))
    assert rows[0][:2] == ["Policy", "Id"]
    assert sorted(row[1] for row in rows[1:]) == sorted(p.id for p in policies)
    # The global --json works as well as the command's own.
    assert (
        decoded(
            cli.run("policies", "list", "--status", "all", profile=profile, json=True), list[PolicySummary]
        )
        == policies
    )
    one = policies[0]
    found = decoded(
        cli.run(
            "policies", "list", "--status", "all", "--query", one.policy_number, "--json", profile=profile
        ),
        list[PolicySummary],
    )
    assert [p.id for p in found] == [one.id]


def test_docs_list_by_number_and_by_id(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy = decoded(cli.run("policies", "list", "--json", profile=profile), list[PolicySummary])[0]
    by_number = decoded(
        cli.run("docs", "list", policy.policy_number, "--json", profile=profile), list[Document]
    )
    by_id = decoded(cli.run("docs", "list", policy.id, "--json", profile=profile), list[Document])
    assert by_number == by_id and len(by_number) >= 3
    assert {d.term for d in by_number} == {Term.CURRENT}
    every = decoded(
        cli.run("docs", "list", policy.id, "--term", "all", "--json", profile=profile), list[Document]
    )
    assert {d.id for d in by_number} < {d.id for d in every}
    assert Term.PREVIOUS in {d.term for d in every}


def test_docs_list_of_a_policy_the_caller_cannot_see(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    result = cli.run("docs", "list", "NO-SUCH-POLICY", profile=profile)
    assert result.exit_code == ExitCode.ERROR
    assert "No policy 'NO-SUCH-POLICY'" in result.stderr


def test_billing_list_and_show(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    accounts = decoded(cli.run("billing", "list", "--json", profile=profile), list[BillingSummary])
    assert accounts and all(a.kind is BillingKind.ACCOUNT for a in accounts)
    by_policy = decoded(
        cli.run("billing", "list", "--by", "policy", "--json", profile=profile), list[BillingSummary]
    )
    assert by_policy and all(b.kind is BillingKind.POLICY for b in by_policy)
    account = accounts[0]
    detail = decoded(cli.run("billing", "show", account.number, "--json", profile=profile), BillingDetail)
    assert (detail.id, detail.amount_due_cents) == (account.id, account.amount_due_cents)
    previous = decoded(
        cli.run("billing", "show", account.id, "--term", "previous", "--json", profile=profile), BillingDetail
    )
    assert previous.term.value == "previous" and previous.term_end <= detail.term_start
    text = cli.run("billing", "show", account.number, profile=profile)
    assert text.exit_code == 0
    assert "Amount due: $" in text.stdout and "Installments" in text.stdout
    missing = cli.run("billing", "show", "nope", profile=profile)
    assert missing.exit_code == ExitCode.ERROR and "No billing account or policy" in missing.stderr


def test_coi_list_grouped_both_ways(cli: Cli, login_as: LoginAs, sandbox: SandboxServer) -> None:
    profile = login_as(Role.AGENT)
    policies = decoded(cli.run("policies", "list", "--json", profile=profile), list[PolicySummary])
    holder = policies[0].policyholder
    by_insured = decoded(
        cli.run("coi", "list", "--query", holder, "--json", profile=profile), list[Certificate]
    )
    assert by_insured and all(
        c.policyholder == holder and c.term is CertificateTerm.CURRENT for c in by_insured
    )
    assert [c.insured_name.casefold() for c in by_insured] == sorted(
        c.insured_name.casefold() for c in by_insured
    )
    by_coi = decoded(
        cli.run("coi", "list", "--query", holder, "--group", "coi", "--json", profile=profile),
        list[Certificate],
    )
    assert sorted(c.id for c in by_coi) == sorted(c.id for c in by_insured)
    assert [c.holder_name.casefold() for c in by_coi] == sorted(c.holder_name.casefold() for c in by_coi)
    number = by_insured[0].policy_number
    by_number = decoded(
        cli.run("coi", "list", "--query", number, "--by", "policy-number", "--json", profile=profile),
        list[Certificate],
    )
    assert by_number and {c.policy_number for c in by_number} == {number}


def test_coi_renewal_term(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    renewing = [
        p
        for p in decoded(cli.run("policies", "list", "--json", profile=profile), list[PolicySummary])
        if p.has_renewal
    ]
    assert renewing, "the first policyholder has a renewal offered"
    certs = decoded(
        cli.run(
            "coi",
            "list",
            "--query",
            renewing[0].policy_number,
            "--by",
            "policy-number",
            "--term",
            "renewal",
            "--json",
            profile=profile,
        ),
        list[Certificate],
    )
    assert certs and {c.term for c in certs} == {CertificateTerm.RENEWAL}


def test_coi_requests(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    requests = decoded(cli.run("coi", "requests", "--json", profile=profile), list[HolderRequest])
    assert requests
    rows = tsv_rows(cli.run("coi", "requests", profile=profile))
    assert rows[0][:4] == ["Request", "Status", "Age", "Overdue"]
    assert len(rows) == len(requests) + 1


def test_seminars_risk_and_agent_library(cli: Cli, login_as: LoginAs) -> None:
    holder = login_as(Role.POLICYHOLDER)
    assert decoded(cli.run("seminars", "list", "--json", profile=holder), list[Seminar])
    activity = decoded(cli.run("seminars", "activity", "--json", profile=holder), list[SeminarActivity])
    assert activity
    first = min(a.completed_on for a in activity)
    later = decoded(
        cli.run("seminars", "activity", "--from", (first.strftime("%m/%d/%Y")), "--json", profile=holder),
        list[SeminarActivity],
    )
    assert later == [a for a in activity if a.completed_on >= first]
    summary = cli.run("seminars", "activity", profile=holder)
    assert f"{len(activity)} completions" in summary.stderr
    risk = decoded(cli.run("risk", "list", "--json", profile=holder), list[RiskResource])
    assert risk
    category = risk[0].category.value
    narrowed = decoded(
        cli.run("risk", "list", "--category", category, "--json", profile=holder), list[RiskResource]
    )
    assert narrowed and {r.category.value for r in narrowed} == {category}
    refused = cli.run("agent", "resources", profile=holder)
    assert refused.exit_code == ExitCode.ERROR
    assert "cannot use the agent resource library" in refused.stderr  # told before asking the portal
    agent = login_as(Role.AGENT)
    library = decoded(cli.run("agent", "resources", "--json", profile=agent), list[AgentResource])
    assert library and [r.published_on for r in library] == sorted(
        (r.published_on for r in library), reverse=True
    )


def test_support_search_and_account(cli: Cli, login_as: LoginAs, sandbox: SandboxServer) -> None:
    support = login_as(Role.SUPPORT)
    locked = next(a for a in sandbox.accounts if "locked" in a.note)
    hits = decoded(
        cli.run("support", "search", locked.username, "--json", profile=support), list[SupportAccountHit]
    )
    assert hits and any(flag.kind.value == "locked_user" for hit in hits for flag in hit.flags)
    account = decoded(cli.run("support", "account", hits[0].id, "--json", profile=support), SupportAccount)
    assert account.id == hits[0].id
    text = cli.run("support", "account", hits[0].id, profile=support)
    assert text.exit_code == 0
    problems = text.stdout.split("Problems:")[1]
    assert all(flag.message in problems for flag in account.flags)
    assert locked.password not in text.stdout
    refused = cli.run("support", "search", "x", profile=login_as(Role.AGENT))
    assert refused.exit_code == ExitCode.ERROR and "cannot use support triage" in refused.stderr


def test_an_insured_is_told_what_their_login_cannot_use(cli: Cli, login_as: LoginAs) -> None:
    """An insured creates COIs and sees their own seminar activity; billing and policies are not theirs."""
    insured = login_as(Role.INSURED)
    for args, what in (
        (("billing", "list"), "billing (Payments)"),
        (("policies", "list"), "policies and their documents"),
    ):
        refused = cli.run(*args, profile=insured)
        assert refused.exit_code == ExitCode.ERROR, refused.stderr
        assert f"cannot use {what}" in refused.stderr and "whoami" in refused.stderr
        assert refused.stdout == ""
    assert cli.run("coi", "requests", profile=insured).exit_code == 0


def test_an_empty_listing_prints_nothing_on_stdout(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.AGENT)
    args = ("policies", "list", "--query", "zzzz-no-such-policyholder")
    result = cli.run(*args, profile=profile)
    assert result.exit_code == 0 and result.stdout == "" and "No policies match." in result.stderr
    assert cli.run(*args, "--json", profile=profile).stdout.strip() == "[]"
