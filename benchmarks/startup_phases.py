"""Where start-up's CPU goes, ssp-tui against the bare Textual app: a probe, not a benchmark with a goal.

Run: .venv/bin/python -m benchmarks.startup_phases [--runs 15] [--ref PATH]

Each start runs in bench_startup's pseudo-terminal (120x40, exiting after its first frame), interleaved, with
this module as a wrapper in the child: it notes the process's CPU time after ``textual.app`` is imported,
after our imports and set-up, around ``App.__init__`` and at the first ``App._display``, and adds up the CSS
parsing (``textual.css.stylesheet.parse``) and the whole-screen restyles (``DOMNode.update_node_styles``) made
before that frame. Medians are printed. ``--ref PATH`` adds a third case: ssp-tui from another copy of the
package (for example ``git archive main ssp_tui | tar -x -C PATH``), imported first through PYTHONPATH.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_startup import child_env, run_in_pty

PHASES = ("imports", "init", "run", "css", "restyle", "frame")


def _child(kind: str, out: Path) -> None:
    """In the child process: wrap Textual, then start ssp-tui or the bare app."""
    marks: dict[str, float] = {}
    totals = {"css": 0.0, "restyle": 0.0}
    import textual.app
    from textual.css import stylesheet
    from textual.dom import DOMNode

    def timed(function: Any, total: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                if "frame" not in marks:
                    totals[total] += time.process_time() - started

        return wrapper

    parse = stylesheet.parse  # a generator: the parsing is done as it is read, so read it here

    def parse_now(*args: Any, **kwargs: Any) -> list[Any]:
        return list(parse(*args, **kwargs))

    stylesheet.parse = timed(parse_now, "css")  # type: ignore[assignment]
    DOMNode.update_node_styles = timed(DOMNode.update_node_styles, "restyle")  # type: ignore[method-assign]
    display, init = textual.app.App._display, textual.app.App.__init__

    def first_display(app: Any, *args: Any, **kwargs: Any) -> Any:
        marks.setdefault("frame", time.process_time())
        return display(app, *args, **kwargs)

    def timed_init(app: Any, *args: Any, **kwargs: Any) -> None:
        marks.setdefault("init_start", time.process_time())
        init(app, *args, **kwargs)
        marks.setdefault("init_end", time.process_time())

    textual.app.App._display = first_display  # type: ignore[method-assign]
    textual.app.App.__init__ = timed_init  # type: ignore[method-assign]
    marks["textual"] = time.process_time()
    try:
        if kind == "bare":
            from startup_baseline import BareApp  # type: ignore[import-not-found]  # (beside this script)

            BareApp().run()
        else:
            from ssp_tui.__main__ import main

            sys.argv = ["ssp-tui"]
            main()
    finally:
        phases = {
            "imports": marks["init_start"] - marks["textual"],
            "init": marks["init_end"] - marks["init_start"],
            "run": marks["frame"] - marks["init_end"],
            "frame": marks["frame"],
            **totals,
        }
        with out.open("a") as file:
            file.write(json.dumps({key: value * 1000 for key, value in phases.items()}) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--ref", type=Path, help="another copy of the ssp_tui package, measured as 'ref'")
    args = parser.parse_args(argv)
    root = str(Path(__file__).resolve().parent.parent)
    with tempfile.TemporaryDirectory() as temp:
        env = child_env(Path(temp))
        cases = {"ssp-tui": dict(env, PYTHONPATH=root), "bare app": dict(env, PYTHONPATH=root)}
        if args.ref:
            cases = {"ref": dict(env, PYTHONPATH=f"{args.ref}{os.pathsep}{root}"), **cases}
        rows: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
        for round_ in range(args.runs + 1):  # the first round writes .pyc files and is not counted
            for name, case_env in cases.items():
                out = Path(temp) / f"{name}.jsonl"
                out.unlink(missing_ok=True)
                kind = "bare" if name == "bare app" else "ssp"
                # Run as a script, not with -m: -m would put the working directory (and its ssp_tui) first.
                command = [sys.executable, __file__, "--child", kind, str(out)]
                run_in_pty(command, case_env)
                if round_:
                    rows[name].append(json.loads(out.read_text()))
    bare = {key: statistics.median(row[key] for row in rows["bare app"]) for key in PHASES}
    print(f"CPU ms, median of {args.runs} interleaved starts (load {os.getloadavg()[0]:.1f})")
    print("case        to frame  (over bare)  our imports  App.__init__  run to frame  CSS parse  restyles")
    for name, measured in rows.items():
        median = {key: statistics.median(row[key] for row in measured) for key in PHASES}
        over = median["frame"] - bare["frame"]
        print(
            f"{name:10s} {median['frame']:9.1f} {over:+11.1f} {median['imports']:12.1f}"
            f" {median['init']:13.1f} {median['run']:13.1f} {median['css']:10.1f} {median['restyle']:9.1f}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
