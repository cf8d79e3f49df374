"""The certificate of insurance: one page laid out like an ACORD 25, for medical professional liability.

Drawn at absolute positions (a form, not flowing text): the boxes and their order follow the ACORD 25 that
credentialing offices expect, with the coverage row of a claims-made medical professional liability policy.
"""

from __future__ import annotations

from ssp_tui.sandbox.pdfs.base import (
    ACCENT,
    BOLD,
    CONTENT_TOP,
    MARGIN,
    MUTED,
    PAGE_WIDTH,
    REGULAR,
    BuiltPdf,
    DocumentInfo,
    Layout,
    fit,
    wrap,
)
from ssp_tui.sandbox.pdfs.facts import (
    CertificateFacts,
    InsuredFacts,
    PolicyFacts,
    insurer_code,
    money,
    us_date,
)

INFORMATION_ONLY_NOTICE = (
    "This certificate is issued as a matter of information only and confers no rights upon the "
    "certificate holder. This certificate does not affirmatively or negatively amend, extend or alter the "
    "coverage afforded by the policies below. This certificate of insurance does not constitute a "
    "contract between the issuing insurer(s), authorized representative or producer, and the certificate "
    "holder."
)
CANCELLATION_CLAUSE = (
    "Should any of the above described policies be cancelled before the expiration date thereof, notice will "
    "be delivered in accordance with the policy provisions."
)
CERTIFY_STATEMENT = (
    "This is to certify that the policies of insurance listed below have been issued to the insured named "
    "above for the policy period indicated. Notwithstanding any requirement, term or condition of any "
    "contract or other document with respect to which this certificate may be issued or may pertain, the "
    "insurance afforded by the policies described herein is subject to all the terms, exclusions and "
    "conditions of such policies. Limits shown may have been reduced by paid claims."
)

RIGHT = PAGE_WIDTH - MARGIN
WIDTH = RIGHT - MARGIN
HALF = WIDTH / 2
LABEL_SIZE = 6.5
FIELD_SIZE = 8.5
FIELD_LEADING = 10.5
BAND = (0.90, 0.93, 0.97)

# The coverage table: (heading, width). The widths add up to the page's content width (504 pt).
COVERAGE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("LTR", 30.0),
    ("TYPE OF INSURANCE", 132.0),
    ("POLICY NUMBER", 78.0),
    ("POLICY EFF", 52.0),
    ("POLICY EXP", 52.0),
    ("RETRO DATE", 52.0),
    ("LIMITS", 108.0),
)


def build_certificate(facts: CertificateFacts) -> BuiltPdf:
    """The one-page certificate of insurance for one insured, one policy term and one certificate holder."""
    policy = facts.policy
    layout = Layout(
        DocumentInfo(
            title="Certificate of Liability Insurance",
            issuer=policy.insurer,
            subject=f"Certificate {facts.certificate_number} for {facts.insured.display_name}, "
            f"policy {policy.policy_number}, holder {facts.holder.name}",
            reference=f"Certificate {facts.certificate_number} \u00b7 Policy {policy.policy_number}",
            keywords=("certificate of insurance", "medical professional liability", policy.policy_number),
        )
    )
    top = CONTENT_TOP + 6
    layout.text(MARGIN, top - 10, "CERTIFICATE OF LIABILITY INSURANCE", font=BOLD, size=15, color=ACCENT)
    layout.text(MARGIN, top - 24, "Medical Professional Liability", font=REGULAR, size=9, color=MUTED)
    _box(layout, RIGHT - 110, top + 4, 110, 32, "DATE (MM/DD/YYYY)", [us_date(facts.issued_on)])

    y = top - 36
    notice = wrap(INFORMATION_ONLY_NOTICE, WIDTH - 12, BOLD, 7.2)
    height = 8 + len(notice) * 9
    layout.rect(MARGIN, y - height, WIDTH, height, fill=BAND)
    for index, line in enumerate(notice):
        layout.text(MARGIN + 6, y - 10 - index * 9, line, font=BOLD, size=7.2)
    y -= height + 6

    producer = policy.producer
    producer_lines = (
        [producer.name, *producer.address_lines] if producer else ["Written direct", policy.insurer]
    )
    insurer_lines = [f"INSURER A:  {policy.insurer}", f"NAIC #:  {insurer_code(policy.insurer)}"]
    block = 12 + FIELD_LEADING * max(len(producer_lines), len(insurer_lines), 3)
    _box(layout, MARGIN, y, HALF, block, "PRODUCER", producer_lines)
    _box(layout, MARGIN + HALF, y, HALF, block, "INSURER(S) AFFORDING COVERAGE", insurer_lines)
    y -= block

    insured_lines = _insured_lines(facts.insured, policy)
    contact_lines = [f"Specialty:  {facts.insured.specialty}"]
    if facts.insured.npi:
        contact_lines.append(f"NPI:  {facts.insured.npi}")
    contact_lines.append(f"Coverage type:  {policy.coverage_type}")
    block = 12 + FIELD_LEADING * max(len(insured_lines), len(contact_lines))
    _box(layout, MARGIN, y, HALF, block, "INSURED", insured_lines)
    _box(layout, MARGIN + HALF, y, HALF, block, "INSURED DETAILS", contact_lines)
    y -= block + 6

    layout.rect(MARGIN, y - 14, WIDTH, 14, fill=BAND)
    layout.text(MARGIN + 6, y - 10, "COVERAGES", font=BOLD, size=8.5)
    layout.text(MARGIN + 110, y - 10, f"CERTIFICATE NUMBER:  {facts.certificate_number}", font=BOLD, size=8)
    layout.text_right(RIGHT - 6, y - 10, "REVISION NUMBER:  0", font=BOLD, size=8)
    y -= 14
    statement = wrap(CERTIFY_STATEMENT, WIDTH - 12, REGULAR, 7)
    for index, line in enumerate(statement):
        layout.text(MARGIN + 6, y - 9 - index * 8.5, line, size=7)
    y -= 8 + len(statement) * 8.5
    y = _coverage_table(layout, y, policy)

    description = _description(facts)
    lines = [line for paragraph in description for line in wrap(paragraph, WIDTH - 12, REGULAR, FIELD_SIZE)]
    block = 14 + FIELD_LEADING * len(lines)
    _box(layout, MARGIN, y, WIDTH, block, "DESCRIPTION OF OPERATIONS / LOCATIONS / ADDITIONAL REMARKS", lines)
    y -= block + 6

    holder_lines = [facts.holder.name, *facts.holder.address_lines]
    cancel_lines = wrap(CANCELLATION_CLAUSE, HALF - 12, REGULAR, FIELD_SIZE)
    block = max(14 + FIELD_LEADING * len(holder_lines), 14 + FIELD_LEADING * len(cancel_lines)) + 6
    _box(layout, MARGIN, y, HALF, block + 40, "CERTIFICATE HOLDER", holder_lines)
    _box(layout, MARGIN + HALF, y, HALF, block, "CANCELLATION", cancel_lines)
    _box(
        layout,
        MARGIN + HALF,
        y - block,
        HALF,
        40,
        "AUTHORIZED REPRESENTATIVE",
        ["Underwriting Department", policy.insurer],
    )
    return layout.render(expected_pages=1)


def _insured_lines(insured: InsuredFacts, policy: PolicyFacts) -> list[str]:
    lines = [insured.display_name]
    if policy.named_insured.name not in (insured.name, insured.display_name):
        lines.append(f"c/o {policy.named_insured.name}")
    lines.extend(policy.named_insured.address_lines)
    return lines


def _description(facts: CertificateFacts) -> list[str]:
    policy, term = facts.policy, facts.policy.term
    basis = "a claims-made and reported basis" if policy.claims_made else "an occurrence basis"
    paragraphs = [
        f"Evidence of medical professional liability coverage for {facts.insured.display_name} "
        f"({facts.insured.specialty}) under policy {policy.policy_number}, {policy.coverage_type}, "
        f"written on {basis}.",
    ]
    if policy.claims_made:
        paragraphs.append(
            f"Retroactive date {us_date(term.retro_date)}: the policy covers claims first made during the "
            "policy period for professional services rendered on or after the retroactive date."
        )
    paragraphs.append(
        f"Limits of liability: {money(term.limit_per_claim_cents, whole=True)} each claim, "
        f"{money(term.limit_aggregate_cents, whole=True)} annual aggregate. The certificate holder is shown "
        "for information only and is not an additional insured."
    )
    if policy.status == "cancelled" and policy.cancelled_on is not None:
        paragraphs.append(f"The policy was cancelled effective {us_date(policy.cancelled_on)}.")
    return paragraphs


def _coverage_table(layout: Layout, top: float, policy: PolicyFacts) -> float:
    """The coverage row (heading band, then the cells); returns the y below the table."""
    term = policy.term
    band = 13.0
    layout.rect(MARGIN, top - band, WIDTH, band, fill=BAND)
    x = MARGIN
    for heading, width in COVERAGE_COLUMNS:
        layout.text(x + 3, top - 9, heading, font=BOLD, size=6.5)
        x += width
    cells: list[list[str]] = [
        ["A"],
        ["MEDICAL PROFESSIONAL", "LIABILITY", f"[X] {policy.coverage_basis.upper()}", "[X] PRIMARY"],
        [policy.policy_number],
        [us_date(term.start)],
        [us_date(term.end)],
        [us_date(term.retro_date) if policy.claims_made else "N/A"],
        [
            "EACH CLAIM",
            money(term.limit_per_claim_cents, whole=True),
            "AGGREGATE",
            money(term.limit_aggregate_cents, whole=True),
        ],
    ]
    height = 8 + FIELD_LEADING * max(len(cell) for cell in cells)
    layout.rect(MARGIN, top - band - height, WIDTH, height)
    x = MARGIN
    for (_, width), cell in zip(COVERAGE_COLUMNS, cells, strict=True):
        layout.line(x, top - band - height, x, top - band)
        for index, value in enumerate(cell):
            bold = width == COVERAGE_COLUMNS[-1][1] and index % 2 == 0
            layout.text(
                x + 3,
                top - band - 11 - index * FIELD_LEADING,
                value,
                font=BOLD if bold else REGULAR,
                size=FIELD_SIZE if not bold else 6.8,
            )
        x += width
    return top - band - height - 6


def _box(
    layout: Layout, x: float, top: float, width: float, height: float, label: str, lines: list[str]
) -> None:
    """A ruled box with a small caption and its field lines."""
    layout.rect(x, top - height, width, height)
    layout.text(x + 4, top - 8, label, font=BOLD, size=LABEL_SIZE, color=MUTED)
    for index, line in enumerate(lines):
        layout.text(
            x + 6,
            top - 18 - index * FIELD_LEADING,
            fit(line, width - 12, REGULAR, FIELD_SIZE),
            size=FIELD_SIZE,
        )
