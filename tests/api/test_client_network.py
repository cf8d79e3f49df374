"""Corporate networks: proxies from the environment, SSL_CERT_FILE, the OS trust store, and plain errors.

A proxy runs on 127.0.0.1 in the test; only it knows where ``portal.test`` is, so a request that reaches the
portal by that name went through the proxy.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import truststore
from network_helpers import LocalProxy, TlsSandbox, address_of, sign_in
from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import ConnectionFailed
from ssp_tui.api.models import Role
from ssp_tui.api.network import tls_verification
from ssp_tui.api.transport import RetryPolicy

PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR"]


@pytest.fixture(autouse=True)
def clean_network_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Whatever this machine has set, each test starts with no proxy and no CA override."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    yield


async def test_http_proxy_from_the_environment_carries_every_request(
    private_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = private_sandbox.account(Role.POLICYHOLDER)
    async with LocalProxy({("portal.test", 80): address_of(private_sandbox.base_url)}) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        async with PortalClient("http://portal.test") as client:
            await sign_in(client, account)
            me = await client.me()
    assert me.username == account.username
    assert proxy.seen == [
        "POST http://portal.test/api/v1/auth/login",
        "POST http://portal.test/api/v1/auth/mfa/verify",
        "GET http://portal.test/api/v1/me",
    ]


async def test_no_proxy_and_the_loopback_sandbox_go_direct(
    private_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _host, port = address_of(private_sandbox.base_url)
    # 127.0.0.2 is not where the sandbox listens: only the proxy's route gets there.
    routes = {("127.0.0.2", port): ("127.0.0.1", port)}
    async with LocalProxy(routes) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        async with PortalClient(f"http://127.0.0.2:{port}") as client:
            assert (await client.documents.frequent_forms()).url
        assert proxy.seen == [f"GET http://127.0.0.2:{port}/api/v1/forms/frequent"]

        proxy.seen.clear()
        monkeypatch.setenv("NO_PROXY", "127.0.0.2")
        async with PortalClient(f"http://127.0.0.2:{port}", retry=RetryPolicy(max_retries=0)) as client:
            with pytest.raises(ConnectionFailed, match="Cannot connect"):
                await client.documents.frequent_forms()
        monkeypatch.delenv("NO_PROXY")
        # The embedded sandbox's address never goes to a proxy, which could not reach this machine's loopback.
        async with PortalClient(private_sandbox.base_url) as client:
            assert (await client.documents.frequent_forms()).url
        assert proxy.seen == []


@pytest.fixture
def tls_sandbox(fresh_db: Path, tmp_path: Path) -> Iterator[TlsSandbox]:
    with TlsSandbox(fresh_db, tmp_path) as server:
        yield server


async def test_https_proxy_and_ssl_cert_file_reach_a_portal_behind_a_tls_gateway(
    tls_sandbox: TlsSandbox, private_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = private_sandbox.account(Role.AGENT)  # the same seeded accounts as the TLS sandbox's copy
    async with LocalProxy({("portal.test", 443): ("127.0.0.1", tls_sandbox.port)}) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        async with PortalClient("https://portal.test") as client:
            with pytest.raises(ConnectionFailed) as untrusted:
                await client.documents.frequent_forms()
        message = untrusted.value.user_message
        assert "certificate is not trusted" in message and "SSL_CERT_FILE" in message, message
        assert "os_trust_store" in message and "Traceback" not in message

        monkeypatch.setenv("SSL_CERT_FILE", str(tls_sandbox.ca_file))
        async with PortalClient("https://portal.test") as client:
            await sign_in(client, account)
            assert (await client.me()).username == account.username
    assert proxy.seen[0] == "CONNECT portal.test:443"
    assert set(proxy.seen) == {"CONNECT portal.test:443"}, "every request went through the tunnel"


async def test_the_os_trust_store_setting_verifies_with_truststore(
    tls_sandbox: TlsSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tls_verification(False) is True  # httpx2's own rule: SSL_CERT_FILE, else its default store
    context = tls_verification(True)
    assert isinstance(context, truststore.SSLContext) and context.verify_mode is ssl.CERT_REQUIRED

    async with LocalProxy({("portal.test", 443): ("127.0.0.1", tls_sandbox.port)}) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        async with PortalClient("https://portal.test", os_trust_store=True) as client:
            with pytest.raises(ConnectionFailed, match="certificate is not trusted"):
                await client.documents.frequent_forms()
        # On Linux the OS store is OpenSSL's system bundle, which an administrator points elsewhere with
        # SSL_CERT_FILE; on Windows and macOS it is the system's own store (the gateway's CA installed by IT).
        monkeypatch.setenv("SSL_CERT_FILE", str(tls_sandbox.ca_file))
        async with PortalClient("https://portal.test", os_trust_store=True) as client:
            assert (await client.documents.frequent_forms()).url
