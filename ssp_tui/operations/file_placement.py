"""Putting finished files at their final names: never partial, never over another file.

Every final name is created with an exclusive operation (``os.link`` fails when the name exists), so two
writers racing for ``report.pdf`` end with ``report.pdf`` and ``report (2).pdf``, and a symlink planted at the
final name is never written through. Filesystems without hard links fall back to copy-then-rename.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from pathlib import Path

from ssp_tui.operations.download_cache import file_sha256
from ssp_tui.operations.safe_names import numbered_path

_MAX_NUMBER = 10_000
# Errors meaning "this filesystem (or pair of filesystems) cannot hard-link", not "the name is taken".
_NO_LINK_ERRNOS = frozenset(
    {errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.ENOTSUP, errno.ENOSYS}
)


def temp_path_beside(final: Path, suffix: str = ".part") -> Path:
    """A hidden temporary name in the same folder (so the rename is atomic)."""
    return final.with_name(f".{final.name}.{secrets.token_hex(4)}{suffix}")


def _holds_same_bytes(path: Path, size: int, sha256: str) -> bool:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != size:
            return False
        return file_sha256(path) == sha256
    except OSError:
        return False


def _link_exclusive(source: Path, candidate: Path) -> bool:
    """True when linked; False when the name is taken. OSError when links are impossible here."""
    try:
        os.link(source, candidate)
    except FileExistsError:
        return False
    return True


def move_into_place(temp: Path, wanted: Path) -> Path:
    """Give a finished temp file its final name, or ``name (n)`` if taken; the temp name is gone after."""
    try:
        for number in range(1, _MAX_NUMBER + 1):
            candidate = wanted if number == 1 else numbered_path(wanted, number)
            try:
                if _link_exclusive(temp, candidate):
                    return candidate
            except OSError as exc:
                if exc.errno not in _NO_LINK_ERRNOS:
                    raise
                if not os.path.lexists(candidate):
                    os.replace(temp, candidate)  # no hard links here: a small race beats no file at all
                    return candidate
        raise FileExistsError(f"Too many files named like {wanted.name!r} in {str(wanted.parent)!r}.")
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def place_file(source: Path, wanted: Path, *, sha256: str, size: int) -> tuple[Path, bool]:
    """Put a copy of ``source`` (a cache blob) at ``wanted``; returns (final path, already_there).

    A file already at ``wanted`` (or at a numbered name) with the same bytes is reused, so a second run of the
    same download adds nothing. Different bytes are never overwritten: the file gets the next free number.
    """
    wanted.parent.mkdir(parents=True, exist_ok=True)
    for number in range(1, _MAX_NUMBER + 1):
        candidate = wanted if number == 1 else numbered_path(wanted, number)
        if os.path.lexists(candidate):
            if _holds_same_bytes(candidate, size, sha256):
                return candidate, True
            continue
        try:
            if _link_exclusive(source, candidate):
                return candidate, False
        except OSError as exc:
            if exc.errno not in _NO_LINK_ERRNOS:
                raise
            return _copy_into_place(source, candidate), False
        if _holds_same_bytes(candidate, size, sha256):  # another writer put the same file there just now
            return candidate, True
    raise FileExistsError(f"Too many files named like {wanted.name!r} in {str(wanted.parent)!r}.")


def link_or_copy_into_place(source: Path, wanted: Path) -> Path:
    """A new file at ``wanted`` (or ``name (n)`` if taken) with the bytes of ``source``, which stays as it is:
    a hard link where the filesystem allows one, else a copy. Never over another file."""
    temp = temp_path_beside(wanted)
    try:
        os.link(source, temp)
    except OSError as exc:
        if exc.errno not in _NO_LINK_ERRNOS:
            raise
        return _copy_into_place(source, wanted)
    return move_into_place(temp, wanted)


def _copy_into_place(source: Path, wanted: Path) -> Path:
    temp = temp_path_beside(wanted)
    try:
        shutil.copyfile(source, temp)
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return move_into_place(temp, wanted)
