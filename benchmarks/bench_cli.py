"""CLI latency: a command's whole process, from spawn to exit, against its baselines in the same run.

Run: .venv/bin/python -m benchmarks.bench_cli [--runs 9] [--keyring] [--portal-only]

Each round runs every case once (interleaved), as a fresh process with stdout to /dev/null:
  portal        ``ssp-tui --portal URL policies list`` against a running ``sandbox serve``
  httpx         a minimal Python httpx script (httpx2, the client's library) making the same request
                (GET /policies?status=active&limit=100 with the same bearer token), the same interpreter
                started the same way
  embedded      ``ssp-tui policies list`` on the embedded sandbox, after a first command started the shared
                background sandbox (the second and later commands are what is timed)
  child         the same with ``SSP_SHARED_SANDBOX=0``: a sandbox child started and stopped by each command,
                as every command did before the shared sandbox (for comparison; no goal)
  discover      (``--keyring`` only) the portal command with the remembered keyring backend deleted first
                (not timed), so it discovers the backend as every command did before (for comparison)
``--portal-only`` leaves out the embedded and child cases.
Goals (issue 24): embedded within 1.3x of portal; portal within 1.5x of httpx. Wall time is the goal; the
children's CPU time (user + system, which waiting for a busy core does not inflate) is reported beside it.

The home is private (its own config, data, cache; the session in the consented secrets file). The OS keyring
is configured out (``PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring``), as on a server or in CI where
scripts run; ``--keyring`` lets the keyring library probe its backends instead (that probing alone is about
100 ms of CPU on this machine: see docs/performance.md); the first command then remembers what it found
(``ssp_tui/settings/keyring_choice.py``) and the later ones use that (a remembered Secret Service is read
directly: ``ssp_tui/settings/secret_service.py``). On a desktop the session is in the OS keyring: run it
inside the desktop session (or ``dbus-run-session`` with an unlocked gnome-keyring).
``PYTHONDONTWRITEBYTECODE`` is removed for the children and the package is compiled first: an installed app
has its ``.pyc`` files.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Samples, emit, load_average

BENCHMARK = "cli"
COMMAND = ["policies", "list"]
PATH = "/api/v1/policies?status=active&limit=100"
HTTPX_SCRIPT = (
    "import os, sys, httpx2 as httpx\n"
    "token = os.environ['BENCH_TOKEN']\n"
    "r = httpx.get(os.environ['BENCH_URL'], headers={'Authorization': 'Bearer ' + token})\n"
    "r.raise_for_status()\n"
    "sys.stdout.write(r.text)\n"
)
ACCOUNT = "agent.rivera"


def environment(home: Path, *, keyring: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SSP_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        {
            "SSP_CONFIG": str(home / "config" / "config.toml"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "SSP_SECRETS_FILE": "1",
        }
    )
    if not keyring:
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


def ssp(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ssp_tui", *args], env=env, capture_output=True, text=True, check=check
    )


def start_server(db: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "ssp_tui", "sandbox", "serve", "--port", "0", "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def kept_access_token(home: Path, portal_key: str) -> str:
    """The access token the CLI keeps for ``portal_key`` (it may have been refreshed by the last command):
    in the consented secrets file, or in the OS keyring where there is one (``--keyring`` on a desktop)."""
    key = f"cli-session:{portal_key}"
    secrets_file = home / "data" / "ssp-tui" / "secrets" / "secrets.json"
    if secrets_file.exists():
        for values in json.loads(secrets_file.read_text()).values():
            if values.get(key):
                return json.loads(values[key])["access_token"]
    import keyring

    raw = keyring.get_password("ssp-tui:default", key)
    if raw:
        return json.loads(raw)["access_token"]
    raise SystemExit(f"no kept session for {portal_key}")


class Timed:
    """Wall and CPU seconds of one child process."""

    def __init__(self, samples: Samples, cpu: Samples) -> None:
        self.samples, self.cpu = samples, cpu

    def run(self, case: str, command: list[str], env: dict[str, str], *, forget: Path | None = None) -> None:
        if forget is not None:
            forget.unlink(missing_ok=True)  # (not timed) the remembered keyring backend: discover again
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.samples.add(case, time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.add(case, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        if done.returncode != 0:
            raise SystemExit(f"{case} failed ({done.returncode}): {done.stderr[-500:]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keyring", action="store_true", help="let the keyring library probe its backends")
    parser.add_argument(
        "--portal-only", action="store_true", help="only the --portal cases (no embedded sandbox cases)"
    )
    options = parser.parse_args()

    writing = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    compile_all = [sys.executable, "-m", "compileall", "-q", "ssp_tui"]
    subprocess.run(compile_all, check=True, stdout=subprocess.DEVNULL, env=writing)
    with tempfile.TemporaryDirectory(prefix="ssp-bench-cli-") as folder:
        home = Path(folder) / "home"
        env = environment(home, keyring=options.keyring)
        db = Path(folder) / "served.sqlite3"
        ssp(env, "sandbox", "reset", "--db", str(db))
        (home / "data" / "ssp-tui").mkdir(parents=True)
        shutil.copyfile(db, home / "data" / "ssp-tui" / "sandbox.sqlite3")  # the embedded one: the same data
        accounts = json.loads(ssp(env, "sandbox", "accounts", "--db", str(db), "--json").stdout)
        account = next(a for a in accounts if a["username"] == ACCOUNT)
        login_env = {**env, "SSP_USERNAME": ACCOUNT, "SSP_PASSWORD": account["password"],
                     "SSP_TOTP_SECRET": account["totp_secret"]}  # fmt: skip
        server, url = start_server(db, env)
        try:
            # One login per portal, remembering the device, so the second needs no new authenticator code.
            ssp(login_env, "--portal", url, "login", "--remember-device")
            first_embedded_ms = 0.0
            if not options.portal_only:
                started = time.perf_counter()
                ssp(login_env, "--sandbox", "login", "--remember-device")
                first_embedded_ms = (time.perf_counter() - started) * 1000
            if not options.portal_only:
                ssp(env, "--sandbox", *COMMAND)  # the shared sandbox is running from here on
            memory = home / "data" / "ssp-tui" / "keyring-backend.json"
            print(f"keyring backend remembered: {memory.read_text() if memory.exists() else 'nothing'}")
            samples, cpu = Samples(), Samples()
            timed = Timed(samples, cpu)
            for round_number in range(options.runs):
                samples.load.append(load_average())
                token_env = {**env, "BENCH_URL": url + PATH, "BENCH_TOKEN": kept_access_token(home, url)}
                child_env = {**env, "SSP_SHARED_SANDBOX": "0"}
                portal_command = [sys.executable, "-m", "ssp_tui", "--portal", url, *COMMAND]
                cases: list[tuple[str, list[str], dict[str, str], Path | None]] = [
                    ("portal", portal_command, env, None),
                    ("httpx", [sys.executable, "-c", HTTPX_SCRIPT], token_env, None),
                ]
                if options.keyring:  # the same command discovering the keyring backend, as every one did
                    cases.append(("discover", portal_command, env, memory))
                if not options.portal_only:
                    cases.append(("embedded", [sys.executable, "-m", "ssp_tui", *COMMAND], env, None))
                    cases.append(("child", [sys.executable, "-m", "ssp_tui", *COMMAND], child_env, None))
                # The order turns every round, so a case is not always the one after (or before) another.
                shift = round_number % len(cases)
                for case, command, case_env, forget in cases[shift:] + cases[:shift]:
                    timed.run(case, command, case_env, forget=forget)
        finally:
            server.terminate()
            server.wait(10)
            ssp(env, "sandbox", "stop", check=False)

    keyring_note = "keyring probed, backend remembered" if options.keyring else "keyring configured out"
    results = [
        samples.result(BENCHMARK, f"command vs minimal httpx script ({keyring_note})", "portal", "httpx",
                       goal=("<=", 1.5)),
        cpu.result(BENCHMARK, f"CPU: command vs httpx script ({keyring_note})", "portal", "httpx"),
    ]  # fmt: skip
    if options.keyring:
        discovered = "keyring discovered by every command vs httpx script"
        results += [
            samples.result(BENCHMARK, f"before: {discovered}", "discover", "httpx"),
            cpu.result(BENCHMARK, f"CPU: {discovered}", "discover", "httpx"),
        ]
    if not options.portal_only:
        print(f"first command on the embedded sandbox (starts it): {first_embedded_ms:.0f} ms")
        results += [
            samples.result(BENCHMARK, "embedded 2nd+ command vs running sandbox serve", "embedded", "portal",
                           goal=("<=", 1.3)),
            samples.result(BENCHMARK, "before: a sandbox child per command vs sandbox serve", "child",
                           "portal"),
            cpu.result(BENCHMARK, "CPU: embedded 2nd+ vs sandbox serve", "embedded", "portal"),
        ]  # fmt: skip
    for result in results:
        emit(result)

if __name__ == "__main__":
    main()
