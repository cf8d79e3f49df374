"""The combined PDF alone: the engine's streaming writer against pikepdf combining the same files.

Run: .venv/bin/python -m benchmarks.bench_combine [--documents 5000] [--distinct 400] [--runs 2]

--distinct documents and certificates are rendered by a freshly seeded sandbox (real PDFs, as the portal
serves them) and cycled to --documents source files. Each round, interleaved, a child process of its own:
  baseline   pikepdf: every source opened, ``pages.extend`` into a new PDF, ``save`` (bench_downloads)
  writer     ``operations.downloads.pdf.write_combined``, hashed as written (what the engine runs)
CPU seconds (the child's, all threads) and peak resident memory (VmHWM), medians; the writer also with a
tenth of the documents, for flat memory. Goals (issue 23): the writer no slower than the baseline; its
memory for all the documents within 1.25x of a tenth.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_downloads import pikepdf_combine
from benchmarks.common import Result, emit, load_average, peak_rss_mb

BENCHMARK = "combine"


def render_sources(folder: Path, distinct: int) -> list[Path]:
    """``distinct`` PDFs of a new sandbox book, three documents to each certificate."""
    from ssp_tui.sandbox.db import create_and_seed, open_db
    from ssp_tui.sandbox.documents import ensure_certificate_blob, ensure_document_blob

    db = folder / "book.sqlite3"
    create_and_seed(db)
    conn = open_db(db)
    documents = [
        row[0] for row in conn.execute("SELECT id FROM documents LIMIT ?", (distinct - distinct // 4,))
    ]
    certificates = [row[0] for row in conn.execute("SELECT id FROM certificates LIMIT ?", (distinct // 4,))]
    blobs = [ensure_document_blob(conn, key) for key in documents]
    blobs += [ensure_certificate_blob(conn, key) for key in certificates]
    conn.close()
    paths = []
    for number, blob in enumerate(blobs):
        path = folder / f"source-{number}.pdf"
        path.write_bytes(blob.content)
        paths.append(path)
    return paths


def child(mode: str, spec: Path) -> None:
    from ssp_tui.operations.downloads.pdf import CombineSource, PdfLabels, write_combined

    paths = [Path(line) for line in spec.read_text().splitlines()]
    out = spec.with_name(f"out-{mode}.pdf")
    out.unlink(missing_ok=True)
    cpu, wall = time.process_time(), time.perf_counter()
    if mode == "baseline":
        pikepdf_combine(paths, out)
    else:
        sources = [CombineSource(path, f"Document {order}", order) for order, path in enumerate(paths)]
        outcome = write_combined(sources, out, labels=PdfLabels("Benchmark", ("NC-1",)))
        if outcome.written is None or outcome.unreadable:
            raise SystemExit(f"the writer did not finish: {outcome.unreadable}")
    print(
        json.dumps(
            {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, "peak": peak_rss_mb()}
        )
    )


def run_child(mode: str, paths: list[Path], scratch: Path) -> dict[str, float]:
    spec = scratch / f"spec-{mode}-{len(paths)}.txt"
    spec.write_text("\n".join(str(path) for path in paths))
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_combine", "--child", mode, str(spec)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(args: argparse.Namespace) -> list[Result]:
    with tempfile.TemporaryDirectory() as temp:
        scratch = Path(temp)
        rendered = render_sources(scratch, args.distinct)
        paths = [rendered[number % len(rendered)] for number in range(args.documents)]
        print(f"{len(paths):,} source files ({len(rendered)} distinct)", flush=True)
        found: dict[str, list[dict[str, float]]] = {"baseline": [], "writer": [], "tenth": []}
        load = []
        for _ in range(args.runs):
            load.append(load_average())
            found["baseline"].append(run_child("baseline", paths, scratch))
            found["writer"].append(run_child("writer", paths, scratch))
            found["tenth"].append(run_child("writer", paths[: max(1, len(paths) // 10)], scratch))

    def median(mode: str, measure: str) -> float:
        return statistics.median(sample[measure] for sample in found[mode])

    n = f"{args.documents:,}"
    results = [
        Result(
            BENCHMARK,
            f"{n} documents combined, writer / pikepdf, CPU",
            median("writer", "cpu") * 1000,
            "ms",
            baseline=median("baseline", "cpu") * 1000,
            baseline_name="pikepdf",
            goal=("<=", 1.0),
            runs=args.runs,
            load=load,
        ),
        Result(
            BENCHMARK,
            f"{n} documents combined, writer / pikepdf, wall",
            median("writer", "wall") * 1000,
            "ms",
            baseline=median("baseline", "wall") * 1000,
            baseline_name="pikepdf",
            runs=args.runs,
            load=load,
        ),
        Result(
            BENCHMARK,
            f"writer peak memory, {n} documents / a tenth",
            median("writer", "peak"),
            "MB",
            baseline=median("tenth", "peak"),
            baseline_name="a tenth",
            goal=("<=", 1.25),
            runs=args.runs,
            load=load,
        ),
        Result(
            BENCHMARK,
            f"pikepdf peak memory, {n} documents",
            median("baseline", "peak"),
            "MB",
            runs=args.runs,
            load=load,
        ),
    ]
    for result in results:
        emit(result)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--distinct", type=int, default=400)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child[0], Path(args.child[1]))
        return
    measure(args)


if __name__ == "__main__":
    main()
