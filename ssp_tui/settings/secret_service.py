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
import threading
from collections.abc import Mapping
from typing import Any

SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
"""keyring's backend whose items this module reads (its class name, as ``keyring_choice`` remembers it)."""
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
COLLECTION_IFACE = "org.freedesktop.Secret.Collection"
ITEM_IFACE = "org.freedesktop.Secret.Item"


class DirectReadFailed(Exception):
    """The direct read cannot answer for sure; keyring's own path must (its message never holds a secret)."""


def reads_like_keyring(environ: Mapping[str, str] | None = None) -> bool:
    """False when KEYRING_PROPERTY_* variables change what keyring's backend reads (``scheme``,
    ``preferred_collection``; keyring sets them on every backend it makes)."""
    environ = os.environ if environ is None else environ
    return not any(name.startswith("KEYRING_PROPERTY_") for name in environ)


class SecretServiceReader:
    """Reads keyring's SecretService items; ``open`` first (it raises ``DirectReadFailed`` where the service
    does not answer, or its default collection is locked). One connection and one encrypted session for all
    its reads.

    secretstorage's ``Collection`` and ``Item`` would ask for labels and lock states along the way (seven
    calls to the service for one read) and import cryptography's whole OpenSSL backend to decrypt (~5 ms):
    the read uses secretstorage's calls (its error mapping, its session negotiation) with four calls, and
    decrypts the one AES-CBC block chain itself."""

    def __init__(self) -> None:
        self._connection: Any = None
        self._collection: Any = None
        self._session: Any = None
        self._unlocked_just_now = False
        # One connection answers one call at a time: the TUI's workers may read at once (keyring's backend
        # opened a connection per call instead).
        self._lock = threading.Lock()

    def open(self) -> None:
        """Connect to the session bus and find the default collection, unlocked."""
        try:
            from secretstorage.util import DBusAddressWrapper

            connection = _open_connection()
            try:
                collection = DBusAddressWrapper(DEFAULT_COLLECTION, COLLECTION_IFACE, connection)
                locked = collection.get_property("Locked")  # no default collection: ItemNotFoundException
            except BaseException:
                connection.close()
                raise
        except Exception as exc:  # ImportError off Linux, no bus, no service, no default collection, ...
            raise DirectReadFailed(f"the Secret Service did not answer ({type(exc).__name__})") from None
        if locked:
            connection.close()
            raise DirectReadFailed("the collection is locked")  # keyring asks to unlock it
        self._connection, self._collection, self._unlocked_just_now = connection, collection, True

    def get_password(self, service: str, username: str) -> str | None:
        """The secret keyring's ``get_password(service, username)`` would return; None when there is none."""
        with self._lock:
            return self._get_password(service, username)

    def _get_password(self, service: str, username: str) -> str | None:
        collection = self._collection
        if collection is None:
            raise DirectReadFailed("not open")
        try:
            # A locked collection may hide its items from a search (an empty answer would be a wrong one).
            # ``open`` has just looked; a later read (a long-lived store) looks again.
            if not self._unlocked_just_now and collection.get_property("Locked"):
                raise DirectReadFailed("the collection is locked")
            self._unlocked_just_now = False
            (paths,) = collection.call("SearchItems", "a{ss}", {"username": username, "service": service})
            if not paths:
                return None
            return self._secret(paths[0]).decode("utf-8")  # the first, as keyring takes
        except DirectReadFailed:
            raise
        except Exception as exc:  # a locked item (IsLocked), a service gone, a bad padding, ...
            raise DirectReadFailed(f"the Secret Service read failed ({type(exc).__name__})") from None

    def _secret(self, item_path: str) -> bytes:
        from secretstorage.util import DBusAddressWrapper, open_session

        if self._session is None:
            self._session = open_session(self._connection)  # DH, or plain where the service offers only that
        item = DBusAddressWrapper(item_path, ITEM_IFACE, self._connection)
        (secret,) = item.call("GetSecret", "o", self._session.object_path)
        _session, parameters, value, _content_type = secret
        if not self._session.encrypted:
            return bytes(value)
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        decryptor = Cipher(algorithms.AES(self._session.aes_key), modes.CBC(bytes(parameters))).decryptor()
        padded = decryptor.update(bytes(value)) + decryptor.finalize()
        size = padded[-1] if padded else 0
        if not 1 <= size <= 16 or padded[-size:] != bytes([size]) * size:  # PKCS#7
            raise DirectReadFailed("the secret did not decrypt")
        return padded[:-size]

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            connection, self._connection, self._collection, self._session = self._connection, None, None, None
            with contextlib.suppress(OSError):  # already gone
                connection.close()


def _open_connection() -> Any:
    """A connection to the session bus (tests put a fake Secret Service here). Not secretstorage.dbus_init():
    that also subscribes to unlock prompts, which this reader never shows."""
    from jeepney.io.blocking import open_dbus_connection

    return open_dbus_connection()
