"""What the portal itself tells its users: support contacts and FAQ topics, kept in one place.

Help, the login screen and the error modal read these; nothing else should spell a phone number or an email.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssp_tui.api.roles import ROLE_SCOPES


@dataclass(frozen=True)
class SupportContact:
    name: str
    purpose: str
    phone: str | None
    email: str | None
    hours: str = ""


SUPPORT_CONTACTS: tuple[SupportContact, ...] = (
    SupportContact(
        name="Web Support",
        purpose="Questions about the Secure Services Portal, creating an account, signing in and MFA",
        phone=None,
        email="WebSupport@ProAssurance.com",
    ),
    SupportContact(
        name="Customer Service",
        purpose="Policies, billing, documents and certificates",
        phone="800-282-6242",
        email=None,
    ),
    SupportContact(
        name="Risk Management",
        purpose="Risk-related questions and concerns, with a Risk Management Consultant",
        phone="844-223-9648",
        email="RiskAdvisor@ProAssurance.com",
        hours="Monday to Friday, 8:00 a.m. to 5:00 p.m.",
    ),
)


@dataclass(frozen=True)
class FaqTopic:
    question: str
    answer: str


FAQ_TOPICS: tuple[FaqTopic, ...] = (
    FaqTopic(
        "What can I do in the portal?",
        "The top menu opens each section; some are only for certain user types. Payments: billing "
        "account summaries, installments and online payment. Policy Services: the documents of your "
        "policies for the current and previous terms, and the renewal term when one is offered. "
        "Credentialing: certificates of insurance (COI), claims-history letters and requests to add a"
        " COI holder. Risk Management: forms, guidelines, surveys and toolkits for your coverage. "
        "Seminars: online risk-management seminars and your seminar activity, online and live. Agents"
        " and brokers also have the Agent section of partner resources.",
    ),
    FaqTopic("Who sees what?", " ".join(ROLE_SCOPES.values())),
    FaqTopic(
        "How do I pay online?",
        "Online payment is available to NORCAL policyholders for now. Open Payments, choose the "
        "billing account or policy on its current term, and choose Pay: the portal hands you to "
        "InvoiceCloud in your browser (over SSH the link is shown and copied instead). One-time "
        "payments and AutoPay are both set up there.",
    ),
    FaqTopic(
        "I was a NORCAL Group customer or agent. Where is my account?",
        "NORCAL Group accounts have moved into the ProAssurance Secure Services Portal: sign in with "
        "your portal username, set up multi-factor authentication on your first sign-in, and your "
        "NORCAL policies, billing and documents are under the same menus as every other policy.",
    ),
    FaqTopic(
        "How does multi-factor authentication work?",
        "After your password the portal asks for a code: from an authenticator app (the default), by "
        "text message or by voice call. On your first sign-in you add the portal to your "
        "authenticator app by scanning the QR code or typing the secret. Tick 'Do not challenge me on"
        " this device for 30 days' to skip the code on this computer for 30 days.",
    ),
    FaqTopic(
        "A certificate holder is missing, or a claims history is not available.",
        "In Credentialing, use Add a COI Holder. The request is usually completed within 48 hours, "
        "and its status is listed with your other requests.",
    ),
)
