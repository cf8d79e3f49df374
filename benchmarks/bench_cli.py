"""CLI latency: a command's whole process, from spawn to exit, against its baselines in the same run.

Run: .venv/bin/python -m benchmarks.bench_cli [--runs 9] [--keyring]

Each round runs every case once (interleaved), as a fresh process with stdout to /dev/null:
  portal        ``ssp-tui --portal URL policies list`` against a running ``sandbox serve``
  httpx         a minimal Python httpx script making the same request (GET /policies?status=active&limit=100
                with the same bearer token), the same interpreter started the same way
  embedded      ``ssp-tui policies list`` on the embedded sandbox, after a first command started the shared
                background sandbox (the second and later commands are what is timed)
  child         the same with ``SSP_SHARED_SANDBOX=0``: a sandbox child started and stopped by each command,
                as every command did before the shared sandbox (for comparison; no goal)
Goals (issue 24): embedded within 1.3x of portal; portal within 1.5x of httpx. Wall time is the goal; the
children's CPU time (user + system, which waiting for a busy core does not inflate) is reported beside it.

The home is private (its own config, data, cache; the session in the consented secrets file). The OS keyring
is configured out (``PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring``), as on a server or in CI where
scripts run; ``--keyring`` lets the keyring library probe its backends instead (that probing alone is about
100 ms of CPU on this machine: see docs/performance.md). ``PYTHONDONTWRITEBYTECODE`` is removed for the
children and the package is compiled first: an installed app has its ``.pyc`` files.
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
    "import os, sys, httpx\n"
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
    """The access token the CLI keeps for ``portal_key`` (it may have been refreshed by the last command)."""
    secrets = json.loads((home / "data" / "ssp-tui" / "secrets" / "secrets.json").read_text())
    for values in secrets.values():
        raw = values.get(f"cli-session:{portal_key}")
        if raw:
            return json.loads(raw)["access_token"]
    raise SystemExit(f"no kept session for {portal_key}")


class Timed:
    """Wall and CPU seconds of one child process."""

    def __init__(self, samples: Samples, cpu: Samples) -> None:
        self.samples, self.cpu = samples, cpu

    def run(self, case: str, command: list[str], env: dict[str, str]) -> None:
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
            started = time.perf_counter()
            ssp(login_env, "--sandbox", "login", "--remember-device")
            first_embedded_ms = (time.perf_counter() - started) * 1000
            ssp(env, "--sandbox", *COMMAND)  # the shared sandbox is running from here on
            samples, cpu = Samples(), Samples()
            timed = Timed(samples, cpu)
            for round_number in range(options.runs):
                samples.load.append(load_average())
                token_env = {**env, "BENCH_URL": url + PATH, "BENCH_TOKEN": kept_access_token(home, url)}
                child_env = {**env, "SSP_SHARED_SANDBOX": "0"}
                cases = [
                    ("portal", [sys.executable, "-m", "ssp_tui", "--portal", url, *COMMAND], env),
                    ("httpx", [sys.executable, "-c", HTTPX_SCRIPT], token_env),
                    ("embedded", [sys.executable, "-m", "ssp_tui", *COMMAND], env),
                    ("child", [sys.executable, "-m", "ssp_tui", *COMMAND], child_env),
                ]
                # The order turns every round, so a case is not always the one after (or before) another.
                shift = round_number % len(cases)
                for case, command, case_env in cases[shift:] + cases[:shift]:
                    timed.run(case, command, case_env)
        finally:
            server.terminate()
            server.wait(10)
            ssp(env, "sandbox", "stop", check=False)

    keyring_note = "keyring probed" if options.keyring else "keyring configured out (a server or CI)"
    print(f"first command on the embedded sandbox (starts it): {first_embedded_ms:.0f} ms")
    for result in (
        samples.result(BENCHMARK, "embedded 2nd+ command vs running sandbox serve", "embedded", "portal",
                       goal=("<=", 1.3)),
        samples.result(BENCHMARK, f"command vs minimal httpx script ({keyring_note})", "portal", "httpx",
                       goal=("<=", 1.5)),
        samples.result(BENCHMARK, "before: a sandbox child per command vs sandbox serve", "child", "portal"),
        cpu.result(BENCHMARK, "CPU: embedded 2nd+ vs sandbox serve", "embedded", "portal"),
        cpu.result(BENCHMARK, f"CPU: command vs httpx script ({keyring_note})", "portal", "httpx"),
    ):  # fmt: skip
        emit(result)


if __name__ == "__main__":
    main()
