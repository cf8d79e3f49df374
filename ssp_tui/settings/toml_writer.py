"""A small TOML writer (tomllib only reads) and an atomic text write.

It writes what tomllib reads back into equal values: tables, strings, integers, floats, booleans, dates and
times, and arrays (tables inside arrays become inline tables).
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def dumps_toml(data: dict[str, Any]) -> str:
    lines: list[str] = []
    _write_table(lines, (), data)
    return "\n".join(lines).strip() + "\n"


def _write_table(lines: list[str], prefix: tuple[str, ...], table: dict[str, Any]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in table.items() if isinstance(v, dict)}
    if prefix and (scalars or not tables):
        lines.append("")
        lines.append(f"[{'.'.join(_key(part) for part in prefix)}]")
    for key, value in scalars.items():
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in tables.items():
        _write_table(lines, (*prefix, key), value)


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _basic_string(key)


def _basic_string(text: str) -> str:
    # A JSON string is a TOML basic string (the same escapes: \" \\ \n \t \uXXXX), except that TOML also
    # forbids a raw DEL, which JSON leaves as it is.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _basic_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write a {type(value).__name__} to TOML")


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
