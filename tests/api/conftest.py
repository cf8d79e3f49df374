"""Fixtures for the client tests."""

from __future__ import annotations

import pytest
from client_helpers import Harness


@pytest.fixture
def harness() -> Harness:
    return Harness()
