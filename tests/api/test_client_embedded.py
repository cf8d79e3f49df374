"""The embedded sandbox child process: started, reached over loopback, stopped; failures explained."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Role
from ssp_tui.portal.embedded import EmbeddedSandbox, SandboxFailed


def python_child(code: str) -> list[str]:
    return [sys.executable, "-c", code]


async def test_start_reads_the_first_line_and_stop_ends_the_child() -> None:
    child = EmbeddedSandbox(
        command=python_child("import time; print('http://127.0.0.1:4999'); time.sleep(60)")
    )
    assert await child.start() == "http://127.0.0.1:4999"
    assert child.running and await child.start() == "http://127.0.0.1:4999"  # started once
    await child.stop()
    assert not child.running and child.base_url is None
    await child.stop()  # twice is fine


async def test_a_child_that_dies_is_a_clean_error_with_its_last_words() -> None:
    child = EmbeddedSandbox(
        command=python_child("import sys; sys.stderr.write('database is locked'); sys.exit(3)")
    )
    with pytest.raises(SandboxFailed) as caught:
        await child.start()
    assert "code 3" in caught.value.user_message and "database is locked" in caught.value.user_message
    assert not child.running


async def test_a_child_that_never_prints_times_out_and_is_stopped() -> None:
    child = EmbeddedSandbox(command=python_child("import time; time.sleep(60)"), start_timeout_s=0.5)
    with pytest.raises(SandboxFailed, match="did not start within"):
        await child.start()
    assert not child.running


async def test_a_child_that_prints_something_else_is_refused() -> None:
    child = EmbeddedSandbox(command=python_child("import time; print('Welcome!'); time.sleep(60)"))
    with pytest.raises(SandboxFailed, match="instead of its address"):
        await child.start()
    assert not child.running


async def test_the_real_sandbox_as_a_child_process(sandbox_template_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    shutil.copyfile(sandbox_template_db, db)
    async with EmbeddedSandbox(db_path=db) as child:
        assert child.base_url is not None and child.base_url.startswith("http://127.0.0.1:")
        async with PortalClient(child.base_url) as client:
            forms = await client.documents.frequent_forms()
            assert forms.url.startswith("http")
        accounts = await child.demo_accounts()
        assert accounts[0].role is Role.POLICYHOLDER
        assert accounts[0].password not in repr(accounts[0])
        assert isinstance(await child.outbox(), list)
    assert not child.running


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    with contextlib.suppress(OSError):
        return "\nState:\tZ" not in status.read_text()  # a zombie has ended; only its parent's wait is due
    return True


def test_the_child_stops_when_the_app_that_started_it_is_killed(
    sandbox_template_db: Path, tmp_path: Path
) -> None:
    # An app killed with SIGKILL runs no cleanup: the child must notice by itself (its stdin closes).
    db = tmp_path / "sandbox.sqlite3"
    shutil.copyfile(sandbox_template_db, db)
    app_code = (
        "import asyncio\n"
        "from pathlib import Path\n"
        "from ssp_tui.portal.embedded import EmbeddedSandbox\n"
        "async def main():\n"
        f"    child = EmbeddedSandbox(Path({str(db)!r}))\n"
        "    await child.start()\n"
        "    print(child.pid, flush=True)\n"
        "    await asyncio.sleep(120)\n"
        "asyncio.run(main())\n"
    )
    app = subprocess.Popen([sys.executable, "-c", app_code], stdout=subprocess.PIPE, text=True)
    child_pid = 0
    try:
        assert app.stdout is not None
        child_pid = int(app.stdout.readline())
        assert _alive(child_pid)
        app.kill()
        app.wait()
        deadline = time.monotonic() + 30
        while _alive(child_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child_pid), "the sandbox child outlived the app that started it"
    finally:
        app.kill()
        if child_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child_pid, signal.SIGTERM)
