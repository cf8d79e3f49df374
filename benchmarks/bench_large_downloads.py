"""Bulk download of 5,000 of the large book's documents: the engine against plain httpx, memory, warm cache.

Run: .venv/bin/python -m benchmarks.bench_large_downloads [--documents 5000] [--runs 2] [--concurrency 6]
     [--modes separate,combined]

A copy of the large book is served by the embedded sandbox; the agent `bigbook` is signed in. The first
--documents documents of the book's policies (current, then previous terms) are downloaded; each scenario
starts from an empty folder, interleaved over --runs rounds, medians reported:
  baseline separate   plain httpx.AsyncClient, same concurrency, each body written to its file
  baseline combined   the same, then pikepdf combining the saved files
  engine separate / combined, cold (a new, empty cache), then warm (the same cache again, a new folder)
Memory: each engine mode is run once more in a child process of its own, cold, with all the documents and
with a tenth of them; its peak resident memory (VmHWM) must stay flat (the ratio) and under 300 MB.
Goals (issue 23): engine <= 1.25x baseline; cold >= 20x warm; memory flat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import large_raw as raw
from benchmarks.bench_downloads import pikepdf_combine, plain_httpx
from benchmarks.common import Result, Samples, emit, load_average, peak_rss_mb
from benchmarks.large_book import AGENT, LargeSandbox
from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Document, PolicySummary, Session
from ssp_tui.operations.downloads import Destination, DownloadEngine, DownloadJob, DownloadPlan
from ssp_tui.operations.downloads.jobs import document_job

BENCHMARK = "large_downloads"


async def book_documents(book: LargeSandbox, token: str, wanted: int) -> list[Document]:
    """The first ``wanted`` documents of the book, policy by policy (current term, then previous)."""
    async with book.raw_client(token) as http:
        policies = await raw.listing(http, "/policies", PolicySummary, status="all")
        documents: list[Document] = []
        for start in range(0, len(policies), 50):
            batch = [
                raw.listing(http, f"/policies/{p.id}/documents", Document, term=term)
                for p in policies[start : start + 50]
                for term in ("current", "previous")
            ]
            for found in await raw.gathered(6, batch):
                documents.extend(found)
            if len(documents) >= wanted:
                break
    return documents[:wanted]


def jobs_for(documents: list[Document]) -> list[DownloadJob]:
    return [document_job(d, policy_in_title=True) for d in documents]


async def engine_once(
    base_url: str, session: Session, jobs: list[DownloadJob], combined: bool, scratch: Path, concurrency: int
) -> float:
    async with PortalClient(base_url) as client:
        client.auth.set_session(session)
        engine = DownloadEngine(client, Path(tempfile.mkdtemp(dir=scratch)))
        folder = Path(tempfile.mkdtemp(dir=scratch))
        where = Destination.combined(folder / "all.pdf") if combined else Destination.separate(folder)
        started = time.perf_counter()
        result = await engine.run(DownloadPlan(jobs, where, concurrency=concurrency))
        elapsed = time.perf_counter() - started
        if not result.complete:
            raise SystemExit(f"the engine's run was incomplete: {len(result.failed)} failed")
        return elapsed


def child_peak(base_url: str, session: Session, documents: list[Document], combined: bool, c: int) -> float:
    """Peak resident MB of a fresh process running the engine once, cold, over ``documents``."""
    with tempfile.TemporaryDirectory() as temp:
        spec = Path(temp) / "spec.json"
        spec.write_bytes(
            json.dumps(
                {
                    "base_url": base_url,
                    "session": json.loads(_encode(session)),
                    "documents": json.loads(_encode(documents)),
                    "combined": combined,
                    "concurrency": c,
                }
            ).encode()
        )
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_large_downloads", "--child", str(spec)],
            check=True,
            capture_output=True,
            text=True,
        )
    return float(out.stdout.strip().splitlines()[-1])


def _encode(value: object) -> bytes:
    import msgspec

    return msgspec.json.encode(value)


async def child(spec_path: Path) -> None:
    import msgspec

    spec = json.loads(spec_path.read_text())
    session = msgspec.convert(spec["session"], Session)
    base_url, combined, concurrency = spec["base_url"], spec["combined"], spec["concurrency"]
    jobs = jobs_for(msgspec.convert(spec.pop("documents"), list[Document]))
    # Only the jobs are kept, as a command that has made its plan keeps no listing: the spec's parsed JSON and
    # the documents were some 1.2 KB a file of this process's peak, none of it the engine's (issue 23).
    del spec
    with tempfile.TemporaryDirectory() as temp:
        await engine_once(base_url, session, jobs, combined, Path(temp), concurrency)
    print(peak_rss_mb())


async def measure(args: argparse.Namespace) -> list[Result]:
    samples = Samples()
    async with LargeSandbox() as book:
        session = await book.sign_in(AGENT)
        documents = await book_documents(book, session.access_token, args.documents)
        jobs = jobs_for(documents)
        token, c = session.access_token, args.concurrency
        print(f"{len(jobs):,} documents, {sum(d.bytes for d in documents) / 1e6:.1f} MB, concurrency {c}")
        with tempfile.TemporaryDirectory() as temp:
            scratch = Path(temp)
            await plain_httpx(book.base_url, token, jobs, Path(tempfile.mkdtemp(dir=scratch)), c)  # warm-up
            async with PortalClient(book.base_url) as client:
                client.auth.set_session(session)
                for _ in range(args.runs):
                    samples.load.append(load_average())
                    for mode in args.modes:
                        folder = Path(tempfile.mkdtemp(dir=scratch))
                        started = time.perf_counter()
                        paths = await plain_httpx(book.base_url, token, jobs, folder, c)
                        if mode == "combined":
                            await asyncio.to_thread(pikepdf_combine, paths, folder / "all.pdf")
                        samples.add(f"baseline {mode}", time.perf_counter() - started)
                        engine = DownloadEngine(client, Path(tempfile.mkdtemp(dir=scratch)))
                        for warmth in ("cold", "warm"):
                            folder = Path(tempfile.mkdtemp(dir=scratch))
                            where = (
                                Destination.combined(folder / "all.pdf")
                                if mode == "combined"
                                else Destination.separate(folder)
                            )
                            started = time.perf_counter()
                            result = await engine.run(DownloadPlan(jobs, where, concurrency=c))
                            samples.add(f"engine {mode} {warmth}", time.perf_counter() - started)
                            if not result.complete:
                                raise SystemExit(
                                    f"incomplete {mode} {warmth} run: {len(result.failed)} failed"
                                )
        peaks: dict[str, float] = {}
        for mode in args.modes:
            tenth = documents[: max(1, len(documents) // 10)]
            peaks[f"{mode} tenth"] = child_peak(book.base_url, session, tenth, mode == "combined", c)
            peaks[f"{mode} all"] = child_peak(book.base_url, session, documents, mode == "combined", c)
    n = f"{len(jobs):,}"
    results = []
    for mode in args.modes:
        results.append(
            samples.result(
                BENCHMARK,
                f"{n} documents {mode}, engine / httpx",
                f"engine {mode} cold",
                f"baseline {mode}",
                ("<=", 1.25),
            )
        )
        warm = samples.result(
            BENCHMARK,
            f"{n} documents {mode}, cold / warm cache",
            f"engine {mode} cold",
            f"engine {mode} warm",
            (">=", 20),
        )
        results.append(warm)
        results.append(
            Result(
                BENCHMARK,
                f"engine {mode} peak memory, all / a tenth",
                peaks[f"{mode} all"],
                "MB",
                baseline=peaks[f"{mode} tenth"],
                baseline_name="a tenth",
                goal=("<=", 1.25),
                runs=1,
                load=list(samples.load),
            )
        )
        results.append(
            Result(
                BENCHMARK,
                f"engine {mode} peak memory, {n} documents",
                peaks[f"{mode} all"],
                "MB",
                goal=("<=", 300),
                runs=1,
                load=list(samples.load),
            )
        )
    for result in results:
        emit(result)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument(
        "--modes",
        type=lambda text: text.split(","),
        default=["separate", "combined"],
        help="separate, combined or both (the default: separate,combined)",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        asyncio.run(child(args.child))
        return
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
