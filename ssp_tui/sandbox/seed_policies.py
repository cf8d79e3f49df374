"""Seed billing accounts, policies, their claims-made terms and who each policy insures.

Policies billed together share their anniversary (account billing), so an account's billing term is its
policies' term. Every policy has a previous and a current term; an active policy whose current term ends
within 90 days of today also has the renewal term on offer.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from ssp_tui.sandbox import seed_catalog as cat
from ssp_tui.sandbox.seed_demo import CustomerSpec
from ssp_tui.sandbox.seed_model import (
    BillingAccount,
    Customer,
    Insured,
    Policy,
    SeedContext,
    TermDates,
    add_years,
)

RENEWAL_OFFER_DAYS = 90
_CANCELLED_SHARE = 0.05
_PAST_DUE_SHARE = 0.08
_SHARED_ACCOUNT_SHARE = 0.65
"""How often a customer with several policies bills them on one account."""
# Years a claims-made policy has been in force -> share of the mature premium (step-rating).
_CLAIMS_MADE_STEPS = (0.35, 0.60, 0.80, 0.90, 1.00)
_YEARS_INSURED_WEIGHTS = (3, 3, 3, 3, 4, 5, 5, 5, 4, 4, 3, 3, 2, 2, 2, 2)


class PlannedPolicy(NamedTuple):
    coverage_type: str
    insureds: list[Insured]
    cancel: bool


def _is_allied(insured: Insured) -> bool:
    return insured.specialty in cat.ALLIED_SPECIALTIES


def _plan_policies(ctx: SeedContext, customer: Customer, spec: CustomerSpec | None) -> list[PlannedPolicy]:
    """Which policies the customer holds and whom each insures."""
    rng = ctx.rng
    if customer.kind == "physician":
        return [PlannedPolicy(cat.PHYSICIANS_PL, list(customer.insureds), False)]
    allied = [i for i in customer.insureds if _is_allied(i)]
    separate = spec.separate_allied_policy if spec else bool(allied) and rng.random() < 0.5
    if customer.kind == "facility":
        entity = customer.insureds[0]
        main_type = cat.ASC_PL if entity.specialty is cat.ASC_ENTITY else cat.HOSPITAL_PL
    else:
        main_type = cat.GROUP_PL
    main = [i for i in customer.insureds if not (separate and _is_allied(i))]
    planned = [PlannedPolicy(main_type, main, False)]
    if separate and allied:
        planned.append(PlannedPolicy(cat.ALLIED_PL, allied, bool(spec and spec.cancel_allied_policy)))
    if spec is None:
        planned = [p._replace(cancel=rng.random() < _CANCELLED_SHARE) for p in planned]
    return planned


def _premium(insureds: list[Insured], limits: cat.Limits, years_insured: int, trend: float) -> int:
    base = sum(i.specialty.base_premium_cents for i in insureds)
    step = _CLAIMS_MADE_STEPS[min(max(years_insured, 0), len(_CLAIMS_MADE_STEPS) - 1)]
    return round(base * limits.premium_factor * step * trend / 100) * 100


def _new_account(ctx: SeedContext, customer: Customer, spec: CustomerSpec | None) -> BillingAccount:
    rng = ctx.rng
    plan = spec.plan if spec else ctx.weighted(list(cat.PLAN_WEIGHTS), list(cat.PLAN_WEIGHTS.values()))
    autopay = False if spec else rng.random() < (0.55 if plan == "monthly" else 0.12)
    if spec and spec.current_start_days_ago is not None:
        start = ctx.today - timedelta(days=spec.current_start_days_ago)
    else:
        start = ctx.days_ago(0, 364)
    past_due = spec.past_due if spec else rng.random() < _PAST_DUE_SHARE
    number = ctx.unique_number(cat.ACCOUNT_PREFIX[customer.insurer], 8)
    account = BillingAccount(ctx.new_id("ba"), number, customer.insurer, plan, autopay, start, [], past_due)
    customer.accounts.append(account)
    ctx.add(
        "billing_accounts",
        (
            account.id,
            number,
            customer.id,
            customer.name,
            customer.insurer,
            plan,
            int(autopay),
            int(customer.insurer in cat.ONLINE_PAY_INSURERS),
        ),
    )
    return account


def _cancellation(ctx: SeedContext, start: date, spec: CustomerSpec | None) -> tuple[date, str] | None:
    days_in = (ctx.today - start).days
    if days_in < 4:
        return None  # too young to have been cancelled already
    cancelled_on = start + timedelta(days=ctx.rng.randint(1, days_in - 2))
    if spec:
        return cancelled_on, cat.CANCELLATION_REASONS[1]
    return cancelled_on, ctx.weighted(cat.CANCELLATION_REASONS, (3, 2, 1, 2))


def _add_policy(
    ctx: SeedContext,
    customer: Customer,
    account: BillingAccount,
    planned: PlannedPolicy,
    spec: CustomerSpec | None,
) -> Policy:
    rng = ctx.rng
    facility = planned.coverage_type in (cat.HOSPITAL_PL, cat.ASC_PL)
    limit_pool = cat.FACILITY_LIMITS if facility else cat.INDIVIDUAL_LIMITS
    limits = ctx.weighted(limit_pool, [lim.weight for lim in limit_pool])
    number = ctx.unique_number(cat.POLICY_PREFIX[customer.insurer], 7)
    policy = Policy(ctx.new_id("po"), number, planned.coverage_type, planned.insureds)
    start = account.current_start
    end = add_years(start, 1)
    previous_start = add_years(start, -1)
    years_before = rng.choices(range(len(_YEARS_INSURED_WEIGHTS)), weights=_YEARS_INSURED_WEIGHTS)[0]
    retro = add_years(previous_start, -years_before)
    if planned.cancel:
        cancellation = _cancellation(ctx, start, spec)
        if cancellation:
            policy.cancelled_on, policy.cancel_reason = cancellation
    spans = [("previous", previous_start, start, 1 / rng.uniform(1.0, 1.06)), ("current", start, end, 1.0)]
    if policy.cancelled_on is None and (end - ctx.today).days <= RENEWAL_OFFER_DAYS:
        spans.append(("renewal", end, add_years(end, 1), rng.uniform(1.0, 1.07)))
    for term, term_start, term_end, trend in spans:
        years = term_start.year - retro.year
        premium = _premium(planned.insureds, limits, years, trend)
        policy.terms.append(TermDates(term, term_start, term_end, retro, limits, premium))
        ctx.add(
            "policy_terms",
            (
                policy.id,
                term,
                term_start.isoformat(),
                term_end.isoformat(),
                retro.isoformat(),
                limits.per_claim_cents,
                limits.aggregate_cents,
                premium,
            ),
        )
    account.policies.append(policy)
    status = "cancelled" if policy.cancelled_on else "active"
    ctx.add(
        "policies",
        (
            policy.id,
            number,
            customer.id,
            customer.agency.id if customer.agency else None,
            account.id,
            customer.insurer,
            planned.coverage_type,
            status,
            policy.cancelled_on.isoformat() if policy.cancelled_on else None,
            1,
        ),
    )
    for insured in planned.insureds:
        ctx.add("policy_insureds", (policy.id, insured.id))
    return policy


def seed_customer_policies(ctx: SeedContext, customer: Customer, spec: CustomerSpec | None) -> None:
    """The customer's policies, grouped into one or several billing accounts (a cancelled one bills alone)."""
    planned = _plan_policies(ctx, customer, spec)
    kept = [p for p in planned if not p.cancel]
    shared = spec is not None or ctx.rng.random() < _SHARED_ACCOUNT_SHARE
    groups: list[list[PlannedPolicy]] = [kept] if shared and kept else [[p] for p in kept]
    groups += [[p] for p in planned if p.cancel]
    for group in groups:
        account = _new_account(ctx, customer, spec)
        for planned_policy in group:
            _add_policy(ctx, customer, account, planned_policy, spec)
