"""The OS keyring backend, found once and remembered, so that a command does not discover it every time.

With nothing configured, ``keyring.get_keyring()`` discovers: it imports every installed backend
(SecretService with secretstorage, jeepney and cryptography; kwallet; libsecret; the macOS module, whose
import runs ``ctypes.util.find_library`` and with it compiler subprocesses; the Windows one) and asks each
whether it works. That was about 120-190 ms of CPU in a CLI command, every command (docs/performance.md,
"CLI (issue 24)").

What discovery chose is written to ``keyring-backend.json`` in the data folder (0600), with a fingerprint of
what the choice depends on: the interpreter, its site-packages folders (installing or removing a backend
changes them), the session's D-Bus and desktop variables. Later processes, while the fingerprint holds:

- a remembered backend is loaded alone (its one module; a keyring backend class, checked to be viable now as
  ``keyring.core.load_keyring`` does) and used if its priority is above zero; anything else (an import
  error, a backend that no longer works, a damaged file) means discovery again, and its outcome is
  remembered instead;
- a remembered "no keyring" skips importing keyring at all, for at most ``NO_KEYRING_TTL_S``: a keyring set up
  later (a desktop session started, a daemon installed) is found within that time, or at once when the
  variables or the installed packages change.

The file is believed only when it is a regular file of this user that nobody else may read or write (0600),
its backend name is a dotted Python name, and the fingerprint matches. Naming a backend there is no more power
than keyring's own ``keyringrc.cfg`` gives the same user; the memory is not used at all where keyring is
configured (``PYTHON_KEYRING_BACKEND`` or a ``keyringrc.cfg``), which keyring then loads as it says.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import site
import stat
import sys
from pathlib import Path
from typing import Any

import platformdirs

from ssp_tui import clock
from ssp_tui.settings.toml_file import atomic_write_text

NO_KEYRING = "none"
NO_KEYRING_TTL_S = 3600.0
"""How long "no keyring here" is believed before discovery runs again."""

_FINGERPRINT_VARIABLES = (
    "DBUS_SESSION_BUS_ADDRESS",
    "XDG_RUNTIME_DIR",
    "XDG_CURRENT_DESKTOP",
    "XDG_CONFIG_HOME",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "KDE_FULL_SESSION",
    "HOME",
)
"""What the desktop backends look at to decide whether they work in this session (and where keyring's own
config file is)."""

_BACKEND_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")


def default_memory_file() -> Path:
    return platformdirs.user_data_path("ssp-tui") / "keyring-backend.json"


def fingerprint() -> str:
    """What discovery's outcome depends on, hashed."""
    folders = [*site.getsitepackages(), site.getusersitepackages()]
    parts: list[str] = [sys.platform, sys.executable, sys.version]
    for folder in folders:
        try:
            parts.append(f"{folder}:{os.stat(folder).st_mtime_ns}")
        except OSError:
            parts.append(f"{folder}:-")
    parts.extend(f"{name}={os.environ.get(name, '')}" for name in _FINGERPRINT_VARIABLES)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class KeyringChoice:
    """The keyring backend to use: ``backend()`` returns it (None when there is none)."""

    def __init__(self, memory_file: Path | None = None) -> None:
        self.memory_file = memory_file or default_memory_file()
        self.discovered = False
        """True when this process ran keyring's discovery (for tests and the benchmark's notes)."""

    def backend(self) -> Any:
        """The backend to use, or None when there is no working keyring."""
        if _keyring_decides():
            return self._keyrings_own_choice()
        remembered = self._remembered()
        if remembered == NO_KEYRING:
            return None
        if remembered is not None:
            backend = _load_viable(remembered)
            if backend is not None:
                import keyring

                keyring.set_keyring(backend)  # one backend for the whole process, as keyring would have it
                return backend
        return self._discover()

    def remembered_backend(self) -> str | None:
        """The class name of the backend ``backend()`` would load from the memory, without loading it (None
        when keyring decides, or nothing is remembered, or what is remembered is "no keyring"). For a reader
        that goes to that backend's store directly: ``settings/secret_service.py``."""
        if _keyring_decides():
            return None
        remembered = self._remembered()
        return None if remembered == NO_KEYRING else remembered

    # ---- keyring's own ways -------------------------------------------------------------------------------
    def _keyrings_own_choice(self) -> Any:
        import keyring  # lazily: importing it costs a command tens of milliseconds

        return keyring.get_keyring()

    def _discover(self) -> Any:
        import keyring.core
        import keyring.util.platform_

        self.discovered = True
        config_file = keyring.util.platform_.config_root() / "keyringrc.cfg"
        backend = keyring.get_keyring()
        if config_file.exists():
            return backend  # keyring's own config file decides, every time, as keyring reads it
        usable = backend is not None and getattr(backend, "priority", 0) > 0
        kind = type(backend)
        self._remember(f"{kind.__module__}.{kind.__qualname__}" if usable else NO_KEYRING, config_file)
        return backend

    # ---- the memory ---------------------------------------------------------------------------------------
    def _remembered(self) -> str | None:
        """The remembered backend name or NO_KEYRING; None when there is nothing to believe."""
        record = _read_private_json(self.memory_file)
        if record is None or record.get("fingerprint") != fingerprint():
            return None
        config_file = record.get("keyring_config")
        if not isinstance(config_file, str) or Path(config_file).exists():
            return None  # keyring's own config file appeared since: it decides now
        name = record.get("backend")
        if name == NO_KEYRING:
            found_at = record.get("found_at")
            fresh = isinstance(found_at, int | float) and 0 <= clock.timestamp() - found_at < NO_KEYRING_TTL_S
            return NO_KEYRING if fresh else None
        if isinstance(name, str) and _BACKEND_NAME.fullmatch(name):
            return name
        return None

    def _remember(self, name: str, keyring_config: Path) -> None:
        record = {
            "backend": name,
            "fingerprint": fingerprint(),
            "found_at": clock.timestamp(),
            "keyring_config": str(keyring_config),  # where keyring would look for its own (absent now)
        }
        try:
            self.memory_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.memory_file, json.dumps(record), mode=0o600)
        except OSError:
            pass  # a read-only data folder: discovery next time again, nothing worse


def _keyring_decides() -> bool:
    """PYTHON_KEYRING_BACKEND, or a backend keyring already has in this process: keyring chooses, not us."""
    return bool(os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()) or _chosen_in_this_process()


def _chosen_in_this_process() -> bool:
    """Whether keyring already has its backend in this process (``keyring.set_keyring`` by the embedding
    program or a test, or an earlier discovery): that one serves, as ``keyring.get_keyring()`` would say."""
    core = sys.modules.get("keyring.core")
    return getattr(core, "_keyring_backend", None) is not None  # keyring's own global (25.x)


def _load_viable(name: str) -> Any:
    """The named backend if it loads and works now; None otherwise (the caller discovers instead)."""
    module_name, _, class_name = name.rpartition(".")
    try:
        import keyring.backend

        kind = getattr(importlib.import_module(module_name), class_name)
        if not (isinstance(kind, type) and issubclass(kind, keyring.backend.KeyringBackend)):
            return None  # only ever a keyring backend, whatever the file says
        if not kind.priority > 0:  # as keyring.core.load_keyring does: asking raises when it is not viable
            return None
        backend = kind()
        return backend if backend.priority > 0 else None
    except Exception:  # anything at all: an uninstalled module, a backend whose service is gone
        return None


def _read_private_json(path: Path) -> dict[str, Any] | None:
    """The file's JSON object if it is a regular file of this user that only this user may read or write."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        with os.fdopen(fd, encoding="utf-8") as file:
            fd = -1  # the file object closes it
            data = json.loads(file.read(4096))
    except (OSError, ValueError):
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    return data if isinstance(data, dict) else None
