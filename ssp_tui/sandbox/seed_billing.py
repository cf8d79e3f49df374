"""Seed billing terms, installments and applied payments for every billing account.

Installment status follows ``today``: due dates before today are paid (each with its applied payment), unless
the account is behind, when its latest one or two are past due; a due date within the next 30 days is due;
later ones are scheduled. A cancelled account keeps only the installments due up to the cancellation date.
"""

from __future__ import annotations

from datetime import date, timedelta

from ssp_tui.sandbox import seed_catalog as cat
from ssp_tui.sandbox.seed_model import BillingAccount, SeedContext, add_months

DUE_WINDOW_DAYS = 30
"""An installment is 'due' (invoiced) this many days before its due date."""
_PAST_DUE_LOOKBACK_DAYS = 95
_NON_PAYMENT = cat.CANCELLATION_REASONS[3]


def _split(total_cents: int, count: int) -> list[int]:
    """Equal installments in cents; the first carries the remainder so they add up exactly."""
    share = total_cents // count
    return [share + total_cents - share * count, *([share] * (count - 1))]


def _payment(ctx: SeedContext, account: BillingAccount, due_on: date) -> tuple[date, str, str]:
    rng = ctx.rng
    if account.autopay:
        return due_on, cat.PAYMENT_METHOD_AUTOPAY, f"ACH{rng.randrange(10**9):09d}"
    paid_on = min(due_on - timedelta(days=rng.randint(0, 14)), ctx.today - timedelta(days=1))
    if account.insurer in cat.ONLINE_PAY_INSURERS and rng.random() < 0.7:
        return paid_on, rng.choice(cat.PAYMENT_METHODS_ONLINE), f"IC-{rng.randrange(10**10):010d}"
    if rng.random() < 0.15:
        return paid_on, cat.PAYMENT_METHOD_WIRE, f"FW{rng.randrange(10**8):08d}"
    return paid_on, cat.PAYMENT_METHOD_CHECK, f"Check {rng.randint(1001, 9899)}"


def _statuses(ctx: SeedContext, account: BillingAccount, due_dates: list[date], term: str) -> list[str]:
    today = ctx.today
    statuses = []
    for due_on in due_dates:
        if term == "previous" or due_on < today:
            statuses.append("paid")
        elif (due_on - today).days <= DUE_WINDOW_DAYS:
            statuses.append("due")
        else:
            statuses.append("scheduled")
    if term == "current" and account.past_due:
        recent = [
            n for n, d in enumerate(due_dates) if d < today and (today - d).days <= _PAST_DUE_LOOKBACK_DAYS
        ]
        behind = ctx.rng.randint(1, 2)
        for n in recent[-behind:]:
            statuses[n] = "past_due"
    return statuses


def _seed_term(ctx: SeedContext, account: BillingAccount, term: str) -> None:
    terms = [t for p in account.policies if (t := p.term(term))]
    start, end = terms[0].start, terms[0].end
    premium = sum(t.premium_cents for t in terms)
    count = cat.INSTALLMENTS_PER_PLAN[account.plan]
    step = 12 // count
    due_dates = [add_months(start, n * step) for n in range(count)]
    amounts = _split(premium + cat.INSTALLMENT_FEE_CENTS * (count - 1), count)
    cancelled = [p.cancelled_on for p in account.policies if p.cancelled_on]
    all_cancelled = term == "current" and len(cancelled) == len(account.policies)
    if all_cancelled:
        # Billing stops at cancellation: the term amount becomes what was billed up to then.
        kept = [n for n, d in enumerate(due_dates) if d <= max(cancelled)] or [0]
        due_dates, amounts = [due_dates[n] for n in kept], [amounts[n] for n in kept]
        premium = sum(amounts) - cat.INSTALLMENT_FEE_CENTS * (len(amounts) - 1)
    statuses = _statuses(ctx, account, due_dates, term)
    if all_cancelled and any(p.cancel_reason == _NON_PAYMENT for p in account.policies):
        statuses[-1] = "past_due"  # the unpaid installment the policy was cancelled for
    ctx.add("billing_terms", (account.id, term, start.isoformat(), end.isoformat(), sum(amounts), premium))
    for number, (due_on, amount, status) in enumerate(zip(due_dates, amounts, statuses, strict=True), 1):
        ctx.add(
            "installments",
            (ctx.new_id("it"), account.id, term, number, due_on.isoformat(), amount, status),
        )
        if status == "paid":
            paid_on, method, reference = _payment(ctx, account, due_on)
            ctx.add(
                "payments",
                (ctx.new_id("pa"), account.id, term, paid_on.isoformat(), amount, method, reference),
            )


def seed_billing(ctx: SeedContext) -> None:
    for customer in ctx.customers:
        for account in customer.accounts:
            _seed_term(ctx, account, "previous")
            _seed_term(ctx, account, "current")
