"""A keyring backend in one JSON file, for the CLI processes a benchmark starts (``PYTHON_KEYRING_BACKEND``).

The CLI keeps its session between commands in the keyring; a benchmark's child processes share this file
(``SSP_BENCH_KEYRING``) instead of the machine's keyring, which may not exist and must not be touched.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

ENV = "SSP_BENCH_KEYRING"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ[ENV])

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        values = self._read()
        values[f"{service}\x00{username}"] = password
        self.path.write_text(json.dumps(values))

    def delete_password(self, service: str, username: str) -> None:
        values = self._read()
        values.pop(f"{service}\x00{username}", None)
        self.path.write_text(json.dumps(values))
