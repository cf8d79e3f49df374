"""Reusable Textual widgets that know nothing of the portal API: plain values in, messages out.

The names below are loaded on first use (PEP 562), not when the package is imported: the login screen
imports two small widgets of this package (``option_list_keys``, ``steady_footer``), and importing the package
eagerly made its first frame wait for the table, filter bar and download panel modules too, about 12 ms of
start-up (docs/performance.md). ``tests/tui/test_startup_imports.py`` keeps them out of the first frame.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ssp_tui.widgets.choice_set import ChoiceSet
    from ssp_tui.widgets.download_panel import DownloadProgressPanel, format_bytes
    from ssp_tui.widgets.filter_bar import FilterBar
    from ssp_tui.widgets.table_columns import Column, ColumnKind, format_cents, format_count
    from ssp_tui.widgets.table_model import RowKey, TableModel, describe_counts
    from ssp_tui.widgets.virtual_table import VirtualTable

_MODULE_OF = {
    "ChoiceSet": "choice_set",
    "Column": "table_columns",
    "ColumnKind": "table_columns",
    "DownloadProgressPanel": "download_panel",
    "FilterBar": "filter_bar",
    "RowKey": "table_model",
    "TableModel": "table_model",
    "VirtualTable": "virtual_table",
    "describe_counts": "table_model",
    "format_bytes": "download_panel",
    "format_cents": "table_columns",
    "format_count": "table_columns",
}

__all__ = [
    "ChoiceSet",
    "Column",
    "ColumnKind",
    "DownloadProgressPanel",
    "FilterBar",
    "RowKey",
    "TableModel",
    "VirtualTable",
    "describe_counts",
    "format_bytes",
    "format_cents",
    "format_count",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
