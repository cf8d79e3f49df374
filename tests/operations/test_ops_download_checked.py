"""The engine's PDF header check, and the admission's stat and chmod, are made once per file, by whoever can
vouch for them: the real client proves every file a PDF that opens, made 0600, before handing it over, so the
engine does not read or chmod it again; a downloader that does not say so still gets them (issue 23: an
open, a read, a close, a stat and a chmod a file on the cold path)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Role, Term
from ssp_tui.operations.downloads import engine
from ssp_tui.operations.downloads.jobs import document_job

from .fakes import FakePortal, run_engine
from .test_ops_downloads import job_for


def count_staged_chmods(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    chmodded: list[str] = []
    real = os.chmod

    def counting(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "incoming" in str(path):
            chmodded.append(str(path))
        real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", counting)
    return chmodded


def count_header_checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    checked: list[Path] = []
    real = engine.check_pdf_header

    def counting(path: Path) -> None:
        checked.append(path)
        real(path)

    monkeypatch.setattr(engine, "check_pdf_header", counting)
    return checked


async def test_files_the_real_client_checked_are_not_read_again(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_header_checks(monkeypatch)
    chmodded = count_staged_chmods(monkeypatch)
    seen: list[bool] = []
    client = PortalClient(sandbox.base_url)
    client.auth.set_session(sandbox.session(sandbox.account(Role.POLICYHOLDER).username))
    async with client:
        policy = (await client.policies.list().collect())[0]
        documents = await client.documents.list(policy.id, term=Term.CURRENT).collect()
        jobs = [document_job(doc, policy_number=policy.policy_number, term="current") for doc in documents]
        one = await client.download(
            jobs[0].api_path, tmp_path / "one.pdf", then=lambda f: seen.append(f.pdf_checked)
        )
        result = await run_engine(client, tmp_path / "cache", jobs, tmp_path / "out", concurrency=3)
    assert one.pdf_checked and one.private and seen == [True]
    assert result.complete and result.fetched == len(jobs) >= 2
    assert checked == []
    # Admitted without a stat and a chmod of its own: the client made each file 0600 and said its size.
    assert chmodded == []
    blobs = [path for path in (tmp_path / "cache").rglob("*.pdf") if "incoming" not in path.parts]
    assert len(blobs) == len(jobs)
    assert all(blob.stat().st_mode & 0o777 == 0o600 for blob in blobs)
    assert {blob.stat().st_size for blob in blobs} == {saved.bytes for saved in result.files}


async def test_a_downloader_that_does_not_vouch_still_gets_the_header_check(
    portal: FakePortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_header_checks(monkeypatch)
    chmodded = count_staged_chmods(monkeypatch)
    jobs = [job_for(portal, f"d{n}", 1, f"Doc {n}", with_sha=n < 2) for n in range(3)]
    portal.documents[jobs[2].api_path] = b"<html><body>502 Bad Gateway</body></html>"
    result = await run_engine(portal, tmp_path / "cache", jobs, tmp_path / "out")
    assert len(checked) == 3
    assert len(chmodded) == 2  # its files' modes are not vouched for either: the two PDFs admitted
    assert [failed.message for failed in result.failed] == ["The portal sent something that is not a PDF."]
