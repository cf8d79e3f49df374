"""Shared steps of the reliability suite: a private CLI home, the CLI run in-process against the proxy, a
real PortalClient signed in through the proxy, the policyholder's documents as download jobs, and the
checks every fault test makes (nothing partial at a final path, nothing outside the target folder)."""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pikepdf
from click.testing import CliRunner, Result
from memory_keyring import MemoryKeyring
from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient, normalize_base_url
from ssp_tui.api.models import Document, Role, Session, StatusFilter
from ssp_tui.api.transport import RetryPolicy
from ssp_tui.cli.output import Output
from ssp_tui.cli.root import _register_subcommands, cli
from ssp_tui.cli.session_store import SessionStore, session_key
from ssp_tui.operations.downloads import DownloadJob
from ssp_tui.settings.secrets import SecretStore

_register_subcommands()

CLEARED_ENV = ("SSP_PORTAL", "SSP_USERNAME", "SSP_PASSWORD", "SSP_TOTP_SECRET", "SSP_SECRETS_FILE")
PARTIAL_SUFFIXES = (".part", ".tmp", ".etag")
FAST_RETRIES = RetryPolicy(backoff_base_s=0.01, backoff_cap_s=0.05)
"""The real retry policy (2 retries, the real statuses and Retry-After cap) with short back-offs."""


@dataclass
class CliHome:
    root: Path
    keyring: MemoryKeyring = field(default_factory=MemoryKeyring)

    def environ(self) -> dict[str, str]:
        return {
            "SSP_CONFIG": str(self.root / "config" / "config.toml"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "XDG_CACHE_HOME": str(self.root / "cache"),
            "XDG_DATA_HOME": str(self.root / "data"),
            "XDG_STATE_HOME": str(self.root / "state"),
        }

    def keep_session(self, portal: str, session: Session, profile: str = "default") -> None:
        """Keep ``session`` for ``portal`` as a CLI login would: later commands run without logging in (so
        the sandbox's sign-in throttling never bites a suite that runs many commands)."""
        store = SecretStore(profile, backend=self.keyring)
        SessionStore(store, session_key(normalize_base_url(portal)), Output()).keep(session)


def run_cli(portal: str, home: CliHome, *args: str, env: Mapping[str, str] | None = None) -> Result:
    """``ssp-tui --portal PORTAL ARGS...`` in-process, in ``home``; fails the test on any traceback."""
    environ: dict[str, str | None] = {name: None for name in CLEARED_ENV}
    environ.update(home.environ())
    environ.update(env or {})
    result = CliRunner().invoke(cli, ["--portal", portal, *args], env=environ, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        details = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"the command raised:\n{details}\nstderr:\n{result.stderr}")
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    return result


def signed_in_client(
    portal: str,
    server: SandboxServer,
    *,
    role: Role = Role.POLICYHOLDER,
    timeout: httpx2.Timeout | None = None,
    download_deadline_s: float = 60.0,
) -> PortalClient:
    """A real PortalClient on ``portal`` (the proxy) with the harness's session for the role's first user."""
    client = PortalClient(
        portal, retry=FAST_RETRIES, timeout=timeout, download_deadline_s=download_deadline_s
    )
    client.auth.set_session(server.session(server.account(role).username))
    return client


async def document_jobs(client: PortalClient, limit: int = 3) -> list[tuple[Document, DownloadJob]]:
    """The first documents of the first of the caller's policies that has ``limit`` of them, as jobs."""
    async for policy in client.policies.list(status=StatusFilter.ALL):
        docs = await client.documents.list(policy.id).collect()
        if len(docs) >= limit:
            return [(doc, job_for(client, doc)) for doc in docs[:limit]]
    raise AssertionError("no policy with enough documents in the sandbox")


def job_for(client: PortalClient, doc: Document) -> DownloadJob:
    return DownloadJob(
        key=doc.id,
        api_path=client.documents.content_path(doc.id),
        relative_path=f"{doc.id}.pdf",
        title=doc.title,
        expected_sha256=doc.sha256,
    )


def content_path_pattern(doc_id: str) -> str:
    return rf"/api/v1/documents/{doc_id}/content"


def assert_complete_pdf(path: Path, doc: Document) -> None:
    """The file is exactly the document the portal listed, and opens as a PDF."""
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == doc.sha256, path
    assert len(data) == doc.bytes
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) >= 1


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def assert_no_partial_files(folder: Path) -> None:
    leftovers = [p for p in files_under(folder) if p.name.endswith(PARTIAL_SUFFIXES) or ".tmp" in p.name]
    assert leftovers == [], leftovers


def assert_only_inside(before: set[Path], after: set[Path], *allowed: Path) -> None:
    """Every file that appeared is inside one of the ``allowed`` folders (the scan covers their parent)."""
    folders = [folder.resolve() for folder in allowed]
    outside = [p for p in after - before if not any(f in p.resolve().parents for f in folders)]
    assert outside == [], outside
