"""Seed the policy documents of every term (rows only; the PDF part renders bytes lazily into ``blobs``).

``documents.generator`` names the builder and ``params`` (JSON) carries what the database does not:

- ``declarations`` (2 pages): ``form_number``, ``edition``, ``endorsements`` (list of endorsement form numbers
  attached in the term), ``deductible_cents``. Terms, limits and insureds come from the policy's rows.
- ``policy_form`` (6 pages): ``form_number``, ``form_title``, ``edition``.
- ``endorsement`` (1 page): ``form_number``, ``title``, ``wording``, ``effective_on``.
- ``invoice`` (1 page): ``invoice_number``, ``account_number``, ``plan``, ``premium_cents``, ``fees_cents``,
  ``total_cents``, ``installment_count``, ``first_due_on``.
- ``renewal_notice`` (1 page): ``renewal_start``, ``renewal_end``, ``expiring_premium_cents``,
  ``renewal_premium_cents``, ``respond_by``.
- ``cancellation_notice`` (1 page): ``reason``, ``effective_on``.
- ``resource`` (``params['pages']``, 2-4): see seed_content.
Dates in params are ISO text; money is integer cents.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from ssp_tui.sandbox import seed_catalog as cat
from ssp_tui.sandbox.seed_model import BillingAccount, Policy, SeedContext, TermDates, slug

GENERATOR_PAGES = {
    "declarations": 2,
    "policy_form": 6,
    "endorsement": 1,
    "invoice": 1,
    "renewal_notice": 1,
    "cancellation_notice": 1,
}
_ENDORSEMENT_COUNTS = {"previous": (0, 2), "current": (1, 2), "renewal": (0, 1)}


def add_document(
    ctx: SeedContext,
    policy: Policy | None,
    term: TermDates | None,
    title: str,
    kind: str,
    issued_on: date,
    params: dict[str, object],
    pages: int | None = None,
    filename: str | None = None,
) -> str:
    """Add one documents row; ``kind`` is both its type and its generator. Returns its id."""
    document_id = ctx.new_id("do")
    if filename is None:
        assert policy is not None and term is not None
        filename = f"{policy.number}_{term.start.year}_{slug(title)}.pdf"
    ctx.add(
        "documents",
        (
            document_id,
            policy.id if policy else None,
            term.term if term else None,
            title,
            kind,
            issued_on.isoformat(),
            filename,
            kind,
            json.dumps(params, sort_keys=True),
            pages if pages is not None else GENERATOR_PAGES[kind],
        ),
    )
    return document_id


def _issued_before(ctx: SeedContext, term: TermDates) -> date:
    """Term-opening documents go out three to six weeks before the term, and never after today."""
    return min(term.start - timedelta(days=ctx.rng.randint(21, 45)), ctx.today)


def _issued_within(ctx: SeedContext, term: TermDates) -> date:
    last = min(term.end - timedelta(days=1), ctx.today)
    return term.start + timedelta(days=ctx.rng.randint(0, max((last - term.start).days, 0)))


def _invoice_params(ctx: SeedContext, account: BillingAccount, policy: Policy, term: TermDates) -> dict:
    count = cat.INSTALLMENTS_PER_PLAN[account.plan]
    fees = cat.INSTALLMENT_FEE_CENTS * (count - 1)
    return {
        "invoice_number": f"INV-{term.start.year}-{ctx.rng.randrange(10**6):06d}",
        "account_number": account.number,
        "plan": account.plan,
        "premium_cents": term.premium_cents,
        "fees_cents": fees,
        "total_cents": term.premium_cents + fees,
        "installment_count": count,
        "first_due_on": term.start.isoformat(),
    }


def _seed_term_documents(ctx: SeedContext, account: BillingAccount, policy: Policy, term: TermDates) -> None:
    rng = ctx.rng
    opened = _issued_before(ctx, term) if term.term != "renewal" else _renewal_issue_date(ctx, term)
    low, high = _ENDORSEMENT_COUNTS[term.term]
    endorsements = rng.sample(cat.ENDORSEMENTS, rng.randint(low, high))
    form_number, form_title = cat.POLICY_FORMS[policy.coverage_type]
    span = f"{term.start:%m/%d/%Y} to {term.end:%m/%d/%Y}"
    add_document(
        ctx,
        policy,
        term,
        f"Declarations, {span}",
        "declarations",
        opened,
        {
            "form_number": f"{form_number}-D",
            "edition": cat.FORM_EDITION,
            "deductible_cents": 0,
            "endorsements": [e[0] for e in endorsements],
        },
    )
    add_document(
        ctx,
        policy,
        term,
        f"Policy form {form_number}: {form_title}",
        "policy_form",
        opened,
        {"form_number": form_number, "form_title": form_title, "edition": cat.FORM_EDITION},
    )
    for endorsement_number, title, wording in endorsements:
        issued = opened if term.term == "renewal" else _issued_within(ctx, term)
        add_document(
            ctx,
            policy,
            term,
            f"Endorsement {endorsement_number}: {title}",
            "endorsement",
            issued,
            {
                "form_number": endorsement_number,
                "title": title,
                "wording": wording,
                "effective_on": max(issued, term.start).isoformat(),
            },
        )
    invoice = _invoice_params(ctx, account, policy, term)
    add_document(ctx, policy, term, f"Invoice {invoice['invoice_number']}", "invoice", opened, invoice)
    if term.term == "renewal":
        current = policy.term("current")
        assert current is not None
        add_document(
            ctx,
            policy,
            term,
            f"Renewal notice, term beginning {term.start:%m/%d/%Y}",
            "renewal_notice",
            opened,
            {
                "renewal_start": term.start.isoformat(),
                "renewal_end": term.end.isoformat(),
                "expiring_premium_cents": current.premium_cents,
                "renewal_premium_cents": term.premium_cents,
                "respond_by": (term.start - timedelta(days=15)).isoformat(),
            },
        )
    if term.term == "current" and policy.cancelled_on:
        issued = max(min(policy.cancelled_on - timedelta(days=rng.randint(10, 30)), ctx.today), term.start)
        add_document(
            ctx,
            policy,
            term,
            f"Notice of cancellation effective {policy.cancelled_on:%m/%d/%Y}",
            "cancellation_notice",
            issued,
            {"reason": policy.cancel_reason, "effective_on": policy.cancelled_on.isoformat()},
        )


def _renewal_issue_date(ctx: SeedContext, term: TermDates) -> date:
    """Renewal offers go out 60-75 days before the new term, or today for a term closer than that."""
    return min(term.start - timedelta(days=ctx.rng.randint(60, 75)), ctx.today)


def seed_policy_documents(ctx: SeedContext) -> None:
    for customer in ctx.customers:
        for account in customer.accounts:
            for policy in account.policies:
                for term in policy.terms:
                    _seed_term_documents(ctx, account, policy, term)
