"""Policy change requests: file one, list them, show one."""

from __future__ import annotations

import uuid

from ssp_tui.api.constants import IDEMPOTENCY_HEADER
from ssp_tui.api.models import ChangeRequest, ChangeRequestCreate, ChangeStatus
from ssp_tui.api.pagination import Paginator
from ssp_tui.api.resources._base import Resource, segment


class ChangesResource(Resource):
    async def create(self, body: ChangeRequestCreate, idempotency_key: str | None = None) -> ChangeRequest:
        """Ask for a change on a policy. One Idempotency-Key per logical request (made here unless the caller
        passes one, e.g. to resubmit after a crash), so retries and a resubmission file it once."""
        key = idempotency_key or uuid.uuid4().hex
        return await self._transport.request(
            "POST",
            "/policy-changes",
            ChangeRequest,
            body=body,
            headers={IDEMPOTENCY_HEADER: key},
            retryable=True,
        )

    def list(
        self, status: ChangeStatus | None = None, policy_id: str | None = None
    ) -> Paginator[ChangeRequest]:
        return self._list("/policy-changes", ChangeRequest, status=status, policy_id=policy_id)

    async def get(self, request_id: str) -> ChangeRequest:
        return await self._transport.request("GET", f"/policy-changes/{segment(request_id)}", ChangeRequest)
