"""schemathesis against the generated OpenAPI, with its default checks, authenticated as each role.

A private server (its own copy of the database) takes the generated traffic: schemathesis files holder
requests and tries logins, which other tests must not see (throttles, lockouts, new rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sandbox_harness import SandboxServer, ServerThread, copy_db, read_accounts
from schemathesis.config import SchemathesisConfig

from ssp_tui.api.constants import API_PREFIX
from ssp_tui.api.contract import ROUTES
from ssp_tui.sandbox.auth_tokens import SecurityPolicy
from ssp_tui.sandbox.openapi import openapi_document

ROLE_USERS = ("dr.patel", "dr.nguyen", "agent.rivera", "support.morgan")
EXAMPLES_PER_OPERATION = 10
PUBLIC_PATHS = {API_PREFIX + route.path for route in ROUTES if route.public}


@pytest.fixture(scope="module")
def schema_portal(
    sandbox_template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxServer]:
    db_path = copy_db(sandbox_template_db, tmp_path_factory.mktemp("schemathesis") / "sandbox.sqlite3")
    # Throttling has its own tests; here it would only turn generated logins into 429s.
    relaxed = SecurityPolicy(free_failures_per_username=10**6, free_failures_per_client=10**6)
    thread = ServerThread(db_path, relaxed)
    thread.start()
    try:
        yield SandboxServer(base_url=thread.base_url, db_path=db_path, accounts=read_accounts(db_path))
    finally:
        thread.stop()


# The same document the server serves at /api/v1/openapi.json (a test below checks that).
# Bounded so the suite stays quick: a few generated examples (valid and invalid) per operation and role.
# schemathesis' exhaustive "coverage" phase multiplies requests by the roles and is left to manual runs
# (`st run http://127.0.0.1:PORT/api/v1/openapi.json` against `ssp-tui sandbox serve`).
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "generation": {"max-examples": EXAMPLES_PER_OPERATION}}
)
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


def test_the_served_document_is_the_generated_one(schema_portal: SandboxServer) -> None:
    served = httpx2.get(f"{schema_portal.api_url}/openapi.json")
    assert served.status_code == 200
    assert served.json() == openapi_document()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_conforms_for_every_role(
    case: schemathesis.Case, schema_portal: SandboxServer
) -> None:
    if case.operation.path in PUBLIC_PATHS:
        case.call_and_validate(base_url=schema_portal.base_url)  # the same for every role: once
        return
    if case.operation.path == f"{API_PREFIX}/auth/logout":
        # Logout revokes the session it is given, the same way for every role: a fresh one, so the shared
        # sessions live on.
        session = schema_portal.fresh_session(ROLE_USERS[0])
        case.call_and_validate(base_url=schema_portal.base_url, headers=_bearer(session.access_token))
        return
    for username in ROLE_USERS:
        case.call_and_validate(
            base_url=schema_portal.base_url, headers=_bearer(schema_portal.session(username).access_token)
        )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
