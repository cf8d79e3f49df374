"""Shared by the seed tests: one seeded database per test module, and small query helpers."""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

from ssp_tui.sandbox.db import connect, create_and_seed

TODAY = date(2026, 11, 28)


def seeded_connection(directory: Path, *, seed: int = 1, scale: int = 1) -> sqlite3.Connection:
    path = directory / "sandbox.sqlite3"
    started = time.perf_counter()
    create_and_seed(path, seed=seed, scale=scale, today=TODAY)
    print(f"scale {scale} created and seeded in {time.perf_counter() - started:.2f} s")
    return connect(path)


def scalar(conn: sqlite3.Connection, sql: str, *args: object) -> object:
    return conn.execute(sql, args).fetchone()[0]


def day(text: str) -> date:
    return date.fromisoformat(text)
