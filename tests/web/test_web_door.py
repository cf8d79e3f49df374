"""``ssp-tui web`` in a real headless browser (Debian's chromium, driven over the DevTools protocol): sign in
on the sandbox, open Credentialing, download certificates, and check the file the browser received; a link
opens in a tab of the browser. Nothing is written to the server's download folder.
"""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pyotp
import pytest
from cdp import DevTools, find_chromium, headless_chromium, press, type_text
from sandbox_harness import SandboxServer

from ssp_tui import clock
from ssp_tui.operations.pdf_text import first_page_text

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="needs a headless chromium: `apt-get install chromium` on Debian (./dev does it when run as "
        "root), or SSP_TEST_CHROMIUM=/path/to/chrome",
    ),
]
SCREEN_TIMEOUT_S = 90.0


@pytest.fixture
def web_server(private_sandbox: SandboxServer, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``ssp-tui --portal SANDBOX web --port 0`` as a user starts it: (its URL, the server's download
    folder)."""
    server_downloads = tmp_path / "server-downloads"
    config = tmp_path / "config.toml"
    config.write_text(f'[profiles.default]\ndownload_dir = "{server_downloads}"\n')
    process = subprocess.Popen(
        [sys.executable, "-m", "ssp_tui", "--portal", private_sandbox.base_url, "web", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SSP_CONFIG": str(config)},
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("ssp-tui web: http://127.0.0.1:"), first
        yield first.split(": ", 1)[1].strip(), server_downloads
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Page:
    """The tab the test drives: its DevTools session, and where a screenshot goes when a wait fails."""

    def __init__(self, devtools: DevTools, target_id: str, session: str, evidence: Path) -> None:
        self.devtools = devtools
        self.target_id = target_id
        self.session = session
        self.evidence = evidence
        self.mark = 0
        """How much of the terminal's output the last wait had seen: the next wait looks after it."""

    async def wait_for(self, *texts: str) -> None:
        """Wait until the terminal has drawn every one of ``texts`` since the last wait."""
        deadline = time.monotonic() + SCREEN_TIMEOUT_S
        while True:
            drawn = self.devtools.websocket_text(self.session)
            if all(text in drawn[self.mark :] for text in texts):
                self.mark = len(drawn)
                return
            if time.monotonic() > deadline:
                shot = await self.devtools.send("Page.captureScreenshot", {"format": "png"}, self.session)
                self.evidence.write_bytes(base64.b64decode(shot["data"]))
                words = " ".join(drawn[self.mark :].split())[-2000:]
                raise AssertionError(f"the browser never showed {texts!r} (see {self.evidence}): {words!r}")
            await asyncio.sleep(0.2)

    async def press(self, *keys: str) -> None:
        for key in keys:
            await press(self.devtools, self.session, key)

    async def type(self, text: str) -> None:
        await type_text(self.devtools, self.session, text)


async def open_tab(devtools: DevTools, url: str, evidence: Path) -> Page:
    target = await devtools.send("Target.createTarget", {"url": "about:blank"})
    attach = {"targetId": target["targetId"], "flatten": True}
    session = (await devtools.send("Target.attachToTarget", attach))["sessionId"]
    await devtools.send("Network.enable", {}, session)
    await devtools.send("Page.enable", {}, session)
    await devtools.send("Page.navigate", {"url": url}, session)
    return Page(devtools, target["targetId"], session, evidence)


async def test_a_browser_signs_in_opens_credentialing_and_receives_the_certificates(
    web_server: tuple[str, Path], private_sandbox: SandboxServer, tmp_path: Path
) -> None:
    assert CHROMIUM is not None
    url, server_downloads = web_server
    account = private_sandbox.by_username("office.lakes")  # a policyholder of a group policy
    assert account.totp_secret
    with private_sandbox.client() as portal:
        forms_url = portal.get("/forms/frequent").json()["url"]
    received = tmp_path / "browser-downloads"
    received.mkdir()
    async with headless_chromium(CHROMIUM, tmp_path / "chromium-profile") as devtools:
        await devtools.send(
            "Browser.setDownloadBehavior",
            {"behavior": "allowAndName", "downloadPath": str(received), "eventsEnabled": True},
        )
        await devtools.send("Target.setDiscoverTargets", {"discover": True})
        tab = await open_tab(devtools, url, tmp_path / "screen-at-failure.png")
        page, target = tab.session, tab.target_id
        await tab.wait_for("Secure Services Portal", "Password")
        # The user clicks into the page: the terminal gets the keyboard (the app then focuses Username).
        focus = "document.querySelector('.xterm-helper-textarea').focus()"
        await devtools.send("Runtime.evaluate", {"expression": focus}, page)
        await tab.type(account.username)
        await tab.wait_for(account.username)
        await tab.press("tab")
        await tab.type(account.password)
        await tab.press("enter")
        await tab.wait_for("Verify it's you")
        await tab.type(pyotp.TOTP(account.totp_secret).at(clock.now()))
        await tab.press("enter")
        await tab.wait_for("Credentialing")  # Home, with the section nav

        await tab.press("4")
        await tab.wait_for("Lucas Nguyen")  # the certificates, by insured
        await tab.press("a", "d")  # tick every certificate, download
        await tab.wait_for("Your browser saves it")
        await tab.press("tab", "enter")  # from the mode choice to the file name, and go

        begun = await devtools.wait_for_event("Browser.downloadWillBegin")
        done = await devtools.wait_for_event(
            "Browser.downloadProgress",
            lambda event: event["guid"] == begun["guid"] and event["state"] in ("completed", "canceled"),
            timeout=SCREEN_TIMEOUT_S,
        )
        assert done["state"] == "completed"
        await tab.wait_for("to your browser")

        # A link opens in a tab of the user's browser (Policy Services, f: Frequently Downloaded Forms).
        await tab.press("3")
        await tab.wait_for("Policy Services")
        await tab.press("f")
        opened = await devtools.wait_for_event(
            "Target.targetInfoChanged",
            lambda event: event["targetInfo"]["type"] == "page" and event["targetInfo"]["url"] == forms_url,
        )
        assert opened["targetInfo"]["targetId"] != target, "a new tab; the app's tab stays"

        # Another tab is another app: its own sign-in screen, while the first tab stays signed in.
        other = await open_tab(devtools, url, tmp_path / "second-tab-at-failure.png")
        await other.wait_for("Secure Services Portal", "Password")
        await tab.press("1")
        await tab.wait_for(account.display_name)  # Home: the first tab is still signed in

    name = begun["suggestedFilename"]
    assert name == "certificates-current-2026-11-28.pdf", name  # the dialog's default name
    pdf_path = received / begun["guid"]
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert len(titles) >= 3 and all(title.startswith(("COI ", "Claims history")) for title in titles), titles
    assert "Lucas Nguyen" in " ".join(titles)
    assert "CERTIFICATE" in first_page_text(pdf_path).upper()
    assert not server_downloads.exists(), "nothing reached the server's download folder"
