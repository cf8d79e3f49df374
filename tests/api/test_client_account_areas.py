"""The client's new areas against the sandbox over real loopback HTTP: registration and recovery (public),
MFA management, policy change requests and renewal applications, each as its typed resource."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
from sandbox_harness import SandboxServer

from ssp_tui import clock
from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import AuthenticationRequired, Forbidden, ValidationFailed
from ssp_tui.api.models import (
    ApplicationFilter,
    ApplicationStatus,
    ChangeRequestCreate,
    ChangeStatus,
    DocumentType,
    LoginState,
    OtherChange,
    PhoneChannel,
    RegistrationCreate,
    Term,
    UserType,
)
from ssp_tui.operations.authenticator import totp_secret_from_uri
from ssp_tui.sandbox.db import connect, outbox


def signed_in(server: SandboxServer, username: str) -> PortalClient:
    client = PortalClient(server.base_url)
    client.auth.set_session(server.session(username))
    return client


def last_code(server: SandboxServer, username: str) -> str:
    conn = connect(server.db_path)
    try:
        return next(m.code for m in reversed(outbox(conn)) if m.username == username and m.code)
    finally:
        conn.close()


async def test_registration_and_recovery_need_no_session(private_sandbox: SandboxServer) -> None:
    async with PortalClient(private_sandbox.base_url) as client:
        answer = await client.account.register(
            RegistrationCreate(
                user_type=UserType.AUTHORIZED_USER,
                name="Ruth Ames",
                email="ruth.ames@lakes.example",
                phone="616-555-0142",
                policy_number="NC-0000000",
                works_for="Great Lakes",
            )
        )
        assert "business days" in answer.message
        assert (await client.account.recover_username("nobody@x.example")).message
        await client.account.request_password_reset("dr.abbott")
        with pytest.raises(ValidationFailed) as weak:
            await client.account.reset_password(
                "dr.abbott", last_code(private_sandbox, "dr.abbott"), "qwertyuiop"
            )
        assert weak.value.errors[0].field == "new_password"
        await client.account.reset_password(
            "dr.abbott", last_code(private_sandbox, "dr.abbott"), "copper kettle midnight 7"
        )
        with pytest.raises(AuthenticationRequired):
            await client.account.reset_password("dr.abbott", "000000", "copper kettle midnight 7")
        login = await client.auth.login("dr.abbott", "copper kettle midnight 7")
        assert login.state is LoginState.MFA_REQUIRED


async def test_mfa_management_through_the_client(private_sandbox: SandboxServer) -> None:
    async with signed_in(private_sandbox, "dr.patel") as client:
        status = await client.mfa.status()
        assert status.totp_enrolled and status.remembered_devices >= 3
        started = await client.mfa.start_phone_change("+1 916 555 0177", PhoneChannel.SMS)
        code = last_code(private_sandbox, "dr.patel")
        assert (
            await client.mfa.confirm_phone_change(started.change_token, code)
        ).phone_hint == "***-***-0177"
        enrollment = await client.mfa.start_totp_reenrollment()
        secret = totp_secret_from_uri(enrollment.otpauth_uri)

        confirmed = await client.mfa.confirm_totp_reenrollment(
            enrollment.enrollment_token, pyotp.TOTP(secret).at(clock.now())
        )
        assert confirmed.totp_enrolled and not confirmed.totp_reenrollment_pending
        devices = await client.mfa.devices().collect()
        safari = next(d for d in devices if d.label.startswith("Safari"))
        await client.mfa.revoke_device(safari.id)
        assert safari.id not in {d.id for d in await client.mfa.devices().collect()}


async def test_change_requests_through_the_client(private_sandbox: SandboxServer) -> None:
    async with signed_in(private_sandbox, "agent.rivera") as client:
        policies = await client.policies.list().collect()
        body = ChangeRequestCreate(
            policy_id=policies[0].id,
            change=OtherChange(description="Add the new Folsom office."),
            note="urgent",
        )
        created = await client.changes.create(body, idempotency_key="client-test-1")
        again = await client.changes.create(body, idempotency_key="client-test-1")
        assert created.id == again.id and created.status is ChangeStatus.SUBMITTED
        assert created.submitted_by == "Sofia Rivera"
        assert (await client.changes.get(created.id)).summary == "Add the new Folsom office."
        listed = await client.changes.list(policy_id=policies[0].id).collect()
        assert created.id in {c.id for c in listed}
    async with signed_in(private_sandbox, "dr.nguyen") as insured:
        with pytest.raises(Forbidden):
            await insured.changes.list().collect()


async def test_renewal_applications_listed_and_downloaded(sandbox: SandboxServer, tmp_path: Path) -> None:
    async with signed_in(sandbox, "agent.rivera") as client:
        every = await client.renewals.applications().collect()
        missing = await client.renewals.applications(ApplicationFilter.MISSING).collect()
        assert missing and all(a.status is ApplicationStatus.MISSING and a.document is None for a in missing)
        done = next(a for a in every if a.status is ApplicationStatus.COMPLETED)
        assert done.document is not None and done.document.type is DocumentType.RENEWAL_APPLICATION
        assert done.completed_on == done.document.completed_on
        assert done.completed_on is not None and done.completed_on <= date(2026, 11, 28)
        assert done.renewal_start - done.completed_on < timedelta(days=400)
        saved = await client.download(
            client.documents.content_path(done.document.id),
            tmp_path / "application.pdf",
            expected_sha256=done.document.sha256,
        )
        assert saved.bytes == done.document.bytes
        renewal_docs = await client.documents.list(done.policy_id, term=Term.RENEWAL).collect()
        assert done.document.id in {d.id for d in renewal_docs}
