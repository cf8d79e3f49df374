"""The keyring backend is discovered once and remembered: later processes load that backend alone, and
anything wrong with the memory (a broken or unviable backend, a file others may touch, a changed machine, an
old "no keyring") means discovery again, never a weaker place for secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import keyring.core
import pytest
from memory_keyring import MemoryKeyring

from ssp_tui import clock
from ssp_tui.settings import keyring_choice
from ssp_tui.settings.keyring_choice import NO_KEYRING, NO_KEYRING_TTL_S, KeyringChoice
from ssp_tui.settings.secrets import SecretStore

MEMORY_BACKEND = "memory_keyring.MemoryKeyring"


class Discovery:
    """Stands in for ``keyring.get_keyring()``'s discovery, counting the calls."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.calls = 0

    def __call__(self) -> Any:
        if keyring.core._keyring_backend is None:  # as keyring does: discover once per process
            self.calls += 1
            keyring.core._keyring_backend = self.backend
        return keyring.core._keyring_backend


def new_process() -> KeyringChoice:
    """The choice as a new command process makes it (keyring has chosen nothing yet in it)."""
    keyring.core._keyring_backend = None
    return KeyringChoice(MEMORY_FILE[0])


MEMORY_FILE: list[Path] = []


@pytest.fixture
def memory_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)  # as a new process starts: nothing chosen yet
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no keyringrc.cfg there
    path = tmp_path / "data" / "keyring-backend.json"
    monkeypatch.setattr(sys.modules[__name__], "MEMORY_FILE", [path])
    return path


def discovering(monkeypatch: pytest.MonkeyPatch, backend: Any) -> Discovery:
    discovery = Discovery(backend)
    monkeypatch.setattr(keyring, "get_keyring", discovery)
    return discovery


def test_a_found_backend_is_remembered_privately_and_later_loaded_alone(
    memory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = discovering(monkeypatch, MemoryKeyring())
    first = new_process()
    assert isinstance(first.backend(), MemoryKeyring) and first.discovered and discovery.calls == 1
    assert memory_file.stat().st_mode & 0o777 == 0o600
    assert json.loads(memory_file.read_text())["backend"] == MEMORY_BACKEND

    later = new_process()
    assert isinstance(later.backend(), MemoryKeyring)
    assert not later.discovered and discovery.calls == 1  # the remembered path: no discovery

    store = SecretStore(keyring_choice=new_process(), fallback_dir=memory_file.parent / "s")
    assert store.where == "keyring" and discovery.calls == 1


@pytest.mark.parametrize(
    "remembered",
    [
        "memory_keyring.NoSuchKeyring",  # uninstalled since
        "no_such_module_anywhere.Keyring",
        "keyring.backends.fail.Keyring",  # loads, but keeps nothing (priority 0)
        "os.system",  # not a keyring backend at all
    ],
)
def test_a_broken_remembered_backend_falls_back_to_discovery(
    remembered: str, memory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = discovering(monkeypatch, MemoryKeyring())
    new_process().backend()
    record = json.loads(memory_file.read_text())
    memory_file.write_text(json.dumps({**record, "backend": remembered}))

    again = new_process()
    assert isinstance(again.backend(), MemoryKeyring)
    assert again.discovered and discovery.calls == 2
    assert json.loads(memory_file.read_text())["backend"] == MEMORY_BACKEND  # remembered right again


def remember_then(memory_file: Path, monkeypatch: pytest.MonkeyPatch) -> Discovery:
    discovery = discovering(monkeypatch, MemoryKeyring())
    new_process().backend()
    assert discovery.calls == 1
    return discovery


def test_a_memory_others_may_write_is_not_believed(
    memory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = remember_then(memory_file, monkeypatch)
    memory_file.chmod(0o666)
    assert new_process().backend() is not None and discovery.calls == 2
    assert memory_file.stat().st_mode & 0o777 == 0o600  # rewritten private


def test_a_symlinked_memory_is_not_believed(memory_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    discovery = remember_then(memory_file, monkeypatch)
    elsewhere = memory_file.with_name("elsewhere.json")
    memory_file.rename(elsewhere)
    memory_file.symlink_to(elsewhere)
    new_process().backend()
    assert discovery.calls == 2


@pytest.mark.parametrize("damage", ["not json", "[]", '{"backend": "memory_keyring.MemoryKeyring"}'])
def test_a_damaged_memory_means_discovery(
    damage: str, memory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = remember_then(memory_file, monkeypatch)
    memory_file.write_text(damage)
    new_process().backend()
    assert discovery.calls == 2


def test_another_desktop_session_discovers_again(memory_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    discovery = remember_then(memory_file, monkeypatch)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/9999/another-bus")
    new_process().backend()
    assert discovery.calls == 2


def test_keyrings_own_config_file_wins_over_the_memory(
    memory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = remember_then(memory_file, monkeypatch)
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True)
    config.write_text("[backend]\ndefault-keyring=memory_keyring.MemoryKeyring\n")
    new_process().backend()
    assert discovery.calls == 2  # keyring's get_keyring, which reads its config file


def test_no_keyring_is_remembered_for_an_hour_without_importing_keyring(
    memory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = discovering(monkeypatch, keyring.backends.fail.Keyring())
    assert new_process().backend() is not None and discovery.calls == 1
    assert json.loads(memory_file.read_text())["backend"] == NO_KEYRING
    assert new_process().backend() is None and discovery.calls == 1

    store = SecretStore(
        keyring_choice=new_process(),
        allow_file_fallback=True,
        fallback_dir=memory_file.parent / "s",
    )
    assert store.where == "file" and discovery.calls == 1

    shift = float(os.environ.get(clock.SHIFT_ENV, "0"))
    monkeypatch.setenv(clock.SHIFT_ENV, str(shift + NO_KEYRING_TTL_S + 1))
    new_process().backend()
    assert discovery.calls == 2  # an hour on: a keyring set up meanwhile would be found


def test_a_backend_set_in_this_process_wins_over_the_memory(
    memory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = discovering(monkeypatch, keyring.backends.fail.Keyring())
    new_process().backend()  # remembers "no keyring"
    chosen = MemoryKeyring()
    keyring.set_keyring(chosen)  # what the embedding program (or a test) said
    assert KeyringChoice(memory_file).backend() is chosen and discovery.calls == 1


def test_a_configured_keyring_is_keyrings_business(
    memory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = discovering(monkeypatch, MemoryKeyring())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", MEMORY_BACKEND)
    assert isinstance(new_process().backend(), MemoryKeyring) and discovery.calls == 1
    assert not memory_file.exists()


def test_the_fingerprint_follows_installed_packages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "site-packages"
    folder.mkdir()
    monkeypatch.setattr(keyring_choice.site, "getsitepackages", lambda: [str(folder)])
    before = keyring_choice.fingerprint()
    (folder / "keyrings_alt-5.0.dist-info").mkdir()  # what installing a backend does
    os.utime(folder, ns=(1, folder.stat().st_mtime_ns + 1_000_000))
    assert keyring_choice.fingerprint() != before


PROBE = """
import sys
from ssp_tui.settings.secrets import SecretStore
print(SecretStore("probe").where, "keyring" in sys.modules, "keyring.backends.macOS" in sys.modules)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="which backends work depends on the OS")
def test_a_new_process_does_not_discover_again(tmp_path: Path) -> None:
    """As commands run: two processes; the first discovers (no session bus here: no keyring), the second
    believes its memory and imports no keyring at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SSP_", "PYTHON_KEYRING"))}
    env.update(
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path / 'no-bus'}",
        SSP_CONFIG=str(tmp_path / "config" / "config.toml"),
    )

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert run() == ["nowhere", "True", "True"]  # discovery: every backend imported
    memory = tmp_path / "data" / "ssp-tui" / "keyring-backend.json"
    assert json.loads(memory.read_text())["backend"] == NO_KEYRING
    assert run() == ["nowhere", "False", "False"]
