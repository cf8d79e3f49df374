"""Reusable Textual widgets that know nothing of the portal API: plain values in, messages out."""

from ssp_tui.widgets.choice_set import ChoiceSet
from ssp_tui.widgets.download_panel import DownloadProgressPanel, format_bytes
from ssp_tui.widgets.filter_bar import FilterBar
from ssp_tui.widgets.table_columns import Column, ColumnKind, format_cents, format_count
from ssp_tui.widgets.table_model import RowKey, TableModel, describe_counts
from ssp_tui.widgets.virtual_table import VirtualTable

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
