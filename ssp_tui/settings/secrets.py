"""Secrets: the OS keyring first; a 0600 file in a 0700 folder only with the user's explicit consent.

Kept per profile and username: the password (only when the user asks), the refresh token, the
remember-device token and an optional TOTP secret; callers may also keep other values under their own keys.
Without a usable keyring (keyring raises NoKeyringError on a headless Linux box) ``available`` is False and
storing fails with a SecretStoreError that says what to do, unless consent was given:
``allow_file_fallback=True``, the config's ``secrets_file_consent = true``, or SSP_SECRETS_FILE=1.
Scripts and CI can instead pass credentials in SSP_PORTAL, SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET
(``env_credentials``).

No value ever appears in a repr, a log line or an exception message.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import platformdirs

from ssp_tui.errors import ConfigError, SecretStoreError, next_step_in_place, os_reason
from ssp_tui.settings.config import load_config
from ssp_tui.settings.keyring_choice import KeyringChoice
from ssp_tui.settings.secret_service import (
    SECRET_SERVICE_BACKEND,
    DirectReadFailed,
    SecretServiceReader,
    reads_like_keyring,
)
from ssp_tui.settings.toml_file import atomic_write_text

SERVICE_PREFIX = "ssp-tui"
CONSENT_ENV = "SSP_SECRETS_FILE"
NO_KEYRING_HINT = (
    "There is no OS keyring to keep secrets in. Agree to keep them in a private file (readable only by you): "
    "tick \"Keep secrets in a private file\" in the TUI's Settings (F2), "
    "set secrets_file_consent = true in the config file or SSP_SECRETS_FILE=1, "
    "or use the SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET variables."
)
_file_lock = threading.Lock()


class SecretKind(StrEnum):
    PASSWORD = "password"
    REFRESH_TOKEN = "refresh_token"
    DEVICE_TOKEN = "device_token"
    TOTP_SECRET = "totp_secret"


def default_fallback_dir() -> Path:
    return platformdirs.user_data_path("ssp-tui") / "secrets"


_NO_KEYRING_BACKENDS = frozenset({"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"})
"""Backends that never keep anything: PYTHON_KEYRING_BACKEND naming one means "no keyring"."""


def _keyring_configured_out() -> bool:
    return os.environ.get("PYTHON_KEYRING_BACKEND", "").strip() in _NO_KEYRING_BACKENDS


def _consent_from_settings() -> bool:
    if os.environ.get(CONSENT_ENV, "").strip().lower() in ("1", "true", "yes"):
        return True
    try:
        return load_config().secrets_file_consent
    except ConfigError:
        return False  # a broken config file is no consent


class SecretStore:
    """``backend``: a keyring backend (tests pass an in-memory one); by default the OS keyring, as
    ``keyring_choice`` finds it (remembered between processes: ``settings/keyring_choice.py``). Where that is
    the Secret Service, reads go to it directly, without importing keyring (``settings/secret_service.py``);
    writes and deletes always go through keyring."""

    def __init__(
        self,
        profile: str = "default",
        *,
        backend: Any = None,
        allow_file_fallback: bool | None = None,
        fallback_dir: Path | None = None,
        keyring_choice: KeyringChoice | None = None,
    ) -> None:
        self.profile = profile
        self._service = f"{SERVICE_PREFIX}:{profile}"
        self._backend = backend
        self._backend_checked = backend is not None
        self._keyring_works: bool | None = None
        self._allow_file = allow_file_fallback
        self.fallback_dir = fallback_dir or default_fallback_dir()
        self._keyring_choice = keyring_choice
        self._direct: SecretServiceReader | None = None
        """Reads without the keyring library, where its remembered backend is the Secret Service (below)."""
        self._direct_tried = False

    def __repr__(self) -> str:
        return f"SecretStore(profile={self.profile!r}, where={self.where!r})"

    # ---- where secrets go ----------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """True when the OS keyring can keep secrets."""
        if self._keyring_works is None and not self._backend_checked and _keyring_configured_out():
            # Told there is none (as servers and CI often are): importing keyring and its backend discovery
            # to learn it again would cost a CLI command about a third of its start-up (docs/performance.md).
            self._keyring_works = False
        if self._keyring_works is None and self._open_direct_reader():
            self._keyring_works = True  # the Secret Service answers; keyring's backend is loaded at a write
        if self._keyring_works is None:
            backend = self._keyring()
            self._keyring_works = backend is not None and getattr(backend, "priority", 1) > 0
        return self._keyring_works

    @property
    def file_fallback_allowed(self) -> bool:
        if self._allow_file is None:
            self._allow_file = _consent_from_settings()
        return self._allow_file

    def allow_file_fallback(self) -> None:
        """The user consented just now (the consent is saved by the caller, e.g. in the config file)."""
        self._allow_file = True

    def set_file_fallback(self, allowed: bool) -> None:
        """The setting changed just now (saved by the caller); SSP_SECRETS_FILE=1 still consents."""
        self._allow_file = allowed or os.environ.get(CONSENT_ENV, "").strip().lower() in ("1", "true", "yes")

    @property
    def where(self) -> str:
        """``keyring``, ``file`` (consented) or ``nowhere``."""
        if self.available:
            return "keyring"
        return "file" if self.file_fallback_allowed else "nowhere"

    @property
    def fallback_file(self) -> Path:
        return self.fallback_dir / "secrets.json"

    # ---- generic values ------------------------------------------------------------------------------------
    def get_secret(self, key: str) -> str | None:
        if self.available:
            direct = self._direct  # (another thread may drop it meanwhile)
            if direct is not None:
                try:
                    return direct.get_password(self._service, key)
                except DirectReadFailed:
                    self._close_direct_reader()  # keyring's own way from now on (it may ask to unlock)
            value = self._keyring_call("get_password", key)
            if self._keyring_works:
                return value
        if self.file_fallback_allowed:
            return self._read_file().get(self._service, {}).get(key)
        return None

    def set_secret(self, key: str, value: str) -> None:
        if self.available:
            self._keyring_call("set_password", key, value)
            if self._keyring_works:
                return
        if not self.file_fallback_allowed:
            raise SecretStoreError(NO_KEYRING_HINT)
        with _file_lock:
            data = self._read_file()
            data.setdefault(self._service, {})[key] = value
            self._write_file(data)

    def delete_secret(self, key: str) -> None:
        if self.available:
            self._keyring_call("delete_password", key)
        if self.file_fallback_allowed and self.fallback_file.exists():
            with _file_lock:
                data = self._read_file()
                if data.get(self._service, {}).pop(key, None) is not None:
                    self._write_file(data)

    # ---- per user ------------------------------------------------------------------------------------------
    def get(self, username: str, kind: SecretKind) -> str | None:
        return self.get_secret(_user_key(username, kind))

    def set(self, username: str, kind: SecretKind, value: str) -> None:
        self.set_secret(_user_key(username, kind), value)

    def delete(self, username: str, kind: SecretKind) -> None:
        self.delete_secret(_user_key(username, kind))

    def forget_user(self, username: str) -> None:
        for kind in SecretKind:
            self.delete(username, kind)

    def password(self, username: str) -> str | None:
        return self.get(username, SecretKind.PASSWORD)

    def set_password(self, username: str, password: str) -> None:
        self.set(username, SecretKind.PASSWORD, password)

    def delete_password(self, username: str) -> None:
        self.delete(username, SecretKind.PASSWORD)

    def refresh_token(self, username: str) -> str | None:
        return self.get(username, SecretKind.REFRESH_TOKEN)

    def set_refresh_token(self, username: str, token: str) -> None:
        self.set(username, SecretKind.REFRESH_TOKEN, token)

    def device_token(self, username: str) -> str | None:
        return self.get(username, SecretKind.DEVICE_TOKEN)

    def set_device_token(self, username: str, token: str) -> None:
        self.set(username, SecretKind.DEVICE_TOKEN, token)

    def totp_secret(self, username: str) -> str | None:
        return self.get(username, SecretKind.TOTP_SECRET)

    def set_totp_secret(self, username: str, secret: str) -> None:
        self.set(username, SecretKind.TOTP_SECRET, secret)

    # ---- the keyring ---------------------------------------------------------------------------------------
    def _choice(self) -> KeyringChoice:
        if self._keyring_choice is None:
            self._keyring_choice = KeyringChoice()
        return self._keyring_choice

    def _keyring(self) -> Any:
        if not self._backend_checked:
            self._backend_checked = True
            try:
                self._backend = self._choice().backend()
            except Exception:  # a broken keyring installation is the same as none
                self._backend = None
        return self._backend

    def _open_direct_reader(self) -> bool:
        """Where keyring would read with its SecretService backend: read with secretstorage alone instead,
        without importing keyring (most of a CLI command's keyring time: ``settings/secret_service.py``).
        True when the service answered; False means keyring's own way."""
        if self._backend_checked or self._direct_tried:
            return False
        self._direct_tried = True
        try:
            remembered = self._choice().remembered_backend()
        except Exception:  # as in _keyring: whatever goes wrong here, keyring's own way decides
            return False
        if remembered != SECRET_SERVICE_BACKEND or not reads_like_keyring():
            return False
        reader = SecretServiceReader()
        try:
            reader.open()
        except DirectReadFailed:
            return False
        self._direct = reader
        return True

    def _close_direct_reader(self) -> None:
        direct, self._direct = self._direct, None
        if direct is not None:
            direct.close()

    def _keyring_call(self, method: str, key: str, *args: str) -> str | None:
        backend = self._keyring()
        if backend is None:
            # The Secret Service answered a direct read, but keyring finds no backend now (it went away).
            self._keyring_works = False
            return None
        import keyring.errors

        try:
            return getattr(backend, method)(self._service, key, *args)
        except keyring.errors.PasswordDeleteError:
            return None  # nothing was stored under that key
        except keyring.errors.KeyringError:
            # NoKeyringError, a locked collection, a D-Bus failure: from now on this store has no keyring.
            self._keyring_works = False
            return None

    # ---- the consented file --------------------------------------------------------------------------------
    def _read_file(self) -> dict[str, dict[str, str]]:
        try:
            text = self.fallback_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(
                f"Cannot read the secrets file {self.fallback_file} ({os_reason(exc)}).",
                next_step=next_step_in_place(exc, self.fallback_file.parent),
            ) from None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise SecretStoreError(
                f"The secrets file {self.fallback_file} is damaged; delete it and sign in again."
            )
        return data

    def _write_file(self, data: dict[str, dict[str, str]]) -> None:
        folder = self.fallback_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, stat.S_IRWXU)  # 0700 whatever the umask or an older folder said
            atomic_write_text(self.fallback_file, json.dumps(data, indent=1, sort_keys=True), mode=0o600)
        except OSError as exc:  # a full disk or a read-only folder: nothing was kept, say so and what to do
            raise SecretStoreError(
                f"Cannot write the secrets file {self.fallback_file} ({os_reason(exc)}).",
                next_step=next_step_in_place(exc, folder),
            ) from None


def _user_key(username: str, kind: SecretKind) -> str:
    return f"{username}/{kind.value}"


@dataclass(frozen=True, slots=True)
class EnvironmentCredentials:
    """SSP_PORTAL, SSP_USERNAME, SSP_PASSWORD and SSP_TOTP_SECRET, for scripts and CI."""

    portal: str | None
    username: str | None
    password: str | None
    totp_secret: str | None

    def __repr__(self) -> str:
        return (
            f"EnvironmentCredentials(portal={self.portal!r}, username={self.username!r}, "
            f"password={'***' if self.password else None}, totp_secret={'***' if self.totp_secret else None})"
        )

    @property
    def can_sign_in(self) -> bool:
        return bool(self.username and self.password)


def env_credentials(environ: Mapping[str, str] | None = None) -> EnvironmentCredentials:
    environ = os.environ if environ is None else environ

    def read(name: str) -> str | None:
        value = environ.get(name, "").strip()
        return value or None

    return EnvironmentCredentials(
        read("SSP_PORTAL"), read("SSP_USERNAME"), read("SSP_PASSWORD"), read("SSP_TOTP_SECRET")
    )
