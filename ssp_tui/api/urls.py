"""Portal URLs, without importing httpx2: config.py needs this before the TUI's first screen is up."""

from __future__ import annotations

from urllib.parse import urlsplit

from ssp_tui.api.constants import API_PREFIX
from ssp_tui.errors import ConfigError


def normalize_base_url(url: str) -> str:
    """``https://host[:port][/path]`` without a trailing slash or ``/api/v1``; anything else: ConfigError."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{text!r} is not a portal URL (expected http:// or https:// and a host name)")
    if parts.query or parts.fragment:
        raise ConfigError(f"{text!r} is not a portal URL (it has a query or fragment)")
    path = parts.path.rstrip("/")
    if path.endswith(API_PREFIX):
        path = path[: -len(API_PREFIX)]
    return f"{parts.scheme}://{parts.netloc}{path}"
