"""Support (Pilot, against the sandbox): search as support staff, every seeded problem account shows its flag
in the results and in the overview, the summary is copied and shown, nothing the screen does writes to the
portal, and no other role ever sees the section."""

from __future__ import annotations

from collections.abc import Callable

import httpx2
import pytest
from section_helpers import enter_as, shown_text
from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_helpers import SandboxLike, click, db, nav_section_ids, wait_for

from ssp_tui.api.models import SupportAccountHit
from ssp_tui.tui.app import SspApp
from ssp_tui.tui.sections.support.overview import SummaryDialog
from ssp_tui.tui.sections.support.screen import SupportScreen

SIZE = (160, 50)
SUPPORT_USER = "support.morgan"
PROBLEM_ACCOUNTS: dict[str, tuple[str, str, str]] = {
    "billing.coastal": ("past due $", "billing", "PAST DUE $"),
    "dr.lopez": ("user dr.lopez locked since", "users", "LOCKED since"),
    "dr.kim": ("MFA never enrolled for user dr.kim", "users", "MFA NOT ENROLLED"),
    "credentialing.mercy": ("days old", "requests", "OVERDUE (over 48 h)"),
    "dr.abbott": ("cancelled on", "policies", "CANCELLED"),
}
"""Each seeded triage login: words its flag must say, and the overview block that must show the problem."""


async def open_support(pilot: Pilot, app: SspApp) -> SupportScreen:
    await pilot.press("8")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, SupportScreen) and bool(app.screen.query("#support-query")),
        "Support",
    )
    screen = app.screen
    assert isinstance(screen, SupportScreen)
    return screen


def search_status(screen: SupportScreen) -> str:
    return str(screen.query_one("#support-search-status", Static).render())


async def search_for(pilot: Pilot, screen: SupportScreen, text: str) -> list[SupportAccountHit]:
    """Type in the search box as a user would, press Enter, wait for the results."""
    box = screen.query_one("#support-query", Input)
    box.value = ""
    box.focus()
    before = search_status(screen)
    await pilot.press(*text, "enter")
    await wait_for(
        pilot,
        lambda: (
            search_status(screen) != before and not search_status(screen).startswith(("Searching", "Listing"))
        ),
        f"results for {text!r}",
    )
    return [row for row in screen.search_pane.table.shown_rows() if isinstance(row, SupportAccountHit)]


async def open_hit(pilot: Pilot, screen: SupportScreen, username: str) -> SupportAccountHit:
    """Move the cursor to the account of ``username`` in the results and press Enter."""
    table = screen.search_pane.table
    rows = table.shown_rows()
    position = next(i for i, row in enumerate(rows) if username in row.usernames)
    table.focus()
    await pilot.press("home", *["down"] * position, "enter")
    hit = rows[position]
    await wait_for(
        pilot,
        lambda: (
            screen.account is not None
            and screen.account.id == hit.id
            and bool(screen.query("#support-block-problems"))
        ),
        f"the overview of {hit.name}",
    )
    return hit


def block(screen: SupportScreen, key: str) -> str:
    return str(screen.query_one(f"#support-block-{key}", Static).render())


def row_text(screen: SupportScreen, account_id: str) -> str:
    """The cells of an account's row as the table draws them."""
    model = screen.search_pane.table.model
    index = model.index_of_key(account_id)
    assert index is not None
    return " | ".join(model.texts(index))


async def test_every_seeded_problem_account_shows_its_flag(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, SUPPORT_USER)
        assert "support" in nav_section_ids(app)
        screen = await open_support(pilot, app)
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "support-query", "focus on the box")
        for username, (flag_words, block_key, block_words) in PROBLEM_ACCOUNTS.items():
            hits = await search_for(pilot, screen, username)
            hit = next(h for h in hits if username in h.usernames)
            assert hit.flags and any(flag_words in flag.message for flag in hit.flags), hit.flags
            shown = row_text(screen, hit.id)
            assert all(flag.message in shown for flag in hit.flags), shown
            await open_hit(pilot, screen, username)
            problems = block(screen, "problems")
            assert all(flag.message in problems for flag in hit.flags), problems
            assert screen.query_one("#support-block-problems").has_class("has-problems")
            assert block_words in block(screen, block_key), (username, block(screen, block_key))
            if username in ("dr.lopez", "dr.kim"):
                assert username in block(screen, "users")


async def test_empty_search_lists_every_account_and_a_healthy_one_has_no_problem(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    with db(sandbox.db_path) as conn:
        customers = int(conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, SUPPORT_USER)
        screen = await open_support(pilot, app)
        hits = await search_for(pilot, screen, "")
        assert len(hits) == customers
        with_problems = sum(1 for hit in hits if hit.flags)
        assert f"{customers} accounts in all, {with_problems} with problems" in search_status(screen)
        assert app.focused is screen.search_pane.table  # Enter moved on to the results

        await open_hit(pilot, screen, "dr.patel")
        assert block(screen, "problems") == "No problems found."
        assert screen.query_one("#support-block-problems").has_class("no-problems")
        assert "Patel Family Medicine" in shown_text(screen.overview)

        await search_for(pilot, screen, "zz-no-such-account-zz")
        assert screen.search_pane.table.model.row_count == 0
        assert "No accounts matching 'zz-no-such-account-zz'" in search_status(screen)


async def test_copy_summary_copies_and_shows_it_without_any_secret(
    sandbox: SandboxLike, make_app: Callable[..., SspApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, SUPPORT_USER)
        screen = await open_support(pilot, app)
        assert screen.check_action("copy_summary", ()) is None  # greyed out until an account is open
        await search_for(pilot, screen, "credentialing.mercy")
        hit = await open_hit(pilot, screen, "credentialing.mercy")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryDialog), "the summary dialog")
        dialog = app.screen
        assert isinstance(dialog, SummaryDialog)
        copied = app.clipboard
        assert copied == dialog.summary
        assert str(dialog.query_one("#summary-text", Static).render()) == copied
        assert copied.startswith(f"{hit.name} (account {hit.id})")
        for flag in hit.flags:
            assert flag.message in copied
        for title in ("Policies:", "Billing:", "Users:", "Open holder requests:", "Recent documents:"):
            assert title in copied
        assert "OVERDUE (over 48 h)" in copied
        with db(sandbox.db_path) as conn:
            user = conn.execute(
                "SELECT password_hash, totp_secret, demo_password FROM users WHERE username = ?",
                ["credentialing.mercy"],
            ).fetchone()
        assert all(secret not in copied for secret in user if secret)

        app.copy_to_clipboard("something else")
        await click(pilot, "#summary-copy")
        assert app.clipboard == dialog.summary
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")


async def test_nothing_on_the_screen_writes_to_the_portal(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, SUPPORT_USER)
        sent: list[tuple[str, str]] = []
        real_send = httpx2.AsyncClient.send

        async def recording_send(
            self: httpx2.AsyncClient, request: httpx2.Request, **kwargs: object
        ) -> object:
            sent.append((request.method, request.url.path))
            return await real_send(self, request, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(httpx2.AsyncClient, "send", recording_send)
        screen = await open_support(pilot, app)
        await search_for(pilot, screen, "dr.lopez")
        await open_hit(pilot, screen, "dr.lopez")
        await pilot.press("r")
        await wait_for(pilot, lambda: len([p for _, p in sent if "/support/accounts/" in p]) >= 2, "reload")
        await wait_for(pilot, lambda: screen.account is not None, "the reloaded overview")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryDialog), "the summary dialog")
        await pilot.press("escape")
        assert sent and all(method == "GET" for method, _ in sent), sent
        assert all("/support/" in path for _, path in sent), sent


@pytest.mark.parametrize("username", ["dr.patel", "dr.nguyen", "agent.rivera"])
async def test_other_roles_never_see_the_section(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], username: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, username)
        assert "support" not in nav_section_ids(app)
        assert not app.can_open("support")
        assert "support" not in [section.id for section in app.visible_sections()]
        await pilot.press("8")
        await pilot.pause()
        assert not isinstance(app.screen, SupportScreen)
