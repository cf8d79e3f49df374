"""One module per portal area; ``PortalClient`` exposes each as an attribute."""

from ssp_tui.api.resources.account import AccountResource
from ssp_tui.api.resources.agent import AgentResourceApi
from ssp_tui.api.resources.auth import AuthResource
from ssp_tui.api.resources.billing import BillingResource
from ssp_tui.api.resources.changes import ChangesResource
from ssp_tui.api.resources.credentialing import CredentialingResource
from ssp_tui.api.resources.documents import DocumentsResource
from ssp_tui.api.resources.home import HomeResource
from ssp_tui.api.resources.mfa import MfaResource
from ssp_tui.api.resources.policies import PoliciesResource
from ssp_tui.api.resources.renewals import RenewalsResource
from ssp_tui.api.resources.risk import RiskResourceApi
from ssp_tui.api.resources.seminars import SeminarsResource
from ssp_tui.api.resources.support import SupportResource

__all__ = [
    "AccountResource",
    "AgentResourceApi",
    "AuthResource",
    "BillingResource",
    "ChangesResource",
    "CredentialingResource",
    "DocumentsResource",
    "HomeResource",
    "MfaResource",
    "PoliciesResource",
    "RenewalsResource",
    "RiskResourceApi",
    "SeminarsResource",
    "SupportResource",
]
