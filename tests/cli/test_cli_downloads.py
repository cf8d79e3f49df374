"""docs download and coi download through the shared engine: separate files with a manifest, one combined
PDF with a bookmark per document, nothing fetched twice, and exit 4 with a complete manifest on failures."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import msgspec
import pikepdf
from cli_helpers import Cli, LoginAs, login_env, prime_device
from sandbox_harness import SandboxServer

from ssp_tui.api.models import Certificate, Document, HolderRequest, PolicySummary, Role
from ssp_tui.cli.exit_codes import ExitCode


def first_policy(cli: Cli, profile: str) -> PolicySummary:
    result = cli.run("policies", "list", "--json", profile=profile)
    assert result.exit_code == 0, result.stderr
    return msgspec.json.decode(result.stdout, type=list[PolicySummary])[0]


def documents(cli: Cli, profile: str, policy: str, *extra: str) -> list[Document]:
    result = cli.run("docs", "list", policy, "--json", *extra, profile=profile)
    assert result.exit_code == 0, result.stderr
    return msgspec.json.decode(result.stdout, type=list[Document])


def own_cache(tmp_path: Path) -> dict[str, str]:
    """A cache of this test's own, so that what the first run fetches is not served by another test's."""
    return {"XDG_CACHE_HOME": str(tmp_path / "cache")}


def test_separate_files_with_a_manifest_and_a_second_run_fetches_nothing(
    cli: Cli, login_as: LoginAs, tmp_path: Path
) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy = first_policy(cli, profile)
    expected = documents(cli, profile, policy.policy_number)
    out = tmp_path / "docs"
    first = cli.run(
        "docs", "download", policy.policy_number, "--dir", str(out), profile=profile, env=own_cache(tmp_path)
    )
    assert first.exit_code == 0, first.stderr
    paths = [Path(line) for line in first.stdout.splitlines()]
    assert len(paths) == len(expected) and all(p.is_file() and out in p.parents for p in paths)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["failed"] == []
    assert sorted(entry["key"] for entry in manifest["files"]) == sorted(d.id for d in expected)
    by_id = {d.id: d for d in expected}
    for entry in manifest["files"]:
        assert entry["sha256"] == by_id[entry["key"]].sha256
        assert (out / entry["file"]).stat().st_size == by_id[entry["key"]].bytes

    second = cli.run(
        "docs",
        "download",
        policy.policy_number,
        "--dir",
        str(out),
        "--json",
        profile=profile,
        env=own_cache(tmp_path),
    )
    assert second.exit_code == 0, second.stderr
    report = json.loads(second.stdout)
    assert report["fetched"] == 0 and report["complete"] is True
    assert all(f["from_cache"] for f in report["files"])
    assert sorted(Path(f["path"]) for f in report["files"]) == sorted(paths)  # the same files, no copies
    assert len(list(out.rglob("*.pdf"))) == len(expected)
    quiet = cli.run("--quiet", "docs", "download", policy.id, "--dir", str(out), profile=profile)
    assert quiet.exit_code == 0 and quiet.stderr == ""  # --quiet: results only
    assert sorted(Path(line) for line in quiet.stdout.splitlines()) == sorted(paths)


def test_one_combined_pdf_with_a_bookmark_per_document(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.AGENT)
    policy = first_policy(cli, profile)
    wanted = [d for d in documents(cli, profile, policy.id, "--term", "all") if d.type.value != "invoice"]
    types = sorted({d.type.value for d in wanted})
    target = tmp_path / "all.pdf"
    args = ["docs", "download", policy.id, "--term", "all", "--combine", str(target), "--concurrency", "2"]
    for kind in types:
        args += ["--type", kind]
    result = cli.run(*args, profile=profile)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(target)
    with pikepdf.open(target) as pdf, pdf.open_outline() as outline:
        assert len(pdf.pages) == sum(d.pages for d in wanted)
        assert len(outline.root) == len(wanted)
        # The CLI may combine several policies: each bookmark says whose document it is.
        assert all(item.title.startswith(f"{policy.policy_number} ") for item in outline.root)


def test_a_partial_failure_exits_4_with_a_complete_manifest(
    private_sandbox: SandboxServer, private_cli: Cli, tmp_path: Path
) -> None:
    account = private_sandbox.account(Role.POLICYHOLDER)
    profile = "partial"
    prime_device(private_sandbox, private_cli.home, profile, account.username)
    assert (
        private_cli.run("login", profile=profile, env=login_env(private_sandbox, account.username)).exit_code
        == 0
    )
    policy = first_policy(private_cli, profile)
    listed = documents(private_cli, profile, policy.id)
    broken = listed[1]
    # The portal now lists a digest its bytes cannot match: the client's verification must refuse that file.
    with sqlite3.connect(private_sandbox.db_path) as conn:
        conn.execute("UPDATE blobs SET sha256 = ? WHERE key = ?", ["0" * 64, f"doc:{broken.id}"])
    out = tmp_path / "out"
    result = private_cli.run(
        "docs", "download", policy.id, "--dir", str(out), profile=profile, env=own_cache(tmp_path)
    )
    assert result.exit_code == ExitCode.PARTIAL, result.stderr
    assert f"failed: {policy.policy_number} {broken.title}" in result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is False
    assert [entry["key"] for entry in manifest["failed"]] == [broken.id]
    assert manifest["failed"][0]["message"]
    assert sorted(entry["key"] for entry in manifest["files"]) == sorted(
        d.id for d in listed if d is not broken
    )
    for entry in manifest["files"]:
        assert (out / entry["file"]).stat().st_size == entry["bytes"]
    assert not [p for p in out.rglob("*") if p.name.endswith((".part", ".tmp"))]
    # The combined form writes no PDF at all unless asked to go without the failed document.
    combined = tmp_path / "c.pdf"
    refused = private_cli.run("docs", "download", policy.id, "--combine", str(combined), profile=profile)
    assert refused.exit_code == ExitCode.ERROR and not combined.exists()
    allowed = private_cli.run(
        "docs", "download", policy.id, "--combine", str(combined), "--allow-missing", profile=profile
    )
    assert allowed.exit_code == ExitCode.PARTIAL
    with pikepdf.open(combined) as pdf:
        assert len(pdf.pages) >= sum(d.pages for d in listed if d is not broken)


def certificates(cli: Cli, profile: str, *args: str) -> list[Certificate]:
    result = cli.run("coi", "list", *args, "--json", profile=profile)
    assert result.exit_code == 0, result.stderr
    return msgspec.json.decode(result.stdout, type=list[Certificate])


def manifest_of(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text())


def test_coi_download_separate_with_claims_history(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.POLICYHOLDER)
    certs = [
        c
        for c in certificates(cli, profile, "--query", first_policy(cli, profile).policyholder)
        if c.claims_history_available
    ]
    chosen = certs[:2]
    out = tmp_path / "coi"
    result = cli.run(
        "coi",
        "download",
        *(c.id for c in chosen),
        "--claims-history",
        "--separate",
        str(out),
        profile=profile,
    )
    assert result.exit_code == 0, result.stderr
    manifest = manifest_of(out)
    letters = {(c.insured_id, c.policy_id) for c in chosen}
    assert manifest["complete"] is True
    assert {entry["key"] for entry in manifest["files"]} == {f"certificate:{c.id}" for c in chosen} | {
        f"claims-history:{insured}:{policy}" for insured, policy in letters
    }
    for entry in manifest["files"]:
        with pikepdf.open(out / entry["file"]) as pdf:
            assert len(pdf.pages) >= 1


def test_coi_download_everything_a_query_finds_into_one_pdf(
    cli: Cli, login_as: LoginAs, tmp_path: Path
) -> None:
    profile = login_as(Role.AGENT)
    holder = first_policy(cli, profile).policyholder
    found = certificates(cli, profile, "--query", holder)
    target = tmp_path / "cois.pdf"
    result = cli.run("coi", "download", "--query", holder, "--single", str(target), "--json", profile=profile)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["combined_path"] == str(target) and report["complete"] is True
    assert sorted(f["key"] for f in report["files"]) == sorted(f"certificate:{c.id}" for c in found)
    with pikepdf.open(target) as pdf, pdf.open_outline() as outline:
        assert len(outline.root) == len(found)


def test_coi_download_of_an_unknown_certificate(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.POLICYHOLDER)
    result = cli.run("coi", "download", "ce_not_mine", "--separate", str(tmp_path), profile=profile)
    assert result.exit_code == ExitCode.ERROR  # nothing else was asked for: nothing was done
    assert "failed: ce_not_mine: No such certificate" in result.stderr


def test_holder_request_is_created_once_per_idempotency_key(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    account = private_sandbox.account(Role.POLICYHOLDER)
    profile = "holder"
    prime_device(private_sandbox, private_cli.home, profile, account.username)
    assert (
        private_cli.run("login", profile=profile, env=login_env(private_sandbox, account.username)).exit_code
        == 0
    )
    policy = first_policy(private_cli, profile)
    detail_insured = certificates(
        private_cli, profile, "--query", policy.policy_number, "--by", "policy-number"
    )[0]
    before = msgspec.json.decode(
        private_cli.run("coi", "requests", "--json", profile=profile).stdout, type=list[HolderRequest]
    )
    args = [
        "coi", "request-holder", "--policy", policy.policy_number, "--insured", detail_insured.insured_name,
        "--name", "Mercy General Hospital", "--address", "4001 J St", "--city", "Sacramento",
        "--state", "ca", "--zip", "95819", "--idempotency-key", "cli-test-key-1", "--json",
    ]  # fmt: skip
    first = private_cli.run(*args, profile=profile)
    assert first.exit_code == 0, first.stderr
    created = msgspec.json.decode(first.stdout, type=HolderRequest)
    assert (created.holder_name, created.state, created.insured_id) == (
        "Mercy General Hospital",
        "CA",
        detail_insured.insured_id,
    )
    repeat = private_cli.run(*args, profile=profile)
    assert repeat.exit_code == 0, repeat.stderr
    assert msgspec.json.decode(repeat.stdout, type=HolderRequest).id == created.id
    after = msgspec.json.decode(
        private_cli.run("coi", "requests", "--json", profile=profile).stdout, type=list[HolderRequest]
    )
    assert len(after) == len(before) + 1
    unknown = private_cli.run(*args[:-3], "--insured", "Nobody At All", profile=profile)
    assert unknown.exit_code == ExitCode.ERROR and "is not an insured" in unknown.stderr


def test_an_insured_requests_a_holder_for_themselves_without_policy_access(
    private_sandbox: SandboxServer, private_cli: Cli
) -> None:
    """An insured may create a COI but not see policies: the insured is found through Credentialing."""
    account = private_sandbox.by_username("dr.nguyen")
    profile = "insured"
    prime_device(private_sandbox, private_cli.home, profile, account.username)
    login = private_cli.run("login", profile=profile, env=login_env(private_sandbox, account.username))
    assert login.exit_code == 0, login.stderr
    mine = certificates(private_cli, profile, "--query", "Nguyen")
    assert mine and {c.insured_name for c in mine} == {mine[0].insured_name}
    args = [
        "coi", "request-holder", "--policy", mine[0].policy_number, "--insured", mine[0].insured_name,
        "--name", "Valley Surgical Center", "--address", "1 Oak Ave", "--city", "Fresno",
        "--state", "CA", "--zip", "93701", "--json",
    ]  # fmt: skip
    created = private_cli.run(*args, profile=profile)
    assert created.exit_code == 0, created.stderr
    assert msgspec.json.decode(created.stdout, type=HolderRequest).insured_id == mine[0].insured_id
