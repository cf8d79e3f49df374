"""Home, risk-management resources, seminars and their activity, and the agent resource library."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from ssp_tui.api.models import (
    AgentCategory,
    AgentResource,
    Announcement,
    AttentionItem,
    AttentionKind,
    BillingTerm,
    HolderRequestStatus,
    Home,
    Page,
    RiskCategory,
    RiskHighlight,
    RiskResource,
    Role,
    Seminar,
    SeminarActivity,
    SeminarFormat,
    Term,
)
from ssp_tui.api.models.credentialing import holder_request_overdue
from ssp_tui.api.roles import Capability
from ssp_tui.formatting import plural
from ssp_tui.sandbox.access import (
    Caller,
    billing_account_filter,
    may,
    policy_filter,
    seminar_activity_filter,
)
from ssp_tui.sandbox.home_attention import change_request_attention, renewal_application_attention
from ssp_tui.sandbox.http_io import (
    Call,
    encode_cursor,
    like_pattern,
    money,
    page_window,
    paged_list,
    paged_query,
    parse_date,
    parse_utc,
)
from ssp_tui.sandbox.routes_billing import term_figures, term_installments
from ssp_tui.sandbox.routes_credentialing import holder_requests_filter
from ssp_tui.sandbox.routes_policies import caller_coverage_types

HOME_ANNOUNCEMENTS = 5
ATTENTION_PER_KIND = 20

T = TypeVar("T")


def _risk_resource(r: sqlite3.Row) -> RiskResource:
    return RiskResource(
        id=r["id"],
        title=r["title"],
        category=RiskCategory(r["category"]),
        coverage_types=json.loads(r["coverage_types"]),
        summary=r["summary"],
        published_on=date.fromisoformat(r["published_on"]),
        document_id=r["document_id"],
        url=r["url"],
    )


def _visible_risk_resources(conn: sqlite3.Connection, caller: Caller, where: str, args: list[object]) -> list:
    mine = caller_coverage_types(conn, caller)
    rows = conn.execute(
        f"SELECT * FROM risk_resources WHERE {where} ORDER BY published_on DESC, title, id", args
    ).fetchall()
    resources = [_risk_resource(r) for r in rows]
    return [r for r in resources if mine is None or mine.intersection(r.coverage_types)]


def _attention(conn: sqlite3.Connection, caller: Caller, now: datetime) -> list[AttentionItem]:
    """What the caller should act on: money owed, renewal papers ready, certificate requests under way."""
    if caller.role is Role.SUPPORT:
        return []  # support triages through /support, not a personal to-do list
    items: list[AttentionItem] = []
    if may(caller, Capability.BILLING):
        items += _billing_attention(conn, caller)
    if may(caller, Capability.POLICY_DOCUMENTS):
        items += _renewal_attention(conn, caller)
    if may(caller, Capability.RENEWAL_APPLICATIONS):
        items += renewal_application_attention(conn, caller, ATTENTION_PER_KIND)
    if may(caller, Capability.CERTIFICATES):
        items += _holder_request_attention(conn, caller, now)
    if may(caller, Capability.POLICY_CHANGES):
        items += change_request_attention(conn, caller, now, ATTENTION_PER_KIND)
    return items


def _billing_attention(conn: sqlite3.Connection, caller: Caller) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    sql, params = billing_account_filter(caller)
    owing = conn.execute(
        f"SELECT b.id, b.account_number FROM billing_accounts b WHERE {sql} AND EXISTS (SELECT 1 "
        "FROM installments i WHERE i.account_id = b.id AND i.term = 'current' "
        "AND i.status IN ('due', 'past_due')) "
        "ORDER BY b.account_number LIMIT ?",
        [*params, ATTENTION_PER_KIND],
    ).fetchall()
    for account in owing:
        figures = term_figures(term_installments(conn, account["id"], BillingTerm.CURRENT, (1, 1)))
        if figures.past_due_cents:
            items.append(
                AttentionItem(
                    kind=AttentionKind.PAST_DUE,
                    ref_id=account["id"],
                    message=f"Account {account['account_number']}: {money(figures.past_due_cents)} past due "
                    f"since {figures.due_on}",
                )
            )
        elif figures.amount_due_cents and caller.role is not Role.AGENT:
            items.append(
                AttentionItem(
                    kind=AttentionKind.AMOUNT_DUE,
                    ref_id=account["id"],
                    message=f"Account {account['account_number']}: {money(figures.amount_due_cents)} due "
                    f"on {figures.due_on}",
                )
            )
    return items


def _renewal_attention(conn: sqlite3.Connection, caller: Caller) -> list[AttentionItem]:
    pol_sql, pol_params = policy_filter(caller)
    renewals = conn.execute(
        f"SELECT p.id, p.policy_number FROM policies p WHERE {pol_sql} AND EXISTS (SELECT 1 FROM documents d "
        "WHERE d.policy_id = p.id AND d.term = 'renewal') ORDER BY p.policy_number LIMIT ?",
        [*pol_params, ATTENTION_PER_KIND],
    ).fetchall()
    return [
        AttentionItem(
            kind=AttentionKind.RENEWAL_DOCUMENTS,
            ref_id=p["id"],
            term=Term.RENEWAL,
            message=f"Renewal documents for policy {p['policy_number']} are ready",
        )
        for p in renewals
    ]


def _holder_request_attention(conn: sqlite3.Connection, caller: Caller, now: datetime) -> list[AttentionItem]:
    hr_sql, hr_params = holder_requests_filter(caller)
    open_requests = conn.execute(
        f"SELECT hr.status, hr.expected_by FROM holder_requests hr WHERE {hr_sql} "
        "AND hr.status IN ('submitted', 'in_review')",
        hr_params,
    ).fetchall()
    if not open_requests:
        return []
    # The rule the Holder requests list marks OVERDUE by: Home never calls such a request "in progress".
    overdue = sum(
        holder_request_overdue(HolderRequestStatus(r["status"]), parse_utc(r["expected_by"]), now)
        for r in open_requests
    )
    requests = plural(len(open_requests), "certificate holder request")
    if overdue == len(open_requests):
        message = f"{requests} overdue (past the 48 hours)"
    elif overdue:
        message = f"{requests} in progress, {overdue} overdue (past the 48 hours)"
    else:
        message = f"{requests} in progress"
    return [AttentionItem(kind=AttentionKind.HOLDER_REQUESTS, message=message)]


def home(call: Call) -> Home:
    conn = call.conn
    announcements = conn.execute(
        "SELECT * FROM announcements ORDER BY published_on DESC, id LIMIT ?", [HOME_ANNOUNCEMENTS]
    ).fetchall()
    highlights = _visible_risk_resources(conn, call.user, "highlight = 1", [])
    return Home(
        announcements=[
            Announcement(
                id=a["id"],
                title=a["title"],
                body=a["body"],
                published_on=date.fromisoformat(a["published_on"]),
                category=a["category"],
            )
            for a in announcements
        ],
        risk_highlights=[
            RiskHighlight(id=r.id, title=r.title, summary=r.summary, resource_id=r.id) for r in highlights
        ],
        attention=_attention(conn, call.user, call.now),
    )


def risk_resources(call: Call) -> Page[RiskResource]:
    where, args = ["1"], []
    if category := call.query.get("category"):
        where.append("category = ?")
        args.append(category.value)
    if q := call.query.get("q", "").strip():
        where.append("(title LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\')")
        args += [like_pattern(q), like_pattern(q)]
    return paged_list(call, _visible_risk_resources(call.conn, call.user, " AND ".join(where), args))


def seminars(call: Call) -> Page[Seminar]:
    return paged_query(
        call,
        "SELECT * FROM seminars ORDER BY format, event_on, title, id",
        [],
        lambda r: Seminar(
            id=r["id"],
            title=r["title"],
            format=SeminarFormat(r["format"]),
            cme_credits=Decimal(r["cme_credits"]),
            url=r["url"],
            description=r["description"],
            event_on=date.fromisoformat(r["event_on"]) if r["event_on"] else None,
        ),
    )


def seminar_activity_model(r: sqlite3.Row) -> SeminarActivity:
    """A seminar_activity row joined with its seminar's title and format."""
    return SeminarActivity(
        id=r["id"],
        participant=r["participant"],
        policy_number=r["policy_number"],
        policyholder=r["policyholder"],
        seminar_id=r["seminar_id"],
        title=r["title"],
        format=SeminarFormat(r["format"]),
        completed_on=date.fromisoformat(r["completed_on"]),
        credits=Decimal(r["credits"]),
    )


def seminar_activity(call: Call) -> Page[SeminarActivity]:
    # An agency's many customers: walk the rows newest first and test each, rather than gather and sort them
    # all for every page (with an agency's 200,000 rows that sort took seconds a page).
    sql, params = seminar_activity_filter(call.user, walk_newest_first=True)
    where, args = [sql], list(params)
    for name, column in (
        ("participant", "a.participant"),
        ("policyholder", "a.policyholder"),
        ("title", "s.title"),
    ):
        if value := call.query.get(name, "").strip():
            where.append(f"{column} LIKE ? ESCAPE '\\'")
            args.append(like_pattern(value))
    if number := call.query.get("policy_number", "").strip():
        where.append("a.policy_number LIKE ? ESCAPE '\\'")  # exact or prefix
        args.append(like_pattern(number)[1:])
    if "from" in call.query:
        where.append("a.completed_on >= ?")
        args.append(parse_date("from", call.query["from"]).isoformat())
    if "to" in call.query:
        where.append("a.completed_on <= ?")
        args.append(parse_date("to", call.query["to"]).isoformat())
    return newest_first_page(
        call,
        "SELECT a.rowid AS position, a.*, s.title, s.format "
        "FROM seminar_activity a JOIN seminars s ON s.id = a.seminar_id",
        " AND ".join(where),
        args,
        seminar_activity_model,
    )


def newest_first_page(
    call: Call, select: str, where: str, args: list[object], convert: Callable[[sqlite3.Row], T]
) -> Page[T]:
    """A page of activity, newest first (by day, then by row), after the row the cursor names.

    The cursor is the last row's day and rowid (a keyset, in the same 8 bytes as an offset cursor), so every
    page is a seek into the ``(completed_on)`` index: the last of 200 pages costs what the first does.
    """
    after, limit = page_window(call)
    keyset = ""
    if call.query.get("cursor") is not None:
        # Like an offset past the end, a cursor no page handed out still names a place: a day out of range
        # is clamped (every cursor of the right shape is accepted, as the API's pattern promises).
        day = min(max(after >> 32, 1), date.max.toordinal())
        keyset = " AND (a.completed_on, a.rowid) < (?, ?)"
        args = [*args, date.fromordinal(day).isoformat(), after & 0xFFFFFFFF]
    rows = call.conn.execute(
        f"{select} WHERE {where}{keyset} ORDER BY a.completed_on DESC, a.rowid DESC LIMIT ?",
        [*args, limit + 1],
    ).fetchall()
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(
            date.fromisoformat(last["completed_on"]).toordinal() << 32 | last["position"]
        )
    return Page(items=[convert(row) for row in rows[:limit]], next_cursor=next_cursor)


def agent_resources(call: Call) -> Page[AgentResource]:
    where, args = ["1"], []
    if category := call.query.get("category"):
        where.append("category = ?")
        args.append(category.value)
    if q := call.query.get("q", "").strip():
        where.append("(title LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\')")
        args += [like_pattern(q), like_pattern(q)]
    return paged_query(
        call,
        f"SELECT * FROM agent_resources WHERE {' AND '.join(where)} ORDER BY published_on DESC, title, id",
        args,
        lambda r: AgentResource(
            id=r["id"],
            title=r["title"],
            category=AgentCategory(r["category"]),
            published_on=date.fromisoformat(r["published_on"]),
            summary=r["summary"],
            document_id=r["document_id"],
            url=r["url"],
        ),
    )


HANDLERS = {
    "home": home,
    "risk_resources": risk_resources,
    "seminars": seminars,
    "seminar_activity": seminar_activity,
    "agent_resources": agent_resources,
}
