"""The part file a download streams into: private (0600) from its first byte, written through a plain
descriptor, and chmodded only when it existed before (issue 23: a file object's ``fstat`` and ``isatty`` and
an ``fchmod`` a file were system calls on the event loop, each a chance for a worker to take the GIL)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from client_helpers import Harness, make_pdf

PDF = make_pdf(pages=3)
SHA = hashlib.sha256(PDF).hexdigest()
ETAG = f'"{SHA[:16]}"'
PATH = "/documents/d1/content"


def answer(request: httpx2.Request) -> httpx2.Response:
    headers = {"content-type": "application/pdf", "etag": ETAG, "content-length": str(len(PDF))}
    return httpx2.Response(200, content=PDF, headers=headers)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: without care, files would be 0644
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def chmods(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fchmod

    def counting(fd: int, mode: int) -> None:
        calls.append(mode)
        real(fd, mode)

    monkeypatch.setattr(os, "fchmod", counting)
    return calls


async def test_a_new_part_is_private_without_a_chmod_or_a_file_object(
    harness: Harness, tmp_path: Path, usual_umask: None, chmods: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_file_object(*args: object, **kwargs: object) -> None:
        raise AssertionError("the part is written through its descriptor")

    monkeypatch.setattr(os, "fdopen", no_file_object)
    async with harness.client(answer) as client:
        done = await client.download(PATH, tmp_path / "a.pdf", expected_sha256=SHA)
    assert done.pdf_checked and done.sha256 == SHA
    assert (tmp_path / "a.pdf").read_bytes() == PDF
    assert (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o600
    assert chmods == []


async def test_a_part_kept_from_before_is_made_private_when_it_starts_again(
    harness: Harness, tmp_path: Path, usual_umask: None, chmods: list[int]
) -> None:
    part = tmp_path / "a.pdf.part"
    part.write_bytes(b"%PDF-old content of a previous version")
    part.chmod(0o644)  # an older version's part
    (tmp_path / "a.pdf.part.etag").write_text('"old-etag"')
    async with harness.client(answer) as client:  # a 200 to the Range request: the whole document again
        await client.download(PATH, tmp_path / "a.pdf", expected_sha256=SHA)
    assert (tmp_path / "a.pdf").read_bytes() == PDF
    assert (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o600
    assert chmods and set(chmods) == {0o600}  # the part (and the ETag file beside it) existed: chmodded
