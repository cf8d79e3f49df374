"""A corporate network in miniature: an HTTP proxy on 127.0.0.1 that alone knows where ``portal.test`` is,
and the sandbox served over TLS with a certificate from a private CA (trustme), as behind a TLS-inspecting
gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path

import httpx2
import pyotp
import trustme
import uvicorn

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import LoginState, MfaFactor
from ssp_tui.sandbox.app import create_app
from ssp_tui.sandbox.db import DemoAccount
from ssp_tui.sandbox.server import bind_loopback

Address = tuple[str, int]


class LocalProxy:
    """A forward proxy: absolute-form requests for http:// and CONNECT tunnels for https://, one request per
    connection. ``routes`` maps the host:port a client asks for to where it really is; ``seen`` records what
    came through, as ``"GET http://portal.test/api/v1/me"`` or ``"CONNECT portal.test:443"``."""

    def __init__(self, routes: dict[Address, Address]) -> None:
        self.routes = routes
        self.seen: list[str] = []
        self._server: asyncio.Server | None = None
        self.url = ""

    async def __aenter__(self) -> LocalProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        with contextlib.suppress(Exception):
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, _, headers = head.partition(b"\r\n")
            method, target, version = request_line.decode("latin-1").split(" ", 2)
            self.seen.append(f"{method} {target}")
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                forward = b""
            else:
                url = httpx2.URL(target)
                host, port = url.host, str(url.port or 80)
                path = url.raw_path.decode("ascii")
                kept = [h for h in headers.split(b"\r\n") if h and not h.lower().startswith(b"connection:")]
                forward = f"{method} {path} {version}\r\n".encode() + b"\r\n".join(kept)
                forward += b"\r\nConnection: close\r\n\r\n"  # one request per connection keeps this small
            where = self.routes.get((host, int(port)))
            if where is None:
                writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            up_reader, up_writer = await asyncio.open_connection(*where)
            if method == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                up_writer.write(forward)
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            sink.close()


class TlsSandbox:
    """The sandbox over HTTPS on 127.0.0.1, its certificate (for ``portal.test``) from a private CA whose
    certificate is at ``ca_file``: what a TLS-inspecting gateway looks like to a client."""

    def __init__(self, db_path: Path, folder: Path) -> None:
        authority = trustme.CA(organization_name="Agency gateway CA")
        self.ca_file = folder / "agency-ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_file))
        chain = folder / "portal.pem"
        authority.issue_cert("portal.test").private_key_and_cert_chain_pem.write_to_path(str(chain))
        config = uvicorn.Config(
            create_app(db_path), log_level="warning", lifespan="off", ssl_certfile=chain, ssl_keyfile=chain
        )
        self._server = uvicorn.Server(config)
        self._socket = bind_loopback(0)
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> TlsSandbox:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the TLS sandbox did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


async def sign_in(client: PortalClient, account: DemoAccount) -> None:
    """Password, then the account's current TOTP code: every request of a real sign-in, through the network
    under test."""
    login = await client.auth.login(account.username, account.password)
    assert login.state is LoginState.MFA_REQUIRED and login.mfa_token and account.totp_secret, login
    code = pyotp.TOTP(account.totp_secret).at(clock.now())
    await client.auth.verify(login.mfa_token, MfaFactor.TOTP, code, remember_device=False)


def address_of(base_url: str) -> Address:
    url = httpx2.URL(base_url)
    assert url.host and url.port
    return url.host, url.port
