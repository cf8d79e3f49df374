"""The policy form: six pages of a claims-made medical professional liability policy.

The wording is the sandbox's own, modelled on the structure such policies share (insuring agreement, defense,
limits, insureds, exclusions, extended reporting, conditions, definitions). Each page's sections are fixed, so
the form always takes exactly six pages whatever the policy.
"""

from __future__ import annotations

from ssp_tui.sandbox.pdfs.base import MUTED, BuiltPdf, DocumentInfo, Layout
from ssp_tui.sandbox.pdfs.facts import PolicyFacts

POLICY_FORM_PAGES = 6

Section = tuple[str, tuple[str, ...]]

PAGE_SECTIONS: tuple[tuple[Section, ...], ...] = (
    (
        (
            "Section I. Insuring agreement",
            (
                "The company will pay on behalf of an insured all sums, in excess of any deductible, that "
                "the insured becomes legally obligated to pay as damages because of a claim for injury "
                "arising out of a medical incident in the rendering of or failure to render professional "
                "services.",
                "The claim must be first made against the insured and reported to the company during the "
                "policy period or any extended reporting period, and the medical incident must have taken "
                "place on or after the retroactive date shown in the declarations and before the end of "
                "the policy period.",
            ),
        ),
    ),
    (
        (
            "Section II. Defense and settlement",
            (
                "The company has the right and duty to defend any claim covered by this policy, even if "
                "the allegations are groundless, false or fraudulent. The company selects defense "
                "counsel, and it pays claim expenses in addition to the limits of liability.",
                "The company will not settle a claim without the consent of the named insured physician. "
                "If the insured refuses a settlement the company recommends and the claimant accepts, the "
                "company's liability for the claim will not exceed the amount of the recommended "
                "settlement plus the claim expenses incurred to the date of the refusal.",
                "The duty to defend ends when the applicable limit of liability is exhausted by payment of "
                "judgments or settlements.",
            ),
        ),
        (
            "Section III. Limits of liability",
            (
                "The limit stated in the declarations as each claim is the most the company will pay for "
                "damages for all claims arising out of the same or related medical incidents, however "
                "many insureds, claims or claimants are involved.",
                "The limit stated as aggregate is the most the company will pay for damages for all claims "
                "first made during the policy period. Related claims made in more than one policy period are "
                "treated as a single claim first made when the earliest of them was made.",
                "Claim expenses do not reduce the limits of liability.",
            ),
        ),
    ),
    (
        (
            "Section IV. Who is an insured",
            (
                "Each individual named in the schedule of insureds is an insured for professional services "
                "rendered within the scope of the specialty shown for that individual.",
                "The named insured, if an entity, is an insured for its liability arising from "
                "professional services rendered by an insured or by its employees who are not physicians, "
                "while acting within the scope of their duties.",
                "A member of a formal accreditation, peer review or utilization review board of the named "
                "insured is an insured for acts performed in that capacity.",
            ),
        ),
        (
            "Section V. Exclusions",
            (
                "This policy does not apply to a claim:",
                "a. arising out of a criminal, dishonest, fraudulent or malicious act, or a knowing "
                "violation of law;",
                "b. arising out of the insured's activities as an owner, officer or administrator of a "
                "hospital, nursing home or other facility, except as covered under Section IV;",
                "c. for liability the insured assumed under a contract, unless it would have attached "
                "without it;",
                "d. arising out of sexual contact or intimacy with a patient, or out of discrimination or "
                "harassment;",
                "e. for punitive or exemplary damages, fines or penalties, where insurance of them is "
                "prohibited;",
                "f. arising out of a medical incident known to the insured before the policy period began.",
            ),
        ),
    ),
    (
        (
            "Section VI. Extended reporting period",
            (
                "If this policy is cancelled or not renewed, the named insured may buy an extended reporting "
                "period endorsement, which extends the time to report claims for medical incidents that took "
                "place on or after the retroactive date and before the end of the policy period.",
                "The endorsement must be requested in writing within thirty days after the end of the policy "
                "period, and its premium paid when due. It does not reinstate or increase the limits of "
                "liability.",
                "An insured who dies, becomes permanently disabled, or retires from practice after a "
                "qualifying period of continuous coverage with the company receives the extended "
                "reporting period without additional premium.",
            ),
        ),
        (
            "Section VII. Claims conditions",
            (
                "Notice of a claim. The insured must give the company written notice of a claim as soon as "
                "practicable, with the names of the claimant and witnesses and the details of the medical "
                "incident, and send every demand, summons or legal paper received.",
                "Notice of an incident. A medical incident reported in writing during the policy period, "
                "with the details above, is treated as a claim first made on the date of the report.",
                "Cooperation. The insured must cooperate with the company in the investigation, defense and "
                "settlement of a claim, attend hearings and trials, and must not admit liability or make any "
                "payment except at the insured's own cost.",
            ),
        ),
    ),
    (
        (
            "Section VIII. General conditions",
            (
                "Cancellation. The named insured may cancel this policy by written notice to the company. "
                "The company may cancel it by notice delivered in accordance with the laws of the state "
                "where the policy is issued: ten days' notice for non-payment of premium, and the notice "
                "the law requires for any other reason. Return premium is computed pro rata.",
                "Other insurance. This policy is excess over any other valid and collectible insurance, "
                "except insurance written specifically to apply in excess of this policy.",
                "Subrogation. In the event of a payment, the company is subrogated to the insured's "
                "rights of recovery, and the insured must do nothing to prejudice them.",
                "Assignment and changes. No assignment of interest binds the company without its written "
                "consent. This policy may be changed only by an endorsement issued to form a part of it.",
                "Premium audit and payment. The premium shown in the declarations is payable as stated in "
                "the billing plan of the named insured's billing account.",
                "Conformity to statute. Terms of this policy that conflict with the laws of the state where "
                "it is issued are amended to conform to those laws.",
            ),
        ),
    ),
    (
        (
            "Section IX. Definitions",
            (
                "Claim: a written demand for money or services, or the service of a lawsuit or arbitration "
                "demand, alleging injury arising out of a medical incident.",
                "Claim expenses: fees of attorneys and experts selected by the company, and other costs of "
                "investigating and defending a claim, other than the salaries of the company's employees.",
                "Damages: compensatory sums awarded by judgment or paid in settlement, excluding fines, "
                "penalties and the return of fees.",
                "Medical incident: an act, error or omission in the rendering of or failure to render "
                "professional services; all related acts, errors or omissions are one medical incident.",
                "Policy period: the period shown in the declarations, or any shorter period resulting from "
                "cancellation.",
                "Professional services: services in the practice of the profession and specialty for "
                "which the insured is licensed and scheduled, including service on a formal review board.",
                "Retroactive date: the date shown in the declarations, before which a medical incident is "
                "not covered.",
            ),
        ),
    ),
)


def build_policy_form(policy: PolicyFacts, form_code: str, form_title: str, edition: str) -> BuiltPdf:
    layout = Layout(
        DocumentInfo(
            title=f"Policy form {form_code}: {form_title}",
            issuer=policy.insurer,
            subject=f"{form_title}, edition {edition}",
            reference=f"Form {form_code} ({edition}) \u00b7 Policy {policy.policy_number}",
            keywords=("policy form", form_code, policy.coverage_type),
        )
    )
    layout.title(form_title)
    layout.paragraph(f"Form {form_code}, edition {edition} \u00b7 {policy.insurer}", color=MUTED, after=8)
    layout.heading("Important notice")
    layout.paragraph(
        "This is a claims-made and reported policy. Except as otherwise provided, it covers only claims "
        "first made against the insured and reported to the company during the policy period. Please read "
        "the entire policy carefully to determine rights, duties and what is and is not covered. Words in "
        "the definitions section have the meanings given there.",
    )
    layout.heading("Contents")
    layout.bullets(
        [
            f"{heading} (page {page})"
            for page, sections in enumerate(PAGE_SECTIONS, start=1)
            for heading, _ in sections
        ]
    )
    for index, sections in enumerate(PAGE_SECTIONS):
        if index:
            layout.new_page()
        for heading, paragraphs in sections:
            layout.heading(heading)
            for paragraph in paragraphs:
                layout.paragraph(paragraph)
    layout.paragraph(
        f"In witness whereof, {policy.insurer} has caused this policy to be signed by its "
        "President and Secretary.",
        after=0,
    )
    layout.signature("President", policy.insurer)
    layout.signature("Secretary", policy.insurer)
    return layout.render(expected_pages=POLICY_FORM_PAGES)
