"""Insurance reference data for the seed: insurers, coverages, specialties, limits, forms and claims.

Premiums are annual base rates in cents for $1M/$3M claims-made coverage in a mature year; the seed scales
them by limits, years in the claims-made program and a little noise.
"""

from __future__ import annotations

from typing import NamedTuple

NORCAL = "NORCAL Insurance Company"
NORCAL_SPECIALTY = "NORCAL Specialty Insurance Company"
PROASSURANCE = "ProAssurance Casualty Company"
INSURERS: tuple[str, ...] = (NORCAL, NORCAL_SPECIALTY, PROASSURANCE)
ONLINE_PAY_INSURERS: tuple[str, ...] = (NORCAL, NORCAL_SPECIALTY)
"""Billing accounts of these insurers pay online through InvoiceCloud."""

POLICY_PREFIX = {NORCAL: "NCP", NORCAL_SPECIALTY: "NSL", PROASSURANCE: "MP"}
ACCOUNT_PREFIX = {NORCAL: "10", NORCAL_SPECIALTY: "20", PROASSURANCE: "70"}

PHYSICIANS_PL = "Physicians Professional Liability"
GROUP_PL = "Medical Group Professional Liability"
ALLIED_PL = "Allied Healthcare Professional Liability"
HOSPITAL_PL = "Hospital Professional Liability"
ASC_PL = "Ambulatory Surgery Center Professional Liability"
COVERAGE_TYPES: tuple[str, ...] = (PHYSICIANS_PL, GROUP_PL, ALLIED_PL, HOSPITAL_PL, ASC_PL)

POLICY_FORMS = {
    PHYSICIANS_PL: ("PL-1001", "Physicians and Surgeons Professional Liability Policy, Claims-Made"),
    GROUP_PL: ("PL-2001", "Medical Group Professional Liability Policy, Claims-Made"),
    ALLIED_PL: ("PL-3001", "Allied Healthcare Professional Liability Policy, Claims-Made"),
    HOSPITAL_PL: ("HPL-4001", "Hospital Professional and General Liability Policy, Claims-Made"),
    ASC_PL: ("ASC-5001", "Ambulatory Surgery Center Professional Liability Policy, Claims-Made"),
}
FORM_EDITION = "01/2024"


class Specialty(NamedTuple):
    name: str
    credentials: tuple[str, ...]
    base_premium_cents: int
    weight: int


PHYSICIAN_SPECIALTIES: tuple[Specialty, ...] = (
    Specialty("Family Medicine", ("MD", "DO"), 9_200_00, 10),
    Specialty("Internal Medicine", ("MD", "DO"), 10_400_00, 10),
    Specialty("Pediatrics", ("MD", "DO"), 8_300_00, 7),
    Specialty("Psychiatry", ("MD", "DO"), 6_100_00, 5),
    Specialty("Dermatology", ("MD",), 7_400_00, 4),
    Specialty("Cardiology", ("MD",), 16_900_00, 5),
    Specialty("Gastroenterology", ("MD",), 14_200_00, 4),
    Specialty("Diagnostic Radiology", ("MD",), 15_800_00, 4),
    Specialty("Anesthesiology", ("MD", "DO"), 13_900_00, 5),
    Specialty("Emergency Medicine", ("MD", "DO"), 22_600_00, 5),
    Specialty("General Surgery", ("MD", "DO"), 33_500_00, 4),
    Specialty("Orthopedic Surgery", ("MD",), 39_800_00, 4),
    Specialty("Obstetrics and Gynecology", ("MD", "DO"), 49_700_00, 4),
    Specialty("Neurosurgery", ("MD",), 74_300_00, 1),
    Specialty("Urology", ("MD",), 15_600_00, 2),
    Specialty("Ophthalmology", ("MD",), 9_700_00, 3),
    Specialty("Hematology and Oncology", ("MD",), 12_800_00, 3),
    Specialty("Pulmonary Medicine", ("MD", "DO"), 12_300_00, 2),
    Specialty("Hospital Medicine", ("MD", "DO"), 12_600_00, 4),
    Specialty("Plastic Surgery", ("MD",), 31_200_00, 2),
)
ALLIED_SPECIALTIES: tuple[Specialty, ...] = (
    Specialty("Nurse Anesthesia", ("CRNA",), 4_600_00, 3),
    Specialty("Physician Assistant", ("PA-C",), 3_500_00, 4),
    Specialty("Nurse Practitioner", ("NP", "FNP-BC"), 3_200_00, 4),
    Specialty("Certified Nurse Midwife", ("CNM",), 6_900_00, 1),
)
HOSPITAL_ENTITY = Specialty("Acute Care Hospital", ("Facility",), 96_000_00, 1)
ASC_ENTITY = Specialty("Ambulatory Surgery Center", ("Facility",), 28_500_00, 1)


class Limits(NamedTuple):
    per_claim_cents: int
    aggregate_cents: int
    premium_factor: float
    weight: int


INDIVIDUAL_LIMITS: tuple[Limits, ...] = (
    Limits(1_000_000_00, 3_000_000_00, 1.00, 12),
    Limits(2_000_000_00, 4_000_000_00, 1.34, 5),
    Limits(1_000_000_00, 1_000_000_00, 0.86, 2),
    Limits(500_000_00, 1_500_000_00, 0.78, 2),
)
FACILITY_LIMITS: tuple[Limits, ...] = (
    Limits(1_000_000_00, 3_000_000_00, 1.00, 4),
    Limits(2_000_000_00, 6_000_000_00, 1.45, 3),
    Limits(5_000_000_00, 10_000_000_00, 2.10, 1),
)

INSTALLMENTS_PER_PLAN = {"annual": 1, "semi_annual": 2, "quarterly": 4, "monthly": 12}
PLAN_WEIGHTS = {"annual": 30, "semi_annual": 20, "quarterly": 25, "monthly": 25}
INSTALLMENT_FEE_CENTS = 5_00
"""Charged per installment after the first: the difference between term amount and premium."""

ENDORSEMENTS: tuple[tuple[str, str, str], ...] = (
    ("END-110", "Additional Insured: Professional Corporation",
     "The professional corporation named in the Declarations is added as an insured, but only for its "
     "vicarious liability for acts of a named insured physician."),
    ("END-114", "Change in Limits of Liability",
     "The limits of liability are amended as shown in the Declarations, effective on the date stated. The "
     "amended limits apply only to claims first made on or after that date."),
    ("END-121", "Part-Time Practice Credit",
     "The named insured practices twenty hours or fewer per week; the premium reflects the part-time credit. "
     "The insured must notify the company of any increase in hours within thirty days."),
    ("END-130", "Telemedicine Services",
     "Coverage applies to professional services rendered by telemedicine to patients located in states where "
     "the insured is licensed, subject to all other terms of the policy."),
    ("END-142", "Locum Tenens Coverage",
     "Coverage is extended to a locum tenens physician substituting for a named insured for up to sixty days "
     "in the policy period, provided the company is notified before the substitution begins."),
    ("END-155", "Consent to Settle",
     "The company will not settle a claim without the written consent of the insured, except as stated in "
     "the Consent to Settle provision of this endorsement."),
    ("END-167", "Waiver of Deductible",
     "The deductible stated in the Declarations does not apply to claims closed without indemnity payment."),
    ("END-180", "Nose Coverage: Prior Acts",
     "The retroactive date shown in the Declarations applies to the named insured's prior acts, for which "
     "coverage is provided as if the insured had been continuously insured by the company."),
)

ALLEGATIONS: tuple[str, ...] = (
    "Failure to diagnose", "Delay in diagnosis", "Surgical complication", "Medication error",
    "Improper performance of procedure", "Failure to obtain informed consent", "Failure to monitor",
    "Delay in treatment", "Birth-related injury", "Retained foreign body", "Failure to refer",
    "Anesthesia-related injury", "Patient fall", "Communication failure with patient",
)

CANCELLATION_REASONS: tuple[str, ...] = (
    "Insured's request: retirement from the practice of medicine",
    "Insured's request: coverage replaced by an employer's program",
    "Insured's request: relocation outside the company's writing territory",
    "Non-payment of premium",
)

PAYMENT_METHODS_ONLINE: tuple[str, ...] = ("InvoiceCloud card", "InvoiceCloud eCheck")
PAYMENT_METHOD_AUTOPAY = "AutoPay ACH"
PAYMENT_METHOD_CHECK = "Check"
PAYMENT_METHOD_WIRE = "Wire transfer"
