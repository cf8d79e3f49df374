"""Who signs in and what they may do: the words the sandbox, the client and the UI share.

``ROLE_CAPABILITIES`` is the portal's published role table (ProAssurance's SSP rules): the sandbox enforces it
route by route (``ssp_tui.sandbox.access.ROUTE_CAPABILITIES``), ``GET /me`` reports it, the TUI and the CLI
hide what a role lacks, and docs/api.md and Help show it (a test checks both against this table).

Apart from the other models (``ssp_tui.api.models`` re-exports them) because the TUI's section registry needs
them before its first frame, and importing the models package with msgspec costs about 20 ms of start-up.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    INSURED = "insured"
    POLICYHOLDER = "policyholder"
    AGENT = "agent"
    SUPPORT = "support"


class Capability(StrEnum):
    CREDENTIALING = "credentialing"
    """Create certificates of insurance and file certificate-holder requests."""
    CERTIFICATES = "certificates"
    """See certificates of insurance, claims-history letters and holder requests (support: read-only)."""
    SEMINAR_ACTIVITY = "seminar_activity"
    """Seminar activity history (an insured: their own only)."""
    POLICY_DOCUMENTS = "policy_documents"
    """Policies, their terms and their documents."""
    BILLING = "billing"
    """Billing summaries: accounts and policies, term figures, amounts due, installments."""
    PAYMENT_HISTORY = "payment_history"
    """The payments applied to an account (dates, amounts, methods, check numbers)."""
    PAY = "pay"
    """The InvoiceCloud hand-off and AutoPay, on the current term of an account that can pay online."""
    AGENT_LIBRARY = "agent_library"
    SUPPORT_TRIAGE = "support_triage"
    POLICY_CHANGES = "policy_changes"
    """Request changes to a policy (address, insureds, limits) and follow the requests."""
    RENEWAL_APPLICATIONS = "renewal_applications"
    """Completed renewal applications of renewal terms, and which are still missing."""


ROLE_CAPABILITIES: MappingProxyType[Role, frozenset[Capability]] = MappingProxyType(
    {
        Role.INSURED: frozenset(
            {Capability.CREDENTIALING, Capability.CERTIFICATES, Capability.SEMINAR_ACTIVITY}
        ),
        Role.POLICYHOLDER: frozenset(
            {
                Capability.CREDENTIALING,
                Capability.CERTIFICATES,
                Capability.SEMINAR_ACTIVITY,
                Capability.POLICY_DOCUMENTS,
                Capability.BILLING,
                Capability.PAYMENT_HISTORY,
                Capability.PAY,
                Capability.POLICY_CHANGES,
            }
        ),
        Role.AGENT: frozenset(
            {
                Capability.CREDENTIALING,
                Capability.CERTIFICATES,
                Capability.SEMINAR_ACTIVITY,
                Capability.POLICY_DOCUMENTS,
                Capability.BILLING,
                Capability.AGENT_LIBRARY,
                Capability.POLICY_CHANGES,
                Capability.RENEWAL_APPLICATIONS,
            }
        ),
        Role.SUPPORT: frozenset(
            {
                Capability.CERTIFICATES,
                Capability.SEMINAR_ACTIVITY,
                Capability.POLICY_DOCUMENTS,
                Capability.BILLING,
                Capability.PAYMENT_HISTORY,
                Capability.SUPPORT_TRIAGE,
                Capability.RENEWAL_APPLICATIONS,
            }
        ),
    }
)
"""What each role may do. Scope (whose data) is separate: an insured sees only themselves on the policies they
are on, a policyholder every insured of their account, an agent every client of their agency, support every
account; ``PAY`` also needs an account that can pay online."""

ROLE_SCOPES: MappingProxyType[Role, str] = MappingProxyType(
    {
        Role.INSURED: "Individuals insured by a policy: create a certificate of insurance (COI) for "
        "themselves and view their own past seminar activity. That is all.",
        Role.POLICYHOLDER: "The authorized representatives of a group policy: all of that, plus policy "
        "documents and invoices, billing with past payments and future installments, payments and AutoPay "
        "(Pay on the current term), policy change requests, COIs for any insured on the policy and the "
        "seminar activity of every insured on it.",
        Role.AGENT: "Agents and brokers: documents, billing summaries, COIs and seminar activity of all "
        "their clients' policies, completed renewal applications, policy change requests for their clients, "
        "and the Agent resource library; never Pay.",
        Role.SUPPORT: "Support staff: read any account to triage it (policies, billing, certificates, "
        "seminar activity, users, change requests, renewal applications); change nothing.",
    }
)
"""The role table in plain words, for Help and the docs."""


CAPABILITY_TITLES: MappingProxyType[Capability, str] = MappingProxyType(
    {
        Capability.CREDENTIALING: "certificate requests",
        Capability.CERTIFICATES: "certificates of insurance",
        Capability.SEMINAR_ACTIVITY: "seminar activity",
        Capability.POLICY_DOCUMENTS: "policies and their documents",
        Capability.BILLING: "billing (Payments)",
        Capability.PAYMENT_HISTORY: "the payment history",
        Capability.PAY: "paying online",
        Capability.AGENT_LIBRARY: "the agent resource library",
        Capability.SUPPORT_TRIAGE: "support triage",
        Capability.POLICY_CHANGES: "policy change requests",
        Capability.RENEWAL_APPLICATIONS: "renewal applications",
    }
)
"""Each capability in a few words, for messages such as "this login cannot use billing (Payments)"."""


def role_may(role: Role, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES[role]
