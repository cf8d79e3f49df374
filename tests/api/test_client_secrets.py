"""Secrets: keyring first, a private file only with consent, and never a value in a repr or message."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring.backend
import keyring.backends.fail
import pytest
from memory_keyring import MemoryKeyring
from small_disks import read_only_folder

from ssp_tui.errors import SecretStoreError
from ssp_tui.settings.secrets import SecretKind, SecretStore, env_credentials

SECRET = "s3cr3t-VALUE-never-shown"


def test_keyring_keeps_secrets_per_profile_and_user(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    work = SecretStore("work", backend=backend, fallback_dir=tmp_path / "s")
    home = SecretStore("home", backend=backend, fallback_dir=tmp_path / "s")
    assert work.available and work.where == "keyring"
    work.set_password("pat", SECRET)
    work.set_device_token("pat", "device-1")
    work.set_refresh_token("pat", "refresh-1")
    work.set_totp_secret("pat", "JBSWY3DPEHPK3PXP")
    work.set_secret("cli-session:work:x", "{}")
    assert work.password("pat") == SECRET and work.device_token("pat") == "device-1"
    assert work.refresh_token("pat") == "refresh-1" and work.totp_secret("pat") == "JBSWY3DPEHPK3PXP"
    assert work.get_secret("cli-session:work:x") == "{}"
    assert home.password("pat") is None and work.password("lee") is None
    assert backend.items[("ssp-tui:work", "pat/password")] == SECRET
    work.delete_password("pat")
    work.delete_password("pat")  # deleting what is not there is fine
    assert work.password("pat") is None
    work.forget_user("pat")
    assert work.get("pat", SecretKind.DEVICE_TOKEN) is None
    assert not (tmp_path / "s").exists()  # the keyring worked: no file was ever written
    assert SECRET not in repr(work)


def test_without_a_keyring_storing_needs_consent(tmp_path: Path) -> None:
    store = SecretStore(
        backend=keyring.backends.fail.Keyring(), allow_file_fallback=False, fallback_dir=tmp_path / "s"
    )
    assert store.available is False and store.where == "nowhere"
    with pytest.raises(SecretStoreError) as caught:
        store.set_password("pat", SECRET)
    assert "keyring" in caught.value.user_message and SECRET not in str(caught.value)
    assert store.password("pat") is None
    assert not (tmp_path / "s").exists()


def test_with_consent_secrets_go_to_a_private_file(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    store = SecretStore(
        backend=keyring.backends.fail.Keyring(), allow_file_fallback=True, fallback_dir=folder
    )
    assert store.where == "file"
    store.set_refresh_token("pat", SECRET)
    store.set_password("pat", "pw")
    assert store.refresh_token("pat") == SECRET
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.fallback_file.stat().st_mode) == 0o600
    again = SecretStore(
        backend=keyring.backends.fail.Keyring(), allow_file_fallback=True, fallback_dir=folder
    )
    assert again.refresh_token("pat") == SECRET
    again.delete_password("pat")
    assert store.password("pat") is None and store.refresh_token("pat") == SECRET
    assert SECRET not in repr(store)
    assert sorted(p.name for p in folder.iterdir()) == ["secrets.json"]


def test_a_secrets_file_that_cannot_be_written_says_what_to_do(tmp_path: Path) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        store = SecretStore(
            backend=keyring.backends.fail.Keyring(), allow_file_fallback=True, fallback_dir=folder
        )
        with pytest.raises(SecretStoreError) as caught:
            store.set_refresh_token("pat", SECRET)
    assert caught.value.user_message.startswith(f"Cannot write the secrets file {store.fallback_file} (")
    assert caught.value.next_step == f"Make sure you can write to {folder} and try again."
    assert SECRET not in caught.value.full_message


def test_a_damaged_secrets_file_is_reported_without_its_content(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "secrets.json").write_text(f"not json {SECRET}")
    store = SecretStore(
        backend=keyring.backends.fail.Keyring(), allow_file_fallback=True, fallback_dir=folder
    )
    with pytest.raises(SecretStoreError, match="damaged") as caught:
        store.password("pat")
    assert SECRET not in str(caught.value)


def test_a_keyring_that_fails_later_falls_back_only_with_consent(tmp_path: Path) -> None:
    class LockedKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.KeyringError("collection is locked")

    store = SecretStore(backend=LockedKeyring(), allow_file_fallback=False, fallback_dir=tmp_path / "s")
    with pytest.raises(SecretStoreError):
        store.set_device_token("pat", SECRET)
    assert store.available is False
    consenting = SecretStore(backend=LockedKeyring(), allow_file_fallback=True, fallback_dir=tmp_path / "s")
    consenting.set_device_token("pat", SECRET)
    assert consenting.device_token("pat") == SECRET


def test_consent_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSP_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("SSP_SECRETS_FILE", raising=False)
    assert (
        SecretStore(backend=keyring.backends.fail.Keyring(), fallback_dir=tmp_path).file_fallback_allowed
        is False
    )
    monkeypatch.setenv("SSP_SECRETS_FILE", "1")
    assert (
        SecretStore(backend=keyring.backends.fail.Keyring(), fallback_dir=tmp_path).file_fallback_allowed
        is True
    )


def test_environment_credentials_are_read_and_never_shown() -> None:
    creds = env_credentials(
        {
            "SSP_PORTAL": "https://p.example",
            "SSP_USERNAME": "pat",
            "SSP_PASSWORD": SECRET,
            "SSP_TOTP_SECRET": SECRET,
        }
    )
    assert creds.password == SECRET and creds.totp_secret == SECRET and creds.can_sign_in
    assert SECRET not in repr(creds) and SECRET not in str(creds)
    assert env_credentials({}).can_sign_in is False
