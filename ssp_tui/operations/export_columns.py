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

SEMINAR_CATALOG_COLUMNS: tuple[Column, ...] = (
    Column("Title", "title"),
    Column("Format", lambda seminar: seminar.format.value.capitalize()),
    Column("CME credits", "cme_credits", ColumnKind.DECIMAL),
    Column("Event date", "event_on", ColumnKind.DATE),
    Column("Link", "url"),
)
"""The seminar catalog as the Seminars screen's Catalog tab shows it."""
