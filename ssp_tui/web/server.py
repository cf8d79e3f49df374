"""``ssp-tui web``: the same app in a browser tab, served by textual-serve.

Each browser tab that connects gets its own app process (``ssp_tui/web/session.py``) and so its own sign-in.
The server chooses the portal once: a configured portal, or the embedded sandbox, which it starts and shares
between the sessions. textual-serve's ``Server`` is used as it is, except:

- the page's addresses come from the request (or ``--public-url``), so ``--port 0`` and a host reached by
  another name both work; the page loads nothing from third parties (textual-serve's links Google Fonts);
- a websocket from another site's page is refused (a page elsewhere must not drive an app here);
- downloads carry a correct Content-Disposition for any file name, and are never cached or sniffed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote, urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp.web_runner import GracefulExit
from textual_serve.server import Server, to_int

if TYPE_CHECKING:
    from ssp_tui.portal.target import PortalTarget

DEFAULT_PORT = 8000
LOOPBACK = "127.0.0.1"
TEMPLATES = Path(__file__).parent / "templates"
_UNSAFE_IN_QUOTES = re.compile(r"[^A-Za-z0-9 ._()-]")


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")


def session_command(portal_url: str, *, is_sandbox: bool, profile: str | None) -> str:
    """The shell command textual-serve runs for each browser session (it starts it through the shell)."""
    argv = [sys.executable, "-m", "ssp_tui.web.session", "--portal", portal_url]
    if is_sandbox:
        argv.append("--sandbox")
    if profile:
        argv += ["--profile", profile]
    return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


def content_disposition(file_name: str, *, inline: bool) -> str:
    """RFC 6266: a plain quoted name for old clients and the exact UTF-8 name for the rest."""
    plain = _UNSAFE_IN_QUOTES.sub("_", file_name) or "download"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name, safe='')}"


class SspWebServer(Server):
    def __init__(
        self,
        target: PortalTarget,
        *,
        profile: str | None,
        host: str = LOOPBACK,
        port: int = DEFAULT_PORT,
        public_url: str | None = None,
        out: TextIO | None = None,
    ) -> None:
        import textual_serve

        super().__init__(
            command="",  # set once the portal is known (on_startup)
            host=host,
            port=port,
            title="ssp-tui",
            public_url=public_url,
            statics_path=Path(textual_serve.__file__).parent / "static",
            templates_path=TEMPLATES,
        )
        self.target = target
        self.profile = profile
        self.given_public_url = public_url.rstrip("/") if public_url else None
        self.out = out or sys.stdout

    # -- start and stop --

    def serve(self, debug: bool = False) -> None:
        """Listen (port 0: any free port), print the address, and serve until Ctrl+C or SIGTERM."""
        self.debug = debug
        self.initialize_logging()
        listener = socket.create_server((self.host, self.port), family=_family(self.host), reuse_port=False)
        self.port = listener.getsockname()[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.public_url = self.given_public_url or f"http://{host}:{self.port}"
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still raises KeyboardInterrupt
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        with contextlib.suppress(KeyboardInterrupt, GracefulExit):
            web.run_app(self._make_app(), sock=listener, handle_signals=False, loop=loop, print=None)

    async def on_startup(self, app: web.Application) -> None:
        portal_url = await self.target.start()
        self.command = session_command(portal_url, is_sandbox=self.target.is_sandbox, profile=self.profile)
        print(f"ssp-tui web: {self.public_url}", file=self.out, flush=True)
        print(f"Portal: {self.target.describe()}. Press Ctrl+C to stop.", file=self.out, flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        await self.target.stop()

    # -- the page, the websocket and downloads --

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        base = self.given_public_url or f"{request.scheme}://{request.host}"
        websocket = ("wss:" if base.startswith("https:") else "ws:") + base.split(":", 1)[1] + "/ws"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket,
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = request.headers.get("Origin")
        if origin is not None and not self._same_site(origin, request):
            raise web.HTTPForbidden(text="This app only answers its own page.")
        return await super().handle_websocket(request)

    def _same_site(self, origin: str, request: web.Request) -> bool:
        allowed = {request.host.lower()}
        if self.given_public_url:
            allowed.add(urlsplit(self.given_public_url).netloc.lower())
        return urlsplit(origin).netloc.lower() in allowed

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="This download is over or was never offered.") from None
        response = web.StreamResponse()
        charset = f"; charset={meta.encoding}" if meta.encoding else ""
        response.headers["Content-Type"] = meta.mime_type + charset
        response.headers["Content-Disposition"] = content_disposition(
            meta.file_name, inline=meta.open_method == "browser"
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
