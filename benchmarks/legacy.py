"""Results of the benchmarks that print for people only (table, export, downloads), read from their output.

They were written before benchmarks/common.py; rather than change their measuring, the runner reads the
lines they print. A parser that finds nothing returns no result, and the runner says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from benchmarks.common import Result

NUMBER = r"([\d.]+)"
TABLE_LINE = re.compile(
    rf"^\s+(.+?)\s+{NUMBER} ms wall\s+{NUMBER} ms CPU(?:\s+ratio\s+{NUMBER}x wall\s+{NUMBER}x CPU)?",
    re.MULTILINE,
)


def table(output: str, load: list[float]) -> list[Result]:
    lines = {
        label.strip(): tuple(float(v) if v else None for v in rest)
        for label, *rest in TABLE_LINE.findall(output)
    }
    results = []
    show = lines.get("show (set_rows -> first frame)")
    format_all = lines.get("format every cell once")
    if show and format_all:
        results.append(
            Result(
                "table",
                "100k rows shown, wall",
                show[0],
                "ms",
                format_all[0],
                "ms formatting every cell once",
                load=load,
                note=f"CPU {show[1]:.0f} ms against {format_all[1]:.0f} ms",
            )
        )
    keystrokes = next((value for label, value in lines.items() if label.startswith("keystroke, all ")), None)
    if keystrokes:
        wall, cpu, *_ = keystrokes
        results.append(Result("table", "filter keystroke, wall", wall, "ms", goal=("<=", 100.0), load=load))
        results.append(Result("table", "filter keystroke, CPU", cpu, "ms", goal=("<=", 100.0), load=load))
    return results


def export(output: str, load: list[float]) -> list[Result]:
    direct = re.search(rf"constant_memory directly:\s+{NUMBER} s", output)
    ours = re.search(rf"export_rows:\s+{NUMBER} s", output)
    memory = re.search(rf"export_rows {NUMBER} MB \({NUMBER} MB at a tenth", output)
    results = []
    if direct and ours:
        results.append(
            Result(
                "export",
                "Excel export of 100k rows",
                float(ours[1]) * 1000,
                "ms",
                float(direct[1]) * 1000,
                "ms xlsxwriter constant_memory directly",
                ("<=", 1.2),
                load=load,
            )
        )
    if memory:
        results.append(
            Result(
                "export",
                "export peak memory, all rows vs a tenth",
                float(memory[1]),
                "MB",
                float(memory[2]),
                "MB at a tenth of the rows",
                ("<=", 1.5),
                load=load,
                note="flat: the peak hardly grows with ten times the rows (tracemalloc)",
            )
        )
    return results


def downloads(output: str, load: list[float]) -> list[Result]:
    times = {
        name.strip(): float(seconds) * 1000
        for name, seconds in re.findall(rf"^\s+([a-z ()]+?)\s+{NUMBER} s\s+peak RSS", output, re.MULTILINE)
    }
    results = []
    # (label of the printed ratio, case, baseline, goal): the printed ratios come from unrounded medians,
    # so the baseline is taken as case / ratio rather than from the seconds printed to two places.
    pairs = [
        ("engine separate / baseline separate", "engine separate (cold)", "baseline separate", ("<=", 1.25)),
        ("engine combined / baseline combined", "engine combined (cold)", "baseline combined", ("<=", 1.25)),
        ("separate cold / warm", "engine separate (cold)", "engine separate (warm)", (">=", 10.0)),
        ("combined cold / warm", "engine combined (cold)", "engine combined (warm)", (">=", 10.0)),
    ]
    for label, case, baseline, goal in pairs:
        ratio = re.search(rf"{re.escape(label)}\s+{NUMBER}x", output)
        if case in times and ratio and float(ratio[1]) > 0:
            results.append(
                Result(
                    "downloads",
                    label,
                    times[case],
                    "ms",
                    times[case] / float(ratio[1]),
                    f"ms {baseline}",
                    goal,
                    load=load,
                )
            )
    peak = re.search(rf"peak RSS of the engine: {NUMBER} MB", output)
    if peak:
        results.append(
            Result("downloads", "engine peak RSS", float(peak[1]), "MB", goal=("<=", 250.0), load=load)
        )
    return results


PARSERS: dict[str, Callable[[str, list[float]], list[Result]]] = {
    "table": table,
    "export": export,
    "downloads": downloads,
}
