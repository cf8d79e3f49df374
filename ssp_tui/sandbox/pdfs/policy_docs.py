"""Declarations (2 pages), endorsements, renewal notices and cancellation notices (1 page each).

Each builder has a fixed page count, the one the seed writes into ``documents.pages``; ``render`` refuses any
other. The declarations' schedule of insureds is capped so that a large group still fits its second page.
"""

from __future__ import annotations

from datetime import date

from ssp_tui.sandbox.pdfs.base import MUTED, BuiltPdf, Column, DocumentInfo, Layout
from ssp_tui.sandbox.pdfs.facts import (
    PolicyDocumentFacts,
    PolicyFacts,
    TermFacts,
    long_date,
    money,
    us_date,
)

DECLARATIONS_PAGES = 2
ENDORSEMENT_PAGES = 1
RENEWAL_NOTICE_PAGES = 1
CANCELLATION_NOTICE_PAGES = 1
SCHEDULE_ROWS_MAX = 28
"""Insureds listed on the declarations; the rest are summarised in one line (the schedule stays on page 2)."""

INSURED_COLUMNS = (
    Column("Insured", 190),
    Column("Credentials", 70),
    Column("Specialty", 160),
    Column("NPI", 84),
)
FORM_COLUMNS = (Column("Form", 80), Column("Edition", 60), Column("Title", 364))


def _info(facts: PolicyDocumentFacts, subject: str) -> DocumentInfo:
    policy = facts.policy
    return DocumentInfo(
        title=facts.title,
        issuer=policy.insurer,
        subject=subject,
        reference=f"Policy {policy.policy_number} \u00b7 {facts.form_code} ({facts.form_edition})",
        keywords=(subject.lower(), policy.policy_number, policy.coverage_type),
    )


def _addressed_to(layout: Layout, facts: PolicyDocumentFacts) -> None:
    """Date, then the named insured's name and address, as a letter opens."""
    policy = facts.policy
    layout.paragraph(long_date(facts.issued_on), after=8)
    layout.paragraph(policy.named_insured.name, after=0)
    for line in policy.named_insured.address_lines:
        layout.paragraph(line, after=0)
    layout.space(10)


def _term_pairs(policy: PolicyFacts, term: TermFacts) -> list[tuple[str, str]]:
    pairs = [
        ("Policy number", policy.policy_number),
        ("Coverage", f"{policy.coverage_type} ({policy.coverage_basis})"),
        ("Policy period", f"{us_date(term.start)} to {us_date(term.end)}"),
        (
            "Limits of liability",
            f"{money(term.limit_per_claim_cents, whole=True)} each claim / "
            f"{money(term.limit_aggregate_cents, whole=True)} aggregate",
        ),
    ]
    if policy.claims_made:
        pairs.append(("Retroactive date", us_date(term.retro_date)))
    return pairs


def build_declarations(facts: PolicyDocumentFacts, deductible_cents: int) -> BuiltPdf:
    policy, term = facts.policy, facts.policy.term
    layout = Layout(_info(facts, "Declarations"))
    layout.title("Declarations")
    layout.paragraph(
        f"{policy.coverage_type} \u00b7 Form {facts.form_code}, edition {facts.form_edition}",
        color=MUTED,
        after=10,
    )
    producer = policy.producer
    layout.key_values(
        [
            (
                "Item 1. Named insured",
                ", ".join([policy.named_insured.name, *policy.named_insured.address_lines]),
            ),
            ("Item 2. Policy number", policy.policy_number),
            (
                "Item 3. Policy period",
                f"From {us_date(term.start)} to {us_date(term.end)}, 12:01 a.m. standard "
                "time at the address of the named insured",
            ),
            (
                "Item 4. Coverage",
                f"{policy.coverage_type}, {policy.coverage_basis.lower()} and reported"
                if policy.claims_made
                else f"{policy.coverage_type}, occurrence",
            ),
            ("Item 5. Limits of liability", f"{money(term.limit_per_claim_cents, whole=True)} each claim"),
            ("", f"{money(term.limit_aggregate_cents, whole=True)} policy aggregate"),
            (
                "Item 6. Retroactive date",
                us_date(term.retro_date) if policy.claims_made else "Not applicable",
            ),
            ("Item 7. Deductible", money(deductible_cents, whole=True) if deductible_cents else "None"),
            ("Item 8. Annual premium", money(term.premium_cents)),
            ("Item 9. Producer", producer.name if producer else "None (written direct)"),
            ("Item 10. Insurer", policy.insurer),
        ],
        label_width=160,
    )
    if policy.cancelled_on is not None:
        layout.paragraph(f"This policy was cancelled effective {us_date(policy.cancelled_on)}.")
    layout.heading("Claims-made notice" if policy.claims_made else "Notice")
    if policy.claims_made:
        layout.paragraph(
            "This is a claims-made and reported policy. It applies only to claims first made against an "
            "insured and reported to the company during the policy period, for professional services "
            "rendered on or after the retroactive date. Defense costs are paid in addition to the limits "
            "of liability. Please read the policy carefully, including the extended reporting period "
            "provisions."
        )
    else:
        layout.paragraph("This policy applies to professional services rendered during the policy period.")
    layout.paragraph(
        "These declarations, the policy form, the application and any endorsements issued to form a part "
        "of the policy complete the contract of insurance. In return for the payment of the premium, and "
        "subject to all the terms of this policy, the company agrees with the named insured to provide "
        "the insurance as stated in this policy."
    )

    layout.new_page()
    layout.heading("Schedule of insureds")
    shown = policy.insureds[:SCHEDULE_ROWS_MAX]
    layout.table(INSURED_COLUMNS, [[i.name, i.credentials, i.specialty, i.npi] for i in shown])
    if len(policy.insureds) > len(shown):
        layout.paragraph(
            f"and {len(policy.insureds) - len(shown)} more insureds, listed in the schedule on "
            "file with the company.",
            color=MUTED,
        )
    layout.heading("Schedule of forms and endorsements")
    forms = [
        [facts.form_code, facts.form_edition, "Declarations"],
        [facts.policy_form_code, facts.form_edition, facts.form_name],
    ]
    forms.extend([e.code, facts.form_edition, e.title] for e in facts.endorsements)
    layout.table(FORM_COLUMNS, forms)
    layout.signature("Authorized Representative", policy.insurer)
    return layout.render(expected_pages=DECLARATIONS_PAGES)


def build_endorsement(facts: PolicyDocumentFacts, effective_on: date) -> BuiltPdf:
    """One endorsement (``facts.endorsements[0]``) changing the policy from ``effective_on``."""
    policy = facts.policy
    endorsement = facts.endorsements[0]
    layout = Layout(_info(facts, "Endorsement"))
    layout.title(f"Endorsement {endorsement.code}")
    layout.paragraph(endorsement.title, size=12, after=10)
    layout.paragraph("This endorsement changes the policy. Please read it carefully.", color=MUTED, after=10)
    layout.key_values(
        [
            ("Named insured", policy.named_insured.name),
            *_term_pairs(policy, policy.term),
            ("Endorsement effective", us_date(effective_on)),
        ],
        label_width=130,
    )
    layout.heading(endorsement.title)
    layout.paragraph(endorsement.text)
    layout.paragraph(
        "All other terms and conditions of the policy remain unchanged. This endorsement forms a part of the "
        "policy to which it is attached from the effective date shown above, and its premium, if any, is "
        "included in the premium shown in the declarations."
    )
    layout.signature("Authorized Representative", policy.insurer)
    return layout.render(expected_pages=ENDORSEMENT_PAGES)


def build_renewal_notice(
    facts: PolicyDocumentFacts, expiring_premium_cents: int, respond_by: date
) -> BuiltPdf:
    policy = facts.policy
    renewal = facts.renewal_term
    if renewal is None:
        raise ValueError(f"renewal notice for {policy.policy_number} has no renewal term")
    layout = Layout(_info(facts, "Renewal notice"))
    _addressed_to(layout, facts)
    layout.title("Renewal Notice")
    layout.paragraph(
        f"Your {policy.coverage_type} policy {policy.policy_number} expires on {long_date(policy.term.end)}. "
        f"We are pleased to offer renewal for the term beginning {long_date(renewal.start)}, on the terms "
        "below. The renewal declarations and any new endorsements are available in the portal under Policy "
        "Services, Renewal Term."
    )
    layout.key_values(
        [
            *_term_pairs(policy, renewal),
            ("Expiring premium", money(expiring_premium_cents)),
            ("Renewal premium", money(renewal.premium_cents)),
            ("Please respond by", us_date(respond_by)),
        ],
        label_width=130,
    )
    if facts.note:
        layout.paragraph(facts.note)
    layout.paragraph(
        "Coverage continues without interruption when the first installment of the renewal premium is "
        "received by the due date on the renewal invoice. If you do not wish to renew, please tell us or "
        "your agent before the date above; claims-made coverage ends at expiration unless an extended "
        "reporting period is purchased."
    )
    producer = policy.producer
    if producer is not None:
        layout.paragraph(
            f"Your agent: {producer.name}. Questions about coverage or premium may be directed to "
            "your agent or to Customer Service."
        )
    layout.paragraph("Sincerely,", after=0)
    layout.signature("Underwriting Department", policy.insurer)
    return layout.render(expected_pages=RENEWAL_NOTICE_PAGES)


def build_cancellation_notice(facts: PolicyDocumentFacts, effective_on: date) -> BuiltPdf:
    policy = facts.policy
    layout = Layout(_info(facts, "Notice of cancellation"))
    _addressed_to(layout, facts)
    layout.title("Notice of Cancellation")
    layout.paragraph(
        f"Your policy {policy.policy_number} is cancelled effective {long_date(effective_on)} at 12:01 a.m. "
        "standard time at the address of the named insured. Coverage ends on that date and time."
    )
    layout.key_values(
        [
            *_term_pairs(policy, policy.term),
            ("Cancellation effective", us_date(effective_on)),
            ("Reason", facts.note or "Not stated"),
        ],
        label_width=130,
    )
    layout.heading("Extended reporting period")
    layout.paragraph(
        "Because this is a claims-made policy, claims first made after the cancellation date are not covered "
        "unless an extended reporting period endorsement (tail coverage) is purchased. You may elect it in "
        "writing within thirty days of the cancellation date; the premium is stated in the policy."
        if policy.claims_made
        else "Claims arising from professional services rendered before the cancellation date remain covered."
    )
    layout.heading("Return premium")
    layout.paragraph(
        "Any unearned premium is computed pro rata and is returned to the billing account within thirty "
        "days, less any amount still owed on the account."
    )
    layout.paragraph("Sincerely,", after=0)
    layout.signature("Underwriting Department", policy.insurer)
    return layout.render(expected_pages=CANCELLATION_NOTICE_PAGES)
