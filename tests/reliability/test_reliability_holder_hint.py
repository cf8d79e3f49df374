"""The resubmit hint (``--idempotency-key KEY``) of ``coi request-holder`` appears only when the POST may
really have reached the portal: not when the command failed before sending it, not when the portal answered
that it refused it, and ``--dry-run`` sends nothing at all. (A lost answer, where the hint is needed, is in
test_reliability_cli.py.)"""

from __future__ import annotations

import msgspec
import pytest
from fault_proxy import FaultProxy, Respond, Rule
from reliability_helpers import CliHome, run_cli
from sandbox_harness import SandboxServer

from ssp_tui.api.models import Certificate, PolicySummary, Role
from ssp_tui.cli.exit_codes import ExitCode

HOLDER_REQUESTS = r"/api/v1/credentialing/holder-requests"
PROBLEM = "application/problem+json"


def request_args(
    server: SandboxServer, proxy: FaultProxy, home: CliHome, *, insured: str | None = None
) -> list[str]:
    home.keep_session(proxy.base_url, server.session(server.account(Role.POLICYHOLDER).username))
    listed = run_cli(proxy.base_url, home, "policies", "list", "--json")
    policy = msgspec.json.decode(listed.stdout, type=list[PolicySummary])[0]
    certs = run_cli(
        proxy.base_url,
        home,
        "coi",
        "list",
        "--query",
        policy.policy_number,
        "--by",
        "policy-number",
        "--json",
    )
    name = insured or msgspec.json.decode(certs.stdout, type=list[Certificate])[0].insured_name
    return [
        "coi", "request-holder", "--policy", policy.policy_number, "--insured", name,
        "--name", "Mercy General Hospital", "--address", "4001 J St", "--city", "Sacramento",
        "--state", "CA", "--zip", "95819",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (
            Respond(
                422,
                b'{"title":"Invalid request","status":422,"detail":"holder_name is not allowed"}',
                PROBLEM,
            ),
            False,
        ),
        (Respond(403, b'{"title":"Forbidden","status":403}', PROBLEM), False),
        (Respond(409, b'{"title":"Conflict","status":409,"detail":"key reused"}', PROBLEM), False),
        (Respond(503, b'{"title":"Service Unavailable","status":503}', PROBLEM), True),
    ],
    ids=["422 refused", "403 refused", "409 refused", "503 may have been made"],
)
def test_the_hint_only_when_the_request_may_have_been_made(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome, answer: Respond, hint: bool
) -> None:
    args = request_args(private_sandbox, private_proxy, home)
    private_proxy.add(Rule("POST", HOLDER_REQUESTS, answer, times=99))
    result = run_cli(private_proxy.base_url, home, *args)
    assert result.exit_code == ExitCode.ERROR, result.stderr
    assert private_proxy.requests_to("POST", HOLDER_REQUESTS), "the request was sent"
    assert ("--idempotency-key" in result.stderr) is hint, result.stderr


def test_no_hint_when_nothing_was_sent(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome
) -> None:
    args = request_args(private_sandbox, private_proxy, home, insured="Nobody At All")
    result = run_cli(private_proxy.base_url, home, *args)
    assert result.exit_code == ExitCode.ERROR and "is not an insured" in result.stderr
    assert not private_proxy.requests_to("POST", HOLDER_REQUESTS)
    assert "--idempotency-key" not in result.stderr


def test_dry_run_sends_nothing(
    private_sandbox: SandboxServer, private_proxy: FaultProxy, home: CliHome
) -> None:
    args = request_args(private_sandbox, private_proxy, home)
    shown = run_cli(private_proxy.base_url, home, *args, "--dry-run", "--json")
    assert shown.exit_code == ExitCode.OK, shown.stderr
    planned = msgspec.json.decode(shown.stdout)
    assert planned["holder_name"] == "Mercy General Hospital" and planned["state"] == "CA"
    assert not private_proxy.requests_to("POST", HOLDER_REQUESTS)
