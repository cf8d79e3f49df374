"""Remappable keys: every binding of the app, its screens and widgets has an id (``app.help``,
``credentialing.download``...), and the ``[keymap]`` table of config.toml maps ids to keys, applied with
Textual's ``App.set_keymap`` at start-up. An unknown id or a key Textual cannot name is reported (with the id
and the file) and left out, never a crash."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import unicodedata
from collections.abc import Collection, Mapping
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_PACKAGES = ("ssp_tui.tui", "ssp_tui.widgets")


def valid_key(key: str) -> bool:
    """Whether Textual can name ``key``: modifiers, then a key (``ctrl+x``, ``f5``, ``question_mark``)."""
    *modifiers, name = key.strip().split("+")
    if not name or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    if (len(name) == 1 and name.isprintable()) or name in {k.value for k in Keys}:
        return True
    try:
        unicodedata.lookup(name.upper().replace("_", " "))  # Textual's names: question_mark, full_stop...
    except KeyError:
        return False
    return True


def binding_ids() -> dict[str, Binding]:
    """Every binding with an id in the TUI, by id (imports every screen: only when a keymap is given, and
    for the docs test)."""
    found: dict[str, Binding] = {}
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        modules = [package] + [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(package.__path__, f"{package_name}.")
        ]
        for module in modules:
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, DOMNode):
                    for binding in value.__dict__.get("BINDINGS", ()):
                        if isinstance(binding, Binding) and binding.id:
                            found.setdefault(binding.id, binding)
    return found


def check_keymap(
    keymap: Mapping[str, str], known_ids: Collection[str], source: Path
) -> tuple[dict[str, str], list[str]]:
    """The entries to apply, and a message for each one left out (naming the id and the file)."""
    usable: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        bad = [key for key in keys.split(",") if not valid_key(key)]
        if binding_id not in known_ids:
            problems.append(f"{source}: [keymap] {binding_id!r} is not a binding id (docs/tui.md lists them)")
        elif bad:
            names = ", ".join(map(repr, bad))
            problems.append(f"{source}: [keymap] {binding_id!r}: {names} is not a key name")
        else:
            usable[binding_id] = ",".join(key.strip() for key in keys.split(","))
    return usable, problems


async def apply_keymap(
    app: App[None], wanted: Mapping[str, str], source: Path | None, problems: Collection[str] = ()
) -> None:
    """Bind the keys of config.toml's ``[keymap]`` (``wanted``), less what is wrong in it: every problem,
    with those found reading the file (``problems``), said in a notification."""
    # Knowing every id means importing every screen: in a thread, and only for users with a keymap.
    known = await asyncio.to_thread(binding_ids)
    usable, found = check_keymap(wanted, known, source or Path("config.toml"))
    app.set_keymap(usable)
    for problem in [*problems, *found]:
        app.notify(problem, title="Key not remapped", severity="error", timeout=15)
