"""The Portal API v1 contract as msgspec Structs: the single source of truth for client and sandbox."""

from ssp_tui.api.models.auth import (
    LoginRequest,
    LoginResponse,
    LoginState,
    LogoutRequest,
    MfaFactor,
    MfaSendRequest,
    MfaSendResponse,
    MfaVerifyRequest,
    OutboxMessage,
    RefreshRequest,
    Session,
    User,
)
from ssp_tui.api.models.billing import (
    AppliedPayment,
    BilledPolicy,
    BillingDetail,
    BillingKind,
    BillingSummary,
    BillingTerm,
    Installment,
    InstallmentStatus,
    PayLink,
    PaymentPlan,
)
from ssp_tui.api.models.common import (
    Capability,
    FieldError,
    Page,
    PolicyStatus,
    Problem,
    Role,
    StatusFilter,
    Term,
)
from ssp_tui.api.models.content import (
    AgentCategory,
    AgentResource,
    Announcement,
    AttentionItem,
    AttentionKind,
    Home,
    RiskCategory,
    RiskHighlight,
    RiskResource,
    Seminar,
    SeminarActivity,
    SeminarFormat,
)
from ssp_tui.api.models.credentialing import (
    Certificate,
    CertificateTerm,
    CredentialedInsured,
    HolderRequest,
    HolderRequestCreate,
    HolderRequestStatus,
    SearchBy,
)
from ssp_tui.api.models.policies import (
    Document,
    DocumentType,
    FrequentForms,
    InsuredRef,
    PolicyDetail,
    PolicySummary,
    PolicyTerm,
)
from ssp_tui.api.models.support import (
    Flag,
    FlagKind,
    SupportAccount,
    SupportAccountHit,
    SupportBilling,
    SupportUser,
)

__all__ = [
    "AgentCategory", "AgentResource", "Announcement", "AppliedPayment", "AttentionItem", "AttentionKind",
    "BilledPolicy", "BillingDetail", "BillingKind", "BillingSummary", "BillingTerm", "Capability",
    "Certificate", "CertificateTerm", "CredentialedInsured", "Document", "DocumentType", "FieldError", "Flag",
    "FlagKind",
    "FrequentForms", "HolderRequest", "HolderRequestCreate", "HolderRequestStatus", "Home", "Installment",
    "InstallmentStatus", "InsuredRef", "LoginRequest", "LoginResponse", "LoginState", "LogoutRequest",
    "MfaFactor", "MfaSendRequest", "MfaSendResponse", "MfaVerifyRequest", "OutboxMessage", "Page", "PayLink",
    "PaymentPlan", "PolicyDetail", "PolicyStatus", "PolicySummary", "PolicyTerm", "Problem", "RefreshRequest",
    "RiskCategory", "RiskHighlight", "RiskResource", "Role", "SearchBy", "Seminar", "SeminarActivity",
    "SeminarFormat", "Session", "StatusFilter", "SupportAccount", "SupportAccountHit", "SupportBilling",
    "SupportUser", "Term", "User",
]
