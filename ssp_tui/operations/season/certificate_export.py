"""Certificates out to a spreadsheet, in the columns ``coi request-holders`` reads back: a coordinator
reviews the holder list in Excel, edits it, and feeds it in again (extra columns are ignored then)."""

from __future__ import annotations

from ssp_tui.operations.export import Column, ColumnKind

CERTIFICATE_EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("Policy", "policy_number"),
    Column("Insured", "insured_name"),
    Column("Holder name", "holder_name"),
    Column("Address", "holder_address"),
    Column("City", "holder_city"),
    Column("State", "holder_state"),
    Column("ZIP", "holder_zip"),
    Column("Contact", "holder_contact_name"),
    Column("Contact email", "holder_contact_email"),
    Column("Policyholder", "policyholder"),
    Column("Term", lambda c: c.term.value),
    Column("Term ends", lambda c: c.term_end or "", ColumnKind.TEXT),
    Column("Renewal offered", lambda c: "yes" if c.renewal_offered else "no"),
    Column("Certificate", "id"),
    Column("Insured id", "insured_id"),
)
