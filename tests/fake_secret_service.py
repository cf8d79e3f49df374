"""A Secret Service (org.freedesktop.secrets) in memory, answering jeepney messages as GNOME Keyring does over
D-Bus, so that secretstorage and keyring's SecretService backend run unchanged against it without a bus
(CI has none). Imported by name: tests/ is on sys.path.

It speaks what those two libraries send: the bus's AddMatch and NameHasOwner, properties (Label, Locked),
the service's OpenSession (Diffie-Hellman with AES, or plain), Unlock, the collection's SearchItems and
CreateItem, the item's GetSecret. Secrets travel encrypted in a DH session, as from the real service."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from jeepney import HeaderFields, Message, new_error, new_method_return
from secretstorage.dhcrypto import Session

DEFAULT_ALIAS = "/org/freedesktop/secrets/aliases/default"
COLLECTION = "/org/freedesktop/secrets/collection/login"
DH = "dh-ietf1024-sha256-aes128-cbc-pkcs7"
UNKNOWN_OBJECT = "org.freedesktop.DBus.Error.UnknownObject"


@dataclass
class FakeItem:
    attributes: dict[str, str]
    secret: bytes
    locked: bool = False


@dataclass
class FakeSecretService:
    """The service's state; ``connect`` is what ``open_dbus_connection`` would return."""

    items: dict[str, FakeItem] = field(default_factory=dict)
    collection_locked: bool = False
    has_default_collection: bool = True
    offers_dh: bool = True
    connections: list[FakeConnection] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    _sessions: dict[str, bytes | None] = field(default_factory=dict)  # path -> AES key (None: plain)

    def connect(self) -> FakeConnection:
        connection = FakeConnection(self)
        self.connections.append(connection)
        return connection

    def answer(self, msg: Message) -> Message:
        fields = msg.header.fields
        path, member = fields[HeaderFields.path], fields[HeaderFields.member]
        self.calls.append(member)
        if member in ("AddMatch", "Hello"):
            return new_method_return(msg)
        if member == "NameHasOwner":
            return new_method_return(msg, "b", (True,))
        if member == "Get":
            return self._property(msg, path, msg.body[1])
        if member == "OpenSession":
            return self._open_session(msg)
        if member == "Unlock":
            return new_method_return(msg, "aoo", (list(msg.body[0]), "/"))
        collection = path in (DEFAULT_ALIAS, COLLECTION) and self.has_default_collection
        if member == "SearchItems" and collection:
            wanted = msg.body[0].items()
            found = [p for p, item in self.items.items() if wanted <= item.attributes.items()]
            return new_method_return(msg, "ao", (found,))
        if member == "CreateItem" and collection:
            return self._create_item(msg)
        if member == "GetSecret" and path in self.items:
            return self._get_secret(msg, self.items[path])
        return new_error(msg, UNKNOWN_OBJECT, "s", (f"no {member} at {path}",))

    def _property(self, msg: Message, path: str, name: str) -> Message:
        if path in (DEFAULT_ALIAS, COLLECTION) and self.has_default_collection:
            value: Any = {"Label": ("s", "Login"), "Locked": ("b", self.collection_locked)}[name]
        elif path in self.items:
            item = self.items[path]
            value = {
                "Label": ("s", "an item"),
                "Locked": ("b", item.locked),
                "Attributes": ("a{ss}", item.attributes),
            }[name]
        else:
            return new_error(msg, UNKNOWN_OBJECT, "s", (path,))
        return new_method_return(msg, "v", (value,))

    def _open_session(self, msg: Message) -> Message:
        algorithm, (_, argument) = msg.body
        path = f"/org/freedesktop/secrets/session/s{len(self._sessions)}"
        if algorithm == DH and self.offers_dh:
            ours = Session()
            ours.set_server_public_key(int.from_bytes(argument, "big"))
            self._sessions[path] = ours.aes_key
            return new_method_return(msg, "vo", (("ay", ours.my_public_key.to_bytes(128, "big")), path))
        if algorithm == "plain":
            self._sessions[path] = None
            return new_method_return(msg, "vo", (("s", ""), path))
        return new_error(msg, "org.freedesktop.DBus.Error.NotSupported", "s", (algorithm,))

    def _create_item(self, msg: Message) -> Message:
        properties, (session, iv, value, _content_type), replace = msg.body
        attributes = dict(properties["org.freedesktop.Secret.Item.Attributes"][1])
        key = self._sessions[session]
        secret = (
            bytes(value) if key is None else _unpad(_cipher(key, bytes(iv)).decryptor().update(bytes(value)))
        )
        path = next((p for p, item in self.items.items() if replace and item.attributes == attributes), None)
        path = path or f"{COLLECTION}/{len(self.items) + 1}"
        self.items[path] = FakeItem(attributes, secret)
        return new_method_return(msg, "oo", (path, "/"))

    def _get_secret(self, msg: Message, item: FakeItem) -> Message:
        if item.locked or self.collection_locked:
            return new_error(msg, "org.freedesktop.Secret.Error.IsLocked", "s", ("locked",))
        session = msg.body[0]
        key = self._sessions[session]
        if key is None:
            return new_method_return(msg, "(oayays)", ((session, b"", item.secret, "text/plain"),))
        iv = os.urandom(16)
        padding = 16 - len(item.secret) % 16
        encrypted = _cipher(key, iv).encryptor().update(item.secret + bytes([padding]) * padding)
        return new_method_return(msg, "(oayays)", ((session, iv, encrypted, "text/plain"),))


class FakeConnection:
    """Stands in for jeepney's blocking DBusConnection."""

    def __init__(self, service: FakeSecretService) -> None:
        self.service = service
        self.closed = False

    def send_and_get_reply(self, msg: Message, *, timeout: float | None = None) -> Message:
        assert not self.closed, "a call on a closed connection"
        return self.service.answer(msg)

    def close(self) -> None:
        self.closed = True


def _cipher(key: bytes, iv: bytes) -> Cipher[modes.CBC]:
    return Cipher(algorithms.AES(key), modes.CBC(iv))


def _unpad(padded: bytes) -> bytes:
    return padded[: -padded[-1]]
