"""Build the whole sandbox data set into an open, empty database (schema already applied).

Deterministic: one ``random.Random(seed)`` drives every draw, in a fixed order, so the same seed, scale and
``today`` give identical rows and ids. ``scale`` multiplies customers, policies and seminar activity;
scale 100 holds over 5,000 policies, 100,000 seminar completions and 20,000 documents. ``book`` adds the large
book (``seed_book``): one agency and agent with a large broker's whole book of business.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date

from ssp_tui.sandbox.seed_billing import seed_billing
from ssp_tui.sandbox.seed_book import BookSize, seed_book
from ssp_tui.sandbox.seed_content import seed_announcements, seed_resources, seed_seminars
from ssp_tui.sandbox.seed_credentialing import (
    seed_certificates,
    seed_claims,
    seed_holder_requests,
    seed_holders,
)
from ssp_tui.sandbox.seed_demo import DEMO_CUSTOMERS
from ssp_tui.sandbox.seed_documents import seed_policy_documents
from ssp_tui.sandbox.seed_model import TABLE_COLUMNS, SeedContext
from ssp_tui.sandbox.seed_people import seed_agencies, seed_random_customer, seed_spec_customer
from ssp_tui.sandbox.seed_policies import seed_customer_policies
from ssp_tui.sandbox.seed_requests import seed_requests
from ssp_tui.sandbox.seed_users import seed_users

POLICIES_PER_SCALE = 52
"""Background customers are added until there are this many policies per unit of scale (plus the demo's)."""
MAX_SCALE = 1000


def build_rows(
    seed: int, scale: int, today: date, book: BookSize | None = None
) -> dict[str, list[tuple[object, ...]]]:
    """Every seeded row, by table."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE}, got {scale}")
    ctx = SeedContext(random.Random(seed), today, scale)
    seed_agencies(ctx)
    for spec in DEMO_CUSTOMERS:
        seed_customer_policies(ctx, seed_spec_customer(ctx, spec), spec)
    policy_count = 0
    while policy_count < POLICIES_PER_SCALE * scale:
        customer = seed_random_customer(ctx)
        seed_customer_policies(ctx, customer, None)
        policy_count += len(customer.policies)
    seed_users(ctx)
    seed_billing(ctx)
    seed_policy_documents(ctx)
    holders = seed_holders(ctx)
    seed_certificates(ctx, holders)
    seed_claims(ctx)
    seed_holder_requests(ctx, holders)
    seed_announcements(ctx)
    seed_resources(ctx)
    completable = seed_seminars(ctx)
    seed_requests(ctx)
    if book is not None:
        seed_book(ctx, book, holders, completable, seed)
    return ctx.rows


def insert_rows(conn: sqlite3.Connection, rows: dict[str, list[tuple[object, ...]]]) -> None:
    """Insert tables parent-first with executemany (the caller holds the transaction)."""
    for table, columns in TABLE_COLUMNS.items():
        table_rows = rows.get(table)
        if not table_rows:
            continue
        quoted = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", table_rows)


def seed_database(
    conn: sqlite3.Connection,
    *,
    seed: int,
    scale: int,
    today: date,
    schema_version: str,
    book: BookSize | None = None,
) -> None:
    rows = build_rows(seed, scale, today, book)
    rows["meta"] = [
        ("schema_version", schema_version),
        ("seed", str(seed)),
        ("scale", str(scale)),
        ("today", today.isoformat()),
    ]
    if book is not None:
        rows["meta"].append(("book", book.to_text()))
    with conn:
        insert_rows(conn, rows)
