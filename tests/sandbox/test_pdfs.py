"""The PDF builders on literal data: page counts, determinism, metadata and the text each must carry."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pytest
from pdf_checks import all_text, page_count, page_texts, pdf_title

from ssp_tui.sandbox.pdfs import (
    BuiltPdf,
    PageCountError,
    build_cancellation_notice,
    build_certificate,
    build_claims_history,
    build_declarations,
    build_endorsement,
    build_invoice,
    build_policy_form,
    build_renewal_notice,
    build_resource,
    project_installments,
)
from ssp_tui.sandbox.pdfs.base import DocumentInfo, Layout
from ssp_tui.sandbox.pdfs.certificate import CANCELLATION_CLAUSE
from ssp_tui.sandbox.pdfs.facts import (
    CertificateFacts,
    ClaimFacts,
    ClaimsHistoryFacts,
    EndorsementFacts,
    InsuredFacts,
    InvoiceFacts,
    Party,
    PolicyDocumentFacts,
    PolicyFacts,
    ResourceFacts,
    TermFacts,
    insurer_code,
    money,
)

TODAY = date(2026, 11, 28)
TERM = TermFacts(
    "current", date(2026, 3, 1), date(2027, 3, 1), date(2014, 7, 1), 1_000_000_00, 3_000_000_00, 12_345_67
)
RENEWAL = replace(TERM, term="renewal", start=date(2027, 3, 1), end=date(2028, 3, 1), premium_cents=12_999_00)
PATEL = InsuredFacts("Priya Patel", "MD", "Obstetrics and Gynecology", "1234567893")
POLICY = PolicyFacts(
    policy_number="NCP4812345",
    insurer="NORCAL Insurance Company",
    coverage_type="Physicians Professional Liability",
    claims_made=True,
    status="active",
    named_insured=Party(
        "Bayview Medical Group", ("1200 Mission Street, Suite 300", "San Francisco, CA 94103")
    ),
    producer=Party("Summit Medical Insurance Agency", ("San Francisco, CA",)),
    term=TERM,
    insureds=(PATEL, InsuredFacts("Omar Khan", "DO", "Family Medicine", "1987654321")),
)
HOLDER = Party("Sequoia Regional Medical Center", ("450 Hospital Drive", "Santa Rosa, CA 95403"))
CERTIFICATE = CertificateFacts("COI-0000012345", TODAY, POLICY, PATEL, HOLDER)
POLICY_DOCUMENT = PolicyDocumentFacts(
    title="Declarations, 03/01/2026 to 03/01/2027",
    issued_on=date(2026, 1, 20),
    policy=POLICY,
    form_code="PL-1001-D",
    form_name="Physicians and Surgeons Professional Liability Policy, Claims-Made",
    form_edition="01/2024",
    policy_form_code="PL-1001",
    endorsements=(EndorsementFacts("END-130", "Telemedicine Services", "Coverage applies to telemedicine."),),
)
CLAIMS = (
    ClaimFacts(
        "CL-2019-80797",
        "NCP4812345",
        "closed",
        date(2018, 4, 8),
        date(2019, 5, 28),
        date(2021, 4, 5),
        "Surgical complication",
        406_047_00,
        59_013_00,
    ),
    ClaimFacts(
        "CL-2026-24015",
        "NCP4812345",
        "open",
        date(2025, 11, 7),
        date(2026, 4, 5),
        None,
        "Failure to diagnose",
        0,
        86_718_00,
    ),
)
HISTORY = ClaimsHistoryFacts(
    PATEL,
    "Bayview Medical Group",
    "NCP4812345",
    "NORCAL Insurance Company",
    TODAY,
    date(2016, 11, 28),
    CLAIMS,
    "CH-0000000042",
)
INVOICE = InvoiceFacts(
    title="Invoice INV-2026-000123",
    issued_on=date(2026, 1, 20),
    invoice_number="INV-2026-000123",
    account_number="1023720696",
    account_name="Bayview Medical Group",
    insurer="NORCAL Insurance Company",
    plan="quarterly",
    bill_to=Party("Bayview Medical Group"),
    policy_number="NCP4812345",
    coverage_type="Physicians Professional Liability",
    term_start=TERM.start,
    term_end=TERM.end,
    premium_cents=12_345_67,
    fees_cents=15_00,
    total_cents=12_360_67,
    account_policies=("NCP4812345",),
    installments=tuple(project_installments(12_360_67, 4, date(2026, 3, 1))),
    installments_projected=True,
    payments_cents=0,
    can_pay_online=True,
    autopay=False,
)


def resource(pages: int, topics: int) -> ResourceFacts:
    return ResourceFacts(
        title="Communicating Unanticipated Outcomes to Patients",
        category="guidelines",
        summary="Guidelines for disclosure conversations after an adverse event.",
        published_on=date(2026, 3, 22),
        audience="risk",
        topics=tuple(f"Topic number {n}" for n in range(1, topics + 1)),
        pages=pages,
    )


BUILDS = {
    "certificate": (lambda: build_certificate(CERTIFICATE), 1, "Certificate of Liability Insurance"),
    "claims_history": (lambda: build_claims_history(HISTORY), 1, "Claims History Letter"),
    "declarations": (lambda: build_declarations(POLICY_DOCUMENT, 0), 2, POLICY_DOCUMENT.title),
    "policy_form": (
        lambda: build_policy_form(POLICY, "PL-1001", "Physicians Policy", "01/2024"),
        6,
        "Policy form PL-1001: Physicians Policy",
    ),
    "endorsement": (lambda: build_endorsement(POLICY_DOCUMENT, date(2026, 3, 1)), 1, POLICY_DOCUMENT.title),
    "renewal_notice": (
        lambda: build_renewal_notice(
            replace(POLICY_DOCUMENT, renewal_term=RENEWAL), 12_345_67, date(2027, 2, 14)
        ),
        1,
        POLICY_DOCUMENT.title,
    ),
    "cancellation_notice": (
        lambda: build_cancellation_notice(replace(POLICY_DOCUMENT, note="Non-payment"), date(2026, 9, 1)),
        1,
        POLICY_DOCUMENT.title,
    ),
    "invoice": (lambda: build_invoice(INVOICE), 1, INVOICE.title),
    "resource": (
        lambda: build_resource(resource(3, 4)),
        3,
        "Communicating Unanticipated Outcomes to Patients",
    ),
}


@pytest.mark.parametrize("kind", BUILDS)
def test_every_builder_makes_a_pdf_with_its_page_count_title_and_page_numbers(kind: str) -> None:
    build, pages, title = BUILDS[kind]
    built: BuiltPdf = build()
    assert built.pages == pages
    assert page_count(built.content) == pages
    assert pdf_title(built.content) == title
    texts = page_texts(built.content)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
    assert title.split(",")[0] in texts[0]


@pytest.mark.parametrize("kind", BUILDS)
def test_the_same_data_gives_the_same_bytes(kind: str) -> None:
    build = BUILDS[kind][0]
    first, second = build().content, build().content
    assert first == second
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_different_data_gives_different_bytes() -> None:
    other = replace(CERTIFICATE, holder=Party("Cascade Surgery Center", ("1 Main Street", "Reno, NV 89501")))
    assert build_certificate(CERTIFICATE).content != build_certificate(other).content


def test_the_certificate_carries_the_acord_fields() -> None:
    text = all_text(build_certificate(CERTIFICATE).content)
    for expected in (
        "CERTIFICATE OF LIABILITY INSURANCE",
        "Priya Patel, MD",
        "Obstetrics and Gynecology",
        "Bayview Medical Group",
        "1200 Mission Street, Suite 300",
        "Summit Medical Insurance Agency",
        "NORCAL Insurance Company",
        insurer_code("NORCAL Insurance Company"),
        "NCP4812345",
        "MEDICAL PROFESSIONAL",
        "CLAIMS-MADE",
        "03/01/2026",
        "03/01/2027",
        "07/01/2014",
        "EACH CLAIM",
        "$1,000,000",
        "AGGREGATE",
        "$3,000,000",
        "Sequoia Regional Medical Center",
        "450 Hospital Drive",
        "Santa Rosa, CA 95403",
        CANCELLATION_CLAUSE,
        "COI-0000012345",
        "11/28/2026",
        "This certificate is issued as a matter of information only and confers no rights upon the "
        "certificate holder.",
    ):
        assert expected in text, expected


def test_a_solo_physician_is_not_care_of_themselves() -> None:
    solo = replace(POLICY, named_insured=Party("Priya Patel, MD"))
    text = all_text(build_certificate(replace(CERTIFICATE, policy=solo)).content)
    assert "Priya Patel, MD" in text and "c/o" not in text
    assert "c/o Bayview Medical Group" in all_text(build_certificate(CERTIFICATE).content)


def test_a_direct_policy_certificate_names_no_agency() -> None:
    text = all_text(build_certificate(replace(CERTIFICATE, policy=replace(POLICY, producer=None))).content)
    assert "Written direct" in text
    assert "Summit Medical Insurance Agency" not in text


def test_the_claims_history_lists_each_claim_with_its_dates_and_payments() -> None:
    text = all_text(build_claims_history(HISTORY).content)
    for expected in (
        "CL-2019-80797",
        "CL-2026-24015",
        "Closed",
        "Open",
        "04/08/2018",
        "05/28/2019",
        "04/05/2021",
        "$406,047.00",
        "$59,013.00",
        "$86,718.00",
        "Surgical complication",
        "Failure to diagnose",
        "11/28/2016 through 11/28/2026",
        "Underwriting Department",
        "2 claims reported",
    ):
        assert expected in text, expected
    assert "No claims reported" not in text


def test_a_clean_claims_history_says_no_claims_reported() -> None:
    text = all_text(build_claims_history(replace(HISTORY, claims=())).content)
    assert "No claims reported" in text
    assert "Priya Patel, MD" in text and "Underwriting Department" in text


def test_a_long_claims_history_flows_onto_more_pages_with_correct_numbers() -> None:
    many = tuple(replace(CLAIMS[0], claim_number=f"CL-2020-{n:05d}") for n in range(60))
    built = build_claims_history(replace(HISTORY, claims=many))
    texts = page_texts(built.content)
    assert built.pages == len(texts) > 1
    assert f"Page {built.pages} of {built.pages}" in texts[-1]
    assert all(f"CL-2020-{n:05d}" in " ".join(texts) for n in range(60))


def test_the_declarations_keep_two_pages_for_a_large_group() -> None:
    crowd = tuple(InsuredFacts(f"Insured {n:02d}", "MD", "Family Medicine", f"1{n:09d}") for n in range(45))
    built = build_declarations(replace(POLICY_DOCUMENT, policy=replace(POLICY, insureds=crowd)), 500_00)
    texts = page_texts(built.content)
    assert built.pages == 2
    assert "Insured 00" in texts[1] and "more insureds" in texts[1]
    assert "$500" in texts[0] and "END-130" in texts[1] and "PL-1001" in texts[1]


def test_the_invoice_shows_the_schedule_and_what_is_due() -> None:
    billed = replace(
        INVOICE,
        installments_projected=False,
        installments=(
            replace(INVOICE.installments[0], status="paid"),
            replace(INVOICE.installments[1], status="past_due"),
            *INVOICE.installments[2:],
        ),
    )
    text = all_text(build_invoice(billed).content)
    assert "INV-2026-000123" in text and "1023720696" in text and "Quarterly" in text
    assert money(INVOICE.installments[1].amount_cents) in text
    assert f"Amount due now {money(INVOICE.installments[1].amount_cents)}" in text
    assert "Past due" in text and "Pay online" in text


def test_projected_installments_add_up_to_the_total() -> None:
    schedule = project_installments(1_000_01, 12, date(2026, 1, 31))
    assert sum(i.amount_cents for i in schedule) == 1_000_01
    assert [i.due_on for i in schedule[:3]] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    with pytest.raises(ValueError):
        project_installments(100, 5, date(2026, 1, 1))


@pytest.mark.parametrize("pages", [2, 3, 4])
@pytest.mark.parametrize("topics", [0, 1, 3, 4, 6])
def test_a_resource_takes_exactly_the_pages_it_promises(pages: int, topics: int) -> None:
    built = build_resource(resource(pages, topics))
    assert built.pages == page_count(built.content) == pages
    text = all_text(built.content)
    assert all(f"Topic number {n}" in text for n in range(1, topics + 1))


def test_notices_and_endorsements_say_what_they_are_about() -> None:
    renewal = all_text(BUILDS["renewal_notice"][0]().content)
    assert "Renewal Notice" in renewal and "$12,999.00" in renewal and "02/14/2027" in renewal
    cancellation = all_text(BUILDS["cancellation_notice"][0]().content)
    assert "Notice of Cancellation" in cancellation and "September 1, 2026" in cancellation
    assert "Non-payment" in cancellation and "extended reporting period" in cancellation
    endorsement = all_text(BUILDS["endorsement"][0]().content)
    assert "Endorsement END-130" in endorsement and "Coverage applies to telemedicine." in endorsement


def test_a_layout_refuses_a_page_count_other_than_promised() -> None:
    layout = Layout(DocumentInfo(title="T", issuer="I", subject="S"))
    layout.paragraph("one page")
    with pytest.raises(PageCountError):
        layout.render(expected_pages=2)
    assert layout.render(expected_pages=1).pages == 1
