"""The columns an export writes for each kind of list, shared by the TUI and the CLI (one file format)."""

from __future__ import annotations

from ssp_tui.operations.export import Column, ColumnKind

SEMINAR_ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("Participant", "participant"),
    Column("Policy #", "policy_number"),
    Column("Policyholder", "policyholder"),
    Column("Seminar", "title"),
    Column("Format", lambda activity: activity.format.value.capitalize()),
    Column("Completed on", "completed_on", ColumnKind.DATE),
    Column("Credits", "credits", ColumnKind.DECIMAL),
)
"""Seminar activity as the Seminars screen shows it: a real Excel date, a number for the credits."""
