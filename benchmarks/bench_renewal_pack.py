"""The renewal pack against the bulk engine alone: the same renewal-term certificates, cold caches, same
concurrency; the pack groups them by holder and writes one combined PDF per holder.

Run: .venv/bin/python -m benchmarks.bench_renewal_pack [--certificates 500] [--scale 10] [--runs 3]
It starts an embedded sandbox on a fresh database at --scale and signs in as the demo support user, who can
read every policy's certificates. Goal (issue 21): the pack within 1.25x of the engine's own bulk download.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from benchmarks.bench_downloads import log_in
from benchmarks.common import Samples, emit, interleaved_async, peak_rss_mb, reset_peak_rss
from ssp_tui.api.client import PortalClient
from ssp_tui.api.constants import DEFAULT_CONCURRENCY
from ssp_tui.api.models import Certificate, CertificateTerm, Role
from ssp_tui.operations.certificate_search import CertificateQuery, find_certificates
from ssp_tui.operations.downloads import Destination, DownloadEngine, DownloadPlan
from ssp_tui.operations.season.renewal_pack import PackLayout, build_renewal_pack, group_by_holder, pack_job
from ssp_tui.portal.embedded import EmbeddedSandbox

NAME = "renewal_pack"


async def renewal_certificates(client: PortalClient, wanted: int) -> list[Certificate]:
    found = await find_certificates(client, CertificateQuery(None, term=CertificateTerm.RENEWAL))
    return found[:wanted]


async def benchmark(client: PortalClient, args: argparse.Namespace) -> None:
    certificates = await renewal_certificates(client, args.certificates)
    if len(certificates) < args.certificates:
        print(f"note: the sandbox offered {len(certificates)} renewal certificates, not {args.certificates}")
    groups = group_by_holder(certificates)
    jobs = [pack_job(c, f"{c.id}.pdf") for c in certificates]
    with tempfile.TemporaryDirectory() as temp:
        scratch = Path(temp)

        def fresh() -> Path:
            return Path(tempfile.mkdtemp(dir=scratch))

        # The sandbox makes each certificate PDF on its first request: make them all once, outside the timing.
        await DownloadEngine(client, fresh()).run(DownloadPlan(jobs, Destination.separate(fresh())))

        async def bulk() -> None:
            plan = DownloadPlan(jobs, Destination.separate(fresh()), concurrency=args.concurrency)
            result = await DownloadEngine(client, fresh()).run(plan)
            assert result.complete

        async def pack() -> None:
            made = await build_renewal_pack(
                DownloadEngine(client, fresh()),
                groups,
                fresh(),
                PackLayout.PER_HOLDER,
                concurrency=args.concurrency,
            )
            assert made.complete

        reset_peak_rss()
        samples: Samples = await interleaved_async({"bulk engine": bulk, "renewal pack": pack}, args.runs)
        peak = peak_rss_mb()
    print(f"{len(certificates)} certificates for {len(groups)} holders, concurrency {args.concurrency}")
    emit(samples.result(NAME, "renewal pack / bulk engine", "renewal pack", "bulk engine", ("<=", 1.25)))
    print(f"  peak RSS {peak:.0f} MB")


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as temp:
        sandbox = EmbeddedSandbox(Path(temp) / "sandbox.sqlite3", scale=args.scale)
        base_url = await sandbox.start()
        try:
            accounts = await sandbox.demo_accounts()
            support = next(a for a in accounts if a.role is Role.SUPPORT and a.totp_secret)
            async with PortalClient(base_url) as client:
                await log_in(client, support.username, support.password, support.totp_secret)
                await benchmark(client, args)
        finally:
            await sandbox.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10)
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
