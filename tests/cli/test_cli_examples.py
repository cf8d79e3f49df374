"""Every example in ``--help`` and in docs/cli.md runs as written on the default sandbox (seed 1, scale 1: the
ids in the examples are that sandbox's), logged in as agent.rivera, or support.morgan for ``support`` and
dr.patel for ``mfa``.

An example is one line (``\\`` continues it) of ``ssp-tui`` commands, optionally with ``VAR=value``
assignments before it, a pipe from one ``ssp-tui`` command into another, and ``> FILE`` at the end; anything
else a shell would do is refused, so the documentation stays runnable. Docs examples are the ```sh blocks.
They run in one private sandbox (holder requests, logins and logouts change its data), in a scratch folder,
with the profile's mail table pointing at a local SMTP server (``coi drafts`` and ``coi send``), and with
"example-password" typed at any prompt (``coi smtp-password``).
"""

from __future__ import annotations

import re
import shlex
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cli_helpers import Cli, all_commands
from click.testing import CliRunner
from sandbox_harness import SandboxServer

from ssp_tui.api.client import normalize_base_url
from ssp_tui.api.models import Session
from ssp_tui.cli.root import cli as root_command
from ssp_tui.cli.session_store import SessionStore, session_key
from ssp_tui.settings.secrets import SecretStore

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
EXAMPLES_HEADING = re.compile(r"^\s*Examples?\b.*:\s*$")
ANSWERS = "example-password\nexample-password\n"
"""What is typed at a prompt (the first command of an example; a piped one reads the one before it)."""
DEFAULT_USER = "agent.rivera"
USER_FOR = {"support": "support.morgan", "mfa": "dr.patel"}
"""Who runs a command's examples, by its first word (an MFA example acts on its login's own devices)."""


@dataclass
class Step:
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Example:
    source: str
    text: str
    steps: list[Step]
    stdout_file: str | None = None


def parse(source: str, text: str) -> Example:
    lexer = shlex.shlex(text, posix=True, punctuation_chars="|>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    tokens = list(lexer)
    redirect = None
    if len(tokens) >= 2 and tokens[-2] == ">":
        redirect, tokens = tokens[-1], tokens[:-2]
    steps = []
    for part in _split(tokens, "|"):
        env = {}
        while part and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", part[0]):
            name, value = part.pop(0).split("=", 1)
            env[name] = value
        assert part and part[0] == "ssp-tui", f"{source}: not an ssp-tui command: {text}"
        assert not {"|", ">", "&", ";", "&&", "<"} & set(part), (
            f"{source}: shell syntax not supported: {text}"
        )
        steps.append(Step(part[1:], env))
    return Example(source, text, steps, redirect)


def _split(tokens: list[str], separator: str) -> Iterator[list[str]]:
    part: list[str] = []
    for token in tokens:
        if token == separator:
            yield part
            part = []
        else:
            part.append(token)
    yield part


def _joined(lines: list[str]) -> Iterator[str]:
    pending = ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        yield (pending + line).strip()
        pending = ""


def help_examples() -> list[Example]:
    found: list[Example] = []
    runner = CliRunner()
    for path in [(), *all_commands()]:
        shown = runner.invoke(root_command, [*path, "--help"]).output
        lines = shown.splitlines()
        for index, line in enumerate(lines):
            if not EXAMPLES_HEADING.match(line):
                continue
            block: list[str] = []
            for following in lines[index + 1 :]:
                if not following.strip():
                    break
                block.append(following)
            source = f"ssp-tui {' '.join(path)} --help".replace("  ", " ")
            found += [parse(source, text) for text in _joined(block) if text.startswith(("ssp-tui", "SSP_"))]
    return found


def docs_examples() -> list[Example]:
    found: list[Example] = []
    block: list[str] | None = None
    for number, line in enumerate(DOCS.read_text(encoding="utf-8").splitlines(), 1):
        if block is None and line.strip() == "```sh":
            block, start = [], number
        elif block is not None and line.strip() == "```":
            found += [parse(f"docs/cli.md:{start}", text) for text in _joined(block) if text]
            block = None
        elif block is not None:
            block.append(line)
    return found


def test_the_examples_are_found() -> None:
    helps, docs = help_examples(), docs_examples()
    assert len(helps) >= 40 and len(docs) >= 30
    commands = {" ".join(step.args[:2]) for example in helps for step in example.steps}
    assert {"docs download", "coi request-holder", "risk download", "support account"} <= commands


@pytest.fixture
def smtp_port() -> Iterator[int]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink
    from aiosmtpd.smtp import AuthResult

    with socket.socket() as probe:  # aiosmtpd's readiness check cannot use port 0: pick a free port first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Sink(),
        hostname="127.0.0.1",
        port=port,
        auth_require_tls=False,
        authenticator=lambda *_: AuthResult(success=True),
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def example_home(
    private_sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_port: int
) -> Path:
    """A home whose default sandbox database is a copy of the private sandbox's, a config with a mail table,
    and a scratch folder to run in."""
    home = tmp_path / "home"
    (home / "data" / "ssp-tui").mkdir(parents=True)
    shutil.copyfile(private_sandbox.db_path, home / "data" / "ssp-tui" / "sandbox.sqlite3")
    (home / "config").mkdir()
    (home / "config" / "config.toml").write_text(
        '[profiles.default.mail]\nfrom_name = "Rivera Insurance Services"\n'
        'from_email = "coi@rivera.example"\n'
        f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp_port}\nsmtp_security = "none"\n'
        'smtp_username = "coi@rivera.example"\n'
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(scratch)
    return home


def test_every_example_runs_as_written(
    private_sandbox: SandboxServer, private_cli: Cli, example_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssp_tui.web.server import SspWebServer

    # `ssp-tui web` examples run up to the point where the server would serve forever.
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(SspWebServer, "serve", lambda self, debug=False: served.append((self.host, 0)))
    keyring = private_cli.home.keyring
    store = SecretStore("default", backend=keyring)
    for username in ("agent.rivera", "support.morgan"):
        store.set_device_token(username, private_sandbox.device_token(username))
    # As if `ssp-tui coi smtp-password` had been run once (its own example runs later, in command order).
    store.set_secret("smtp:127.0.0.1:coi@rivera.example", ANSWERS.split("\n")[0])
    key = session_key(normalize_base_url(private_sandbox.base_url))
    sessions = SessionStore(store, key)
    env: dict[str, str | None] = {
        **private_cli.home.environ(),
        "XDG_DATA_HOME": str(example_home / "data"),
        "XDG_CONFIG_HOME": str(example_home / "config"),
        "SSP_CONFIG": str(example_home / "config" / "config.toml"),
        "SSP_PORTAL": private_sandbox.base_url,
        "SSP_USERNAME": None,
        "SSP_PASSWORD": None,
        "SSP_TOTP_SECRET": None,
        "SSP_SECRETS_FILE": None,
    }
    examples = help_examples() + docs_examples()
    failures: list[str] = []
    kept: dict[str, Session | None] = {}
    current: str | None = None
    for example in examples:
        first = example.steps[0].args
        # One session per user, kept as the commands left it (they rotate its tokens); a new one only after
        # an example that logged in or out.
        if current is not None:
            kept[current] = sessions.load()
        if first[:1] in (["login"], ["logout"]):
            kept.clear()
            current = None
        else:
            current = USER_FOR.get(first[0], DEFAULT_USER)
            session = kept.get(current) or private_sandbox.fresh_session(current)
            sessions.keep(session)
        stdin: str | None = ANSWERS
        for step in example.steps:
            runner = CliRunner()
            result = runner.invoke(root_command, step.args, env={**env, **step.env}, input=stdin)
            crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
            if result.exit_code != 0 or crashed:
                said = result.stderr.strip()[-400:]
                failures.append(f"{example.source}: `{example.text}` exited {result.exit_code}: {said}")
                break
            stdin = result.stdout
        else:
            if example.stdout_file and stdin is not None:
                Path(example.stdout_file).write_text(stdin)
    assert not failures, "\n".join(failures)
    assert served, "no `ssp-tui web` example reached its server"


def test_the_example_parser_refuses_what_it_cannot_run() -> None:
    assert parse("x", "A=1 ssp-tui whoami --jq .role > me.txt").stdout_file == "me.txt"
    piped = parse("x", "ssp-tui coi list --jq '.[] | .id' | ssp-tui coi download - --dry-run")
    assert [step.args[0] for step in piped.steps] == ["coi", "coi"] and piped.steps[0].args[-1] == ".[] | .id"
    for text in ("ssp-tui whoami | jq .role", "export X=1", "ssp-tui whoami && ssp-tui logout"):
        with pytest.raises(AssertionError):
            parse("x", text)
