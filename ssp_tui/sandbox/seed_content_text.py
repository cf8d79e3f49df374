"""Fixed text of the portal's content: announcements, seminars, risk-management and agent resources.

A resource with ``pages`` is an in-portal PDF (a ``documents`` row, generator ``resource``); one without is a
public page on proassurance.com. Coverage types name the policies whose holders may see a risk resource.
"""

from __future__ import annotations

from typing import NamedTuple

from ssp_tui.sandbox import seed_catalog as cat

_INDIVIDUAL = (cat.PHYSICIANS_PL, cat.GROUP_PL, cat.ALLIED_PL)
_FACILITY = (cat.HOSPITAL_PL, cat.ASC_PL)
_ALL = cat.COVERAGE_TYPES


class Announcement(NamedTuple):
    title: str
    body: str
    category: str
    days_ago: int


class SeminarText(NamedTuple):
    title: str
    format: str
    credits: str
    description: str


class ResourceText(NamedTuple):
    title: str
    category: str
    summary: str
    topics: tuple[str, ...]
    pages: int | None
    """In-portal PDF pages; None for a public link."""
    coverage_types: tuple[str, ...] = _ALL
    highlight: bool = False


ANNOUNCEMENTS: tuple[Announcement, ...] = (
    Announcement("NORCAL's portal has moved to ProAssurance",
                 "NORCAL policyholders and agents now sign in to the ProAssurance Secure Services Portal. "
                 "Policies, documents, certificates and billing are all here; links to the former NORCAL "
                 "portal redirect until March 31.", "norcal", 20),
    Announcement("Pay NORCAL invoices online",
                 "Accounts with NORCAL Insurance Company and NORCAL Specialty Insurance Company can be paid "
                 "online through InvoiceCloud from the Payments menu. ProAssurance Casualty Company accounts "
                 "continue to pay by check, wire or AutoPay.", "payments", 12),
    Announcement("AutoPay for monthly plans",
                 "Monthly and quarterly installments can be drafted automatically on their due dates. Enroll "
                 "from the billing account in Payments; changes take effect with the next installment.",
                 "payments", 45),
    Announcement("New risk management seminars for the coming year",
                 "The seminar catalog adds live workshops on communication after adverse events and "
                 "deposition preparation, and online courses on diagnostic error. Completions earn AMA PRA "
                 "Category 1 Credits and may qualify for a premium credit.", "seminars", 8),
    Announcement("Certificate requests: 48-hour turnaround",
                 "Certificate-holder requests submitted in Credentialing are completed within 48 hours. "
                 "Track each request's status on the Holder Requests tab.", "news", 30),
    Announcement("Holiday office hours",
                 "Customer service closes at 1 p.m. local time on December 24 and December 31 and all day on "
                 "December 25 and January 1. The portal stays available.", "announcement", 3),
    Announcement("Scheduled maintenance",
                 "The portal will be unavailable on Sunday from 2:00 to 4:00 a.m. Central time for "
                 "maintenance.", "announcement", 1),
)

SEMINARS: tuple[SeminarText, ...] = (
    SeminarText("Informed Consent: More Than a Signature", "online", "1.0",
                "The consent discussion, its documentation, and what plaintiffs' experts look for."),
    SeminarText("Communication and Resolution After Adverse Events", "live", "2.0",
                "Disclosure, apology and early resolution, with role play."),
    SeminarText("Telehealth: Managing the Virtual Visit", "online", "1.0",
                "Licensure, consent, documentation and technology failures in telemedicine."),
    SeminarText("Reducing Diagnostic Error in Primary Care", "online", "1.5",
                "Cognitive and system causes of missed diagnoses, with case reviews from closed claims."),
    SeminarText("Opioid Prescribing and Risk", "online", "2.0",
                "Prescribing agreements, monitoring programs and tapering, under current state rules."),
    SeminarText("Obstetric Emergencies: Team Drills", "live", "3.0",
                "Simulation of shoulder dystocia and postpartum hemorrhage for the whole care team."),
    SeminarText("EHR Documentation Pitfalls", "online", "1.0",
                "Copy-forward, templated notes, late entries and the audit trail in litigation."),
    SeminarText("Managing the Difficult Patient Encounter", "online", "1.0",
                "De-escalation, boundaries and ending the physician-patient relationship properly."),
    SeminarText("Surgical Safety: Beyond the Checklist", "live", "2.0",
                "Time-outs, retained items and hand-offs in the perioperative setting."),
    SeminarText("Social Media and the Physician", "online", "0.5",
                "Online reviews, patient privacy and professional boundaries."),
    SeminarText("Anesthesia Risk in Office-Based Settings", "live", "1.5",
                "Patient selection, monitoring standards and emergency readiness outside the hospital."),
    SeminarText("Medication Reconciliation Across Transitions", "online", "1.0",
                "Reducing medication errors at admission, transfer and discharge."),
    SeminarText("Cognitive Bias in Clinical Decision-Making", "online", "1.5",
                "Anchoring, premature closure and strategies that counter them."),
    SeminarText("Supervising Advanced Practice Providers", "online", "1.0",
                "Delegation, scope of practice and supervision agreements that hold up."),
    SeminarText("Deposition Preparation Workshop", "live", "2.5",
                "What to expect, how to prepare and how to testify, with a mock deposition."),
    SeminarText("Closing the Loop on Test Results", "online", "1.0",
                "Tracking, notification and follow-up systems for labs, imaging and referrals."),
)

RISK_RESOURCES: tuple[ResourceText, ...] = (
    ResourceText("Informed Consent Form: Procedures and Treatments", "sample_forms",
                 "A sample consent form with the elements most often missing in closed claims.",
                 ("Elements of informed consent", "The sample form", "Documenting the discussion"), 2,
                 _INDIVIDUAL),
    ResourceText("Patient Termination Letter Template", "sample_forms",
                 "How to end a physician-patient relationship without abandonment, with a sample letter.",
                 ("When termination is appropriate", "Notice and transition of care", "Sample letter"), 2,
                 _INDIVIDUAL, True),
    ResourceText("Telehealth Informed Consent Checklist", "sample_forms",
                 "A checklist for consent to virtual visits.", (), None),
    ResourceText("Test Results Tracking Log", "sample_forms",
                 "A log that closes the loop on ordered tests.", (), None, _INDIVIDUAL),
    ResourceText("Communicating Unanticipated Outcomes to Patients", "guidelines",
                 "Guidelines for disclosure conversations after an adverse event.",
                 ("Why disclosure matters", "Planning the conversation", "What to say and not to say",
                  "Documentation and follow-up"), 3, _ALL, True),
    ResourceText("Opioid Prescribing: Risk Management Guidelines", "guidelines",
                 "Prescribing, monitoring and documentation practices that reduce risk.", (), None,
                 _INDIVIDUAL),
    ResourceText("Credentialing and Privileging Guidelines for Medical Staff", "guidelines",
                 "Verifying competence before granting privileges, and monitoring it after.",
                 ("Primary-source verification", "Focused professional practice evaluation",
                  "Ongoing evaluation", "Negligent credentialing claims"), 4, _FACILITY),
    ResourceText("Documentation Guidelines for the Electronic Health Record", "guidelines",
                 "Documentation habits that defend care in litigation.", (), None),
    ResourceText("Office Practice Risk Self-Assessment Survey", "surveys",
                 "A self-assessment of office systems: scheduling, tracking, communication and records.",
                 ("Access and scheduling", "Test and referral tracking", "Medication management",
                  "Records and privacy"), 4, (cat.PHYSICIANS_PL, cat.GROUP_PL)),
    ResourceText("Surgical Safety Site Survey", "surveys",
                 "A walk-through survey of perioperative safety practices.",
                 ("Pre-procedure verification", "Time-out", "Counts and retained items"), 3, _FACILITY),
    ResourceText("Medication Management Safety Survey", "surveys",
                 "Storage, sampling and prescribing practices.", (), None),
    ResourceText("Diagnostic Error Prevention Toolkit", "toolkits",
                 "Tools that reduce missed and delayed diagnoses in ambulatory care.",
                 ("Where diagnoses go wrong", "Differential diagnosis prompts", "Follow-up systems"), 3,
                 _INDIVIDUAL, True),
    ResourceText("Obstetric Emergencies Toolkit", "toolkits",
                 "Protocols and drills for obstetric emergencies.", (), None,
                 (cat.GROUP_PL, cat.HOSPITAL_PL)),
    ResourceText("Closed-Loop Referral Management Toolkit", "toolkits",
                 "Tracking referrals from order to consult note.", (), None, _INDIVIDUAL),
    ResourceText("Ambulatory Surgery Center Patient Selection Toolkit", "toolkits",
                 "Criteria for selecting patients appropriate for outpatient surgery.",
                 ("Screening criteria", "Anesthesia assessment"), 2, (cat.ASC_PL,)),
    ResourceText("Managing Disruptive Behavior in the Workplace", "other",
                 "Recognising and addressing behavior that undermines a culture of safety.", (), None),
    ResourceText("Cybersecurity Basics for Medical Practices", "other",
                 "Phishing, ransomware and the steps that protect patient data.",
                 ("Common threats", "Protecting systems and data", "Responding to an incident"), 2,
                 _ALL, True),
    ResourceText("Scope of Practice for Advanced Practice Providers", "other",
                 "State scope-of-practice rules and supervision requirements.", (), None,
                 (cat.ALLIED_PL, cat.GROUP_PL)),
)

AGENT_RESOURCES: tuple[ResourceText, ...] = (
    ResourceText("ProVisions newsletter, Fall issue", "newsletter",
                 "Claims trends, rate news and agency tips.",
                 ("Claims trends", "Rate and product news", "Agency spotlight", "Upcoming seminars"), 4),
    ResourceText("ProVisions newsletter, Summer issue", "newsletter",
                 "Telehealth coverage and renewal season.",
                 ("Telehealth coverage", "Renewal season checklist", "Underwriting Q&A"), 3),
    ResourceText("ProVisions newsletter archive", "newsletter", "Every past issue.", (), None),
    ResourceText("Physicians Professional Liability product sheet", "marketing",
                 "A one-sheet for prospects: coverage, defense and risk management.",
                 ("Coverage highlights", "Claims defense"), 2),
    ResourceText("Why ProAssurance: claims defense results", "marketing",
                 "Trial results and claims statistics for client presentations.", (), None),
    ResourceText("Physician new business application", "new_business_applications",
                 "Application for individual physicians and surgeons.",
                 ("Applicant information", "Practice details", "Claims history", "Signature"), 4),
    ResourceText("Medical group new business application", "new_business_applications",
                 "Application for groups, with the provider census.",
                 ("Group information", "Provider census", "Claims history", "Signature"), 4),
    ResourceText("Facility application", "new_business_applications",
                 "Application for hospitals and surgery centers.", (), None),
    ResourceText("Physician renewal application", "renewal_applications",
                 "Renewal questionnaire for individual physicians.",
                 ("Changes in practice", "New claims or incidents", "Signature"), 3),
    ResourceText("Group renewal census template", "renewal_applications",
                 "Spreadsheet template for a group's renewal census.", (), None),
    ResourceText("Underwriting guidelines: physicians and surgeons", "underwriting_manuals",
                 "Eligibility, classification and credits.",
                 ("Eligibility", "Specialty classification", "Credits and debits",
                  "Referral to underwriting"), 4),
    ResourceText("Rating manual", "underwriting_manuals", "Territory and specialty rates by state.", (),
                 None),
    ResourceText("Agent of record change guidelines", "agent_of_record",
                 "When and how an agent-of-record change takes effect.",
                 ("Requirements", "Effective dates and commissions"), 2),
    ResourceText("Agent of record letter template", "agent_of_record",
                 "The letter an insured signs to appoint a new agent.",
                 ("Instructions", "Letter template"), 2),
    ResourceText("Bulletin: annual rate filing summary", "bulletins",
                 "Approved rate changes by state and specialty.", ("Summary of changes", "By state"), 2),
    ResourceText("Bulletin: NORCAL portal transition for agents", "bulletins",
                 "What changes for agents as NORCAL accounts move to the ProAssurance portal.", (), None),
)
