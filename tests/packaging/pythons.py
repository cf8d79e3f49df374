"""The Python versions ssp-tui supports, and where this machine has each: on PATH (python3.12) or in pyenv."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SUPPORTED = ("3.11", "3.12", "3.13")


def find_python(version: str) -> str | None:
    """An interpreter of ``version`` that can make a venv, or None."""
    candidates: list[str] = []
    if found := shutil.which(f"python{version}"):
        candidates.append(found)
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for folder in sorted((pyenv_root / "versions").glob(f"{version}.*"), reverse=True):
        candidates.append(str(folder / "bin" / f"python{version}"))
    for candidate in candidates:
        try:
            ready = subprocess.run(
                [candidate, "-c", "import venv, ssl, sqlite3, ensurepip"], capture_output=True, timeout=60
            )
        except OSError:
            continue
        if ready.returncode == 0:
            return candidate
    return None
