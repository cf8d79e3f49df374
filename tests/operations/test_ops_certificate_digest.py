"""Certificates carry their PDF's digest once the portal has made it, so the engine verifies them and a later
download of the same certificates is served from the cache without touching the network."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Role
from ssp_tui.operations.downloads.jobs import certificate_job, claims_history_job

from .fakes import run_engine

TODAY = date(2026, 11, 28)


async def test_a_downloaded_certificate_is_listed_with_its_digest_and_then_served_from_the_cache(
    private_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with PortalClient(private_sandbox.base_url) as client:
        client.auth.set_session(private_sandbox.session(private_sandbox.account(Role.AGENT).username))
        insured = (await client.credentialing.insureds().collect())[0]
        listed = (await client.credentialing.certificates(insured.policy_id).collect())[:2]
        assert listed and all(cert.sha256 is None for cert in listed), "not made yet: no digest to promise"
        assert certificate_job(listed[0], issued_on=TODAY).expected_sha256 is None

        engine = functools.partial(run_engine, client, tmp_path / "cache")
        first = await engine([certificate_job(c, issued_on=TODAY) for c in listed], tmp_path / "first")
        assert first.complete and first.fetched == len(listed)

        again = {c.id: c for c in await client.credentialing.certificates(insured.policy_id).collect()}
        for saved, cert in zip(first.files, listed, strict=True):
            assert again[cert.id].sha256 == saved.sha256
        jobs = [certificate_job(again[c.id], issued_on=TODAY) for c in listed]
        assert [job.expected_sha256 for job in jobs] == [saved.sha256 for saved in first.files]

        second = await engine(jobs, tmp_path / "second")
        assert second.complete and second.fetched == 0, "every certificate came from the cache"
        assert [saved.sha256 for saved in second.files] == [saved.sha256 for saved in first.files]


async def test_claims_history_letters_are_listed_with_their_digest_and_served_from_the_cache(
    private_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Issue 24: a rerun downloaded every claims-history letter again (265 of 265); now none."""
    async with PortalClient(private_sandbox.base_url) as client:
        client.auth.set_session(private_sandbox.session(private_sandbox.account(Role.AGENT).username))
        offered = []
        for insured in await client.credentialing.insureds().collect():
            certificates = await client.credentialing.certificates(insured.policy_id).collect()
            offered = [c for c in certificates if c.claims_history_available]
            if offered:
                break
        assert offered, "the seed has insureds whose claims history is online"
        letters = list({(c.insured_id, c.policy_id): c for c in offered}.values())[:2]
        assert all(c.claims_history_sha256 is None for c in letters), "not made yet: no digest to promise"

        engine = functools.partial(run_engine, client, tmp_path / "cache")
        first = await engine([claims_history_job(c, issued_on=TODAY) for c in letters], tmp_path / "first")
        assert first.complete and first.fetched == len(letters)

        listed = await client.credentialing.certificates(letters[0].policy_id).collect()
        by_pair = {(c.insured_id, c.policy_id): c for c in listed}
        again = [
            by_pair[(c.insured_id, c.policy_id)] for c in letters if (c.insured_id, c.policy_id) in by_pair
        ]
        jobs = [claims_history_job(c, issued_on=TODAY) for c in again]
        assert jobs and all(job.expected_sha256 for job in jobs)
        second = await engine(jobs, tmp_path / "second")
        assert second.complete and second.fetched == 0, "every letter came from the cache"
