"""Every portal command, run by every role, as a script would: a command the role may not use says so before
asking the portal ("This login ... cannot use ..."), and a command it may use never meets a 403.

``NEEDS`` is the published role table written out by command (not read from the code); a test checks it covers
every command, so a new one must say what it needs. Ids are made up where a real one is not needed: the portal
checks the role before it looks an id up, so a 404 still proves there was no 403."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from cli_helpers import Cli, LoginAs, all_commands

from ssp_tui.api.roles import CAPABILITY_TITLES, Capability, Role, role_may
from ssp_tui.cli.exit_codes import ExitCode

NO_PORTAL = {("login",), ("logout",), ("sandbox",), ("completion",), ("account",), ("web",), ("man",)}
"""Commands that sign in or out, the sandbox's own, shell completion, the manual page, the browser door and
creating or recovering a login (no session, so no portal role involved)."""
NEEDS: dict[tuple[str, ...], Capability | None] = {
    ("whoami",): None,
    ("billing", "list"): Capability.BILLING,
    ("billing", "show"): Capability.BILLING,
    ("policies", "list"): Capability.POLICY_DOCUMENTS,
    ("policies", "show"): Capability.POLICY_DOCUMENTS,
    ("docs", "list"): Capability.POLICY_DOCUMENTS,
    ("docs", "download"): Capability.POLICY_DOCUMENTS,
    ("coi", "list"): Capability.CERTIFICATES,
    ("coi", "download"): Capability.CERTIFICATES,
    ("coi", "request-holder"): Capability.CREDENTIALING,
    ("coi", "requests"): Capability.CERTIFICATES,
    ("coi", "request-holders"): Capability.CREDENTIALING,
    ("coi", "expiring"): Capability.CERTIFICATES,
    ("coi", "renewal-pack"): Capability.CERTIFICATES,
    ("coi", "drafts"): Capability.CERTIFICATES,
    ("coi", "send"): Capability.CERTIFICATES,
    ("coi", "history"): None,
    ("coi", "smtp-password"): None,
    ("calendar", "export"): None,
    ("seminars", "list"): None,
    ("seminars", "activity"): Capability.SEMINAR_ACTIVITY,
    ("risk", "list"): None,
    ("risk", "download"): None,
    ("agent", "resources"): Capability.AGENT_LIBRARY,
    ("agent", "download"): Capability.AGENT_LIBRARY,
    ("support", "search"): Capability.SUPPORT_TRIAGE,
    ("support", "account"): Capability.SUPPORT_TRIAGE,
    ("mfa", "factors"): None,
    ("mfa", "phone"): None,
    ("mfa", "reenroll"): None,
    ("mfa", "devices"): None,
    ("mfa", "revoke-device"): None,
    ("changes", "request"): Capability.POLICY_CHANGES,
    ("changes", "list"): Capability.POLICY_CHANGES,
    ("changes", "show"): Capability.POLICY_CHANGES,
    ("renewals", "list"): Capability.RENEWAL_APPLICATIONS,
    ("renewals", "download"): Capability.RENEWAL_APPLICATIONS,
}
HOLDER = (
    "--insured",
    "Nobody",
    "--name",
    "Mercy",
    "--address",
    "1 Main",
    "--city",
    "Fresno",
    "--state",
    "CA",
)


def arguments(command: tuple[str, ...], folder: Path) -> tuple[str, ...]:
    """Arguments that keep each run small and never write to the portal (a policy that does not exist)."""
    holders = folder / "holders.csv"
    if command == ("coi", "request-holders"):
        folder.mkdir(parents=True, exist_ok=True)
        holders.write_text(
            "policy,insured,holder name,address,city,state,zip\n"
            "NOPE-0000,Nobody,Mercy,1 Main,Fresno,CA,93701\n"
        )
    return {
        ("billing", "show"): ("zz_no_such_account",),
        ("docs", "list"): ("NOPE-0000",),
        ("policies", "show"): ("NOPE-0000",),
        ("risk", "download"): ("zz_no_such_document", "--dir", str(folder)),
        ("agent", "download"): ("zz_no_such_document", "--dir", str(folder)),
        ("docs", "download"): ("NOPE-0000", "--dir", str(folder)),
        ("coi", "list"): ("--query", "NOPE-0000", "--by", "policy-number"),
        ("coi", "download"): ("zz_no_such_certificate", "--separate", str(folder)),
        ("coi", "request-holder"): ("--policy", "NOPE-0000", *HOLDER, "--zip", "93701"),
        ("coi", "request-holders"): (str(holders),),
        ("coi", "renewal-pack"): ("--dir", str(folder), "--policy", "NOPE-0000"),
        ("coi", "drafts"): ("--dir", str(folder), "--policy", "NOPE-0000"),
        ("coi", "send"): ("--dir", str(folder), "--policy", "NOPE-0000"),
        ("calendar", "export"): (str(folder / "dates.ics"),),
        ("support", "search"): ("NOPE-0000",),
        ("support", "account"): ("zz_no_such_account",),
        ("mfa", "phone"): ("--confirm", "zz_no_such_change", "--code", "123456"),
        ("mfa", "reenroll"): ("--confirm", "zz_no_such_enrollment", "--code", "123456"),
        ("mfa", "revoke-device"): ("dev_zz_no_such_device",),
        ("changes", "request"): ("--policy", "NOPE-0000", "--kind", "other", "--description", "x"),
        ("changes", "show"): ("pc_zz_no_such_request",),
        ("renewals", "download"): ("NOPE-0000", "--dir", str(folder)),
    }.get(command, ())


def test_every_portal_command_says_what_it_needs() -> None:
    leaves = {
        tuple(path)
        for path in all_commands()
        if not any(tuple(other[: len(path)]) == tuple(path) and other != path for other in all_commands())
    }
    portal_commands = {path for path in leaves if path[:1] not in {p[:1] for p in NO_PORTAL}}
    assert portal_commands == set(NEEDS)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_told_what_it_cannot_use_and_never_meets_a_403(
    cli: Cli, login_as: LoginAs, role: Role, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = login_as(role)
    asked: list[tuple[int, str]] = []
    real_send = httpx2.AsyncClient.send

    async def recording_send(self: httpx2.AsyncClient, request: httpx2.Request, **kwargs: object) -> object:
        response = await real_send(self, request, **kwargs)  # type: ignore[arg-type]
        asked.append((response.status_code, f"{request.method} {request.url.path}"))
        return response

    monkeypatch.setattr(httpx2.AsyncClient, "send", recording_send)
    surprises = []
    for command, needs in NEEDS.items():
        asked.clear()
        result = cli.run(*command, *arguments(command, tmp_path / "out"), profile=profile)
        if needs is not None and not role_may(role, needs):
            assert result.exit_code == ExitCode.ERROR, (command, result.stderr)
            assert f"cannot use {CAPABILITY_TITLES[needs]}" in result.stderr, (command, result.stderr)
            assert "whoami" in result.stderr and result.stdout == ""
            assert not [a for a in asked if "/auth/" not in a[1]], f"{command} asked the portal: {asked}"
        else:
            assert "cannot use" not in result.stderr, (command, result.stderr)
            surprises += [(command, answer) for answer in asked if answer[0] == 403]
    assert not surprises
