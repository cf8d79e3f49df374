"""The package as people install it: the sdist and wheel built from this tree, the wheel installed into a
clean virtual environment (as ``pipx install`` or ``uv tool install`` do) on each supported Python the machine
has, then ``ssp-tui --version``, ``ssp-tui sandbox accounts``, the man page, and the TUI started under a
pseudo-terminal and quit with Ctrl+Q.

Slow (it builds, and installs every dependency into a new venv: from pip's cache after the first run), and
part of the default run; ``-m "not slow"`` leaves it out. A Python that is not on PATH or in pyenv is skipped
with the reason.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from pythons import SUPPORTED, find_python

from ssp_tui import __version__

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCE = (".git", ".venv*", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", ".hypothesis")
pytestmark = pytest.mark.slow
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, and the wheel built from it (so the sdist is known to be complete enough to build)."""
    out = tmp_path_factory.mktemp("dist")
    # From a copy: building writes ssp_tui.egg-info beside the sources, and under xdist two workers may build
    # at once.
    source = tmp_path_factory.mktemp("source") / "ssp-tui"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    build = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return out


def test_the_sdist_and_wheel_carry_what_packagers_and_users_need(dist: Path) -> None:
    [sdist] = dist.glob("ssp_tui-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("LICENSE", "CHANGELOG.md", "README.md", "docs/tui.md", "docs/decisions.md", "dev"):
        assert needed in names, f"{needed} is not in the sdist"
    assert any(name.startswith("tests/") for name in names)
    [wheel] = dist.glob("ssp_tui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"ssp_tui-{__version__}.dist-info/METADATA").decode()
    assert "ssp_tui/py.typed" in names and "ssp_tui/web/templates/app_index.html" in names
    assert f"ssp_tui-{__version__}.dist-info/licenses/LICENSE" in names
    assert "License-Expression: MIT" in metadata and "Classifier: Typing :: Typed" in metadata
    assert "Requires-Dist: httpx2" in metadata and "Requires-Dist: httpx " not in metadata


@pytest.mark.parametrize("version", SUPPORTED)
def test_the_wheel_installs_and_runs_in_a_clean_venv(version: str, dist: Path, tmp_path: Path) -> None:
    python = find_python(version)
    if python is None:
        pytest.skip(f"no Python {version} here (looked on PATH and in pyenv); ./dev test-pythons explains")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    [wheel] = dist.glob("ssp_tui-*.whl")
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "SSP_CONFIG": str(home / "config.toml"),
        "PYTHONPATH": "",
    }
    ssp = str(venv / "bin" / "ssp-tui")

    def run(*args: str) -> str:
        command = [ssp, *args]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, f"ssp-tui {' '.join(args)}: {done.stderr[-2000:]}"
        return done.stdout

    assert run("--version").strip() == f"ssp-tui, version {__version__}"
    accounts = run("sandbox", "accounts")
    assert "office.lakes" in accounts and "agent.chen" in accounts
    assert run("man").startswith(".TH SSP-TUI 1")
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import ssp_tui; print(ssp_tui.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert str(venv) in where.stdout, "the installed package, not this source tree"
    httpx = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import importlib.util as u; print(u.find_spec('httpx'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert httpx.stdout.strip() == "None", "httpx2 replaced httpx: nothing installs httpx any more"
    drawn = start_and_quit_the_tui(ssp, env, tmp_path)
    assert b"Secure Services Portal" in drawn


def start_and_quit_the_tui(ssp: str, env: dict[str, str], cwd: Path) -> bytes:
    """``ssp-tui --sandbox`` on a 120x40 pseudo-terminal until its sign-in screen is drawn, then Ctrl+Q."""
    import fcntl
    import struct
    import termios

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [ssp, "--sandbox"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**env, "TERM": "xterm-256color"},
        cwd=cwd,
        start_new_session=True,
    )
    os.close(terminal)
    drawn = b""
    try:
        deadline = time.monotonic() + 120
        while b"Password" not in ANSI.sub(b"", drawn) and time.monotonic() < deadline:
            if select.select([controller], [], [], 0.5)[0]:
                try:
                    drawn += os.read(controller, 65536)
                except OSError:
                    break
        assert b"Password" in ANSI.sub(b"", drawn), f"no sign-in screen: {ANSI.sub(b'', drawn)[-1500:]!r}"
        os.write(controller, b"\x11")  # Ctrl+Q
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if select.select([controller], [], [], 0.5)[0]:
                with contextlib.suppress(OSError):
                    os.read(controller, 65536)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    return ANSI.sub(b"", drawn)
