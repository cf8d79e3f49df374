"""The CLI (`ssp-tui --portal <proxy> ...`, in-process) through the fault proxy: for each fault the command
either completes with correct files or fails with a plain `Error: ...` and its documented exit code (1
error, 3 login needed, 4 partial); no traceback, no partial file at a final path, nothing outside the
target folder, a holder request created exactly once, memory bounded on a huge answer."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from fault_proxy import CutBody, FaultProxy, LoseResponse, Respond, Rewrite, Rule, TruncatedGzip
from reliability_helpers import (
    CliHome,
    assert_complete_pdf,
    assert_no_partial_files,
    assert_only_inside,
    files_under,
    run_cli,
)
from sandbox_harness import SandboxServer

from ssp_tui.api.json_body import MAX_JSON_BYTES
from ssp_tui.api.models import Certificate, Document, HolderRequest, PolicySummary, Role
from ssp_tui.cli.exit_codes import ExitCode

POLICIES = r"/api/v1/policies"
HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
    b"<hr><center>nginx</center></body></html>"
)


@pytest.fixture
def env(sandbox: SandboxServer, proxy: FaultProxy, home: CliHome) -> dict[str, str]:
    """The policyholder's session kept for the proxy, as after `ssp-tui login`; no credentials in the
    environment (a fault must not be hidden by a fresh login)."""
    home.keep_session(proxy.base_url, sandbox.session(sandbox.account(Role.POLICYHOLDER).username))
    return {}


def policy_with_documents(
    proxy: FaultProxy, home: CliHome, env: dict[str, str]
) -> tuple[str, list[Document]]:
    listed = run_cli(proxy.base_url, home, "policies", "list", "--status", "all", "--json", env=env)
    assert listed.exit_code == 0, listed.stderr
    for policy in msgspec.json.decode(listed.stdout, type=list[PolicySummary]):
        docs = run_cli(proxy.base_url, home, "docs", "list", policy.policy_number, "--json", env=env)
        assert docs.exit_code == 0, docs.stderr
        found = msgspec.json.decode(docs.stdout, type=list[Document])
        if len(found) >= 2:
            return policy.policy_number, found
    raise AssertionError("no policy with documents")


def download(proxy: FaultProxy, home: CliHome, env: dict[str, str], policy: str, target: Path) -> tuple:
    # The test's folder holds the home and the target: the cache is the only other place a file may appear.
    scanned = home.root.parent
    before = files_under(scanned)
    result = run_cli(
        proxy.base_url, home, "docs", "download", policy, "--dir", str(target), "--json", env=env
    )
    assert_no_partial_files(scanned)
    assert_only_inside(before, files_under(scanned), target, home.root / "cache")
    return result, json.loads(result.stdout) if result.stdout.strip() else None


def check_saved(report: dict, docs: list[Document]) -> None:
    by_id = {doc.id: doc for doc in docs}
    for entry in report["files"]:
        assert_complete_pdf(Path(entry["path"]), by_id[entry["key"]])


def test_one_broken_document_exits_4_and_the_rest_are_complete(
    proxy: FaultProxy, home: CliHome, env: dict[str, str], tmp_path: Path
) -> None:
    policy, docs = policy_with_documents(proxy, home, env)
    broken = docs[0]
    proxy.add(Rule("GET", rf"/api/v1/documents/{broken.id}/content", TruncatedGzip(0.5), times=5))
    result, report = download(proxy, home, env, policy, tmp_path / "out" / "docs")
    assert result.exit_code == ExitCode.PARTIAL, result.stderr
    failed_lines = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed_lines) == 1 and broken.title in failed_lines[0] and "cut short" in failed_lines[0]
    assert [f["key"] for f in report["failed"]] == [broken.id]
    check_saved(report, docs)
    manifest = json.loads((tmp_path / "out" / "docs" / "manifest.json").read_text())
    assert manifest["complete"] is False and [f["key"] for f in manifest["failed"]] == [broken.id]
    assert not any(broken.id in str(p) for p in files_under(tmp_path / "out" / "docs"))

    proxy.reset()  # the fault is gone
    again, report = download(proxy, home, env, policy, tmp_path / "out" / "docs")
    assert again.exit_code == ExitCode.OK, again.stderr
    assert report["fetched"] == 1 and report["complete"] is True  # only the one that failed
    check_saved(report, docs)


def test_every_document_failing_exits_1(
    proxy: FaultProxy, home: CliHome, env: dict[str, str], tmp_path: Path
) -> None:
    policy, _ = policy_with_documents(proxy, home, env)
    proxy.add(
        Rule("GET", r"/api/v1/documents/[^/]+/content", Respond(200, HTML_502, "application/pdf"), times=99)
    )
    result, _ = download(proxy, home, env, policy, tmp_path / "docs")
    assert result.exit_code == ExitCode.ERROR
    # The command asked for JSON, so the error is JSON too (the last line of stderr).
    error = json.loads(result.stderr.strip().splitlines()[-1])["error"]
    assert error["message"].startswith("Every file failed") and error["meaning"] == "error"
    assert list((tmp_path / "docs").rglob("*.pdf")) == []


def test_resets_and_cut_bodies_still_give_correct_files(
    proxy: FaultProxy, home: CliHome, env: dict[str, str], tmp_path: Path
) -> None:
    policy, docs = policy_with_documents(proxy, home, env)
    faults = [
        CutBody(0.5, reset=True),
        CutBody(0.3),
        Rewrite({"Content-Disposition": 'attachment; filename="../../x.pdf"'}),
    ]
    for doc, fault in zip(docs, faults, strict=False):
        proxy.add(Rule("GET", rf"/api/v1/documents/{doc.id}/content", fault))
    result, report = download(proxy, home, env, policy, tmp_path / "docs")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert report["complete"] is True
    check_saved(report, docs)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (Respond(502, HTML_502, "text/html"), "Bad Gateway"),
        (Respond(200, b'{"items": [{"id": "po_1", ', "application/json"), "not valid JSON"),
        (Respond(200, b'{"items": 5, "next_cursor": null}', "application/json"), "wrong shape"),
        (Respond(200, b"<html>maintenance</html>", "text/html"), "expected JSON"),
        (Respond(429, b"", "text/plain", {"Retry-After": "86400"}), "Try again in"),
        (Respond(503, b"", "text/plain", {"Retry-After": "0"}), "Service Unavailable"),
    ],
    ids=["html-502", "malformed-json", "wrong-shape", "html-as-json", "429-huge-retry-after", "503-burst"],
)
def test_listing_faults_exit_1_with_a_plain_message(
    proxy: FaultProxy, home: CliHome, env: dict[str, str], answer: Respond, words: str
) -> None:
    proxy.add(Rule("GET", POLICIES, answer, times=3))
    result = run_cli(proxy.base_url, home, "policies", "list", env=env)
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.startswith("Error: ") and words in result.stderr, result.stderr
    assert "<html" not in result.stderr and result.stdout == ""


def test_a_short_503_burst_is_ridden_out(proxy: FaultProxy, home: CliHome, env: dict[str, str]) -> None:
    proxy.add(Rule("GET", POLICIES, Respond(503, b"", "text/plain", {"Retry-After": "0"}), times=2))
    result = run_cli(proxy.base_url, home, "policies", "list", "--json", env=env)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert msgspec.json.decode(result.stdout, type=list[PolicySummary])
    assert len(proxy.requests_to("GET", POLICIES)) == 3


def _huge_json(total: int) -> Iterator[bytes]:
    # A well-formed page whose items never end: the client must stop reading, not run out of memory.
    item = b'{"id":"po_x","policy_number":"NCP0000000"},' * 1500
    yield b'{"items":['
    sent = 0
    while sent < total:
        yield item
        sent += len(item)
    yield b'{"id":"po_x"}],"next_cursor":null}'


def test_a_huge_json_answer_is_refused_with_memory_bounded(
    proxy: FaultProxy, home: CliHome, env: dict[str, str]
) -> None:
    total = MAX_JSON_BYTES + 16 * 1024 * 1024
    proxy.add(Rule("GET", POLICIES, Respond(200, chunks=lambda: _huge_json(total))))
    run_cli(proxy.base_url, home, "whoami", env=env)  # warm up imports and the kept session first
    tracemalloc.start()
    try:
        result = run_cli(proxy.base_url, home, "policies", "list", env=env)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == ExitCode.ERROR
    assert "larger than" in result.stderr, result.stderr
    # Generous: the client's own cap plus room for buffers, far below the size of the answer.
    assert peak < MAX_JSON_BYTES * 1.5, f"peak {peak / 2**20:.0f} MiB"


def test_a_session_the_portal_no_longer_accepts_exits_3(
    proxy: FaultProxy, home: CliHome, env: dict[str, str]
) -> None:
    refused = Respond(401, b'{"title":"Unauthorized","status":401}', "application/problem+json")
    proxy.add(Rule("GET", POLICIES, refused, times=2), Rule("POST", r"/api/v1/auth/refresh", refused))
    result = run_cli(proxy.base_url, home, "policies", "list", env=env)
    assert result.exit_code == ExitCode.LOGIN_NEEDED, result.stderr
    assert "ssp-tui login" in result.stderr


def private_session(server: SandboxServer, proxy: FaultProxy, home: CliHome) -> dict[str, str]:
    home.keep_session(proxy.base_url, server.session(server.account(Role.POLICYHOLDER).username))
    return {}


def holder_rows(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM holder_requests").fetchone()[0]


def test_a_holder_request_whose_answer_is_lost_is_created_exactly_once(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome
) -> None:
    env = private_session(private_sandbox, private_proxy, home)
    listed = run_cli(private_proxy.base_url, home, "policies", "list", "--json", env=env)
    policy = msgspec.json.decode(listed.stdout, type=list[PolicySummary])[0]
    certs = run_cli(
        private_proxy.base_url,
        home,
        "coi",
        "list",
        "--query",
        policy.policy_number,
        "--by",
        "policy-number",
        "--json",
        env=env,
    )
    insured = msgspec.json.decode(certs.stdout, type=list[Certificate])[0]
    before = holder_rows(private_sandbox.db_path)
    # The portal commits the first POST, then its answer is lost (connection reset), twice over.
    private_proxy.add(Rule("POST", r"/api/v1/credentialing/holder-requests", LoseResponse(), times=2))
    result = run_cli(
        private_proxy.base_url, home,
        "coi", "request-holder", "--policy", policy.policy_number, "--insured", insured.insured_name,
        "--name", "Mercy General Hospital", "--address", "4001 J St", "--city", "Sacramento",
        "--state", "CA", "--zip", "95819", "--json",
        env=env,
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.stderr
    created = msgspec.json.decode(result.stdout, type=HolderRequest)
    assert holder_rows(private_sandbox.db_path) == before + 1
    posts = private_proxy.requests_to("POST", r"/api/v1/credentialing/holder-requests")
    assert len(posts) == 3 and len({p.headers["idempotency-key"] for p in posts}) == 1
    assert created.holder_name == "Mercy General Hospital"


def test_a_holder_request_whose_answer_is_always_lost_fails_and_can_be_resubmitted_once(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome
) -> None:
    env = private_session(private_sandbox, private_proxy, home)
    listed = run_cli(private_proxy.base_url, home, "policies", "list", "--json", env=env)
    policy = msgspec.json.decode(listed.stdout, type=list[PolicySummary])[0]
    certs = run_cli(
        private_proxy.base_url,
        home,
        "coi",
        "list",
        "--query",
        policy.policy_number,
        "--by",
        "policy-number",
        "--json",
        env=env,
    )
    insured = msgspec.json.decode(certs.stdout, type=list[Certificate])[0]
    before = holder_rows(private_sandbox.db_path)
    private_proxy.add(Rule("POST", r"/api/v1/credentialing/holder-requests", LoseResponse(), times=3))
    args = [
        "coi", "request-holder", "--policy", policy.policy_number, "--insured", insured.insured_name,
        "--name", "Mercy General Hospital", "--address", "4001 J St", "--city", "Sacramento",
        "--state", "CA", "--zip", "95819",
    ]  # fmt: skip
    failed = run_cli(private_proxy.base_url, home, *args, env=env)
    assert failed.exit_code == ExitCode.ERROR and "Error: " in failed.stderr
    key = next(h.headers["idempotency-key"] for h in private_proxy.requests_to("POST", r".*/holder-requests"))
    assert key in failed.stderr  # printed so that the user can resubmit it
    assert holder_rows(private_sandbox.db_path) == before + 1  # committed upstream, once
    again = run_cli(private_proxy.base_url, home, *args, "--idempotency-key", key, "--json", env=env)
    assert again.exit_code == ExitCode.OK, again.stderr
    assert holder_rows(private_sandbox.db_path) == before + 1
