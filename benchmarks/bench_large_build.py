"""Building the large book: the demo data plus one agency with a large broker's book, from scratch, timed.

Run: .venv/bin/python -m benchmarks.bench_large_build [--keep]

Builds the sandbox database with ``seed_book.LARGE_BOOK`` (what ``ssp-tui sandbox reset --large-book``
builds) into the benchmarks' cache (benchmarks/large_book.py), where the other --large benchmarks find it,
and counts what the book's agency holds. Goal (issue 23): built in under two minutes.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

from benchmarks.common import Result, emit, load_average
from benchmarks.large_book import build_large_db, large_db_path
from ssp_tui.sandbox.seed_book import BOOK_AGENCY, LARGE_BOOK

BENCHMARK = "large_build"
COUNTS = {
    "policies": "SELECT count(*) FROM policies p WHERE p.agency_id = ?",
    "insureds": "SELECT count(*) FROM policy_insureds pi JOIN policies p ON p.id = pi.policy_id "
    "WHERE p.agency_id = ?",
    "certificates": "SELECT count(*) FROM certificates x JOIN policies p ON p.id = x.policy_id "
    "WHERE p.agency_id = ?",
    "documents": "SELECT count(*) FROM documents x JOIN policies p ON p.id = x.policy_id "
    "WHERE p.agency_id = ?",
    "seminar activity rows": "SELECT count(*) FROM seminar_activity a "
    "JOIN customers c ON c.id = a.customer_id WHERE c.agency_id = ?",
}


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scratch", action="store_true", help="build into a temporary file, not the cache")
    args = parser.parse_args(argv)
    load = [load_average()]
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "large.sqlite3" if args.scratch else large_db_path()
        seconds = build_large_db(path)
        load.append(load_average())
        with sqlite3.connect(path) as conn:
            agency = conn.execute("SELECT id FROM agencies WHERE name = ?", [BOOK_AGENCY[0]]).fetchone()[0]
            counts = {name: conn.execute(sql, [agency]).fetchone()[0] for name, sql in COUNTS.items()}
        size = path.stat().st_size / 1e6
    wanted = dict(zip(COUNTS, LARGE_BOOK.to_text().split(","), strict=True))
    print(
        f"Large book built in {seconds:.1f} s ({size:.0f} MB): "
        + ", ".join(f"{count:,} {name} (at least {int(wanted[name]):,})" for name, count in counts.items())
    )
    short = [name for name, count in counts.items() if count < int(wanted[name])]
    if short:
        raise SystemExit(f"the book is short of {', '.join(short)}")
    result = Result(
        BENCHMARK,
        "large book built (seed + insert)",
        seconds * 1000,
        "ms",
        goal=("<=", 120_000),
        runs=1,
        load=load,
        note=", ".join(f"{c:,} {n}" for n, c in counts.items()),
    )
    emit(result)
    return [result]


if __name__ == "__main__":
    main()
