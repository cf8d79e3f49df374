"""The claims-history letter: ten years of an insured's claims, as credentialing offices ask for it."""

from __future__ import annotations

from ssp_tui.sandbox.pdfs.base import BOLD, MUTED, BuiltPdf, Column, DocumentInfo, Layout
from ssp_tui.sandbox.pdfs.facts import ClaimsHistoryFacts, long_date, money, us_date

CLAIM_COLUMNS = (
    Column("Claim number", 70),
    Column("Policy", 62),
    Column("Status", 38),
    Column("Incident", 54),
    Column("Reported", 54),
    Column("Closed", 54),
    Column("Indemnity paid", 86, "right"),
    Column("Expense paid", 86, "right"),
)
DEFINITIONS = (
    "Reported: the date the claim or incident was first reported to the company.",
    "Indemnity paid: amounts paid to or on behalf of a claimant. Expense paid: defense and claim adjustment "
    "costs, which do not reduce the limits of liability.",
    "An open claim's amounts are those paid to the date of this letter; reserves are not disclosed.",
)


def build_claims_history(facts: ClaimsHistoryFacts) -> BuiltPdf:
    """A letter listing each claim reported in the ten years to ``issued_on``, or saying there were none."""
    insured = facts.insured
    layout = Layout(
        DocumentInfo(
            title="Claims History Letter",
            issuer=facts.insurer,
            subject=f"Claims history for {insured.display_name}, policy {facts.policy_number}",
            reference=f"Claims history {facts.letter_number} \u00b7 Policy {facts.policy_number}",
            keywords=("claims history", "loss history", facts.policy_number),
        )
    )
    layout.paragraph(long_date(facts.issued_on), after=10)
    layout.title("Claims History Letter")
    layout.key_values(
        [
            ("Insured", insured.display_name),
            ("Specialty", insured.specialty),
            ("Named insured", facts.named_insured),
            ("Policy number", facts.policy_number),
            ("Period reviewed", f"{us_date(facts.period_start)} through {us_date(facts.issued_on)}"),
            ("Letter number", facts.letter_number),
        ],
        label_width=110,
    )
    layout.paragraph("To Whom It May Concern:", after=8)
    period = f"from {long_date(facts.period_start)} through {long_date(facts.issued_on)}"
    if not facts.claims:
        layout.paragraph(
            f"No claims reported. Our records show no claims made against {insured.display_name} under "
            f"policies issued by {facts.insurer} {period}."
        )
    else:
        count = len(facts.claims)
        noun = "claim" if count == 1 else "claims"
        layout.paragraph(
            f"Our records show {count} {noun} reported against {insured.display_name} {period}. Each claim "
            "is listed below with its status, its dates and the amounts paid."
        )
        claims = sorted(facts.claims, key=lambda c: (c.reported_on, c.claim_number))
        layout.table(
            CLAIM_COLUMNS,
            [
                [
                    c.claim_number,
                    c.policy_number,
                    c.status.title(),
                    us_date(c.incident_on),
                    us_date(c.reported_on),
                    us_date(c.closed_on),
                    money(c.indemnity_paid_cents),
                    money(c.expense_paid_cents),
                ]
                for c in claims
            ],
        )
        layout.key_values(
            [
                ("Total indemnity paid", money(sum(c.indemnity_paid_cents for c in claims))),
                ("Total expense paid", money(sum(c.expense_paid_cents for c in claims))),
                ("Open claims", str(sum(1 for c in claims if c.status == "open"))),
            ],
            label_width=130,
        )
        layout.heading("Allegations", size=10)
        layout.bullets([f"{c.claim_number}: {c.allegation}" for c in claims])
        layout.heading("Definitions", size=10)
        layout.bullets(DEFINITIONS, size=8.5)
    layout.paragraph(
        "This letter reports the claims experience known to the company on the date above. It is provided at "
        "the request of the insured for credentialing and does not amend, extend or alter the coverage "
        "afforded by any policy.",
        color=MUTED,
        size=8.5,
    )
    layout.paragraph("Sincerely,", after=0)
    layout.signature("Underwriting Department", facts.insurer)
    layout.paragraph("Questions about this letter: Customer Service, 1-800-555-0134.", font=BOLD, size=8.5)
    return layout.render()
