"""Fakes for the operations tests: real small PDFs and a client double with the client's download contract."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ssp_tui.errors import SspError


def make_pdf(pages: int, label: str) -> bytes:
    """A real PDF with ``pages`` blank pages; ``label`` makes its bytes (and SHA-256) unique."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
    pdf.docinfo["/Title"] = label
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FakePortalError(SspError):
    """Like ssp_tui.api.errors.PortalError: an error of the one tree, with a user_message."""


@dataclass(frozen=True)
class FakeDownloaded:
    path: Path
    bytes: int
    sha256: str
    etag: str | None
    filename_hint: str | None


class FakePortal:
    """Serves PDFs by api_path the way PortalClient.download does: dest.part, verify, rename.

    ``fail`` raises before any byte; ``cut`` writes half the body to dest.part then raises (and, like a sloppy
    client, leaves the .part behind); ``gate`` makes a download stop half-way until the event is set.
    """

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.fetches: Counter[str] = Counter()
        self.fail: dict[str, str] = {}
        self.cut: set[str] = set()
        self.gate: asyncio.Event | None = None
        self.half_written = asyncio.Event()

    def add(self, api_path: str, pages: int, label: str | None = None) -> bytes:
        data = make_pdf(pages, label or api_path)
        self.documents[api_path] = data
        return data

    async def download(
        self, api_path, dest, *, expected_sha256=None, on_progress=None, durable=True, then=None
    ):
        self.fetches[api_path] += 1
        await asyncio.sleep(0)
        if api_path in self.fail:
            raise FakePortalError(self.fail[api_path])
        data = self.documents[api_path]
        part = dest.with_name(dest.name + ".part")
        half = len(data) // 2
        part.write_bytes(data[:half])
        if on_progress:
            on_progress(half, len(data))
        if api_path in self.cut:
            raise FakePortalError("The connection was reset during the download.")
        if self.gate is not None:
            self.half_written.set()
            await self.gate.wait()
        with part.open("ab") as handle:
            handle.write(data[half:])
        if on_progress:
            on_progress(len(data), len(data))
        digest = sha256_of(data)
        if expected_sha256 is not None and expected_sha256 != digest:
            part.unlink()
            raise FakePortalError("The downloaded file did not match its checksum.")
        part.replace(dest)
        return FakeDownloaded(dest, len(data), digest, f'"{digest}"', None)


async def run_engine(
    client,
    cache: Path,
    jobs,
    target: Path,
    mode=None,
    *,
    combined_path: Path | str | None = None,
    concurrency: int = 6,
    allow_missing: bool = False,
    on_progress=None,
    cancel: asyncio.Event | None = None,
):
    """One ``DownloadEngine.run`` of a plan for ``jobs``: separate files under ``target``, or (COMBINED) one
    PDF at ``combined_path`` (relative to ``target``; ``combined.pdf`` when not given)."""
    from ssp_tui.operations.downloads import Destination, DownloadEngine, DownloadMode, DownloadPlan

    if mode is DownloadMode.COMBINED:
        file = Path(combined_path or "combined.pdf")
        destination = Destination.combined(file if file.is_absolute() else Path(target) / file)
    else:
        destination = Destination.separate(Path(target))
    plan = DownloadPlan(list(jobs), destination, concurrency=concurrency, allow_missing=allow_missing)
    return await DownloadEngine(client, cache).run(plan, on_progress=on_progress, cancel=cancel)
