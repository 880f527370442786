"""tests/verify fixtures: one verify run of each imitation SDK tree (see sdk_trees.py),
shared by the tests of the session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from sdk_trees import ALL_ABIS, SDK_DIFF, SDK_MATCH  # noqa: E402


@pytest.fixture(scope="session")
def match_report():
    from dxgk.verify import locate_sdk, verify

    return verify(locate_sdk(SDK_MATCH), ALL_ABIS)


@pytest.fixture(scope="session")
def diff_report():
    from dxgk.verify import locate_sdk, verify

    return verify(locate_sdk(SDK_DIFF), ALL_ABIS)
