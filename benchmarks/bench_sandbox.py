"""The sandbox: listing requests per second, and PDF generation per document type.

Run: .venv/bin/python -m benchmarks.bench_sandbox [--scale 3] [--requests 120] [--runs 3] [--per-type 8]

Listing: the embedded sandbox (a child process on loopback, fresh database at --scale), an agent logged in
with the real client, then a plain authenticated httpx2.AsyncClient sends --requests GETs over the pages of
/policies and /seminars/activity (limit 100, the client's page size; the pages' cursors are walked first),
at concurrency 1 and 8. Baseline in the same run: GET /me, the cheapest authenticated request. Each round
runs every case once, --runs rounds; requests per second are the median of the rounds.
PDF generation: on a freshly seeded database, the first (uncached) build of --per-type documents of each
generator through ssp_tui.sandbox.documents, and of certificates; median milliseconds per document and page.
No goal in issue 11: these are figures to watch.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx2

from benchmarks.bench_downloads import log_in
from benchmarks.common import Result, emit, load_average
from ssp_tui.api.client import PortalClient
from ssp_tui.api.constants import API_PREFIX
from ssp_tui.api.models import Role
from ssp_tui.portal.embedded import EmbeddedSandbox
from ssp_tui.sandbox.db import connect, create_and_seed
from ssp_tui.sandbox.documents import Blob, ensure_certificate_blob, ensure_document_blob

BENCHMARK = "sandbox"
PAGE_LIMIT = 100
MAX_PAGES = 30


async def page_urls(http: httpx2.AsyncClient, path: str) -> list[str]:
    """The URLs of up to MAX_PAGES successive pages of a listing."""
    urls = [f"{path}?limit={PAGE_LIMIT}"]
    while len(urls) < MAX_PAGES:
        answer = await http.get(urls[-1])
        answer.raise_for_status()
        cursor = answer.json().get("next_cursor")
        if not cursor:
            break
        urls.append(f"{path}?limit={PAGE_LIMIT}&cursor={cursor}")
    return urls


async def requests_per_second(
    http: httpx2.AsyncClient, urls: list[str], count: int, concurrency: int
) -> float:
    limit = asyncio.Semaphore(concurrency)

    async def one(index: int) -> None:
        async with limit:
            answer = await http.get(urls[index % len(urls)])
            answer.raise_for_status()
            answer.read()

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    return count / (time.perf_counter() - started)


async def listing(args: argparse.Namespace) -> list[Result]:
    with tempfile.TemporaryDirectory() as temp:
        sandbox = EmbeddedSandbox(Path(temp) / "sandbox.sqlite3", scale=args.scale)
        base_url = await sandbox.start()
        try:
            accounts = await sandbox.demo_accounts()
            agent = next(a for a in accounts if a.role is Role.AGENT and a.totp_secret)
            async with PortalClient(base_url) as client:
                await log_in(client, agent.username, agent.password, agent.totp_secret)
                token = client.auth.session.access_token if client.auth.session else ""
            headers = {"Authorization": f"Bearer {token}"}
            limits = httpx2.Limits(max_connections=16)
            async with httpx2.AsyncClient(
                base_url=base_url + API_PREFIX, headers=headers, timeout=60.0, limits=limits
            ) as http:
                urls = {
                    "/me": ["/me"],
                    "/policies": await page_urls(http, "/policies"),
                    "/seminars/activity": await page_urls(http, "/seminars/activity"),
                }
                rates: dict[tuple[str, int], list[float]] = {}
                load: list[float] = []
                for _ in range(args.runs):
                    load.append(load_average())
                    for concurrency in (1, 8):
                        for name, pages in urls.items():
                            rate = await requests_per_second(http, pages, args.requests, concurrency)
                            rates.setdefault((name, concurrency), []).append(rate)
        finally:
            await sandbox.stop()
    results = []
    print(f"Sandbox listings, scale {args.scale}, {args.requests} GETs a case, median of {args.runs} rounds")
    for (name, concurrency), values in rates.items():
        if name == "/me":
            continue
        baseline = statistics.median(rates[("/me", concurrency)])
        pages = len(urls[name])
        results.append(
            Result(
                benchmark=BENCHMARK,
                name=f"GET {name} (limit {PAGE_LIMIT}, {pages} pages), concurrency {concurrency}",
                value=statistics.median(values),
                unit="req/s",
                baseline=baseline,
                baseline_name=f"req/s GET /me at concurrency {concurrency}",
                runs=len(values),
                load=load,
            )
        )
    for result in results:
        emit(result)
    return results


def first_builds(
    conn: sqlite3.Connection, ids: list[str], build: Callable[[sqlite3.Connection, str], Blob]
) -> tuple[list[float], list[int]]:
    seconds, pages = [], []
    for item in ids:
        started = time.perf_counter()
        blob = build(conn, item)
        seconds.append(time.perf_counter() - started)
        pages.append(blob.pages)
    return seconds, pages


def pdf_generation(args: argparse.Namespace) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as temp:
        path = create_and_seed(Path(temp) / "pdfs.sqlite3", scale=1)
        conn = connect(path)
        try:
            generators = [row[0] for row in conn.execute("SELECT DISTINCT generator FROM documents")]
            cases: dict[str, tuple[list[str], Callable[[sqlite3.Connection, str], Blob]]] = {}
            for generator in sorted(generators):
                ids = [
                    row[0]
                    for row in conn.execute(
                        "SELECT id FROM documents WHERE generator = ? ORDER BY id LIMIT ?",
                        [generator, args.per_type],
                    )
                ]
                cases[generator] = (ids, ensure_document_blob)
            certificates = [
                row[0]
                for row in conn.execute("SELECT id FROM certificates ORDER BY id LIMIT ?", [args.per_type])
            ]
            cases["certificate"] = (certificates, ensure_certificate_blob)
            load = load_average()
            print(f"PDF generation, first build of up to {args.per_type} documents per type (fresh database)")
            for name, (ids, build) in cases.items():
                if not ids:
                    continue
                seconds, pages = first_builds(conn, ids, build)
                per_page = [s / max(p, 1) for s, p in zip(seconds, pages, strict=True)]
                results.append(
                    Result(
                        benchmark=BENCHMARK,
                        name=f"PDF {name}, per document",
                        value=statistics.median(seconds) * 1000,
                        unit="ms",
                        runs=len(seconds),
                        load=[load],
                        note=f"{statistics.median(per_page) * 1000:.1f} ms a page, "
                        f"{statistics.median(pages):g} pages",
                    )
                )
                emit(results[-1])
        finally:
            conn.close()
    return results


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=3)
    parser.add_argument("--requests", type=int, default=120, help="GETs per case and round")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-type", type=int, default=8, help="documents built per PDF type")
    args = parser.parse_args(argv)
    return asyncio.run(listing(args)) + pdf_generation(args)


if __name__ == "__main__":
    main()
