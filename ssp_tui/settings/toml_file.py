"""config.toml edited in place with tomlkit, so a save keeps the user's comments, key order and layout; and an
atomic text write (also used for the secrets fallback file).

Only the keys a save changes are touched: a value that is already equal keeps its spelling (a literal string,
a trailing comment), and a key that is replaced keeps its place and its comment.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssp_tui.errors import SspError

if TYPE_CHECKING:
    from tomlkit.toml_document import TOMLDocument

# tomlkit is imported where a document is edited: the secrets store and the keyring memory only want
# atomic_write_text, and importing tomlkit for them cost every CLI command ~16 ms (docs/performance.md).


class TomlFileError(SspError, ValueError):
    """The file is not TOML that can be edited; the message names the line."""


def parse_document(text: str) -> TOMLDocument:
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(text)
    except ParseError as exc:
        raise TomlFileError(str(exc)) from None


def table_at(document: TOMLDocument, *keys: str) -> MutableMapping[str, Any]:
    """The table at ``keys`` (``"profiles", "work"`` is ``[profiles.work]``), made when missing."""
    import tomlkit

    table: MutableMapping[str, Any] = document
    for depth, key in enumerate(keys):
        if key not in table:
            # [profiles] itself stays unwritten when it only holds [profiles.NAME] tables.
            table[key] = tomlkit.table(is_super_table=depth < len(keys) - 1)
        child = table[key]
        if not isinstance(child, MutableMapping):
            raise TomlFileError(f"{'.'.join(keys[: depth + 1])} is not a table")
        table = child
    return table


def update_table(
    table: MutableMapping[str, Any], values: Mapping[str, Any], *, remove: Iterable[str] = ()
) -> None:
    """Set ``values`` in ``table`` (equal ones left as written) and drop the keys in ``remove``."""
    for key, value in values.items():
        if key not in table or table[key] != value:
            table[key] = value
    for key in remove:
        if key in table:
            del table[key]


def dump_document(document: TOMLDocument) -> str:
    import tomlkit

    return tomlkit.dumps(document)


def atomic_write_text(path: Path, text: str, *, mode: int = 0o644) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``: a crash leaves
    either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # POSIX; elsewhere the folder's defaults apply
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
