"""Reaching a portal from a corporate network: proxies, the CAs to trust, and what to say when TLS fails.

- Proxies come from the environment, as curl and pip take them: ``HTTPS_PROXY`` / ``HTTP_PROXY`` /
  ``ALL_PROXY`` (upper or lower case) and ``NO_PROXY``. A loopback portal (the embedded sandbox) is always
  reached directly: no proxy can reach this machine's 127.0.0.1.
- CAs: by default httpx2's rule: ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set, else the operating system's
  store on Windows and macOS and OpenSSL's CA bundle elsewhere. ``os_trust_store=True`` always verifies with
  the operating system's store through truststore (Windows certificate store, macOS keychain, the system
  bundle on Linux), where a TLS-inspecting gateway's root CA is installed by IT.
"""

from __future__ import annotations

import ssl

LOOPBACK_DIRECT: dict[str, None] = {"all://127.0.0.1": None, "all://localhost": None, "all://[::1]": None}
"""httpx2 mounts: requests to these hosts skip any proxy from the environment (None: the plain transport)."""

TLS_HINT = (
    "Behind a TLS-inspecting proxy, set SSL_CERT_FILE to your organisation's CA bundle, or set "
    "os_trust_store = true in the profile (Settings: use the operating system's trust store)."
)
PROXY_HINT = "Check HTTPS_PROXY, HTTP_PROXY and NO_PROXY."


def tls_verification(os_trust_store: bool) -> ssl.SSLContext | bool:
    """What httpx2's ``verify=`` gets: its own rule (True), or an SSL context over the OS trust store."""
    if not os_trust_store:
        return True
    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def certificate_failure(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate error underneath an httpx2 exception, if that is why it failed."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
