"""File systems that misbehave on purpose, for the tests of what lands on disk: a small tmpfs that fills up,
and a folder nobody may write to. Mounting needs root (CI runs the suite as root); elsewhere the tests that
need one are skipped with the reason."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NEEDS_ROOT = "needs root and tmpfs to make a small full file system (CI runs these as root)"


def _mount_tmpfs(where: Path, options: str) -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, check=False
    )
    return done.returncode == 0


@contextmanager
def small_disk(where: Path, *, kib: int) -> Iterator[Path]:
    """A ``kib`` KiB tmpfs at ``where`` (each test under xdist has its own tmp_path, so its own mount)."""
    if not _mount_tmpfs(where, f"size={kib}k,mode=0755"):
        pytest.skip(NEEDS_ROOT)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


@contextmanager
def read_only_folder(where: Path) -> Iterator[Path]:
    """A folder nobody can write to: a read-only mount as root (root ignores mode bits), else mode 0500."""
    if _mount_tmpfs(where, "ro,size=16k"):
        try:
            yield where
        finally:
            subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)
        return
    where.mkdir(parents=True, exist_ok=True)
    where.chmod(0o500)
    if os.access(where, os.W_OK):
        pytest.skip("this user can write to any folder, and no read-only mount is possible")
    try:
        yield where
    finally:
        where.chmod(0o700)
