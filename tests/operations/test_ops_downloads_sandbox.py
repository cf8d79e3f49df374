"""The download engine end to end: the real PortalClient against the sandbox over loopback HTTP."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path

import pikepdf
from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Role, Term
from ssp_tui.operations.downloads import DownloadJob, DownloadMode
from ssp_tui.operations.downloads.jobs import certificate_job, claims_history_job, document_job

from .fakes import run_engine


def signed_in(sandbox: SandboxServer, role: Role) -> PortalClient:
    client = PortalClient(sandbox.base_url)
    client.auth.set_session(sandbox.session(sandbox.account(role).username))
    return client


async def test_policy_documents_separate_then_combined_from_the_cache(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with signed_in(sandbox, Role.POLICYHOLDER) as client:
        policy = (await client.policies.list().collect())[0]
        documents = await client.documents.list(policy.id, term=Term.CURRENT).collect()
        assert documents
        jobs = [document_job(doc, policy_number=policy.policy_number, term="current") for doc in documents]
        engine = functools.partial(run_engine, client, tmp_path / "cache", concurrency=4)
        separate = await engine(jobs, tmp_path / "out")
        assert separate.complete and separate.fetched == len(jobs)
        manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
        assert {entry["key"] for entry in manifest["files"]} == {doc.id for doc in documents}
        for saved, doc in zip(separate.files, documents, strict=True):
            assert saved.sha256 == doc.sha256 and saved.path.stat().st_size == doc.bytes
            assert saved.path.is_relative_to((tmp_path / "out").resolve())

        combined = await engine(jobs, tmp_path / "out", DownloadMode.COMBINED, combined_path=Path("all.pdf"))
        assert combined.fetched == 0 and combined.complete
        with pikepdf.open(combined.combined_path) as pdf, pdf.open_outline() as outline:
            assert len(pdf.pages) == sum(doc.pages for doc in documents)
            assert [item.title for item in outline.root] == [doc.title for doc in documents]


async def test_certificates_and_a_missing_document_through_the_real_client(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with signed_in(sandbox, Role.AGENT) as client:
        insured = (await client.credentialing.insureds().collect())[0]
        certificates = (await client.credentialing.certificates(insured.policy_id).collect())[:3]
        assert certificates
        today = date(2026, 11, 28)
        jobs = [certificate_job(cert, issued_on=today) for cert in certificates]
        with_history = [cert for cert in certificates if cert.claims_history_available][:1]
        jobs += [claims_history_job(cert, issued_on=today) for cert in with_history]
        gone = DownloadJob(
            "gone", client.documents.content_path("no-such-document"), "gone.pdf", "Gone document"
        )
        engine = functools.partial(run_engine, client, tmp_path / "cache")
        refused = await engine([*jobs, gone], tmp_path / "out", DownloadMode.COMBINED)
        assert refused.combined_path is None and [f.job.key for f in refused.failed] == ["gone"]
        assert refused.failed[0].message and "Traceback" not in refused.failed[0].message
        assert not any((tmp_path / "out").iterdir())

        allowed = await engine([*jobs, gone], tmp_path / "out", DownloadMode.COMBINED, allow_missing=True)
        assert allowed.missing == [gone] and allowed.combined_path is not None
        with pikepdf.open(allowed.combined_path) as pdf, pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
            assert titles[0].startswith("MISSING 1 of") and titles[1:] == [job.title for job in jobs]
            assert len(pdf.pages) >= len(jobs)
