"""``ssp-tui web`` without a browser: the page, the websocket protocol a browser speaks, the guards, and the
command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import httpx2
import pytest
from click.testing import CliRunner
from sandbox_harness import SandboxServer

from ssp_tui.web.server import content_disposition, session_command


@pytest.fixture
def web_url(sandbox: SandboxServer, tmp_path: Path) -> Iterator[str]:
    config = tmp_path / "config.toml"
    process = subprocess.Popen(
        [sys.executable, "-m", "ssp_tui", "--portal", sandbox.base_url, "web", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SSP_CONFIG": str(config)},
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("ssp-tui web: http://127.0.0.1:"), first
        yield first.split(": ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=15)


async def test_the_page_loads_nothing_from_elsewhere_and_a_tab_gets_its_own_app(web_url: str) -> None:
    page = httpx2.get(web_url + "/", timeout=30)
    assert page.status_code == 200
    html = page.text
    port = web_url.rsplit(":", 1)[1]
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in html
    assert "googleapis" not in html and "https://" not in html.split("<body", 1)[0], "no third-party request"
    # The address the browser used is the one the page's websocket uses (a name, not only 127.0.0.1).
    by_name = httpx2.get(web_url.replace("127.0.0.1", "localhost") + "/", timeout=30).text
    assert f"ws://localhost:{port}/ws" in by_name

    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(web_url + "/ws", headers={"Origin": "https://evil.example"})
        assert refused.value.status == 403, "another site's page cannot drive an app here"

        socket = await http.ws_connect(f"{web_url}/ws?width=120&height=40", headers={"Origin": web_url})
        await socket.send_str(json.dumps(["focus"]))
        drawn = ""
        async for message in socket:
            if message.type is aiohttp.WSMsgType.BINARY:
                drawn += message.data.decode("utf-8", "replace")
            if "Secure Services Portal" in drawn and "Password" in drawn:
                break
        await socket.close()
    assert "Password" in drawn, "the app's sign-in screen, drawn for this tab"


def test_download_names_survive_the_header_and_session_commands_are_quoted() -> None:
    header = content_disposition('COI Dr. Zoë "Z" O\'Neil; x.pdf', inline=False)
    assert header == (
        'attachment; filename="COI Dr. Zo_ _Z_ O_Neil_ x.pdf"; '
        "filename*=UTF-8''COI%20Dr.%20Zo%C3%AB%20%22Z%22%20O%27Neil%3B%20x.pdf"
    )
    command = session_command("http://127.0.0.1:9/x y", is_sandbox=True, profile="work; rm -rf /")
    assert command.endswith("--portal 'http://127.0.0.1:9/x y' --sandbox --profile 'work; rm -rf /'")


def test_a_host_beyond_loopback_is_served_only_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssp_tui.cli.root import cli
    from ssp_tui.web.server import SspWebServer

    served: list[tuple[str, int]] = []
    monkeypatch.setattr(SspWebServer, "serve", lambda self: served.append((self.host, self.port)))
    runner = CliRunner()
    quiet = runner.invoke(cli, ["--portal", "http://127.0.0.1:9", "web"])
    assert quiet.exit_code == 0 and "Warning" not in quiet.stderr and served[-1] == ("127.0.0.1", 8000)
    arguments = ["--portal", "http://127.0.0.1:9", "web", "--host", "0.0.0.0", "--port", "0"]
    exposed = runner.invoke(cli, arguments)
    assert exposed.exit_code == 0 and served[-1] == ("0.0.0.0", 0)
    assert "Warning: serving on 0.0.0.0" in exposed.stderr and "HTTPS reverse proxy" in exposed.stderr
