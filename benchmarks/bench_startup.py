"""Start-up: ``ssp-tui`` to an interactive login screen, against a bare Textual app started the same way.

Run: .venv/bin/python -m benchmarks.bench_startup [--runs 7] [--top 15]

Each program runs as a child process in a pseudo-terminal of 120x40 with SSP_TUI_EXIT_WHEN_READY=1: the app
exits right after its first frame is drawn (``SspApp.on_ready``; the baseline, benchmarks/startup_baseline.py,
does the same). Timed: from spawn until the first frame (the Username input) reaches the terminal, read
from the pseudo-terminal by the benchmark itself. Cases, interleaved:
  ssp-tui                   no portal configured: the login screen, with the embedded sandbox starting behind
  ssp-tui --portal URL      a configured portal (nothing listens there: the login screen says so later)
  bare Textual app          Header + Input + Footer, the baseline
Goal (issue 11): ssp-tui at most 1.3x the bare app. Then one ``python -X importtime`` start of each lists the
heaviest imports made before the first screen.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

from benchmarks.common import Result, Samples, emit, load_average

BENCHMARK = "startup"
SIZE = (120, 40)
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)([\w.]+)")
SSP_TUI = str(Path(sys.executable).with_name("ssp-tui"))
BASELINE = str(Path(__file__).with_name("startup_baseline.py"))


FIRST_FRAME_MARKER = b"sername"
"""In the Username placeholder on both screens (its first letter may be drawn apart, under the cursor)."""


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds the process has used so far (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_in_pty(
    command: list[str], env: dict[str, str], timeout_s: float = 120.0
) -> tuple[float, float, bytes]:
    """Run `command` on a fresh pseudo-terminal until it exits: the seconds from spawn until the first frame
    (FIRST_FRAME_MARKER) reached the terminal, the CPU seconds the process had used by then (steadier than
    wall time on a busy machine), and everything written to the terminal."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    output = bytearray()
    seen_at: list[float] = []
    cpu_at_first_frame: list[float] = []
    pid: list[int] = []

    def drain() -> None:  # the child blocks on a full terminal if nobody reads it
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)
            if not seen_at and FIRST_FRAME_MARKER in output[-len(chunk) - len(FIRST_FRAME_MARKER) :]:
                seen_at.append(time.perf_counter())
                cpu_at_first_frame.append(cpu_seconds(pid[0]) if pid else 0.0)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    started = time.perf_counter()
    try:
        child = subprocess.Popen(
            command, stdin=terminal, stdout=terminal, stderr=terminal, env=env, start_new_session=True
        )
        pid.append(child.pid)
        os.close(terminal)
        if child.wait(timeout=timeout_s) != 0:
            raise SystemExit(f"{command[-1]} exited with {child.returncode}: {bytes(output[-500:])!r}")
    finally:
        reader.join(timeout=5)
        os.close(controller)
    if not seen_at:
        raise SystemExit(f"{command[-1]} never drew its first frame")
    return seen_at[0] - started, cpu_at_first_frame[0], bytes(output)


def child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SSP_TUI_EXIT_WHEN_READY="1",
        SSP_CONFIG=str(folder / "config.toml"),  # no profile of the person running it
        XDG_DATA_HOME=str(folder / "data"),  # the embedded sandbox's database lands here, not in ~
        TERM="xterm-256color",
    )
    # An installed ssp-tui has its .pyc files; without this a module edited since the last run is compiled at
    # every start (this machine's shells set PYTHONDONTWRITEBYTECODE), which the bare app would not pay.
    for name in ("SSP_PORTAL", "NO_COLOR", "TEXTUAL", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def import_times(command: list[str], env: dict[str, str]) -> list[tuple[int, int, int, str]]:
    """(self us, cumulative us, depth, module) of every import of one start, from -X importtime."""
    text = run_in_pty([sys.executable, "-X", "importtime", *command], env)[2].decode(errors="replace")
    return [
        (int(own), int(total), len(indent) // 2, module)
        for own, total, indent, module in IMPORT_LINE.findall(text)
    ]


def report_imports(label: str, imports: list[tuple[int, int, int, str]], top: int) -> None:
    total_ms = sum(own for own, _, _, _ in imports) / 1000
    ours = [row for row in imports if row[3].startswith("ssp_tui")]
    print(
        f"{label}: {len(imports)} modules imported up to its exit after the first frame, "
        f"{total_ms:.0f} ms of imports"
    )
    print(f"  of them ssp_tui's own: {len(ours)}, {sum(r[0] for r in ours) / 1000:.0f} ms (self)")
    print("  heaviest packages (cumulative, top level):")
    first_level = sorted((r for r in imports if r[2] == 0), key=lambda r: -r[1])[:top]
    for _, cumulative, _, module in first_level:
        print(f"    {cumulative / 1000:8.1f} ms  {module}")
    print("  heaviest single modules (self):")
    for own, _, _, module in sorted(imports, key=lambda r: -r[0])[:top]:
        print(f"    {own / 1000:8.1f} ms  {module}")


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=15, help="how many of the heaviest imports to list")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        env = child_env(Path(temp))
        commands = {
            "ssp-tui": [sys.executable, SSP_TUI],
            "ssp-tui --portal": [sys.executable, SSP_TUI, "--portal", "http://127.0.0.1:9"],
            "bare app": [sys.executable, BASELINE],
        }
        for command in commands.values():  # warm the disk cache and .pyc files for every case
            run_in_pty(command, env)
        samples = Samples()
        for _ in range(args.runs):  # interleaved, so a change in machine load hits every case alike
            samples.load.append(load_average())
            for name, command in commands.items():
                wall, cpu, _ = run_in_pty(command, env)
                samples.add(name, wall)
                samples.add(f"{name} CPU", cpu)
        results = [
            samples.result(BENCHMARK, "start-up to login screen", "ssp-tui", "bare app", ("<=", 1.3)),
            samples.result(
                BENCHMARK, "start-up, configured portal", "ssp-tui --portal", "bare app", ("<=", 1.3)
            ),
            samples.result(
                BENCHMARK,
                "start-up CPU to login screen",
                "ssp-tui CPU",
                "bare app CPU",
                ("<=", 1.3),
                note="CPU seconds of the process when its first frame reached the terminal",
            ),
            samples.result(
                BENCHMARK,
                "start-up CPU, configured portal",
                "ssp-tui --portal CPU",
                "bare app CPU",
                ("<=", 1.3),
            ),
        ]
        print(f"Start-up, spawn to the first frame on the terminal, median of {args.runs} interleaved runs")
        for result in results:
            emit(result)
        report_imports("ssp-tui", import_times(commands["ssp-tui"][1:], env), args.top)
        report_imports("bare app", import_times(commands["bare app"][1:], env), 5)
    return results


if __name__ == "__main__":
    main()
