"""Every resource against the sandbox portal over real loopback HTTP, the path a remote portal takes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx2
import pytest
from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import AuthenticationRequired, Forbidden, Locked, NotFound
from ssp_tui.api.models import (
    BillingKind,
    BillingTerm,
    HolderRequestCreate,
    LoginState,
    MfaFactor,
    Role,
    Session,
    StatusFilter,
    Term,
)
from ssp_tui.sandbox.db import connect, outbox


class RecordingTransport(httpx2.AsyncHTTPTransport):
    """The real network transport, noting each answer's status (to see the 206 of a resumed download)."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await super().handle_async_request(request)
        self.statuses.append(response.status_code)
        return response


def signed_in(sandbox: SandboxServer, role: Role, index: int = 0, **kwargs: object) -> PortalClient:
    client = PortalClient(sandbox.base_url, **kwargs)  # type: ignore[arg-type]
    client.auth.set_session(sandbox.session(sandbox.account(role, index).username))
    return client


async def test_policyholder_reads_every_section(sandbox: SandboxServer) -> None:
    async with signed_in(sandbox, Role.POLICYHOLDER) as client:
        me = await client.me()
        assert me.role is Role.POLICYHOLDER and me.username == sandbox.account(Role.POLICYHOLDER).username
        home = await client.home.get()
        assert home.announcements
        accounts = await client.billing.accounts().collect()
        assert any(a.can_pay_online for a in accounts)
        detail = await client.billing.account(accounts[0].id, term=BillingTerm.CURRENT)
        assert detail.id == accounts[0].id and detail.installments
        billed_policies = await client.billing.policies().collect()
        assert billed_policies
        assert (await client.billing.policy(billed_policies[0].id)).kind is BillingKind.POLICY
        payable = next(a for a in accounts if a.can_pay_online)
        link = await client.billing.pay_link(BillingKind.ACCOUNT, payable.id)
        assert link.url.startswith("https://")
        policies = await client.policies.list(status=StatusFilter.ALL).collect()
        assert policies
        policy = await client.policies.get(policies[0].id)
        assert policy.terms
        documents = await client.documents.list(policies[0].id, term=Term.CURRENT).collect()
        assert len(documents) >= 3
        assert (await client.documents.frequent_forms()).url
        assert await client.risk.list().collect(limit=5)
        assert await client.seminars.catalog().collect()
        await client.seminars.activity().collect(limit=10)
        insureds = await client.credentialing.insureds().collect()
        assert insureds
        await client.credentialing.certificates(insureds[0].policy_id).collect()
        await client.credentialing.holder_requests().collect()


async def test_agent_library_and_role_refusals(sandbox: SandboxServer) -> None:
    async with signed_in(sandbox, Role.AGENT) as client:
        assert (await client.me()).role is Role.AGENT
        assert await client.agent.resources().collect()
        assert await client.policies.list().collect(limit=3)
        accounts = await client.billing.accounts().collect()
        with pytest.raises(Forbidden) as caught:
            await client.billing.pay_link(BillingKind.ACCOUNT, accounts[0].id)
        assert caught.value.user_message
        with pytest.raises(Forbidden):
            await client.support.search("a").collect()


async def test_support_triage(sandbox: SandboxServer) -> None:
    async with signed_in(sandbox, Role.SUPPORT) as client:
        hits = await client.support.search("lopez").collect()
        assert hits
        account = await client.support.account(hits[0].id)
        assert account.users
        with pytest.raises(Forbidden):
            await client.agent.resources().collect()


async def test_another_customers_object_is_not_found(sandbox: SandboxServer) -> None:
    async with (
        signed_in(sandbox, Role.POLICYHOLDER, 0) as first,
        signed_in(sandbox, Role.POLICYHOLDER, 1) as second,
    ):
        theirs = (await second.policies.list(status=StatusFilter.ALL).collect())[0]
        with pytest.raises(NotFound):
            await first.policies.get(theirs.id)
        with pytest.raises(NotFound):
            await first.policies.get("no-such-policy")


async def test_documents_download_verified_and_resumed(sandbox: SandboxServer, tmp_path: Path) -> None:
    network = RecordingTransport()
    async with signed_in(sandbox, Role.POLICYHOLDER, transport=network) as client:
        policy = (await client.policies.list().collect())[0]
        document = (await client.documents.list(policy.id).collect())[0]
        dest = tmp_path / "docs" / "declarations.pdf"
        done = await client.download(
            client.documents.content_path(document.id), dest, expected_sha256=document.sha256
        )
        assert done.bytes == document.bytes and done.sha256 == document.sha256
        assert done.etag and done.filename_hint and "/" not in done.filename_hint
        # A part left by an interrupted run resumes with Range + If-Range (the portal answers 206).
        whole = dest.read_bytes()
        again = tmp_path / "docs" / "again.pdf"
        Path(f"{again}.part").write_bytes(whole[: len(whole) // 2])
        Path(f"{again}.part.etag").write_text(done.etag)
        network.statuses.clear()
        resumed = await client.download(
            client.documents.content_path(document.id), again, expected_sha256=document.sha256
        )
        assert network.statuses == [206]
        assert again.read_bytes() == whole and resumed.sha256 == document.sha256
        assert sorted(p.name for p in dest.parent.iterdir()) == ["again.pdf", "declarations.pdf"]
        # A part that is already whole (a crash before the rename): the portal answers 416, the client
        # starts again rather than failing.
        whole_part = tmp_path / "docs" / "whole.pdf"
        Path(f"{whole_part}.part").write_bytes(whole)
        Path(f"{whole_part}.part.etag").write_text(done.etag)
        network.statuses.clear()
        await client.download(
            client.documents.content_path(document.id), whole_part, expected_sha256=document.sha256
        )
        assert network.statuses == [416, 200] and whole_part.read_bytes() == whole


@pytest.mark.parametrize("role", [Role.POLICYHOLDER, Role.INSURED, Role.AGENT])
async def test_certificate_and_claims_history_downloads(
    sandbox: SandboxServer, tmp_path: Path, role: Role
) -> None:
    async with signed_in(sandbox, role) as client:
        insured = (await client.credentialing.insureds().collect())[0]
        certificates = await client.credentialing.certificates(insured.policy_id).collect()
        assert certificates
        certificate = certificates[0]
        cert = await client.download(
            client.credentialing.certificate_pdf_path(certificate.id), tmp_path / "coi.pdf"
        )
        assert cert.sha256 == hashlib.sha256((tmp_path / "coi.pdf").read_bytes()).hexdigest()
        history = next((c for c in certificates if c.claims_history_available), certificate)
        letter = await client.download(
            client.credentialing.claims_history_path(history.insured_id, history.policy_id),
            tmp_path / "claims.pdf",
        )
        assert letter.bytes > 0
        with pytest.raises(NotFound):
            await client.download(client.documents.content_path("no-such-document"), tmp_path / "x.pdf")
        assert not (tmp_path / "x.pdf").exists()


async def test_holder_request_with_an_idempotency_key_is_created_once(sandbox: SandboxServer) -> None:
    async with signed_in(sandbox, Role.POLICYHOLDER) as client:
        insured = (await client.credentialing.insureds().collect())[0]
        body = HolderRequestCreate(
            policy_id=insured.policy_id,
            insured_id=insured.id,
            holder_name="St. Agnes Medical Center",
            address="1303 E Herndon Ave",
            city="Fresno",
            state="CA",
            zip="93720",
        )
        first = await client.credentialing.create_holder_request(body, idempotency_key="client-test-key-1")
        replay = await client.credentialing.create_holder_request(body, idempotency_key="client-test-key-1")
        assert replay.id == first.id
        listed = [r.id async for r in client.credentialing.holder_requests()]
        assert listed.count(first.id) == 1


async def test_expired_access_token_is_refreshed_and_a_revoked_session_asks_to_sign_in(
    sandbox: SandboxServer,
) -> None:
    username = sandbox.account(Role.INSURED, 1).username
    heard: list[Session | None] = []
    async with PortalClient(sandbox.base_url, on_session=heard.append) as client:
        fresh = sandbox.fresh_session(username)
        # An access token the portal no longer knows, with a good refresh token: one refresh, then on.
        client.auth.set_session(
            Session(
                access_token="expired-" + "0" * 40,
                refresh_token=fresh.refresh_token,
                expires_in=0,
                user=fresh.user,
            )
        )
        assert (await client.me()).username == username
        current = client.auth.session
        assert current is not None and current.refresh_token != fresh.refresh_token  # rotated
        assert heard[-1] is current
        rotated = await client.auth.refresh()
        assert rotated.access_token != current.access_token
        await client.auth.logout()
        assert client.auth.session is None
        client.auth.set_session(rotated)  # revoked on the server by the logout
        with pytest.raises(AuthenticationRequired):
            await client.me()
        assert client.auth.session is None


async def test_login_with_sms_code_and_remembered_device(sandbox: SandboxServer) -> None:
    account = sandbox.account(Role.INSURED, 0)
    async with PortalClient(sandbox.base_url) as client:
        answer = await client.auth.login(account.username, account.password)
        assert answer.state is LoginState.MFA_REQUIRED and MfaFactor.SMS in answer.factors
        assert answer.mfa_token and answer.mfa_token not in repr(answer)
        sent = await client.auth.send_code(answer.mfa_token, MfaFactor.SMS)
        assert sent.expires_in > 0
        conn = connect(sandbox.db_path)
        try:
            code = [m for m in outbox(conn) if m.username == account.username][-1].code
        finally:
            conn.close()
        session = await client.auth.verify(answer.mfa_token, MfaFactor.SMS, code, remember_device=True)
        assert session.device_token and client.auth.session is session
        assert session.access_token not in repr(session) and session.refresh_token not in repr(session)
        assert (await client.me()).username == account.username
        remembered = await client.auth.login(
            account.username, account.password, device_token=session.device_token
        )
        assert remembered.state is LoginState.AUTHENTICATED and client.auth.session is remembered.session


async def test_a_login_on_hold_and_enrollment_states(private_sandbox: SandboxServer) -> None:
    sandbox = private_sandbox
    locked = sandbox.by_username("dr.lopez")
    unenrolled = sandbox.by_username("dr.kim")
    # A hold placed at a fixed instant far ahead: still on whatever the clock says, so no clock is read here.
    with connect(sandbox.db_path) as conn:
        conn.execute("UPDATE users SET locked_at = '2999-01-01T00:00:00Z' WHERE username = 'dr.lopez'")
    async with PortalClient(sandbox.base_url) as client:
        with pytest.raises(Locked) as caught:
            await client.auth.login(locked.username, locked.password)
        assert locked.password not in str(caught.value)
        assert "unlocks by itself at 2999-01-01 00:30 UTC" in caught.value.user_message
        assert caught.value.retry_after is not None and caught.value.retry_after > 0
        with pytest.raises(AuthenticationRequired):
            await client.auth.login(unenrolled.username, "not-the-password")
        enroll = await client.auth.login(unenrolled.username, unenrolled.password)
        assert enroll.state is LoginState.ENROLL_TOTP and enroll.otpauth_uri
        assert "secret=" not in repr(enroll)
