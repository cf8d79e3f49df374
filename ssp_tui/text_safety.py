"""Text from outside (the portal, a file, a local database) made safe to put on a terminal or in a pipe.

A holder name like ``"Mercy\\x1b]0;pwned\\x07 General"`` would set the terminal's title, and ``\\x1b[2J``
would clear the screen: rich and Textual both pass ESC through as it is. ``strip_controls`` removes whole
escape sequences (CSI, OSC, DCS and the other string controls, two-byte escapes, and their 8-bit C1 forms)
and then every remaining control character but tab and newline. The API client applies it to every string a
response decodes to (``ssp_tui/api/json_body.py``), so the TUI's widgets, the CLI, exports and file names
all receive clean text; the CLI applies it again to everything it prints, which also covers text that never
came through the client (the sandbox's own database, file names, error text).

Hand-written (about 20 lines) rather than a package: the ANSI-stripping packages on PyPI remove colour codes
but not bare C0/C1 controls or string sequences such as OSC, which are the dangerous ones here.
"""

from __future__ import annotations

import re
from typing import Any

_ESCAPE_SEQUENCES = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?          # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) .*? (?:\x07|\x1b\\|\x9c|$) # OSC, DCS, SOS, PM, APC ... ST
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                                  # any other escape (ESC c, ESC ( B)
    """,
    re.VERBOSE | re.DOTALL,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Every control character but tab and newline: also what ``strip_controls`` looks for first, so that clean
text (nearly all of it) costs one scan."""


def strip_controls(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (tab and newline stay)."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", _ESCAPE_SEQUENCES.sub("", text.replace("\r\n", "\n")))


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def clean_value(value: Any) -> Any:
    """``value`` (JSON-like builtins: dicts, lists, strings, numbers) with every string, keys included,
    passed through ``strip_controls``."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    if isinstance(value, dict):
        return {clean_value(key): clean_value(item) for key, item in value.items()}
    return value


_JSON_SUSPECT = re.compile(
    rb"\\u00(?:0[0-8bcdef]|1[0-9a-f]|7f|[89][0-9a-f])|\\[bfr]|\xc2[\x80-\x9f]|\x7f", re.IGNORECASE
)
"""A control character in a JSON document: escaped (``\\u001b``, ``\\r``), or raw (DEL, UTF-8 C1). A false
alarm (``"C:\\\\bin"``) only costs the slow path, which is exact."""


def clean_json(data: bytes) -> bytes:
    """A JSON document with ``strip_controls`` applied to every string in it; ``data`` itself (no copy, one
    scan) when it holds no control character, as nearly every document does. Invalid JSON is returned as it
    is, for the caller's decoder to report."""
    if not _JSON_SUSPECT.search(data):
        return data
    import msgspec

    try:
        value = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return data
    return msgspec.json.encode(clean_value(value))
