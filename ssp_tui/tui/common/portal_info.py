"""What the portal itself tells its users: support contacts and FAQ topics, kept in one place.

Help, the login screen and the error modal read these; nothing else should spell a phone number or an email.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssp_tui.api.constants import WEB_SUPPORT_EMAIL, WEB_SUPPORT_NAME
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
        name=WEB_SUPPORT_NAME,
        purpose="Questions about the Secure Services Portal, creating an account, signing in and MFA",
        phone=None,
        email=WEB_SUPPORT_EMAIL,
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
        "How do I get a login?",
        "On the sign-in screen choose 'Create an account'. Choose Insured (the policyholder, or an "
        "insured on the policy) or Authorized User (an office manager, assistant or other staff member), "
        "and give your name, email, phone and a policy number. The portal team verifies it within 1-2 "
        "business days and emails you your username and an invitation code; set your password with it "
        "under 'Forgot username or password?', then sign in and set up your authenticator app.",
    ),
    FaqTopic(
        "I forgot my username or my password.",
        "On the sign-in screen choose 'Forgot username or password?'. Your usernames, or a reset code, go to "
        "the email address on file. Set a new password with the code: at least 8 characters, any characters "
        "you like (a few words make a good one); the commonest passwords are refused. Setting it signs you "
        "out everywhere and forgets every remembered device.",
    ),
    FaqTopic(
        "How do I change my phone for codes, my authenticator app, or a remembered device?",
        "Settings (F2), then Security: the MFA Support page. A new phone number gets a code first and "
        "replaces the old one only when you enter it. Setting up the authenticator again shows a new QR "
        "code; your old authenticator keeps working until you confirm a code from the new one. Remembered "
        "devices are listed there, and revoking one makes it ask for a code at its next sign-in.",
    ),
    FaqTopic(
        "How do I ask for a change on my policy?",
        "Policyholders, and agents for their clients: Policy Services, then c (Changes), then n. Ask for a "
        "mailing address change, to add or remove an insured, a change of limits, or any other change in "
        "your words. The portal answers within three business days; the requests and their status are "
        "listed there and on Home. Insureds ask their policyholder.",
    ),
    FaqTopic(
        "Where are my clients' renewal applications?",
        "Agents: Policy Services, then Shift+A lists every renewal term of your clients with its "
        "application, completed (and when) or missing; Enter opens the renewal term, where the completed "
        "application is listed and downloaded like any document. Home lists the renewals still missing one.",
    ),
    FaqTopic(
        "A certificate holder is missing, or a claims history is not available.",
        "In Credentialing, use Add a COI Holder. The request is usually completed within 48 hours, "
        "and its status is listed with your other requests.",
    ),
)
