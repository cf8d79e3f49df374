"""Bulk download: the engine against plain httpx2 (same concurrency) and against one-after-another.

Run: .venv/bin/python -m benchmarks.bench_downloads [--documents 500] [--scale 3] [--runs 3]
     .venv/bin/python -m benchmarks.bench_downloads --base-url http://127.0.0.1:PORT --username U \
         --password P --totp-secret S        (or SSP_USERNAME / SSP_PASSWORD / SSP_TOTP_SECRET)
Without --base-url it starts an embedded sandbox on a fresh database at --scale and logs in as a demo agent.

Scenarios, each from an empty target folder, interleaved over --runs and reported as medians:
  baseline separate   plain httpx2.AsyncClient, same concurrency, each body written to its file
  baseline combined   the same, then a pikepdf combine of the saved files
  one after another   plain httpx2, one request at a time
  engine separate / combined (cold cache), and again with the warm cache
Goals (issue 5): engine at most 1.25x its baseline, peak memory under 250 MB, warm cache at least 10x faster.
Peak memory is the process's peak RSS during each scenario (Linux clear_refs; else the run's ru_maxrss).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx2
import pikepdf
import pyotp

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.api.constants import API_PREFIX, DEFAULT_CONCURRENCY
from ssp_tui.api.errors import PortalError
from ssp_tui.api.models import Document, LoginState, MfaFactor, Role, StatusFilter, Term
from ssp_tui.operations.downloads import Destination, DownloadEngine, DownloadJob, DownloadPlan
from ssp_tui.operations.downloads.jobs import document_job
from ssp_tui.portal.embedded import EmbeddedSandbox


def reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux 4.0+)


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def log_in(client: PortalClient, username: str, password: str, totp_secret: str | None) -> None:
    answer = await client.auth.login(username, password)
    if answer.state is LoginState.AUTHENTICATED:
        return
    if answer.state is not LoginState.MFA_REQUIRED or not totp_secret or answer.mfa_token is None:
        raise SystemExit("This benchmark logs in with a TOTP secret (--totp-secret or SSP_TOTP_SECRET).")
    await client.auth.verify(answer.mfa_token, MfaFactor.TOTP, pyotp.TOTP(totp_secret).at(clock.now()))


async def collect_documents(client: PortalClient, wanted: int) -> list[Document]:
    documents: list[Document] = []
    async for policy in client.policies.list(status=StatusFilter.ALL):
        for term in Term:
            try:
                documents.extend(await client.documents.list(policy.id, term=term).collect())
            except PortalError:
                continue  # e.g. no renewal term on this policy
            if len(documents) >= wanted:
                return documents[:wanted]
    return documents


async def plain_httpx(
    base_url: str, token: str, jobs: list[DownloadJob], folder: Path, concurrency: int
) -> list[Path]:
    """The baseline: GET every PDF with the same concurrency and write each body to its file."""
    limit = asyncio.Semaphore(concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(base_url=base_url + API_PREFIX, headers=headers, timeout=60.0) as http:

        async def one(index: int, job: DownloadJob) -> Path:
            async with limit:
                answer = await http.get(job.api_path)
                answer.raise_for_status()
                path = folder / f"{index:05d}.pdf"
                path.write_bytes(answer.content)
                return path

        return list(await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs))))


def pikepdf_combine(paths: list[Path], out: Path) -> None:
    combined = pikepdf.new()
    sources = [pikepdf.open(path) for path in paths]
    for source in sources:
        combined.pages.extend(source.pages)
    combined.save(out)
    for source in sources:
        source.close()


async def measure(action: Callable[[Path], Awaitable[object]], scratch: Path) -> tuple[float, float]:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    reset_peak_rss()
    started = time.perf_counter()
    await action(folder)
    return time.perf_counter() - started, peak_rss_mb()


async def benchmark(client: PortalClient, base_url: str, args: argparse.Namespace) -> None:
    documents = await collect_documents(client, args.documents)
    if len(documents) < args.documents:
        print(
            f"note: the portal offered {len(documents)} documents, fewer than the {args.documents} asked for"
        )
    jobs = [document_job(doc) for doc in documents]
    token = client.auth.session.access_token if client.auth.session else ""
    concurrency = args.concurrency
    times: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as temp:
        scratch = Path(temp)
        await plain_httpx(base_url, token, jobs, Path(tempfile.mkdtemp(dir=scratch)), concurrency)  # prime

        def separate(folder: Path) -> DownloadPlan:
            return DownloadPlan(jobs, Destination.separate(folder), concurrency=concurrency)

        def combined(folder: Path) -> DownloadPlan:
            return DownloadPlan(jobs, Destination.combined(folder / "combined.pdf"), concurrency=concurrency)

        async def baseline_combined(folder: Path) -> None:
            paths = await plain_httpx(base_url, token, jobs, folder, concurrency)
            await asyncio.to_thread(pikepdf_combine, paths, folder / "combined.pdf")

        for _ in range(args.runs):
            # One engine per cache, built once as the TUI and the CLI build theirs.
            engine = DownloadEngine(client, Path(tempfile.mkdtemp(dir=scratch)))
            separate_engine = DownloadEngine(client, Path(tempfile.mkdtemp(dir=scratch)))
            scenarios: dict[str, Callable[[Path], Awaitable[object]]] = {
                "baseline separate": lambda f: plain_httpx(base_url, token, jobs, f, concurrency),
                "engine separate (cold)": lambda f, e=separate_engine: e.run(separate(f)),
                "baseline combined": baseline_combined,
                "engine combined (cold)": lambda f, e=engine: e.run(combined(f)),
                "engine combined (warm)": lambda f, e=engine: e.run(combined(f)),
                "engine separate (warm)": lambda f, e=separate_engine: e.run(separate(f)),
                "one after another": lambda f: plain_httpx(base_url, token, jobs, f, 1),
            }
            for name, action in scenarios.items():
                elapsed, peak = await measure(action, scratch)
                times.setdefault(name, []).append(elapsed)
                peaks[name] = max(peaks.get(name, 0.0), peak)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"Bulk download of {len(jobs)} documents, concurrency {concurrency}, median of {args.runs} runs")
    for name, value in median.items():
        print(f"  {name:<24} {value:7.2f} s   peak RSS {peaks[name]:6.0f} MB")
    print("Ratios")
    ratios = [
        (
            "engine separate / baseline separate",
            "engine separate (cold)",
            "baseline separate",
            "goal <= 1.25x",
        ),
        (
            "engine combined / baseline combined",
            "engine combined (cold)",
            "baseline combined",
            "goal <= 1.25x",
        ),
        ("one after another / baseline separate", "one after another", "baseline separate", ""),
        ("combined cold / warm", "engine combined (cold)", "engine combined (warm)", "goal >= 10x"),
        ("separate cold / warm", "engine separate (cold)", "engine separate (warm)", "goal >= 10x"),
    ]
    for label, top, bottom, goal in ratios:
        print(f"  {label:<38} {median[top] / median[bottom]:6.2f}x {goal}")
    engine_peak = max(value for name, value in peaks.items() if name.startswith("engine"))
    print(f"  peak RSS of the engine: {engine_peak:.0f} MB (goal < 250 MB)")


async def run(args: argparse.Namespace) -> None:
    sandbox: EmbeddedSandbox | None = None
    scratch = tempfile.TemporaryDirectory()
    try:
        base_url = args.base_url
        username, password, totp = args.username, args.password, args.totp_secret
        if base_url is None:
            sandbox = EmbeddedSandbox(Path(scratch.name) / "sandbox.sqlite3", scale=args.scale)
            base_url = await sandbox.start()
            accounts = await sandbox.demo_accounts()
            agent = next(a for a in accounts if a.role is Role.AGENT and a.totp_secret)
            username, password, totp = agent.username, agent.password, agent.totp_secret
        if not username or not password:
            raise SystemExit("Give --username and --password (or SSP_USERNAME and SSP_PASSWORD).")
        async with PortalClient(base_url) as client:
            await log_in(client, username, password, totp)
            await benchmark(client, base_url, args)
    finally:
        if sandbox is not None:
            await sandbox.stop()
        scratch.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running portal or sandbox, without /api/v1")
    parser.add_argument("--username", default=os.environ.get("SSP_USERNAME"))
    parser.add_argument("--password", default=os.environ.get("SSP_PASSWORD"))
    parser.add_argument("--totp-secret", default=os.environ.get("SSP_TOTP_SECRET"))
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=3, help="embedded sandbox only")
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
