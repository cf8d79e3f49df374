"""What every benchmark shares: interleaved timing, medians, load average, peak memory, and result lines.

This machine is shared and noisy (load average often 20+ on 2 cores), so a benchmark never reports one
absolute time: it runs its case and its baseline alternately, several times, and reports the median of each
and their ratio, with the load average beside it. A result is printed as one ``BENCH-RESULT {json}`` line
that ``python -m benchmarks`` collects into its summary table.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULT_PREFIX = "BENCH-RESULT "


def load_average() -> float:
    """The one-minute load average (0.0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


@dataclass
class Result:
    """One measured figure: the median of ``value`` against the median of ``baseline`` in the same run.

    ``goal`` is either ``("<=", limit)`` on the ratio (or on the value when there is no baseline) or
    ``(">=", limit)``; ``unit`` says what ``value`` and ``baseline`` are in (``ms``, ``MB``, ``req/s``)."""

    benchmark: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: tuple[str, float] | None = None
    runs: int = 0
    load: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def compared(self) -> float:
        """What the goal is checked on: the ratio when there is a baseline, else the value."""
        ratio = self.ratio
        return self.value if ratio is None else ratio

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return ""
        sign, limit = self.goal
        held = self.compared <= limit if sign == "<=" else self.compared >= limit
        return "met" if held else "MISSED"

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Result:
        data = json.loads(text)
        if data.get("goal") is not None:
            data["goal"] = (data["goal"][0], float(data["goal"][1]))
        return cls(**data)


def emit(result: Result) -> None:
    """Print the result for a person, and as a line the runner collects."""
    ratio = result.ratio
    against = f" vs {result.baseline:.1f} {result.baseline_name}: {ratio:.2f}x" if ratio is not None else ""
    goal = f"  goal {result.goal[0]} {result.goal[1]:g} -> {result.verdict}" if result.goal else ""
    load = f"  load {statistics.median(result.load):.1f}" if result.load else ""
    print(f"  {result.name}: {result.value:.1f} {result.unit}{against}{goal}{load}", flush=True)
    print(RESULT_PREFIX + result.to_json(), flush=True)


def parse_results(output: str) -> list[Result]:
    return [
        Result.from_json(line[len(RESULT_PREFIX) :])
        for line in output.splitlines()
        if line.startswith(RESULT_PREFIX)
    ]


@dataclass
class Samples:
    """Seconds per case, gathered interleaved, with the load average seen at each round."""

    times: dict[str, list[float]] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)

    def add(self, case: str, seconds: float) -> None:
        self.times.setdefault(case, []).append(seconds)

    def median_ms(self, case: str) -> float:
        return statistics.median(self.times[case]) * 1000

    def result(
        self,
        benchmark: str,
        name: str,
        case: str,
        baseline: str | None = None,
        goal: tuple[str, float] | None = None,
        note: str = "",
    ) -> Result:
        return Result(
            benchmark=benchmark,
            name=name,
            value=self.median_ms(case),
            unit="ms",
            baseline=self.median_ms(baseline) if baseline else None,
            baseline_name=baseline or "",
            goal=goal,
            runs=len(self.times[case]),
            load=list(self.load),
            note=note,
        )


def interleaved(
    cases: Mapping[str, Callable[[], object]], runs: int, samples: Samples | None = None
) -> Samples:
    """Each case once per round, ``runs`` rounds, so a change in machine load hits every case alike."""
    samples = samples or Samples()
    for _ in range(runs):
        samples.load.append(load_average())
        for case, action in cases.items():
            started = time.perf_counter()
            action()
            samples.add(case, time.perf_counter() - started)
    return samples


async def interleaved_async(
    cases: Mapping[str, Callable[[], Awaitable[object]]], runs: int, samples: Samples | None = None
) -> Samples:
    """``interleaved`` for coroutines."""
    samples = samples or Samples()
    for _ in range(runs):
        samples.load.append(load_average())
        for case, action in cases.items():
            started = time.perf_counter()
            await action()
            samples.add(case, time.perf_counter() - started)
    return samples


def reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux 4.0+)


def peak_rss_mb() -> float:
    """This process's peak resident memory since the last ``reset_peak_rss`` (Linux), else since start."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
