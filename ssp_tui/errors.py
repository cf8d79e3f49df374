"""The one root of every error ssp-tui raises for a person to read: ``SspError``.

Every error the application means to show derives from it: the portal client's tree (``api/errors.py``,
``PortalError`` and below), the configuration and secret-store errors (here), the operations' errors (not a
PDF, an unsafe path, a filename template, an export, a date, the season's files) and the files that cannot be
saved (``CannotWrite``). A presenter (the TUI's error modal and notifications, the CLI's ``Error:`` line and
its ``--json`` error on stderr) asks ``isinstance(error, SspError)`` and shows two things:

- ``user_message``: what happened, in plain words, once;
- ``next_step``: what to do about it (when to retry, which setting to change, whom to ask); may be empty.

Anything else that reaches a presenter is a bug, shown as one by its type only (an exception's own text can
hold a URL with a token). This module imports nothing of the project, so every layer, the API included, may
derive from it.
"""

from __future__ import annotations

import errno
from pathlib import Path


class SspError(Exception):
    """An error fit to show: ``user_message`` says what happened, ``next_step`` what to do next.

    Subclasses whose words depend on their fields override the ``user_message`` or ``next_step`` property;
    the others pass the words in. ``str(error)`` stays the technical text given to ``Exception`` (for logs).
    """

    def __init__(self, message: str, *, next_step: str = "") -> None:
        super().__init__(message)
        self.message = message
        self._next_step = next_step

    @property
    def user_message(self) -> str:
        """What happened, one plain sentence or two; never a token, a password or a traceback."""
        return self.message

    @property
    def next_step(self) -> str:
        """What the user should do next ("Choose another folder."); empty when there is nothing to do."""
        return self._next_step

    @property
    def full_message(self) -> str:
        """``user_message`` then ``next_step``: the text for a place that shows one line."""
        return " ".join(part for part in (self.user_message, self.next_step) if part)


def os_reason(error: OSError) -> str:
    """The system's words for ``error`` ("No space left on device"), or its type when it gave none."""
    return error.strerror or type(error).__name__


_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_REFUSED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_MISPLACED = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENAMETOOLONG})


def is_file_error(error: BaseException) -> bool:
    """True for an OSError about a file or folder (full, refused, missing, misplaced), not the network."""
    if not isinstance(error, OSError) or isinstance(error, ConnectionError | TimeoutError):
        return False
    return bool(error.filename) or error.errno in _FULL | _REFUSED | _MISPLACED


def next_step_for_os_error(error: OSError, *, choose: str = "another folder") -> str:
    """What to do about a file that could not be written: free space, permissions, or another place."""
    if error.errno in _FULL:
        return f"Free some disk space, or choose {choose} on another disk, and try again."
    if error.errno in _REFUSED:
        return f"Choose {choose} you can write to, or change this one's permissions, and try again."
    return f"Choose {choose} and try again."


def next_step_in_place(error: OSError, folder: Path) -> str:
    """What to do about a file that must live where it is (the config, the secrets file): no other folder to
    choose, so free space or make ``folder`` writable."""
    if error.errno in _FULL:
        return "Free some disk space and try again."
    return f"Make sure you can write to {folder} and try again."


class ConfigError(SspError):
    """The configuration file (or a value given on the command line, e.g. a portal URL) is not usable.

    Here at the root, not under ``PortalError``: it is not the portal's doing, and the API layer (which checks
    a portal URL) may not import the settings package."""

    def __init__(self, message: str, *, next_step: str = "") -> None:
        super().__init__(message, next_step=next_step or "Correct the value and try again.")


class SecretStoreError(SspError):
    """Secrets cannot be stored: no OS keyring and no consent to use the file fallback. Its message says what
    to do (set up a keyring, or agree to the private file), so it needs no separate next step."""


class CannotWrite(SspError, OSError):
    """A file or folder could not be written (disk full, permission denied, a file where a folder must be).

    Still an ``OSError`` with the original errno, so code that handles disk failures keeps working; its words
    name the path the user asked for and what to do.
    """

    def __init__(
        self, path: Path, error: OSError, *, doing: str = "save", choose: str = "another folder"
    ) -> None:
        OSError.__init__(self, error.errno, error.strerror, str(path))
        self.path = path
        self.message = f"Could not {doing} {path}: {os_reason(error)}."
        self._next_step = next_step_for_os_error(error, choose=choose)

    def __str__(self) -> str:
        return self.message
