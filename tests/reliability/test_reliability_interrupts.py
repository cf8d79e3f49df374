"""Ctrl+C and SIGTERM in the middle of a download, sent to the real console script: it stops, writes the
manifest of what was saved, leaves no ``.part`` or ``.part.etag`` in the cache (nor any partial file at all),
exits 130 (SIGINT) or 143 (SIGTERM), and the next run of the same command finishes from the cache."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keyring.backends.fail
import msgspec
import pytest
from fault_proxy import Drip, FaultProxy, Rule
from reliability_helpers import assert_no_partial_files
from sandbox_harness import SandboxServer

from ssp_tui.api.client import normalize_base_url
from ssp_tui.api.models import Document, PolicySummary, Role
from ssp_tui.cli.exit_codes import ExitCode
from ssp_tui.cli.session_store import SessionStore, session_key
from ssp_tui.settings.secrets import SecretStore

SLOW = Drip(chunk_size=64, interval_s=1.0)
"""A document that takes minutes to arrive (64 bytes a second): the signal lands while it streams, however
busy the machine (512 bytes every half second once let a 2 KB document finish first under load)."""


def child_env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SSP_")}
    env.update(
        {
            "SSP_CONFIG": str(home / "config.toml"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "SSP_SECRETS_FILE": "1",
            "SSP_SESSION_AGENT": "0",
            "XDG_RUNTIME_DIR": str(home / "run"),
            "SSP_CLOCK_SHIFT": os.environ.get("SSP_CLOCK_SHIFT", ""),
        }
    )
    return env


def keep_session(home: Path, portal: str, server: SandboxServer) -> None:
    """The kept session a login would leave, in the consented secrets file the child process reads."""
    account = server.account(Role.POLICYHOLDER)
    store = SecretStore(
        backend=keyring.backends.fail.Keyring(),
        allow_file_fallback=True,
        fallback_dir=home / "data" / "ssp-tui" / "secrets",
    )
    SessionStore(store, session_key(normalize_base_url(portal))).keep(server.fresh_session(account.username))


def cli(home: Path, portal: str, *args: str) -> subprocess.Popen[str]:
    (home / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "ssp_tui", "--portal", portal, *args],
        env=child_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def documents(home: Path, portal: str) -> tuple[str, list[Document]]:
    listed = cli(home, portal, "policies", "list", "--json")
    out, err = listed.communicate(timeout=120)
    assert listed.returncode == 0, err
    policy = msgspec.json.decode(out, type=list[PolicySummary])[0]
    docs = cli(home, portal, "docs", "list", policy.id, "--json")
    out, err = docs.communicate(timeout=120)
    assert docs.returncode == 0, err
    found = msgspec.json.decode(out, type=list[Document])
    assert len(found) >= 3
    return policy.id, found


def wait_until(condition: object, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the download to be under way")


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGINT, ExitCode.INTERRUPTED), (signal.SIGTERM, ExitCode.TERMINATED)],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_signal_mid_download_keeps_the_saved_files_and_the_next_run_resumes(
    private_sandbox: SandboxServer, tmp_path: Path, signum: int, code: ExitCode
) -> None:
    proxy = FaultProxy(private_sandbox.base_url)
    proxy.start()
    try:
        home, target = tmp_path / "home", tmp_path / "docs"
        keep_session(home, proxy.base_url, private_sandbox)
        policy, docs = documents(home, proxy.base_url)
        # Every document but the first streams slowly; all are fetched at once, so the first is saved while
        # the others stream, whatever order the engine starts them in.
        fast, slow_ones = docs[0], docs[1:]
        for slow in slow_ones:
            proxy.add(Rule("GET", rf"/api/v1/documents/{slow.id}/content", SLOW, times=99))
        workers = str(len(docs))
        args = ("docs", "download", policy, "--dir", str(target), "--concurrency", workers, "--json")
        running = cli(home, proxy.base_url, *args)
        streaming = rf"/api/v1/documents/({'|'.join(s.id for s in slow_ones)})/content"
        wait_until(lambda: any(target.rglob("*.pdf")) and proxy.requests_to("GET", streaming))
        time.sleep(0.5)
        running.send_signal(signum)
        out, err = running.communicate(timeout=60)

        assert running.returncode == code, err
        assert "Traceback" not in err and "Run the same command again" in err
        report = json.loads(out)
        assert report["complete"] is False and report["files"]
        manifest = json.loads((target / "manifest.json").read_text())
        assert manifest["complete"] is False
        saved = {entry["key"] for entry in manifest["files"]}
        assert saved == {fast.id}
        assert {entry["key"] for entry in manifest["missing"]} == {s.id for s in slow_ones}
        assert_no_partial_files(tmp_path)  # no .part, .part.etag or .tmp: not in the cache, not in the target
        assert not list((home / "cache").rglob("incoming/*/*"))

        proxy.reset()  # the network is well again
        again = cli(home, proxy.base_url, *args)
        out, err = again.communicate(timeout=120)
        assert again.returncode == ExitCode.OK, err
        rerun = json.loads(out)
        assert rerun["complete"] is True
        assert rerun["fetched"] == len(docs) - len(saved)  # what was saved came from the cache
        assert {f["key"] for f in rerun["files"]} == {d.id for d in docs}
    finally:
        proxy.stop()
