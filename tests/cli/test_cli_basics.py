"""Every command has help with an example; bad usage exits 2; no session exits 3; errors never show a
traceback."""

from __future__ import annotations

import msgspec
import pytest
from cli_helpers import Cli, all_commands

from ssp_tui.cli.exit_codes import ExitCode
from ssp_tui.cli.session_store import session_key
from ssp_tui.settings.secrets import SecretStore


@pytest.mark.parametrize("path", all_commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(cli: Cli, path: tuple[str, ...]) -> None:
    result = cli.run(*path, "--help", portal=False)
    assert result.exit_code == 0, result.stderr
    assert "Usage:" in result.stdout
    is_group = "Commands:" in result.stdout
    if not is_group and path[0] != "sandbox":
        assert "Example" in result.stdout, f"`ssp-tui {' '.join(path)} --help` has no example"


@pytest.mark.parametrize(
    "args",
    [
        ("policies", "list", "--status", "sometimes"),
        ("docs", "list"),
        ("docs", "download", "NC-1"),  # neither --dir nor --combine
        ("docs", "download", "NC-1", "--dir", "out", "--combine", "all.pdf"),
        ("coi", "download", "--separate", "out"),  # no certificates and no --query
        ("seminars", "activity", "--from", "the day before yesterday"),
        ("seminars", "activity", "--from", "2026-05-01", "--to", "2026-04-01"),
        ("seminars", "activity", "--xlsx", "a.xlsx", "--csv", "a.csv"),
        ("billing", "show", "X", "--term", "renewal"),
        (
            "coi",
            "request-holder",
            "--policy",
            "P",
            "--insured",
            "I",
            "--name",
            "N",
            "--address",
            "A",
            "--city",
            "C",
            "--state",
            "ZZ",
            "--zip",
            "95819",
        ),
        (
            "coi",
            "request-holder",
            "--policy",
            "P",
            "--insured",
            "I",
            "--name",
            "N",
            "--address",
            "A",
            "--city",
            "C",
            "--state",
            "CA",
            "--zip",
            "9581",
        ),
        ("no-such-command",),
    ],
    ids=lambda args: " ".join(args[:3]),
)
def test_bad_usage_exits_2(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli.run(*args, profile="nobody")
    assert result.exit_code == ExitCode.USAGE, (result.stdout, result.stderr)
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args", [("whoami",), ("policies", "list"), ("billing", "list"), ("support", "search", "x")]
)
def test_no_session_exits_3(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli.run(*args, profile="nobody")
    assert result.exit_code == ExitCode.LOGIN_NEEDED
    assert "ssp-tui login" in result.stderr
    assert result.stdout == ""


def test_an_ended_session_exits_3_and_is_forgotten(cli: Cli, cli_home, sandbox) -> None:
    from ssp_tui.api.models import Capability, Role, Session, User

    store = SecretStore("revoked", backend=cli_home.keyring)
    user = User(
        id="u",
        username="ghost",
        display_name="Ghost",
        email="g@example.com",
        role=Role.AGENT,
        capabilities=[Capability.POLICY_DOCUMENTS],
    )
    stale = Session(access_token="stale-access", refresh_token="stale-refresh", expires_in=1, user=user)
    from ssp_tui.api.client import normalize_base_url

    key = session_key(normalize_base_url(sandbox.base_url))
    store.set_secret(key, msgspec.json.encode(stale).decode())
    result = cli.run("policies", "list", profile="revoked")
    assert result.exit_code == ExitCode.LOGIN_NEEDED, result.stderr
    assert "stale" not in result.stderr
    assert store.get_secret(key) is None


def test_an_unreachable_portal_is_an_error_without_traceback(cli: Cli) -> None:
    cli_down = Cli("http://127.0.0.1:9", cli.home)
    result = cli_down.run("policies", "list", env={"SSP_USERNAME": "a", "SSP_PASSWORD": "b"})
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.startswith("Error: ")


def test_a_malformed_portal_url_is_an_error(cli: Cli) -> None:
    result = Cli("ftp://example", cli.home).run("whoami", profile="nobody")
    assert result.exit_code == ExitCode.ERROR
    assert "not a portal URL" in result.stderr
