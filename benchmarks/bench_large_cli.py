"""The CLI on the large book: listings against a raw fetch-and-decode, and a whole-book download rerun.

Run: .venv/bin/python -m benchmarks.bench_large_cli [--runs 3] [--book-policies N] [--skip-download]

A copy of the large book is served by the embedded sandbox; `ssp-tui --portal URL login` signs the agent
`bigbook` in once (its session is kept in a keyring file, benchmarks/file_keyring.py). Every command runs as
its own process with stdout piped (tab-separated lines, or --json), read as it comes: the time to its first
row and to its end are recorded. Its baseline is benchmarks/raw_listing.py, also its own process: httpx and
msgspec fetching and decoding the same pages at limit=1000. Interleaved over --runs rounds:
  policies list --status all | billing list | seminars activity (200,000 rows; also --json) | coi list (the
  whole book, by insured and --group coi by holder: the portal sorts) | docs list POLICY --term all
Then the whole-book download: `docs download` of every policy number (--book-policies: the first N) with
--term all into one folder, once cold (untimed against a goal), then again with everything cached and every
file already in place, against listing the book raw (every document list of every policy, 6 at a time).
Goals (issue 23): each listing <= 1.5x raw, its first row out before the last page is fetched (streamed);
the cached rerun <= 2x listing the book.
``PYTHONDONTWRITEBYTECODE`` is removed for the children and the project is compiled first (as bench_cli
does): an installed ssp-tui has its ``.pyc`` files, and without them every command compiled some 70 modules
from source (about 80 ms of CPU each time), the raw script a handful.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import file_keyring
from benchmarks import large_raw as raw
from benchmarks.common import Result, Samples, emit, load_average
from benchmarks.large_book import AGENT, LargeSandbox
from ssp_tui.api.models import PolicySummary
from ssp_tui.settings.config import CONFIG_ENV

BENCHMARK = "large_cli"
ROOT = Path(__file__).parent.parent


def cli_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        {
            CONFIG_ENV: str(home / "config.toml"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_DATA_HOME": str(home / "data"),
            "PYTHON_KEYRING_BACKEND": "benchmarks.file_keyring.FileKeyring",
            file_keyring.ENV: str(home / "keyring.json"),
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("SSP_USERNAME", None)
    env.pop("SSP_PASSWORD", None)
    env.pop("SSP_TOTP_SECRET", None)
    return env


def timed_process(command: list[str], env: dict[str, str], skip_lines: int) -> tuple[float, float, int]:
    """(seconds to the first row, seconds to the end, lines) of a child process's piped stdout. The first row
    is the first byte after ``skip_lines`` lines (a header), or with 0 the first byte at all (JSON)."""
    started = time.perf_counter()
    first = 0.0
    lines = 0
    pipe = subprocess.PIPE
    with subprocess.Popen(command, stdout=pipe, stderr=pipe, env=env, cwd=ROOT) as child:
        assert child.stdout is not None
        while chunk := child.stdout.read1(1 << 16):  # type: ignore[attr-defined]
            if not first and _row_starts_in(chunk, skip_lines - lines):
                first = time.perf_counter() - started
            lines += chunk.count(b"\n")
        _, errors = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:])} failed ({child.returncode}): {errors.decode()[-2000:]}")
    return first, time.perf_counter() - started, lines


def _row_starts_in(chunk: bytes, header_lines_left: int) -> bool:
    """Whether ``chunk`` holds a byte after the header's remaining lines."""
    position = -1
    for _ in range(max(0, header_lines_left)):
        position = chunk.find(b"\n", position + 1)
        if position < 0:
            return False
    return position + 1 < len(chunk)


def ssp(base_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "ssp_tui", "--portal", base_url, *args]


def raw_command(kind: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.raw_listing", kind, *args]


def compile_project() -> None:
    """Write the .pyc files an installed ssp-tui would have (the shells here set PYTHONDONTWRITEBYTECODE)."""
    writing = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-m", "compileall", "-q", "ssp_tui", "benchmarks"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=writing, cwd=ROOT)


async def measure(args: argparse.Namespace) -> list[Result]:
    compile_project()
    samples = Samples()
    firsts: dict[str, list[float]] = {}
    async with LargeSandbox() as book:
        home = Path(tempfile.mkdtemp(prefix="ssp-bench-cli-"))
        env = cli_env(home)
        agent = book.account(AGENT)
        login_env = dict(env, SSP_USERNAME=agent.username, SSP_PASSWORD=agent.password)
        login_env["SSP_TOTP_SECRET"] = agent.totp_secret or ""
        subprocess.run(ssp(book.base_url, "login"), env=login_env, check=True, capture_output=True)
        session = await book.sign_in(AGENT)
        raw_env = dict(env, SSP_BENCH_URL=book.api_url, SSP_BENCH_TOKEN=session.access_token)
        async with book.raw_client(session.access_token) as http:
            policies = await raw.listing(http, "/policies", PolicySummary, status="all")
        first = policies[0]
        cases = {
            "policies list": (ssp(book.base_url, "policies", "list", "--status", "all"), ["policies"], 1),
            "billing list": (ssp(book.base_url, "billing", "list"), ["billing"], 1),
            "seminars activity": (ssp(book.base_url, "seminars", "activity"), ["activity"], 1),
            "seminars activity --json": (
                ssp(book.base_url, "seminars", "activity", "--json"),
                ["activity"],
                0,
            ),
            "coi list (whole book)": (ssp(book.base_url, "coi", "list"), ["coi"], 1),
            "coi list --group coi (whole book)": (
                ssp(book.base_url, "coi", "list", "--group", "coi"),
                ["coi", "holder"],
                1,
            ),
            "docs list --term all": (
                ssp(book.base_url, "docs", "list", first.policy_number, "--term", "all"),
                ["docs", first.id],
                1,
            ),
        }
        for _ in range(args.runs):
            samples.load.append(load_average())
            for name, (command, raw_args, header) in cases.items():
                started_first, total, _ = await asyncio.to_thread(timed_process, command, env, header)
                samples.add(f"{name} cli", total)
                firsts.setdefault(name, []).append(started_first)
                _, total, _ = await asyncio.to_thread(timed_process, raw_command(*raw_args), raw_env, 0)
                samples.add(f"{name} raw", total)
        results = [
            samples.result(BENCHMARK, f"{name}, piped", f"{name} cli", f"{name} raw", ("<=", 1.5))
            for name in cases
        ]
        for name in cases:
            samples.times[f"{name} first row"] = firsts[name]
            results.append(
                samples.result(
                    BENCHMARK,
                    f"{name}: first row / whole listing",
                    f"{name} first row",
                    f"{name} cli",
                    note="streamed when well under 1",
                )
            )
        if not args.skip_download:
            results += await whole_book_download(args, book, env, raw_env, policies, samples)
    for result in results:
        emit(result)
    return results


async def whole_book_download(
    args: argparse.Namespace,
    book: LargeSandbox,
    env: dict[str, str],
    raw_env: dict[str, str],
    policies: list[PolicySummary],
    samples: Samples,
) -> list[Result]:
    chosen = policies[: args.book_policies] if args.book_policies else policies
    folder = Path(tempfile.mkdtemp(prefix="ssp-bench-book-"))
    command = ssp(book.base_url, "docs", "download", *(p.policy_number for p in chosen), "--term", "all")
    command += ["--dir", str(folder)]
    print(f"Whole-book download: {len(chosen):,} policies, --term all, cold (once)…", flush=True)
    _, cold, _ = await asyncio.to_thread(timed_process, command, env, 0)
    samples.add("book download cold", cold)
    files = sum(1 for _ in folder.rglob("*.pdf"))
    print(f"  {files:,} files in {cold:.1f} s", flush=True)
    numbers = folder.parent / f"{folder.name}-policies.txt"
    numbers.write_text("\n".join(p.policy_number for p in chosen))
    raw_kind = ["book", str(numbers)]
    for _ in range(args.runs):
        _, rerun, _ = await asyncio.to_thread(timed_process, command, env, 0)
        samples.add("book download rerun", rerun)
        _, listed, _ = await asyncio.to_thread(timed_process, raw_command(*raw_kind), raw_env, 0)
        samples.add("book listing raw", listed)
    name = f"whole-book download ({files:,} files), cached rerun / listing the book"
    return [
        samples.result(BENCHMARK, name, "book download rerun", "book listing raw", ("<=", 2)),
        samples.result(BENCHMARK, f"whole-book download ({files:,} files), cold", "book download cold"),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--book-policies", type=int, default=0, help="0: every policy of the book")
    parser.add_argument("--skip-download", action="store_true")
    asyncio.run(measure(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
