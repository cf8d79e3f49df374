"""Batches as scripts run them: ids from standard input or a file, one bad id among many fails only that item
(exit 4, the rest done), --dry-run writes nothing, claims histories come from the cache on a rerun, library
documents download by id, ``policies show``, and ``--verbose`` shows each request but never a token."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
from cli_helpers import Cli, LoginAs

from ssp_tui.api.models import AgentResource, Certificate, PolicyDetail, PolicySummary, RiskResource, Role
from ssp_tui.cli.exit_codes import ExitCode


def own_cache(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CACHE_HOME": str(tmp_path / "cache")}


def policies(cli: Cli, profile: str) -> list[PolicySummary]:
    result = cli.run("policies", "list", "--json", profile=profile)
    assert result.exit_code == 0, result.stderr
    return msgspec.json.decode(result.stdout, type=list[PolicySummary])


def test_policy_numbers_from_stdin_and_a_file_with_one_bad_one(
    cli: Cli, login_as: LoginAs, tmp_path: Path
) -> None:
    profile = login_as(Role.AGENT)
    numbers = [p.policy_number for p in policies(cli, profile)[:2]]
    listed = cli.run("policies", "list", "--jq", ".[:2][].policy_number", profile=profile).stdout
    assert listed.split() == numbers  # what a pipe would hand on
    out = tmp_path / "docs"
    piped = cli.run(
        "docs", "download", "-", "--dir", str(out), "--json", profile=profile, input=listed + "NO-SUCH-1\n",
        env=own_cache(tmp_path),
    )  # fmt: skip
    assert piped.exit_code == ExitCode.PARTIAL, piped.stderr
    assert "failed: NO-SUCH-1: No policy 'NO-SUCH-1'" in piped.stderr
    report = json.loads(piped.stdout)
    assert report["failed"] == [
        {"key": "NO-SUCH-1", "title": "NO-SUCH-1", "message": report["failed"][0]["message"]}
    ]
    assert {entry["path"].split("/")[-3] for entry in report["files"]} == set(numbers)  # {policy}/{term}/...
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is False and [f["key"] for f in manifest["failed"]] == ["NO-SUCH-1"]
    assert len(manifest["files"]) == len(report["files"]) > 0

    listing = tmp_path / "policies.txt"
    listing.write_text(f"# my book\n{numbers[0]}\n\n{numbers[0]}   \n")
    combined = tmp_path / "book.pdf"
    from_file = cli.run(
        "docs", "download", "--from-file", str(listing), "NO-SUCH-2", "--combine", str(combined),
        profile=profile, env=own_cache(tmp_path),
    )  # fmt: skip
    # The combined PDF is written for the policies that exist; the bad one is named, and the exit is 4.
    assert from_file.exit_code == ExitCode.PARTIAL, from_file.stderr
    assert from_file.stdout.strip() == str(combined) and combined.read_bytes().startswith(b"%PDF-")
    assert "failed: NO-SUCH-2" in from_file.stderr
    every_one_bad = cli.run("docs", "download", "NO-1", "NO-2", "--dir", str(out), profile=profile)
    assert every_one_bad.exit_code == ExitCode.ERROR
    assert "failed: NO-1" in every_one_bad.stderr and "failed: NO-2" in every_one_bad.stderr


def test_certificate_ids_from_stdin_with_one_unknown(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.POLICYHOLDER)
    holder = policies(cli, profile)[0].policyholder
    certificates = msgspec.json.decode(
        cli.run("coi", "list", "--query", holder, "--json", profile=profile).stdout, type=list[Certificate]
    )[:2]
    ids = "\n".join(c.id for c in certificates) + "\nce_not_mine\n"
    out = tmp_path / "coi"
    result = cli.run("coi", "download", "-", "--separate", str(out), profile=profile, input=ids)
    assert result.exit_code == ExitCode.PARTIAL, result.stderr
    assert "failed: ce_not_mine" in result.stderr and len(result.stdout.splitlines()) == len(certificates)
    manifest = json.loads((out / "manifest.json").read_text())
    assert {f["key"] for f in manifest["files"]} == {f"certificate:{c.id}" for c in certificates}


def test_dry_run_writes_nothing(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy = policies(cli, profile)[0]
    out, cache = tmp_path / "docs", tmp_path / "cache"
    planned = cli.run(
        "docs", "download", policy.id, "NO-SUCH", "--dir", str(out), "--dry-run", "--json", profile=profile,
        env=own_cache(tmp_path),
    )  # fmt: skip
    assert planned.exit_code == ExitCode.PARTIAL, planned.stderr  # the unknown policy is still reported
    plan = json.loads(planned.stdout)
    assert plan["mode"] == "separate" and plan["files"] and plan["to_fetch"] == len(plan["files"])
    assert plan["failed"][0]["key"] == "NO-SUCH"
    assert all(Path(f["path"]).is_relative_to(out) for f in plan["files"])
    assert not out.exists() and not any(p.is_file() for p in cache.rglob("*"))
    text = cli.run(
        "docs", "download", policy.id, "--combine", str(tmp_path / "c.pdf"), "--dry-run", profile=profile
    )
    assert text.exit_code == 0 and "nothing was written" in text.stderr and not (tmp_path / "c.pdf").exists()


def test_claims_histories_are_cached_like_certificates(
    private_cli: Cli, private_sandbox, tmp_path: Path
) -> None:
    from cli_helpers import login_env, prime_device

    account = private_sandbox.account(Role.POLICYHOLDER)
    prime_device(private_sandbox, private_cli.home, "claims", account.username)
    assert (
        private_cli.run("login", profile="claims", env=login_env(private_sandbox, account.username)).exit_code
        == 0
    )
    holder = policies(private_cli, "claims")[0].policyholder
    args = [
        "coi",
        "download",
        "--query",
        holder,
        "--claims-history",
        "--separate",
        str(tmp_path / "out"),
        "--json",
    ]
    first = json.loads(private_cli.run(*args, profile="claims", env=own_cache(tmp_path)).stdout)
    letters = [f for f in first["files"] if f["key"].startswith("claims-history:")]
    assert letters and first["fetched"] == len(first["files"])  # a new sandbox: every PDF is made now
    second = json.loads(private_cli.run(*args, profile="claims", env=own_cache(tmp_path)).stdout)
    assert second["fetched"] == 0 and all(f["from_cache"] for f in second["files"])


def test_policies_show(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy = policies(cli, profile)[0]
    detail = msgspec.json.decode(
        cli.run("policies", "show", policy.policy_number, "--json", profile=profile).stdout, type=PolicyDetail
    )
    assert detail.id == policy.id and detail.terms
    text = cli.run("policies", "show", policy.id, profile=profile)
    assert text.exit_code == 0 and f"Policy: {policy.policy_number}" in text.stdout and "Terms" in text.stdout
    assert cli.run("policies", "show", "NO-SUCH", profile=profile).exit_code == ExitCode.ERROR


def test_library_documents_download_by_id(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    agent = login_as(Role.AGENT)
    risk = msgspec.json.decode(
        cli.run("risk", "list", "--json", profile=agent).stdout, type=list[RiskResource]
    )
    risk_ids = [r.document_id for r in risk if r.document_id][:2]
    link_only = next(r for r in risk if not r.document_id)
    result = cli.run("risk", "download", *risk_ids, "--dir", str(tmp_path / "risk"), "--json", profile=agent)
    assert result.exit_code == 0, result.stderr
    saved = json.loads(result.stdout)["files"]
    assert sorted(f["key"] for f in saved) == sorted(risk_ids)
    assert all(Path(f["path"]).read_bytes().startswith(b"%PDF-") for f in saved)
    library = msgspec.json.decode(
        cli.run("agent", "resources", "--json", profile=agent).stdout, type=list[AgentResource]
    )
    doc_id = next(r.document_id for r in library if r.document_id)
    combined = tmp_path / "agent.pdf"
    one = cli.run("agent", "download", doc_id, "--combine", str(combined), profile=agent)
    assert one.exit_code == 0 and combined.read_bytes().startswith(b"%PDF-")
    bad = cli.run(
        "risk", "download", risk_ids[0], link_only.title, "--dir", str(tmp_path / "r2"), profile=agent
    )
    assert bad.exit_code == ExitCode.PARTIAL and "No such document" in bad.stderr
    holder = login_as(Role.POLICYHOLDER)
    refused = cli.run("agent", "download", doc_id, "--dir", str(tmp_path / "x"), profile=holder)
    assert refused.exit_code == ExitCode.ERROR and "agent resource library" in refused.stderr


def test_verbose_shows_each_request_and_never_a_token(cli: Cli, login_as: LoginAs, cli_home) -> None:
    profile = login_as(Role.AGENT)
    result = cli.run("--verbose", "policies", "list", "--query", "Patel", profile=profile)
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("ssp_tui.http: ")]
    assert lines and lines[0].startswith("ssp_tui.http: GET /api/v1/policies?")
    assert " 200 " in lines[0] and lines[0].endswith(" ms") and "q=Patel" in lines[0]
    kept = "".join(cli_home.keyring.items.values())
    session = json.loads(next(v for v in cli_home.keyring.items.values() if '"access_token"' in v))
    for token in (session["access_token"], session["refresh_token"]):
        assert token not in result.stderr and token in kept
    quiet = cli.run("policies", "list", profile=profile)
    assert "ssp_tui.http" not in quiet.stderr  # an earlier --verbose in this process does not linger
    debug = cli.run("--debug", "whoami", profile=profile)
    assert "GET /api/v1/me 200" in debug.stderr
