"""Issue 11's big table: seminar activity fetched, decoded and shown, against a raw fetch-and-decode.

Run: .venv/bin/python -m benchmarks.bench_activity_table [--scale 100] [--runs 3] [--page-size 1000]

The embedded sandbox runs as a child process on loopback (fresh database at --scale; scale 100 holds about
100,000 activity rows). The support user sees every customer's activity. Timed, interleaved, --runs rounds:
  app   PortalClient.seminars.activity() followed to the last page (msgspec into SeminarActivity), then the
        rows set on the Seminars screen's VirtualTable (its own columns) in a headless app, until the frame
        showing them has been drawn
  raw   plain httpx2 GETs of the same pages, each body decoded with msgspec into Page[SeminarActivity]
Goal: app <= 1.5x raw.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx2
import msgspec
from textual.app import App, ComposeResult

from benchmarks.bench_downloads import log_in
from benchmarks.common import Samples, emit, load_average
from ssp_tui.api.client import PortalClient
from ssp_tui.api.constants import API_PREFIX
from ssp_tui.api.models import Page, Role, SeminarActivity
from ssp_tui.portal.embedded import EmbeddedSandbox
from ssp_tui.tui.sections.seminars.activity import ACTIVITY_COLUMNS
from ssp_tui.widgets import VirtualTable

BENCHMARK = "activity_table"
PAGE_DECODER = msgspec.json.Decoder(Page[SeminarActivity])


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualTable(ACTIVITY_COLUMNS, id="activity")


async def raw_fetch(http: httpx2.AsyncClient, page_size: int) -> int:
    rows = 0
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": page_size}
        if cursor:
            params["cursor"] = cursor
        answer = await http.get("/seminars/activity", params=params)
        answer.raise_for_status()
        page = PAGE_DECODER.decode(answer.content)
        rows += len(page.items)
        cursor = page.next_cursor
        if not cursor:
            return rows


async def app_fetch_and_show(client: PortalClient) -> int:
    rows = await client.seminars.activity().collect()
    app = TableApp()
    async with app.run_test(size=(140, 40)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows, key=lambda activity: activity.id)
        await pilot.pause()  # the frame with the rows is drawn
    return len(rows)


async def measure(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as temp:
        print(f"Seeding a sandbox at scale {args.scale} (untimed)…", flush=True)
        sandbox = EmbeddedSandbox(Path(temp) / "sandbox.sqlite3", scale=args.scale)
        base_url = await sandbox.start()
        try:
            accounts = await sandbox.demo_accounts()
            support = next(a for a in accounts if a.role is Role.SUPPORT and a.totp_secret)
            async with PortalClient(base_url, page_size=args.page_size) as client:
                await log_in(client, support.username, support.password, support.totp_secret)
                token = client.auth.session.access_token if client.auth.session else ""
                headers = {"Authorization": f"Bearer {token}"}
                async with httpx2.AsyncClient(
                    base_url=base_url + API_PREFIX, headers=headers, timeout=120.0
                ) as http:
                    counts: dict[str, int] = {}
                    samples = Samples()
                    for _ in range(args.runs):
                        samples.load.append(load_average())
                        for case in ("app", "raw"):
                            started = time.perf_counter()
                            if case == "app":
                                counts[case] = await app_fetch_and_show(client)
                            else:
                                counts[case] = await raw_fetch(http, args.page_size)
                            samples.add(case, time.perf_counter() - started)
        finally:
            await sandbox.stop()
    if counts["app"] != counts["raw"]:
        raise SystemExit(f"row counts differ: app {counts['app']}, raw {counts['raw']}")
    print(f"{counts['raw']:,} activity rows, pages of {args.page_size}, median of {args.runs} rounds")
    emit(
        samples.result(
            BENCHMARK,
            f"{counts['raw']:,} activity rows fetched, decoded and shown",
            "app",
            baseline="raw",
            goal=("<=", 1.5),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page-size", type=int, default=1000)
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
