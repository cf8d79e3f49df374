"""Credentialing over the large book in the TUI: the whole book, regrouped, then 2,000 certificates ticked and
downloaded as one PDF, against the bulk engine's own baseline; the process's memory throughout.

Run: .venv/bin/python -m benchmarks.bench_large_credentialing [--runs 2] [--certificates 2000]

A copy of the large book is served by the embedded sandbox. Each round, in a headless SspApp (160x50) with the
agent `bigbook` signed in (remembered device): open Credentialing (the whole book: every insured of an active
policy and their current certificates), group by COI holder and back by insured (g, g), then search a policy
number prefix chosen to find about --certificates certificates, tick all (a) and download them as one PDF
(d, the dialog's Download) with a new, empty download cache. Baseline, interleaved: plain httpx fetching the
same certificate PDFs at the same concurrency (6) and pikepdf combining them (benchmarks/bench_downloads.py).
The sandbox renders each certificate once; every PDF is fetched once, untimed, before the first round.
Goals (issue 23): the download within 1.25x of the baseline; the TUI's memory flat through the download and
its peak under 300 MB.

Memory is this process's, read from /proc/self/status, and this process runs only the TUI: the baseline's
combine (pikepdf holds every page until it saves) runs in a worker process of its own, or what it left on the
heap would count against the TUI. Per round, after a full garbage collection:
  peak through it all   VmHWM from the round's start (the previous rounds' leftovers included) to the end of
                        the download: the whole book opened, regrouped, searched, ticked, downloaded;
  growth during the download   VmHWM during the download less VmRSS just before it. "Flat" means this does
                        not grow with the number of certificates beyond what the result keeps (a file name
                        each): compare a run with --certificates 200 against one with 2000.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from benchmarks import large_raw as raw
from benchmarks.bench_downloads import pikepdf_combine, plain_httpx
from benchmarks.bench_large_tui import new_app, sign_in
from benchmarks.bench_login_home import MemoryKeyring, until
from benchmarks.common import Result, Samples, emit, load_average, peak_rss_mb, reset_peak_rss
from benchmarks.large_book import AGENT, LargeSandbox
from benchmarks.large_tui_steps import resident_mb
from ssp_tui import clock
from ssp_tui.api.models import Certificate, SearchBy
from ssp_tui.operations.downloads.jobs import coi_jobs
from ssp_tui.settings.config import CONFIG_ENV, Profile
from ssp_tui.settings.secrets import SecretStore
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.common.download_runner import DownloadRunner

BENCHMARK = "large_credentialing"
PREFIXES = [f"{p}{d}" for p in ("NCP", "NSL", "MP") for d in range(1, 10)]


async def choose_prefix(book: LargeSandbox, token: str, wanted: int) -> tuple[str, list[Certificate]]:
    """The policy-number prefix whose active policies' current certificates number closest to ``wanted``."""
    async with book.raw_client(token) as http:
        found = await raw.gathered(
            6,
            [
                raw.listing(
                    http,
                    "/credentialing/certificates",
                    Certificate,
                    q=prefix,
                    by="policy_number",
                    status="active",
                    term="current",
                )
                for prefix in PREFIXES
            ],
        )
    counts = sorted(zip(PREFIXES, found, strict=True), key=lambda pair: abs(len(pair[1]) - wanted))
    return counts[0]


@dataclass
class Memory:
    """The TUI process's memory per round (MB), as the module docstring defines it."""

    peaks: list[float] = field(default_factory=list)
    before_download: list[float] = field(default_factory=list)
    download_peaks: list[float] = field(default_factory=list)
    download_cpu: list[float] = field(default_factory=list)

    @property
    def growths(self) -> list[float]:
        return [peak - before for peak, before in zip(self.download_peaks, self.before_download, strict=True)]


def certificates_loaded(app: SspApp, text: str) -> bool:
    screen = app.screen
    search = getattr(screen, "last_search", None)
    return getattr(screen, "SECTION_ID", "") == "credentialing" and search is not None and search.text == text


async def app_round(
    book: LargeSandbox, store: SecretStore, prefix: str, count: int, samples: Samples, memory: Memory
) -> None:
    from textual.widgets import Input, Select

    scratch = Path(tempfile.mkdtemp(prefix="ssp-bench-coi-"))
    os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")  # a new, empty download cache
    agent = book.account(AGENT)
    app = new_app(book, store)
    app.controller.profile = Profile(download_dir=scratch / "downloads")
    gc.collect()
    reset_peak_rss()
    async with app.run_test(size=(160, 50)) as pilot:
        await sign_in(app, pilot, agent.username, agent.password)
        started = time.perf_counter()
        await pilot.press("4")
        await until(lambda: certificates_loaded(app, ""), "the whole book", timeout_s=900)
        samples.add("whole book", time.perf_counter() - started)
        tree = app.screen.query_one("#coi-tree")
        for grouping in ("by COI", "by insured"):
            started = time.perf_counter()
            await pilot.press("g")
            await pilot.pause()
            samples.add(f"group {grouping}", time.perf_counter() - started)
        # The prefix is a policy number's: the search box looks in policyholder names unless told otherwise.
        app.screen.query_one("#coi-by", Select).value = SearchBy.POLICY_NUMBER
        box = app.screen.query_one("#coi-query", Input)
        box.value = prefix
        box.focus()
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        await until(lambda: certificates_loaded(app, prefix), "the search")
        samples.add("search", time.perf_counter() - started)
        tree.focus()
        started = time.perf_counter()
        await pilot.press("a")
        await pilot.pause()
        samples.add("tick all", time.perf_counter() - started)
        ticked = len(app.screen.selection.chosen(tree.shown_order()))  # type: ignore[attr-defined]
        if ticked != count:
            raise SystemExit(f"ticked {ticked} certificates, expected {count}")
        runner = app.screen.query_one(DownloadRunner)
        peak_so_far = peak_rss_mb()
        memory.before_download.append(resident_mb())
        reset_peak_rss()
        started, cpu = time.perf_counter(), time.process_time()
        await pilot.press("d")
        await until(lambda: app.screen.query("#download-start"), "the download dialog")
        await pilot.click("#download-start")
        # An attribute, not the folder: a glob every 5 ms was work on the loop the download runs on.
        await until(
            lambda: runner.last_result is not None and not runner.is_running, "the download", timeout_s=900
        )
        samples.add("download app", time.perf_counter() - started)
        memory.download_cpu.append(time.process_time() - cpu)
        result = runner.last_result
        if result is None or result.combined_path is None or len(result.files) != count:
            raise SystemExit(f"the download did not combine {count} certificates: {result}")
        memory.download_peaks.append(peak_rss_mb())
        memory.peaks.append(max(peak_so_far, peak_rss_mb()))


async def baseline_round(
    book: LargeSandbox,
    token: str,
    certificates: list[Certificate],
    samples: Samples,
    combiner: ProcessPoolExecutor,
) -> None:
    jobs = coi_jobs(certificates, wants_claims_history=lambda _c: False, issued_on=clock.today()).jobs
    folder = Path(tempfile.mkdtemp(prefix="ssp-bench-coi-raw-"))
    started = time.perf_counter()
    paths = await plain_httpx(book.base_url, token, jobs, folder, 6)
    # In the worker process (started and warmed before any round): its memory is not the TUI's.
    await asyncio.get_running_loop().run_in_executor(combiner, pikepdf_combine, paths, folder / "all.pdf")
    samples.add("download baseline", time.perf_counter() - started)


def warm_combiner() -> None:
    import pikepdf  # noqa: F401  (imported once, before the timed rounds)


async def measure(args: argparse.Namespace) -> list[Result]:
    os.environ[CONFIG_ENV] = str(Path(tempfile.mkdtemp()) / "config.toml")
    samples = Samples()
    memory = Memory()
    combiner = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    await asyncio.get_running_loop().run_in_executor(combiner, warm_combiner)
    async with LargeSandbox() as book:
        session = await book.sign_in(AGENT)
        prefix, certificates = await choose_prefix(book, session.access_token, args.certificates)
        print(
            f"Search {prefix!r}: {len(certificates):,} certificates; rendering them once (untimed)…",
            flush=True,
        )
        await baseline_round(book, session.access_token, certificates, Samples(), combiner)
        store = SecretStore("bench", backend=MemoryKeyring())
        store.set_device_token(AGENT, await book.device_token(AGENT))
        for _ in range(args.runs):
            samples.load.append(load_average())
            await app_round(book, store, prefix, len(certificates), samples, memory)
            await baseline_round(book, session.access_token, certificates, samples, combiner)
    combiner.shutdown()
    n = f"{len(certificates):,}"
    results = [
        samples.result(
            BENCHMARK,
            f"combined download of {n} certificates, TUI / baseline",
            "download app",
            "download baseline",
            ("<=", 1.25),
            note="rounds (app / baseline, s): "
            + ", ".join(
                f"{app:.1f} / {base:.1f}"
                for app, base in zip(
                    samples.times["download app"], samples.times["download baseline"], strict=True
                )
            ),
        ),
        samples.result(BENCHMARK, "whole book opened (insureds and certificates shown)", "whole book"),
        samples.result(BENCHMARK, "group by COI holder", "group by COI"),
        samples.result(BENCHMARK, "group by insured", "group by insured"),
        samples.result(BENCHMARK, f"search {prefix!r} ({n} certificates)", "search"),
        samples.result(BENCHMARK, f"tick all ({n})", "tick all"),
        Result(
            BENCHMARK,
            "TUI peak memory through it all",
            max(memory.peaks),
            "MB",
            goal=("<=", 300),
            runs=len(memory.peaks),
            load=list(samples.load),
            note=f"per round {', '.join(f'{mb:.1f}' for mb in memory.peaks)}",
        ),
        Result(
            BENCHMARK,
            f"memory growth during the download of {n} certificates (peak less before)",
            max(memory.growths),
            "MB",
            runs=len(memory.growths),
            load=list(samples.load),
            note=(
                f"per round {', '.join(f'{mb:.1f}' for mb in memory.growths)}; before the download "
                f"{', '.join(f'{mb:.1f}' for mb in memory.before_download)} MB; "
                f"{max(memory.growths) * 1024 / len(certificates):.1f} KB a certificate"
            ),
        ),
        Result(
            BENCHMARK,
            f"CPU of the TUI process during the download of {n} (all its threads)",
            sorted(memory.download_cpu)[len(memory.download_cpu) // 2] * 1000,
            "ms",
            runs=len(memory.download_cpu),
            load=list(samples.load),
        ),
    ]
    for result in results:
        emit(result)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--certificates", type=int, default=2000)
    asyncio.run(measure(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
