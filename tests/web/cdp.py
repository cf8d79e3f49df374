"""A small client for the Chrome DevTools Protocol over aiohttp's websocket, and a headless Debian chromium.

Only what the browser test needs: commands (``await cdp.send(method, params, session)``), events collected
per method, a page session, keys and text typed into the focused element, downloads saved to a folder, and
the bytes the page's websockets received (the terminal's output, for waiting until a screen is drawn).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import os
import re
import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def find_chromium() -> str | None:
    explicit = os.environ.get("SSP_TEST_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


class DevTools:
    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self._socket = socket
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self._socket:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            if "id" in data:
                future = self._waiting.pop(data["id"], None)
                if future is not None and not future.done():
                    future.set_result(data)
            else:
                params = data.get("params", {})
                params["_session"] = data.get("sessionId")  # which page it came from (None: the browser)
                self.events[data["method"]].append(params)
                self._changed.set()

    async def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> Any:
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[number] = future
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        await self._socket.send_json(message)
        answer = await asyncio.wait_for(future, 30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    async def wait_for_event(self, method: str, predicate: Any = None, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for params in self.events.get(method, []):
                if predicate is None or predicate(params):
                    return params
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} event")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def websocket_text(self, session: str) -> str:
        """Everything the page's websockets received as binary frames, decoded, without escape sequences."""
        chunks = []
        for params in self.events.get("Network.webSocketFrameReceived", []):
            if params["_session"] != session:
                continue
            frame = params["response"]
            if frame.get("opcode") == 2:
                chunks.append(base64.b64decode(frame["payloadData"]).decode("utf-8", "replace"))
        return _ANSI.sub("", "".join(chunks))

    async def close(self) -> None:
        self._reader.cancel()
        await self._socket.close()


@contextlib.asynccontextmanager
async def headless_chromium(binary: str, profile_dir: Path) -> AsyncIterator[DevTools]:
    """Chromium with its DevTools on a free port (it writes it to DevToolsActivePort), connected at the
    browser's level."""
    process = subprocess.Popen(
        [
            binary,
            "--headless=new",
            "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile_dir}",
            "--window-size=1400,1000",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile_dir / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start (exit code {process.poll()})")
            await asyncio.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        async with aiohttp.ClientSession() as http:
            socket = await http.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0)
            devtools = DevTools(socket)
            try:
                yield devtools
            finally:
                await devtools.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


KEYS = {
    "enter": ("Enter", "Enter", 13, "\r"),
    "tab": ("Tab", "Tab", 9, "\t"),
    "escape": ("Escape", "Escape", 27, ""),
    "space": (" ", "Space", 32, " "),
}


async def press(devtools: DevTools, session: str, key: str) -> None:
    """A key as a keyboard sends it (keyDown with its text, then keyUp)."""
    name, code, key_code, text = KEYS.get(key) or _printable(key)
    down = {"type": "keyDown", "key": name, "code": code, "windowsVirtualKeyCode": key_code, "text": text}
    await devtools.send("Input.dispatchKeyEvent", down, session)
    up = {"type": "keyUp", "key": name, "code": code, "windowsVirtualKeyCode": key_code}
    await devtools.send("Input.dispatchKeyEvent", up, session)


def _printable(character: str) -> tuple[str, str, int, str]:
    if character.isdigit():
        return character, f"Digit{character}", ord(character), character
    if character.isascii() and character.isalpha():
        return character, f"Key{character.upper()}", ord(character.upper()), character
    return character, "", 0, character


async def type_text(devtools: DevTools, session: str, text: str) -> None:
    for character in text:
        await press(devtools, session, character)
