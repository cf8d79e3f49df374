"""Seed announcements, seminars and seminar activity, risk-management and agent resources.

In-portal resources are ``documents`` rows with type and generator ``resource``, no policy or term, and params
``{"pages", "audience" ("risk" or "agent"), "category", "summary", "topics"}`` (topics: one section each).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from ssp_tui.sandbox.seed_content_text import (
    AGENT_RESOURCES,
    ANNOUNCEMENTS,
    RISK_RESOURCES,
    SEMINARS,
    ResourceText,
)
from ssp_tui.sandbox.seed_documents import add_document
from ssp_tui.sandbox.seed_model import Customer, Insured, Policy, SeedContext, slug

SEMINAR_ACTIVITY_PER_SCALE = 1000
_SEMINAR_URL = "https://www.proassurance.com/risk-management/seminars/"
_RISK_URL = "https://www.proassurance.com/risk-management/resources/"
_AGENT_URL = "https://www.proassurance.com/agents/resources/"
_ACTIVITY_YEARS = 3


def seed_announcements(ctx: SeedContext) -> None:
    for item in ANNOUNCEMENTS:
        published = ctx.today - timedelta(days=item.days_ago)
        ctx.add(
            "announcements", (ctx.new_id("an"), item.title, item.body, published.isoformat(), item.category)
        )


def _resource_document(ctx: SeedContext, item: ResourceText, audience: str, published: date) -> str | None:
    if item.pages is None:
        return None
    params = {
        "pages": item.pages,
        "audience": audience,
        "category": item.category,
        "summary": item.summary,
        "topics": list(item.topics),
    }
    return add_document(
        ctx,
        None,
        None,
        item.title,
        "resource",
        published,
        params,
        pages=item.pages,
        filename=f"{slug(item.title)}.pdf",
    )


def seed_resources(ctx: SeedContext) -> None:
    for item in RISK_RESOURCES:
        published = ctx.days_ago(10, 900)
        document_id = _resource_document(ctx, item, "risk", published)
        url = None if document_id else _RISK_URL + slug(item.title)
        ctx.add(
            "risk_resources",
            (
                ctx.new_id("rr"),
                item.title,
                item.category,
                json.dumps(list(item.coverage_types)),
                item.summary,
                published.isoformat(),
                document_id,
                url,
                int(item.highlight),
            ),
        )
    for item in AGENT_RESOURCES:
        published = ctx.days_ago(5, 700)
        document_id = _resource_document(ctx, item, "agent", published)
        url = None if document_id else _AGENT_URL + slug(item.title)
        ctx.add(
            "agent_resources",
            (
                ctx.new_id("ar"),
                item.category,
                item.title,
                published.isoformat(),
                item.summary,
                document_id,
                url,
            ),
        )


Completable = list[tuple[str, str, date | None]]
"""Seminars one can have completed: (id, credits, the event's date for a live one)."""


def seed_seminars(ctx: SeedContext) -> Completable:
    """The catalog (live seminars past and upcoming), then completions by the customers' insureds.

    Each demo customer's first person gets three completions before the random ones, so every demo login with
    seminars sees some history. Returns the seminars one can have completed, for ``add_activity``.
    """
    rng = ctx.rng
    completable: Completable = []
    for item in SEMINARS:
        seminar_id = ctx.new_id("se")
        event_on = None
        if item.format == "live":
            event_on = ctx.today + timedelta(
                days=rng.randint(-300, -10) if rng.random() < 0.6 else rng.randint(10, 150)
            )
        ctx.add(
            "seminars",
            (
                seminar_id,
                item.title,
                item.format,
                item.credits,
                _SEMINAR_URL + slug(item.title),
                item.description,
                event_on.isoformat() if event_on else None,
            ),
        )
        if event_on is None or event_on < ctx.today:
            completable.append((seminar_id, item.credits, event_on))
    attendees = seminar_attendees(ctx)
    first_by_demo_customer: dict[str, tuple] = {}
    for attendee in attendees:
        if attendee[0].demo_key:
            first_by_demo_customer.setdefault(attendee[0].id, attendee)
    picks = [a for a in first_by_demo_customer.values() for _ in range(3)]
    picks += [rng.choice(attendees) for _ in range(SEMINAR_ACTIVITY_PER_SCALE * ctx.scale)]
    add_activity(ctx, picks, completable)
    return completable


Attendee = tuple[Customer, Policy, Insured]


def seminar_attendees(ctx: SeedContext) -> list[Attendee]:
    """Every person insured on a customer's policy (facilities attend no seminars)."""
    return [
        (customer, policy, insured)
        for customer in ctx.customers
        for policy in customer.policies
        for insured in policy.insureds
        if insured.is_person
    ]


def add_activity(ctx: SeedContext, picks: list[Attendee], completable: Completable) -> None:
    """One completion per pick, of a seminar drawn from ``completable``."""
    rng = ctx.rng
    oldest = _ACTIVITY_YEARS * 365
    for customer, policy, insured in picks:
        seminar_id, credits, event_on = rng.choice(completable)
        completed = event_on if event_on else ctx.days_ago(0, oldest)
        ctx.add(
            "seminar_activity",
            (
                ctx.new_id("sa"),
                customer.id,
                insured.name,
                policy.number,
                customer.name,
                seminar_id,
                completed.isoformat(),
                credits,
            ),
        )
