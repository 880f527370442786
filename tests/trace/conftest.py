"""Fixtures shared by the trace suites."""

from __future__ import annotations

import gc

import pytest

import dxgk
from dxgk.trace import command


@pytest.fixture
def no_execution(monkeypatch):
    """Records every call of the CLI's execution step (a test of a malformed trace asserts
    there was none), and fails the test if an object is left behind."""
    calls = []
    real = command._execute

    def spy(*a, **k):
        calls.append(a)
        return real(*a, **k)
    monkeypatch.setattr(command, "_execute", spy)
    gc.collect()
    before = dxgk.live_handles()
    yield calls
    assert dxgk.live_handles() == before
