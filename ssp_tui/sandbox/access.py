"""Who may see what: the one place the sandbox scopes data to the caller.

Every route builds its queries with the filters below, so an object outside the caller's scope is simply not
found (404, the same body as a missing id) rather than forbidden: the portal never confirms another customer's
object exists.

What a role may do at all is the role table (``ssp_tui.api.roles.ROLE_CAPABILITIES``); ``ROUTE_CAPABILITIES``
below names the capability each route needs, and the app checks it before the handler runs (so before any id
lookup: a role without the capability gets 403 whatever the id).

Scopes (whose data, within what the role may do):
- insured: the policies they are on, and only their own insured record on them;
- policyholder: everything of their customer account;
- agent: every customer of their agency (never Pay);
- support: everything, read-only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from types import MappingProxyType

from ssp_tui.api.contract import ROUTES
from ssp_tui.api.roles import Capability, Role, role_may
from ssp_tui.sandbox.problems import forbidden, not_found

SIGNED_IN = None
"""The route needs a signed-in user and nothing more."""

ROUTE_CAPABILITIES: MappingProxyType[str, Capability | None] = MappingProxyType(
    {
        "logout": SIGNED_IN,
        "me": SIGNED_IN,
        "home": SIGNED_IN,
        "billing_accounts": Capability.BILLING,
        "billing_policies": Capability.BILLING,
        "billing_account": Capability.BILLING,
        "billing_policy": Capability.BILLING,
        "billing_account_pay_link": Capability.PAY,
        "billing_policy_pay_link": Capability.PAY,
        "policies": Capability.POLICY_DOCUMENTS,
        "policy": Capability.POLICY_DOCUMENTS,
        "policy_documents": Capability.POLICY_DOCUMENTS,
        # Also serves risk-resource and agent-library documents; a policy's document needs POLICY_DOCUMENTS
        # (checked by the handler, answered 404 like a missing one).
        "document_content": SIGNED_IN,
        "credentialing_insureds": Capability.CERTIFICATES,
        "credentialing_certificates": Capability.CERTIFICATES,
        "certificate_pdf": Capability.CERTIFICATES,
        "claims_history_pdf": Capability.CERTIFICATES,
        "holder_requests": Capability.CERTIFICATES,
        "create_holder_request": Capability.CREDENTIALING,
        "risk_resources": SIGNED_IN,
        "seminars": SIGNED_IN,
        "seminar_activity": Capability.SEMINAR_ACTIVITY,
        "agent_resources": Capability.AGENT_LIBRARY,
        "support_accounts": Capability.SUPPORT_TRIAGE,
        "support_account": Capability.SUPPORT_TRIAGE,
        # MFA management: every signed-in user's own factors and devices.
        "mfa_status": SIGNED_IN,
        "start_phone_change": SIGNED_IN,
        "confirm_phone_change": SIGNED_IN,
        "start_totp_reenrollment": SIGNED_IN,
        "confirm_totp_reenrollment": SIGNED_IN,
        "remembered_devices": SIGNED_IN,
        "revoke_device": SIGNED_IN,
        "create_change_request": Capability.POLICY_CHANGES,
        "change_requests": Capability.POLICY_CHANGES,
        "change_request": Capability.POLICY_CHANGES,
        "renewal_applications": Capability.RENEWAL_APPLICATIONS,
    }
)
"""The capability each signed-in route needs (public routes need none and are not listed)."""

_MISSING_ROUTES = {r.name for r in ROUTES if not r.public} ^ set(ROUTE_CAPABILITIES)
if _MISSING_ROUTES:  # fail at import, not with an unguarded route
    raise RuntimeError(f"ROUTE_CAPABILITIES and the contract disagree on: {sorted(_MISSING_ROUTES)}")

_WHY_NOT: MappingProxyType[Capability, str] = MappingProxyType(
    {
        Capability.CREDENTIALING: "Support access is read-only: certificates are requested by the insured, "
        "the policyholder or the agent.",
        Capability.CERTIFICATES: "Certificates are not part of this login's access.",
        Capability.SEMINAR_ACTIVITY: "Seminar activity is not part of this login's access.",
        Capability.POLICY_DOCUMENTS: "Policy documents are for the policyholder and the agent; ask them for "
        "a copy.",
        Capability.BILLING: "Billing is for the policyholder and the agent; ask the policyholder about "
        "invoices and payments.",
        Capability.PAYMENT_HISTORY: "The payment history is for the policyholder.",
        Capability.PAY: "Only the policyholder can pay online.",
        Capability.AGENT_LIBRARY: "The agent resource library is for agents.",
        Capability.SUPPORT_TRIAGE: "Account triage is for support staff.",
        Capability.POLICY_CHANGES: "Policy changes are requested by the policyholder or their agent; support "
        "reads them in account triage.",
        Capability.RENEWAL_APPLICATIONS: "Renewal applications are for agents.",
    }
)


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user of a request."""

    user_id: str
    username: str
    role: Role
    session_id: str
    customer_id: str | None = None
    insured_id: str | None = None
    agency_id: str | None = None


Filter = tuple[str, list[object]]
"""A SQL boolean expression and its parameters."""

_NOTHING: Filter = ("0", [])
_EVERYTHING: Filter = ("1", [])


def customer_filter(caller: Caller, column: str) -> Filter:
    """Rows owned by a customer the caller may see (``column`` holds the customer id)."""
    match caller.role:
        case Role.SUPPORT:
            return _EVERYTHING
        case Role.AGENT:
            return f"{column} IN (SELECT id FROM customers WHERE agency_id = ?)", [caller.agency_id]
        case Role.POLICYHOLDER | Role.INSURED:
            return f"{column} = ?", [caller.customer_id]
    return _NOTHING


def policy_filter(caller: Caller, alias: str = "p") -> Filter:
    """Policies the caller may see; ``alias`` names the policies table in the query."""
    if caller.role is Role.INSURED:
        return (
            f"{alias}.id IN (SELECT policy_id FROM policy_insureds WHERE insured_id = ?)",
            [caller.insured_id],
        )
    if caller.role is Role.AGENT:
        # A policy carries its customer's agency: testing it directly costs nothing, where the customer test
        # builds the agency's list of customers for every statement (6 ms a lookup for a 2,000-customer book).
        return f"{alias}.agency_id = ?", [caller.agency_id]
    return customer_filter(caller, f"{alias}.customer_id")


def billing_account_filter(caller: Caller, alias: str = "b") -> Filter:
    """Billing accounts holding at least one policy the caller may see."""
    if caller.role is Role.INSURED:
        sql, params = policy_filter(caller, "vp")
        return f"{alias}.id IN (SELECT vp.billing_account_id FROM policies vp WHERE {sql})", params
    return customer_filter(caller, f"{alias}.customer_id")


def insured_filter(caller: Caller, insured_column: str) -> Filter:
    """Insured people the caller may see on an already visible policy: an insured sees only themselves."""
    if caller.role is Role.INSURED:
        return f"{insured_column} = ?", [caller.insured_id]
    return _EVERYTHING


def seminar_activity_filter(caller: Caller, alias: str = "a", *, walk_newest_first: bool = False) -> Filter:
    """Seminar history: the customer's, and for an insured only their own completions.

    ``walk_newest_first``: an agent's scope is many customers and most of the rows; its test is then kept
    off the customer index (``+column``), so SQLite walks the rows newest first and stops after a page,
    instead of gathering every row of every customer and sorting them for each page."""
    column = f"{alias}.customer_id"
    if walk_newest_first and caller.role is Role.AGENT:
        column = f"+{column}"
    sql, params = customer_filter(caller, column)
    if caller.role is Role.INSURED:
        return (
            f"{sql} AND {alias}.participant = (SELECT name FROM insureds WHERE id = ?)",
            [*params, caller.insured_id],
        )
    return sql, params


def visible_policy(
    conn: sqlite3.Connection, caller: Caller, policy_id: str, *, what: str = "policy"
) -> sqlite3.Row:
    """The policy row, or 404 (naming ``what``) when it is missing or outside the caller's scope."""
    sql, params = policy_filter(caller)
    row = conn.execute(
        f"SELECT p.* FROM policies p WHERE p.id = ? AND {sql}", [policy_id, *params]
    ).fetchone()
    if row is None:
        raise not_found(what)
    return row


def visible_insured_on_policy(
    conn: sqlite3.Connection, caller: Caller, insured_id: str, policy_id: str
) -> sqlite3.Row:
    """The insured row when the insured is on a visible policy and the caller may see them; else 404 (one
    answer whichever of the two ids is wrong)."""
    visible_policy(conn, caller, policy_id, what="insured")
    sql, params = insured_filter(caller, "i.id")
    row = conn.execute(
        f"SELECT i.* FROM insureds i JOIN policy_insureds pi ON pi.insured_id = i.id "
        f"WHERE i.id = ? AND pi.policy_id = ? AND {sql}",
        [insured_id, policy_id, *params],
    ).fetchone()
    if row is None:
        raise not_found("insured")
    return row


def may(caller: Caller, capability: Capability | None) -> bool:
    """The role table's answer for the caller (``None``: any signed-in user)."""
    return capability is None or role_may(caller.role, capability)


def require_route_capability(caller: Caller, route_name: str) -> None:
    """403 for a role the route is not for (the route's existence is no secret), before any id lookup."""
    capability = ROUTE_CAPABILITIES[route_name]
    if capability is not None and not may(caller, capability):
        raise forbidden(_WHY_NOT[capability])


def may_pay(caller: Caller, can_pay_online: bool) -> bool:
    """A role that may pay, on an account InvoiceCloud serves (NORCAL)."""
    return may(caller, Capability.PAY) and can_pay_online


def capabilities(conn: sqlite3.Connection, caller: Caller) -> list[Capability]:
    """What the caller's menus offer: the role table, with Pay only when some account can be paid online."""
    caps = [capability for capability in Capability if may(caller, capability)]
    if Capability.PAY in caps:
        payable = conn.execute(
            "SELECT 1 FROM billing_accounts WHERE customer_id = ? AND can_pay_online = 1 LIMIT 1",
            [caller.customer_id],
        ).fetchone()
        if not payable:
            caps.remove(Capability.PAY)
    return caps
