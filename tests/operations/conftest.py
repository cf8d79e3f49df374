"""Fixtures for the operations tests."""

from __future__ import annotations

import pytest

from .fakes import FakePortal


@pytest.fixture
def portal() -> FakePortal:
    return FakePortal()
