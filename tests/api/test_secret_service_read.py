"""Where the remembered keyring backend is the Secret Service, a read goes to it directly (secretstorage on
one D-Bus connection, no keyring import): it finds what keyring's own SecretService backend wrote, and
whatever it cannot answer for sure (no service, no default collection, something locked, a changed
attribute scheme) goes keyring's way instead, never a wrong answer. Writes always go through keyring. CI has
no D-Bus: the service is tests/fake_secret_service.py, spoken to through secretstorage and jeepney
unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring.backends.SecretService
import pytest

secretstorage = pytest.importorskip("secretstorage", reason="keyring installs it on Linux only")

from fake_secret_service import FakeSecretService  # noqa: E402 (it speaks through secretstorage)
from memory_keyring import MemoryKeyring  # noqa: E402

from ssp_tui.settings import secret_service  # noqa: E402
from ssp_tui.settings.keyring_choice import KeyringChoice  # noqa: E402
from ssp_tui.settings.secret_service import SECRET_SERVICE_BACKEND, SecretServiceReader  # noqa: E402
from ssp_tui.settings.secrets import SecretStore  # noqa: E402

SERVICE = "ssp-tui:default"
KEY = "cli-session:https://portal.example"
VALUE = '{"access_token": "not-a-real-token", "refresh_token": "nor-this"}'


class RememberedChoice(KeyringChoice):
    """The choice as a later command finds it: the remembered backend's name, and the backend itself only
    when asked for it (counted: asking for it is what the direct read saves)."""

    def __init__(self, remembered: str, backend: Any) -> None:
        super().__init__(Path("/nonexistent/keyring-backend.json"))
        self.remembered, self.loaded_backend, self.loads = remembered, backend, 0

    def remembered_backend(self) -> str | None:
        return self.remembered

    def backend(self) -> Any:
        self.loads += 1
        return self.loaded_backend


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> FakeSecretService:
    fake = FakeSecretService()
    monkeypatch.setattr(secret_service, "_open_connection", fake.connect)  # the direct reader's bus
    monkeypatch.setattr(secretstorage, "open_dbus_connection", fake.connect)  # keyring's backend's bus
    for name in [name for name in os.environ if name.startswith("KEYRING_PROPERTY_")]:
        monkeypatch.delenv(name)
    return fake


def keyring_wrote(service: FakeSecretService, value: str = VALUE, key: str = KEY) -> None:
    """As a login does: keyring's own SecretService backend keeps the value."""
    keyring.backends.SecretService.Keyring().set_password(SERVICE, key, value)
    assert service.items, "keyring wrote nothing to the fake service"


def store_remembering(backend: Any, tmp_path: Path) -> tuple[SecretStore, RememberedChoice]:
    choice = RememberedChoice(SECRET_SERVICE_BACKEND, backend)
    return SecretStore(keyring_choice=choice, fallback_dir=tmp_path / "secrets"), choice


def test_the_direct_read_finds_what_keyring_wrote_on_one_connection_without_loading_keyring(
    service: FakeSecretService, tmp_path: Path
) -> None:
    keyring_wrote(service)
    keyring_wrote(service, "another user's", key="cli-session:https://elsewhere.example")
    connections, calls = len(service.connections), len(service.calls)
    store, choice = store_remembering(keyring.backends.SecretService.Keyring(), tmp_path)

    assert store.where == "keyring"
    assert store.get_secret(KEY) == VALUE
    assert store.get_secret("cli-session:https://never-kept.example") is None  # definitely not there
    assert choice.loads == 0  # keyring's backend (its viability check, its own connections) was never asked
    assert len(service.connections) == connections + 1  # one connection, one encrypted session, two reads
    # Four calls for the first read (no labels, no subscription to prompts: this reader never shows one),
    # and the second looks whether the collection was locked meanwhile.
    first_read = ["Get", "SearchItems", "OpenSession", "GetSecret"]
    assert service.calls[calls:] == [*first_read, "Get", "SearchItems"]


def test_the_secret_travels_encrypted_in_a_negotiated_session(
    service: FakeSecretService, tmp_path: Path
) -> None:
    keyring_wrote(service)
    reader = SecretServiceReader()
    reader.open()
    assert reader.get_password(SERVICE, KEY) == VALUE
    session = reader._session
    assert session.encrypted and session.aes_key is not None  # DH + AES, as keyring's reads

    service.offers_dh = False  # a service offering only plain: secretstorage's own negotiation decides
    plain = SecretServiceReader()
    plain.open()
    assert plain.get_password(SERVICE, KEY) == VALUE and not plain._session.encrypted


def test_writes_and_deletes_go_through_keyring(service: FakeSecretService, tmp_path: Path) -> None:
    store, choice = store_remembering(keyring.backends.SecretService.Keyring(), tmp_path)
    assert store.get_secret(KEY) is None and choice.loads == 0
    store.set_secret(KEY, VALUE)
    assert choice.loads == 1
    assert store.get_secret(KEY) == VALUE  # the direct reader sees what keyring just wrote


@pytest.mark.parametrize(
    "trouble",
    ["no service", "no default collection", "collection locked", "item locked", "service gone after opening"],
)
def test_what_the_direct_read_cannot_answer_goes_keyrings_way(
    trouble: str, service: FakeSecretService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring_wrote(service, "what the fake service holds")
    keyring_backend = MemoryKeyring()  # stands in for keyring's backend (which would ask to unlock)
    keyring_backend.set_password(SERVICE, KEY, "keyring's answer")
    store, choice = store_remembering(keyring_backend, tmp_path)
    if trouble == "no service":
        monkeypatch.setattr(secret_service, "_open_connection", _refused)
    elif trouble == "no default collection":
        service.has_default_collection = False
    elif trouble == "collection locked":
        service.collection_locked = True
    elif trouble == "item locked":
        next(iter(service.items.values())).locked = True

    assert store.where == "keyring"
    if trouble == "service gone after opening":
        for connection in service.connections:
            connection.closed = True  # every call on it fails now
    assert store.get_secret(KEY) == "keyring's answer"
    assert choice.loads == 1
    assert all(connection.closed for connection in service.connections)  # the reader's connection too


def test_a_backend_gone_by_the_time_of_a_write_means_no_keyring(
    service: FakeSecretService, tmp_path: Path
) -> None:
    store, _ = store_remembering(None, tmp_path)  # the direct read works; keyring finds no backend later
    assert store.where == "keyring" and store.get_secret(KEY) is None
    store.allow_file_fallback()
    store.set_secret(KEY, VALUE)  # into the consented file, not lost
    assert store.where == "file" and store.get_secret(KEY) == VALUE


@pytest.mark.parametrize(
    "remembered", ["keyring.backends.kwallet.DBusKeyring", "memory_keyring.MemoryKeyring"]
)
def test_other_remembered_backends_are_read_through_keyring(
    remembered: str, service: FakeSecretService, tmp_path: Path
) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, KEY, "keyring's answer")
    choice = RememberedChoice(remembered, backend)
    store = SecretStore(keyring_choice=choice, fallback_dir=tmp_path / "secrets")
    assert store.get_secret(KEY) == "keyring's answer" and choice.loads == 1
    assert not service.connections


def test_keyring_properties_in_the_environment_mean_keyrings_way(
    service: FakeSecretService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEYRING_PROPERTY_SCHEME", "KeePassXC")  # other attribute names than the direct read's
    backend = MemoryKeyring()
    backend.set_password(SERVICE, KEY, "keyring's answer")
    store, choice = store_remembering(backend, tmp_path)
    assert store.get_secret(KEY) == "keyring's answer" and choice.loads == 1
    assert not service.connections


def test_a_failed_read_says_nothing_of_the_secret(service: FakeSecretService) -> None:
    keyring_wrote(service, "s3cret-value")
    next(iter(service.items.values())).locked = True
    reader = SecretServiceReader()
    reader.open()
    with pytest.raises(secret_service.DirectReadFailed) as failed:
        reader.get_password(SERVICE, KEY)
    assert "s3cret" not in str(failed.value) and failed.value.__cause__ is None


def _refused() -> Any:
    raise ConnectionRefusedError("no session bus")


PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from fake_secret_service import FakeItem, FakeSecretService
from ssp_tui.settings import secret_service
from ssp_tui.settings.keyring_choice import KeyringChoice
fake = FakeSecretService()
attributes = {"service": "ssp-tui:default", "username": "cli-session:x", "application": "keyring"}
fake.items["/org/freedesktop/secrets/collection/login/1"] = FakeItem(attributes, b"kept")
secret_service._open_connection = fake.connect
KeyringChoice()._remember(secret_service.SECRET_SERVICE_BACKEND, Path(sys.argv[2]))  # as discovery did
from ssp_tui.settings.secrets import SecretStore
store = SecretStore()
print(json.dumps([store.where, store.get_secret("cli-session:x"), sorted(
    m for m in sys.modules if m.split(".")[0] in ("keyring", "jaraco", "importlib_metadata"))]))
"""


def test_a_command_reading_its_session_does_not_import_keyring(tmp_path: Path) -> None:
    """As a command runs, in a new process: the memory says SecretService, the read is direct."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SSP_", "PYTHON_KEYRING", "KEYRING_PROPERTY"))
    }
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    tests_dir = str(Path(__file__).parents[1])
    config = tmp_path / "config" / "python_keyring" / "keyringrc.cfg"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, tests_dir, str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["keyring", "kept", []]


def test_a_collection_locked_after_a_first_read_goes_keyrings_way(
    service: FakeSecretService, tmp_path: Path
) -> None:
    """A long-lived store (the TUI): every read looks again whether the collection was locked meanwhile."""
    keyring_wrote(service)
    keyring_backend = MemoryKeyring()
    keyring_backend.set_password(SERVICE, KEY, "keyring's answer")
    store, choice = store_remembering(keyring_backend, tmp_path)
    assert store.get_secret(KEY) == VALUE and choice.loads == 0
    service.collection_locked = True
    assert store.get_secret(KEY) == "keyring's answer" and choice.loads == 1
