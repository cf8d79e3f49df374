"""``--verbose`` and ``--debug``: the client's request log (``ssp_tui.http``) on stderr.

The log lines are made in ``ssp_tui/api/transport.py`` from the method, the path with its query and the
status, never from a header or a body, so no token, password or code can appear in them.
"""

from __future__ import annotations

import contextlib
import logging
import sys

from ssp_tui.text_safety import strip_controls


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (click's test runner swaps it per invocation)."""

    def emit(self, record: logging.LogRecord) -> None:
        # stderr closed: a log line is not worth failing the command for.
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(strip_controls(self.format(record)) + "\n")


def show_requests(*, verbose: bool, debug: bool) -> None:
    """One line per request on stderr (``verbose``); with ``debug`` also retries, refreshes and how the
    embedded sandbox was reached. Neither: the log is silent (as set up by an earlier command in-process)."""
    logger = logging.getLogger("ssp_tui")
    logger.handlers[:] = [handler for handler in logger.handlers if not isinstance(handler, _StderrHandler)]
    if not (verbose or debug):
        logger.setLevel(logging.WARNING)
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False
