"""``python -m benchmarks [NAME ...]``: run the benchmarks, then one summary table of ratios against goals.

  python -m benchmarks                     every benchmark, moderate sizes (a few minutes on a quiet machine)
  python -m benchmarks startup table       only those
  python -m benchmarks --full              each benchmark at its own defaults (the sizes in issue 11)
  python -m benchmarks --large             the large-book benchmarks of issue 23 (an agency with 2,000+
                                           policies; the book is built first, about a minute, then cached)
  python -m benchmarks --with downloads="--documents 500 --scale 3"   any benchmark's own options
  python -m benchmarks --json results.json --markdown summary.md     keep the results

Each benchmark runs in a child process of its own (so one's memory does not colour another's), its output is
shown as it comes, and its results are collected: from its ``BENCH-RESULT`` lines, or, for the benchmarks that
print for people only, by benchmarks/legacy.py. ``./dev bench`` runs this.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from benchmarks.common import Result, load_average, parse_results
from benchmarks.legacy import PARSERS

HERE = Path(__file__).parent
BENCHMARKS: dict[str, tuple[str, list[str]]] = {
    # name: (module, options for the moderate default run; --full drops them)
    "startup": ("benchmarks.bench_startup", ["--runs", "7"]),
    "login": ("benchmarks.bench_login_home", ["--runs", "5"]),
    "sandbox": ("benchmarks.bench_sandbox", ["--scale", "2", "--requests", "80", "--runs", "3"]),
    "table": ("benchmarks.bench_table", ["--rows", "100000", "--runs", "3"]),
    "activity_table": ("benchmarks.bench_activity_table", []),
    "export": ("benchmarks.bench_export", ["--rows", "100000", "--runs", "3"]),
    "downloads": ("benchmarks.bench_downloads", ["--documents", "150", "--scale", "2", "--runs", "3"]),
    "renewal_pack": (
        "benchmarks.bench_renewal_pack",
        ["--certificates", "200", "--scale", "4", "--runs", "3"],
    ),
    "cli": ("benchmarks.bench_cli", ["--runs", "15"]),
    "combine": ("benchmarks.bench_combine", ["--documents", "1000", "--distinct", "100", "--runs", "2"]),
    # The large book (issue 23): run with --large, in this order (the first builds the book they share).
    "large_build": ("benchmarks.bench_large_build", []),
    "large_tui": ("benchmarks.bench_large_tui", ["--runs", "3"]),
    "large_credentialing": ("benchmarks.bench_large_credentialing", ["--runs", "2"]),
    "large_downloads": ("benchmarks.bench_large_downloads", ["--runs", "2"]),
    "large_cli": ("benchmarks.bench_large_cli", ["--runs", "3", "--book-policies", "300"]),
}
LARGE = ["large_build", "startup", "large_tui", "large_credentialing", "large_downloads", "large_cli"]
"""What --large runs: the large book's benchmarks, and start-up (its goal holds whatever the data)."""


def available() -> list[str]:
    """The benchmarks whose module exists (bench_activity_table may not yet)."""
    return [
        name for name, (module, _) in BENCHMARKS.items() if (HERE / f"{module.split('.')[-1]}.py").exists()
    ]


def run_one(name: str, options: list[str]) -> tuple[list[Result], str]:
    module = BENCHMARKS[name][0]
    command = [sys.executable, "-m", module, *options]
    print(f"\n=== {name}: {shlex.join(command[1:])}", flush=True)
    load_before = load_average()
    lines: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=HERE.parent
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line)
            if not line.startswith("BENCH-RESULT "):
                print(line, end="", flush=True)
    output = "".join(lines)
    if child.returncode != 0:
        return [], f"exited with status {child.returncode}"
    results = parse_results(output)
    if not results and name in PARSERS:
        results = PARSERS[name](output, [load_before, load_average()])
    return results, "" if results else "printed no result the runner could read"


def cell(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    return f"{value:,.1f} {unit}".strip() if value < 10_000 else f"{value:,.0f} {unit}".strip()


def summary_rows(results: list[Result]) -> list[list[str]]:
    rows = []
    for result in results:
        ratio = result.ratio
        goal = (
            f"{'ratio' if ratio is not None else 'value'} {result.goal[0]} {result.goal[1]:g}"
            if result.goal
            else ""
        )
        load = f"{statistics.median(result.load):.1f}" if result.load else ""
        rows.append(
            [
                result.benchmark,
                result.name,
                cell(result.value, result.unit),
                cell(result.baseline, result.unit if result.baseline is not None else ""),
                f"{ratio:.2f}x" if ratio is not None else "",
                goal,
                result.verdict,
                load,
            ]
        )
    return rows


HEADER = ["benchmark", "measure", "median", "baseline", "ratio", "goal", "verdict", "load"]


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    for row in [HEADER, ["-" * w for w in widths], *rows]:
        print("  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip())


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(text.replace("|", "/") for text in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def parse_with(values: list[str]) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for value in values:
        name, _, text = value.partition("=")
        if name not in BENCHMARKS:
            raise SystemExit(
                f"--with {value!r}: no benchmark named {name!r} (known: {', '.join(BENCHMARKS)})"
            )
        options[name] = shlex.split(text)
    return options


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--full", action="store_true", help="each benchmark at its own default sizes")
    parser.add_argument("--large", action="store_true", help="the large-book benchmarks (issue 23)")
    parser.add_argument("--with", dest="with_options", action="append", default=[], metavar="NAME=OPTIONS")
    parser.add_argument("--json", type=Path, help="write every result here")
    parser.add_argument("--markdown", type=Path, help="write the summary table here")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})")
    present = available()
    missing = [name for name in args.names if name not in present]
    if missing:
        parser.error(f"no module yet for {', '.join(missing)}")
    extra = parse_with(args.with_options)
    results: list[Result] = []
    problems: list[str] = []
    default = [n for n in present if n in LARGE] if args.large else [n for n in present if n not in LARGE]
    if args.large:
        default.sort(key=LARGE.index)
    for name in args.names or default:
        options = extra.get(name, [] if args.full else BENCHMARKS[name][1])
        found, problem = run_one(name, options)
        results.extend(found)
        if problem:
            problems.append(f"{name}: {problem}")
    rows = summary_rows(results)
    print("\n=== Summary (medians of interleaved runs; read the ratios: absolute times are inflated by load)")
    print_table(rows)
    for problem in problems:
        print(f"!! {problem}")
    if args.json:
        args.json.write_text(json.dumps([asdict(result) for result in results], indent=1))
    if args.markdown:
        args.markdown.write_text(markdown_table(rows))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
