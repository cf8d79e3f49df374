"""Reading a secret from the Secret Service (GNOME Keyring, KeePassXC, ...) directly, on one D-Bus connection.

A CLI command reads one secret, its kept session, and writes none. Through the keyring library that read
cost ~60 ms of a ~470 ms command (docs/performance.md, "The keyring backend, remembered"): importing keyring
(``jaraco.context`` pulls in urllib.request, ``keyring.compat`` importlib_metadata), its SecretService
backend, a viability check on one D-Bus connection and the read on another. Here the read is secretstorage
alone (the library keyring's backend uses, so it is installed wherever that backend works), on one
connection.

It is used only where keyring itself would read with its SecretService backend: ``keyring_choice``
remembers that backend, and nothing is configured that changes how keyring reads (``KEYRING_PROPERTY_*``:
another attribute scheme or collection). It finds what keyring finds: the default collection, the items
whose attributes are ``{"username": key, "service": service}``, the first of them, decrypted in a session
secretstorage negotiates (Diffie-Hellman and AES; plain only where the service offers nothing else, as for
keyring).

Whatever it cannot answer for sure raises ``DirectReadFailed`` and the caller goes keyring's way: no default
collection (keyring would create one), a locked collection or item (keyring would ask to unlock it), an
error of the bus, the service or the library. Writes and deletes always go through keyring.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from typing import Any

SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
"""keyring's backend whose items this module reads (its class name, as ``keyring_choice`` remembers it)."""


class DirectReadFailed(Exception):
    """The direct read cannot answer for sure; keyring's own path must (its message never holds a secret)."""


def reads_like_keyring(environ: Mapping[str, str] | None = None) -> bool:
    """False when KEYRING_PROPERTY_* variables change what keyring's backend reads (``scheme``,
    ``preferred_collection``; keyring sets them on every backend it makes)."""
    environ = os.environ if environ is None else environ
    return not any(name.startswith("KEYRING_PROPERTY_") for name in environ)


class SecretServiceReader:
    """Reads keyring's SecretService items; ``open`` first (it raises ``DirectReadFailed`` where the service
    does not answer). One connection and one encrypted session for all its reads."""

    def __init__(self) -> None:
        self._collection: Any = None

    def open(self) -> None:
        """Connect to the session bus and find the default collection."""
        try:
            import secretstorage

            connection = _open_connection()
            try:
                self._collection = secretstorage.Collection(connection)  # the "default" alias
            except BaseException:
                connection.close()
                raise
        except Exception as exc:  # ImportError off Linux, no bus, no service, no default collection, ...
            raise DirectReadFailed(f"the Secret Service did not answer ({type(exc).__name__})") from None

    def get_password(self, service: str, username: str) -> str | None:
        """The secret keyring's ``get_password(service, username)`` would return; None when there is none."""
        if self._collection is None:
            raise DirectReadFailed("not open")
        collection = self._collection
        try:
            if collection.is_locked():
                # A locked collection may hide its items from a search (an empty answer would be a wrong one);
                # keyring asks to unlock it.
                raise DirectReadFailed("the collection is locked")
            for item in collection.search_items({"username": username, "service": service}):
                secret = item.get_secret()  # raises LockedException for a locked item: keyring would prompt
                collection.session = item.session  # the next read reuses the negotiated session
                return bytes(secret).decode("utf-8")
        except DirectReadFailed:
            raise
        except Exception as exc:
            raise DirectReadFailed(f"the Secret Service read failed ({type(exc).__name__})") from None
        return None

    def close(self) -> None:
        if self._collection is not None:
            collection, self._collection = self._collection, None
            with contextlib.suppress(OSError):  # already gone
                collection.connection.close()


def _open_connection() -> Any:
    """A connection to the session bus (tests put a fake Secret Service here). Not secretstorage.dbus_init():
    that also subscribes to unlock prompts, which this reader never shows."""
    from jeepney.io.blocking import open_dbus_connection

    return open_dbus_connection()
