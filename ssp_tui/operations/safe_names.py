"""Safe file names and paths for anything a server or a template names.

A server's filename, a document title or a template field can hold traversal (``../``), absolute paths,
Windows device names, control characters or thousands of characters. Everything here turns such text into a
single harmless path part, and checks that the final path stays inside the folder the user chose.
"""

from __future__ import annotations

import functools
import os
import re
import string
import sys
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path, PurePath, PurePosixPath

from ssp_tui.errors import SspError

MAX_NAME_BYTES = 120
"""Cap on one path part, in UTF-8 bytes (filesystems allow 255: room for ` (2)` and temp names)."""
MAX_EXTENSION_BYTES = 16
"""A suffix longer than this is not treated as an extension worth keeping when a name is cut."""
EMPTY_NAME = "unnamed"

_PUNCTUATION_ALLOWED = frozenset(" ._-(),")
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)
_REPLACEMENT = "_"
_RUNS_OF_REPLACEMENT = re.compile(r"_{2,}")
_RUNS_OF_SPACE = re.compile(r" {2,}")

TEMPLATE_FIELDS = frozenset({"policy", "term", "date", "type", "title", "insured", "holder", "id"})
"""The fields a filename template may use."""


class UnsafePath(SspError, ValueError):
    """A path would leave the folder it must stay in."""


class TemplateError(SspError, ValueError):
    """A filename template is malformed or names an unknown field."""


def _allowed(char: str) -> bool:
    if char in _PUNCTUATION_ALLOWED:
        return True
    category = unicodedata.category(char)
    # Letters (any script), their combining marks, and decimal digits. Superscript digits (category No) are
    # excluded on purpose: Windows treats COM¹ like COM1.
    return category[0] in "LM" or category == "Nd"


def _map_character(char: str) -> str:
    if char in "\t\n\r\v\f":
        return " "  # whitespace controls separate words; keep them apart
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
        return ""  # other control, format, surrogate and unassigned characters are dropped
    return char if _allowed(char) else _REPLACEMENT


_ASCII_MAP = str.maketrans({chr(code): _map_character(chr(code)) for code in range(128)})
"""``_map_character`` of every ASCII character, for ``str.translate``: nearly every title and field is ASCII,
and a character at a time in Python was most of what listing a whole book's 11,000 files cost the CLI."""


def _map_characters(text: str) -> str:
    if text.isascii():
        mapped = text.translate(_ASCII_MAP)  # ASCII is already NFC
    else:
        # Dropping a character can bring a letter and a combining mark together: compose them again.
        mapped = unicodedata.normalize("NFC", "".join(map(_map_character, text)))
    mapped = _RUNS_OF_REPLACEMENT.sub(_REPLACEMENT, mapped)
    return _RUNS_OF_SPACE.sub(" ", mapped)


def _last_path_part(text: str) -> str:
    parts = [part for part in re.split(r"[/\\]", text) if part not in ("", ".", "..")]
    return parts[-1] if parts else ""


def _strip_edges(name: str) -> str:
    # Leading dots would hide the file; trailing dots and spaces are dropped by Windows.
    return name.lstrip(". ").rstrip(". ")


def _is_device_name(name: str) -> bool:
    return name.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_DEVICES


def _cut_to_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def _cap_length(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = dot + extension
    if stem and len(suffix.encode("utf-8")) <= MAX_EXTENSION_BYTES:
        kept_stem = _cut_to_bytes(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip(". ")
        if kept_stem:
            return kept_stem + suffix
    return _cut_to_bytes(name, MAX_NAME_BYTES).rstrip(". ")


def safe_filename(text: str) -> str:
    """One safe path part from any text: never empty, never a device name, at most 120 UTF-8 bytes.

    Only the last path part of ``text`` is kept (``../../etc/passwd`` gives ``passwd``). Letters, digits,
    space and ``. _ - ( ) ,`` pass; other characters become ``_``; control characters are dropped. Idempotent.
    """
    return _safe_filename(str(text))


@functools.lru_cache(maxsize=4096)
def _safe_filename(text: str) -> str:
    # Cached: a bulk download names thousands of files from a few values repeated in each (the policy, the
    # term, the date, the type, the holder): most of its calls ask again for a name already made.
    name = unicodedata.normalize("NFC", text)
    name = _strip_edges(_map_characters(_last_path_part(name)).strip())
    name = _strip_edges(_cap_length(name))
    if not name:
        name = EMPTY_NAME
    if _is_device_name(name):
        name = _cap_length(_REPLACEMENT + name)
    return name


def _field_text(value: object) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    # A title like "2026/2027 renewal" is one name, not a path: separators become dashes, not cuts.
    return str(value).replace("/", "-").replace("\\", "-")


@functools.lru_cache(maxsize=32)
def _parse_template(template: str) -> tuple[tuple[tuple[str, str | None], ...], ...]:
    """Split a template into path segments of (literal, field or None) pairs, rejecting anything unknown.
    Cached: a whole book's download renders the same template for every one of its files."""
    if not template or not template.strip():
        raise TemplateError("The filename template is empty.")
    if template.startswith("/") or "\\" in template:
        raise TemplateError("The filename template must be a relative path using '/' between folders.")
    segments: list[tuple[tuple[str, str | None], ...]] = []
    for raw_segment in template.split("/"):
        if raw_segment in ("", ".", ".."):
            raise TemplateError(f"The filename template has an empty, '.' or '..' folder: {template!r}.")
        try:
            parsed = list(string.Formatter().parse(raw_segment))
        except ValueError as exc:
            raise TemplateError(f"The filename template is malformed ({exc}): {template!r}.") from None
        pieces: list[tuple[str, str | None]] = []
        for literal, field, spec, conversion in parsed:
            if field is not None and (spec or conversion):
                raise TemplateError(f"Template fields take no format or conversion: {{{field}}}.")
            if field is not None and field not in TEMPLATE_FIELDS:
                known = ", ".join(f"{{{name}}}" for name in sorted(TEMPLATE_FIELDS))
                raise TemplateError(f"Unknown template field {{{field}}}; known fields are {known}.")
            pieces.append((literal, field))
        segments.append(tuple(pieces))
    return tuple(segments)


def validate_template(template: str) -> None:
    """Raise TemplateError if ``template`` could not render; for settings screens and option parsing."""
    _parse_template(template)


def render_template(template: str, fields: Mapping[str, object]) -> PurePosixPath:
    """Render a template such as ``{policy}/{term}/{date}-{type}-{title}.pdf`` to a safe relative path.

    Every field value is sanitised, and so is every rendered folder and file name, so the result has no
    traversal, no absolute part and no device name. A field the template uses but ``fields`` lacks is an
    error.
    """
    parts: list[str] = []
    for pieces in _parse_template(template):
        rendered: list[str] = []
        for literal, field in pieces:
            rendered.append(literal)
            if field is None:
                continue
            if field not in fields or fields[field] is None:
                raise TemplateError(f"The filename template uses {{{field}}}, which this item does not have.")
            rendered.append(safe_filename(_field_text(fields[field])))
        parts.append(safe_filename("".join(rendered)))
    # Folder names repeat from file to file (a policy, a term): one string each, not one per file of a bulk
    # download's thousands of jobs (issue 23).
    return PurePosixPath(*map(sys.intern, parts[:-1]), *parts[-1:])


def final_path_inside(root: Path, relative: str | PurePath) -> Path:
    """``root / relative`` with its folder resolved (symlinks included) and its last part kept as it is, so
    that a symlink planted at the final name is never followed; UnsafePath unless strictly inside root."""
    folder, name = final_name_inside(os.path.realpath(root), relative)
    return Path(folder, name)


def final_name_inside(
    resolved_root: str, relative: str | PurePath, resolved: dict[str, str] | None = None
) -> tuple[str, str]:
    """``final_path_inside`` as ``(resolved folder, name)`` strings, for a root already resolved: a bulk
    download places thousands of files under one root, and pathlib objects made and compared per file were a
    third of a warm run's own work (issue 23).

    ``resolved``: a run's own map of folders already resolved (the text before resolution to the folder after
    it). A folder's ``realpath`` is an ``lstat`` per part of its path, five or six a file; resolved once per
    run, as the run makes each folder once (``placement``). The containment check is made for every file."""
    text = os.fspath(relative).rstrip("/" + (os.altsep or "") + os.sep)
    head, name = os.path.split(os.path.join(resolved_root, text))
    folder = resolved.get(head) if resolved is not None else None
    if folder is None:
        folder = os.path.realpath(head)
        if resolved is not None:
            resolved[head] = folder
    inside = os.path.normcase(folder)
    root = os.path.normcase(resolved_root)
    prefix = root if root.endswith(os.sep) else root + os.sep
    if name in ("", ".", "..") or (inside != root and not inside.startswith(prefix)):
        raise UnsafePath(f"{str(relative)!r} would be outside the folder {resolved_root!r}.")
    return folder, name


def title_filename(title: str) -> str:
    """A file name made from a whole title: "Policy 2026/2027" gives "Policy 2026-2027", never "2027"."""
    return safe_filename(_field_text(title))


def numbered_path(path: Path, number: int) -> Path:
    """``name (n).ext`` beside ``path``."""
    return path.with_name(f"{path.stem} ({number}){path.suffix}")


def unique_path(path: Path, *, max_attempts: int = 10_000) -> Path:
    """``path`` if nothing is there, else the first free ``name (2).ext``, ``name (3).ext``, ...

    A dangling symlink counts as taken. Callers that must not race other writers create the file with an
    exclusive operation (``os.link``, ``open(..., 'x')``) and move on to the next number when it exists.
    """
    if not os.path.lexists(path):
        return path
    for number in range(2, max_attempts + 2):
        candidate = numbered_path(path, number)
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(f"Too many files named like {path.name!r} in {str(path.parent)!r}.")
