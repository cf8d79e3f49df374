"""The Portal API v1 route table: every endpoint, its query, body and response models.

The sandbox serves exactly these routes and builds ``/openapi.json`` from this table and the models; the
client's resources call them. Paths are relative to ``API_PREFIX``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ssp_tui.api import models as m


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    type: Any = str
    required: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    name: str
    """The sandbox handler and the OpenAPI operationId."""
    response: Any = None
    """A msgspec type, ``bytes`` for a PDF, or ``None`` for an empty body."""
    body: Any = None
    query: tuple[QueryParam, ...] = ()
    status: int = 200
    public: bool = False
    """No bearer token needed."""
    headers: tuple[str, ...] = ()
    """Request headers the route requires, e.g. Idempotency-Key."""
    summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


PAGING = (
    QueryParam("cursor", str, description="Opaque cursor from next_cursor"),
    QueryParam("limit", int, description="Items per page, 1 to 1000 (default 100)"),
)

ROUTES: tuple[Route, ...] = (
    Route("POST", "/auth/login", "login", m.LoginResponse, m.LoginRequest, public=True,
          summary="Password step; answers the next step of the login"),
    Route("POST", "/auth/mfa/send", "mfa_send", m.MfaSendResponse, m.MfaSendRequest, status=202, public=True,
          summary="Send an SMS or voice code (the sandbox writes it to its outbox)"),
    Route("POST", "/auth/mfa/verify", "mfa_verify", m.Session, m.MfaVerifyRequest, public=True,
          summary="Verify an MFA code (or confirm TOTP enrollment) and open a session"),
    Route("POST", "/auth/refresh", "refresh", m.Session, m.RefreshRequest, public=True,
          summary="Rotate the access and refresh tokens"),
    Route("POST", "/auth/logout", "logout", None, m.LogoutRequest, status=204, summary="Revoke the session"),
    Route("GET", "/me", "me", m.User, summary="The caller"),
    Route("GET", "/home", "home", m.Home, summary="Announcements, highlights, what needs attention"),
    Route("GET", "/billing/accounts", "billing_accounts", m.Page[m.BillingSummary], query=PAGING),
    Route("GET", "/billing/policies", "billing_policies", m.Page[m.BillingSummary], query=PAGING),
    Route("GET", "/billing/accounts/{id}", "billing_account", m.BillingDetail,
          query=(QueryParam("term", m.BillingTerm),)),
    Route("GET", "/billing/policies/{id}", "billing_policy", m.BillingDetail,
          query=(QueryParam("term", m.BillingTerm),)),
    Route("POST", "/billing/accounts/{id}/pay-link", "billing_account_pay_link", m.PayLink,
          summary="A one-time InvoiceCloud hand-off; 403 for agent, support and insured"),
    Route("POST", "/billing/policies/{id}/pay-link", "billing_policy_pay_link", m.PayLink),
    Route("GET", "/policies", "policies", m.Page[m.PolicySummary],
          query=(QueryParam("status", m.StatusFilter),
                 QueryParam("q", str, description="Part of a policy number or a policyholder's name (any "
                            "case), or a policy id exactly"),
                 *PAGING)),
    Route("GET", "/policies/{id}", "policy", m.PolicyDetail),
    Route("GET", "/policies/{id}/documents", "policy_documents", m.Page[m.Document],
          query=(QueryParam("term", m.Term), *PAGING)),
    Route("GET", "/documents/{id}/content", "document_content", bytes,
          summary="The PDF; strong ETag, Content-Length, Content-Disposition, Range and If-Range"),
    Route("GET", "/forms/frequent", "frequent_forms", m.FrequentForms, public=True),
    Route("GET", "/credentialing/insureds", "credentialing_insureds", m.Page[m.CredentialedInsured],
          query=(QueryParam("q", str), QueryParam("by", m.SearchBy), QueryParam("status", m.StatusFilter),
                 *PAGING)),
    Route("GET", "/credentialing/certificates", "credentialing_certificates", m.Page[m.Certificate],
          query=(QueryParam("policy_id", str, description="One policy's certificates; without it, those of "
                            "every insured that q, by and status find (as /credentialing/insureds)"),
                 QueryParam("term", m.CertificateTerm), QueryParam("insured_id", str),
                 QueryParam("q", str), QueryParam("by", m.SearchBy), QueryParam("status", m.StatusFilter),
                 QueryParam("sort", m.CertificateSort, description="insured (the default): by insured "
                            "name, policy number, holder name; holder: by holder name, insured name, policy "
                            "number. Names without regard to case, then exactly; the id last"),
                 *PAGING)),
    Route("GET", "/credentialing/certificates/{id}/pdf", "certificate_pdf", bytes),
    Route("GET", "/credentialing/insureds/{id}/claims-history", "claims_history_pdf", bytes,
          query=(QueryParam("policy_id", str, required=True),)),
    Route("POST", "/credentialing/holder-requests", "create_holder_request", m.HolderRequest,
          m.HolderRequestCreate, status=201, headers=("Idempotency-Key",)),
    Route("GET", "/credentialing/holder-requests", "holder_requests", m.Page[m.HolderRequest], query=PAGING),
    Route("GET", "/risk/resources", "risk_resources", m.Page[m.RiskResource],
          query=(QueryParam("category", m.RiskCategory), QueryParam("q", str), *PAGING)),
    Route("GET", "/seminars", "seminars", m.Page[m.Seminar], query=PAGING),
    Route("GET", "/seminars/activity", "seminar_activity", m.Page[m.SeminarActivity],
          query=(QueryParam("participant", str), QueryParam("policy_number", str),
                 QueryParam("policyholder", str), QueryParam("title", str),
                 QueryParam("from", str, description="ISO date, inclusive"),
                 QueryParam("to", str, description="ISO date, inclusive"), *PAGING)),
    Route("GET", "/agent/resources", "agent_resources", m.Page[m.AgentResource],
          query=(QueryParam("category", m.AgentCategory), QueryParam("q", str), *PAGING)),
    Route("GET", "/support/accounts", "support_accounts", m.Page[m.SupportAccountHit],
          query=(QueryParam("q", str), *PAGING)),
    Route("GET", "/support/accounts/{id}", "support_account", m.SupportAccount),
    # Create an account, recover it (public: the same answer whatever the portal knows).
    Route("POST", "/registrations", "register", m.Accepted, m.RegistrationCreate, status=202, public=True,
          summary="Ask for a login; verified within 1-2 business days, the answer goes by email"),
    Route("POST", "/recovery/username", "recover_username", m.Accepted, m.UsernameReminderRequest,
          status=202, public=True, summary="Email the username(s) on file for an address"),
    Route("POST", "/recovery/password", "request_password_reset", m.Accepted, m.PasswordResetRequest,
          status=202, public=True, summary="Email a reset code to the address on file for a username"),
    Route("POST", "/recovery/password/confirm", "reset_password", None, m.PasswordReset, status=204,
          public=True, summary="Set a new password with a reset or invitation code; ends every session "
          "and remembered device"),
    # MFA management (the portal's MFA Support page): the caller's own.
    Route("GET", "/account/mfa", "mfa_status", m.MfaStatus, summary="The caller's MFA factors"),
    Route("POST", "/account/mfa/phone", "start_phone_change", m.PhoneChangeStarted, m.PhoneChangeStart,
          status=202, summary="Send a code to a new phone number; it replaces the old one once confirmed"),
    Route("POST", "/account/mfa/phone/confirm", "confirm_phone_change", m.MfaStatus, m.PhoneChangeConfirm,
          summary="Confirm the new phone number with the code sent to it"),
    Route("POST", "/account/mfa/totp", "start_totp_reenrollment", m.TotpReenrollment, status=201,
          summary="A new authenticator secret; the old one works until the new one is confirmed"),
    Route("POST", "/account/mfa/totp/confirm", "confirm_totp_reenrollment", m.MfaStatus,
          m.TotpReenrollConfirm, summary="Confirm the new authenticator with a code from it"),
    Route("GET", "/account/devices", "remembered_devices", m.Page[m.RememberedDevice], query=PAGING,
          summary="Devices that skip MFA"),
    Route("DELETE", "/account/devices/{id}", "revoke_device", None, status=204,
          summary="Forget a remembered device: its next sign-in asks for a code"),
    # Policy change requests (policyholders; agents for their clients).
    Route("POST", "/policy-changes", "create_change_request", m.ChangeRequest, m.ChangeRequestCreate,
          status=201, headers=("Idempotency-Key",),
          summary="Ask for a change on a policy; answered within three business days"),
    Route("GET", "/policy-changes", "change_requests", m.Page[m.ChangeRequest],
          query=(QueryParam("status", m.ChangeStatus), QueryParam("policy_id", str), *PAGING),
          summary="The change requests of the caller's policies, newest first"),
    Route("GET", "/policy-changes/{id}", "change_request", m.ChangeRequest),
    # Completed renewal applications (agents; support reads them).
    Route("GET", "/renewals/applications", "renewal_applications", m.Page[m.RenewalApplication],
          query=(QueryParam("status", m.ApplicationFilter), QueryParam("q", str), *PAGING),
          summary="Each renewal term of the caller's clients and its application, completed or missing"),
    Route("GET", "/openapi.json", "openapi", dict, public=True),
)
