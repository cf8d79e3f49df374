"""Putting finished files at their final names: private, independent, never partial, never over another file.

A placed file is a copy of its source (a cache blob), never a hard link: editing one "separate" copy must not
change another copy or the cache. The copy is written to a hidden temporary name in the same folder, created
with ``O_CREAT | O_EXCL | O_NOFOLLOW`` and mode 0600, hashed as it is written (so the bytes at the final name
are the verified ones even if the source changed underneath), fsynced, and only then given its final name with
``os.link``, which fails when the name exists (a file, a symlink, a dangling symlink): two writers racing for
``report.pdf`` end with ``report.pdf`` and ``report (2).pdf``, and nothing is ever written through a link.
On file systems without hard links the final name is reserved with an exclusive create, then renamed over
(a rename replaces a symlink itself, it never follows one). Folders this creates are 0700.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from ssp_tui.errors import CannotWrite, SspError, next_step_for_os_error, os_reason
from ssp_tui.operations.downloads.cache import file_sha256
from ssp_tui.operations.downloads.private_files import (
    create_private,
    make_private_folders,
    sync_files,
    temp_path_beside,
)
from ssp_tui.operations.safe_names import numbered_path

_MAX_NUMBER = 10_000
_COPY_CHUNK = 1 << 20
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
# Errors meaning "this filesystem (or pair of filesystems) cannot hard-link", not "the name is taken".
_NO_LINK_ERRNOS = frozenset(
    {errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.ENOTSUP, errno.ENOSYS}
)


class SourceChanged(OSError):
    """The source's bytes no longer hash to what they should (a cache blob altered on disk)."""


def _holds_same_bytes(path: Path, size: int, sha256: str) -> bool:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != size:
            return False
        return file_sha256(path) == sha256
    except OSError:
        return False


def _plain_file_of(path: Path, size: int) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == size


def _write_verified(source: Path, temp: Path, sha256: str | None, size: int | None = None) -> int:
    """Copy ``source`` to a new private ``temp``, hashing what is written; the copy's descriptor, still open
    and not yet fsynced. SourceChanged on a mismatch (the descriptor closed then).

    One pass over plain file descriptors (no buffered file objects): for the small PDFs of a bulk download the
    Python objects and the extra calls cost more than the bytes. With ``size`` (and ``sha256``) only that many
    bytes are read, without a last read to find the end: the hash decides whether they are the right ones."""
    digest = hashlib.sha256()
    left = size if size is not None and sha256 is not None else -1
    src = os.open(source, _READ_FLAGS)
    try:
        out = create_private(temp)
        try:
            while left and (chunk := os.read(src, _COPY_CHUNK if left < 0 else min(left, _COPY_CHUNK))):
                left = left - len(chunk) if left > 0 else left
                digest.update(chunk)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view) :]
        except BaseException:
            os.close(out)
            raise
    finally:
        os.close(src)
    if sha256 is not None and digest.hexdigest() != sha256:
        os.close(out)
        raise SourceChanged(errno.EIO, "the cached copy changed while it was being copied", str(source))
    return out


def _copy_verified(source: Path, temp: Path, sha256: str | None, size: int | None = None) -> None:
    """``_write_verified``, fsynced and closed."""
    out = _write_verified(source, temp, sha256, size)
    try:
        os.fsync(out)
    finally:
        os.close(out)


def _claim_name(temp: Path, candidate: Path) -> bool:
    """Give ``temp``'s file the name ``candidate`` if it is free; False when the name is taken."""
    try:
        os.link(temp, candidate)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_LINK_ERRNOS:
            raise
    # No hard links here: reserve the name exclusively, then rename over the reservation.
    try:
        os.close(create_private(candidate))
    except FileExistsError:
        return False
    os.replace(temp, candidate)
    return True


def move_into_place(temp: Path, wanted: Path, *, first_number: int = 1) -> Path:
    """Give a finished temp file its final name, or ``name (n)`` if taken; the temp name is gone after."""
    try:
        for number in range(first_number, _MAX_NUMBER + 1):
            candidate = wanted if number == 1 else numbered_path(wanted, number)
            if _claim_name(temp, candidate):
                return candidate
        raise FileExistsError(f"Too many files named like {wanted.name!r} in {str(wanted.parent)!r}.")
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _start_copy(
    source: Path, wanted: Path, sha256: str | None, size: int | None, folders: set[Path] | None
) -> tuple[Path, int]:
    """The verified copy of ``source`` at a temporary name beside ``wanted``, and its open descriptor, not
    yet fsynced; nothing is left behind when it fails."""
    if folders is None or wanted.parent not in folders:
        make_private_folders(wanted.parent)
        if folders is not None:
            folders.add(wanted.parent)
    temp = temp_path_beside(wanted)
    try:
        return temp, _write_verified(source, temp, sha256, size)
    except FileNotFoundError:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        if folders is None or wanted.parent not in folders or not source.exists():
            raise
        # The folder went away during the run (the user removed it): make it again, once.
        folders.discard(wanted.parent)
        return _start_copy(source, wanted, sha256, size, folders)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def _finish_copy(temp: Path, out: int, wanted: Path, first_number: int) -> Path:
    """fsync the copy, and only then give it its name (``move_into_place``)."""
    try:
        try:
            os.fsync(out)
        finally:
            os.close(out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return move_into_place(temp, wanted, first_number=first_number)


def copy_into_place(
    source: Path,
    wanted: Path,
    *,
    sha256: str | None = None,
    first_number: int = 1,
    folders: set[Path] | None = None,
    size: int | None = None,
) -> Path:
    """A new, independent, private file at ``wanted`` (or ``name (n)`` if taken) with the bytes of
    ``source``, verified against ``sha256`` when given. Never over another file, never partial.

    ``folders``: folders a run already made or found (its own set, shared by its files): each is made once,
    not checked again for every file placed in it."""
    temp, out = _start_copy(source, wanted, sha256, size, folders)
    return _finish_copy(temp, out, wanted, first_number)


def copy_over(source: Path, wanted: Path) -> Path:
    """A new, independent, private file at ``wanted``, replacing what is there. The complete copy is renamed
    over the name, which replaces a file or a symlink itself (a rename never follows a link); a folder there
    is an error."""
    make_private_folders(wanted.parent)
    temp = temp_path_beside(wanted)
    try:
        _copy_verified(source, temp, None)
        os.replace(temp, wanted)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return wanted


def _same_or_free(wanted: Path, sha256: str, size: int, recorded: Mapping[Path, str] | None) -> Path | int:
    """A file at ``wanted`` (or a numbered name) holding these bytes already, else the first free number."""
    for number in range(1, _MAX_NUMBER + 1):
        candidate = wanted if number == 1 else numbered_path(wanted, number)
        if not os.path.lexists(candidate):
            return number
        if recorded is not None and recorded.get(candidate) == sha256 and _plain_file_of(candidate, size):
            return candidate
        if _holds_same_bytes(candidate, size, sha256):
            return candidate
    raise FileExistsError(f"Too many files named like {wanted.name!r} in {str(wanted.parent)!r}.")


def place_file(
    source: Path,
    wanted: Path,
    *,
    sha256: str,
    size: int,
    recorded: Mapping[Path, str] | None = None,
    folders: set[Path] | None = None,
) -> Path:
    """``copy_into_place``, except that a file already at ``wanted`` (or a numbered name) with the same bytes
    is reused, so a second run of the same download adds nothing. Different bytes are never overwritten.

    ``recorded``: files the folder's manifest vouches for (path to SHA-256, see ``manifest.recorded_files``:
    same size and not modified since the manifest was written). Such a file is reused on that record without
    being read again: hashing every file of a whole book on each rerun cost more than listing the book.
    ``folders``: as for ``copy_into_place``."""
    found = _same_or_free(wanted, sha256, size, recorded)
    if isinstance(found, Path):
        return found
    return copy_into_place(source, wanted, sha256=sha256, first_number=found, folders=folders, size=size)


def place_files(
    files: Sequence[tuple[Path, Path, str, int]],
    *,
    recorded: Mapping[Path, str] | None = None,
    folders: set[Path] | None = None,
) -> list[Path | Exception]:
    """``place_file(source, wanted, sha256=, size=)`` for each ``(source, wanted, sha256, size)``, the
    outcomes in order (an exception for a file that could not be placed). Every copy is written first, then
    all are fsynced together (``sync_files``), and only then is each named: a batch waits for a few journal
    commits, not one a file (issue 23)."""
    outcomes: list[Path | Exception] = []
    started: list[tuple[int, Path, int, Path, int]] = []
    waiting: set[Path] = set()

    def finish_started() -> None:
        try:
            synced: Exception | None = None
            try:
                sync_files([out for _, _, out, _, _ in started])
            except Exception as exc:
                synced = exc  # none of them is known to be durable: none gets its name
            while started:
                index, temp, out, wanted, number = started.pop(0)
                os.close(out)
                try:
                    if synced is not None:
                        raise synced
                    outcomes[index] = move_into_place(temp, wanted, first_number=number)
                except Exception as exc:
                    with contextlib.suppress(FileNotFoundError):
                        temp.unlink()
                    outcomes[index] = exc
        finally:
            waiting.clear()

    try:
        for source, wanted, sha256, size in files:
            if wanted in waiting:
                finish_started()  # the same name twice: the second sees the first, as one at a time would
            try:
                found = _same_or_free(wanted, sha256, size, recorded)
                if isinstance(found, Path):
                    outcomes.append(found)
                    continue
                temp, out = _start_copy(source, wanted, sha256, size, folders)
            except Exception as exc:
                outcomes.append(exc)
                continue
            started.append((len(outcomes), temp, out, wanted, found))
            waiting.add(wanted)
            outcomes.append(temp)  # replaced by the final path when it is named
        finish_started()
    finally:
        for _, temp, out, _, _ in started:  # only when interrupted: nothing partial stays
            os.close(out)
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
    return outcomes


class DestinationUnusable(SspError):
    """The folder asked for cannot be created or written to; says which folder, why, and to choose another."""

    def __init__(self, folder: Path, error: OSError, *, creating: bool) -> None:
        doing = "create the download folder" if creating else "save into the download folder"
        self.folder = folder
        said = f"Cannot {doing} {folder}: {os_reason(error)}."
        super().__init__(said, next_step=next_step_for_os_error(error))


class CannotSave(CannotWrite):
    """A final file could not be written; names the file the user asked for (not the cache it came from)."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(path, error, doing="save")


def prepare_folder(folder: Path) -> Path:
    """Create ``folder`` (0700, with its missing parents) and check a file can be created in it, before any
    byte is fetched: a read-only or impossible folder is one clear error, not a failure per file."""
    try:
        make_private_folders(folder)
    except OSError as exc:
        raise DestinationUnusable(folder, exc, creating=True) from None
    if not folder.is_dir():
        raise DestinationUnusable(folder, NotADirectoryError(errno.ENOTDIR, "Not a folder"), creating=True)
    probe = temp_path_beside(folder / "write-check", ".tmp")
    try:
        os.close(create_private(probe))
    except OSError as exc:
        raise DestinationUnusable(folder, exc, creating=False) from None
    with contextlib.suppress(OSError):
        probe.unlink()
    return folder
