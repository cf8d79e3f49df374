"""The completed renewal application (2 pages): the applicant and the renewal term with its schedule of
insureds on the first page, the underwriting questions as answered and the signed attestation on the
second."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ssp_tui.sandbox.pdfs.base import MUTED, BuiltPdf, Column, DocumentInfo, Layout
from ssp_tui.sandbox.pdfs.facts import PolicyFacts, TermFacts, long_date, money, us_date

RENEWAL_APPLICATION_PAGES = 2
SCHEDULE_ROWS_MAX = 22
"""Insureds listed on the first page; the rest are summarised in one line."""
SCHEDULE_COLUMNS = (Column("Insured", 200), Column("Credentials", 80), Column("Specialty", 224))


def build_renewal_application(
    policy: PolicyFacts,
    renewal: TermFacts,
    *,
    title: str,
    completed_on: date,
    signed_by: str,
    answers: Sequence[tuple[str, str]],
) -> BuiltPdf:
    layout = Layout(
        DocumentInfo(
            title=title,
            issuer=policy.insurer,
            subject="Renewal application",
            reference=f"Policy {policy.policy_number} \u00b7 renewal {renewal.start.year}",
            keywords=("renewal application", policy.policy_number, policy.coverage_type),
        )
    )
    layout.title("Application for Renewal")
    layout.paragraph(
        f"{policy.coverage_type} \u00b7 {policy.coverage_basis} \u00b7 completed {long_date(completed_on)}",
        color=MUTED,
    )
    layout.heading("Applicant")
    layout.key_values(
        [
            ("Named insured", policy.named_insured.name),
            ("Mailing address", ", ".join(policy.named_insured.address_lines) or "On file"),
            ("Producer", policy.producer.name if policy.producer else "Written direct"),
        ]
    )
    layout.heading("Renewal term")
    layout.key_values(
        [
            ("Policy number", policy.policy_number),
            ("Renewal period", f"{us_date(renewal.start)} to {us_date(renewal.end)}"),
            (
                "Limits requested",
                f"{money(renewal.limit_per_claim_cents, whole=True)} each claim / "
                f"{money(renewal.limit_aggregate_cents, whole=True)} aggregate",
            ),
            ("Retroactive date", us_date(renewal.retro_date) if policy.claims_made else "Not applicable"),
        ]
    )
    layout.heading("Schedule of insureds")
    shown = policy.insureds[:SCHEDULE_ROWS_MAX]
    layout.table(SCHEDULE_COLUMNS, [(i.name, i.credentials, i.specialty) for i in shown])
    if len(policy.insureds) > len(shown):
        layout.paragraph(
            f"and {len(policy.insureds) - len(shown)} more insureds, as scheduled on the policy."
        )
    layout.new_page()
    layout.heading("Underwriting questions")
    for question, answer in answers:
        layout.paragraph(question, after=1)
        layout.paragraph(f"Answer: {answer}", indent=14, color=MUTED)
    layout.heading("Attestation")
    layout.paragraph(
        "I have read this application and declare that the statements in it are true and complete to the "
        "best of my knowledge. I understand that the insurer relies on them in renewing the policy, and that "
        "I must tell the insurer of any change in them before the renewal term begins."
    )
    layout.key_values([("Completed on", us_date(completed_on))])
    layout.signature(signed_by, f"for {policy.named_insured.name}")
    return layout.render(expected_pages=RENEWAL_APPLICATION_PAGES)
