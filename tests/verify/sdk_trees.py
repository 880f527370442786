"""Paths of the imitation SDK trees and helpers shared by tests/verify (imported by the
tests directly: a module name of its own, unlike conftest.py, which every test folder has).

`sdk_match/` is a Windows Kits-style `Include\\<version>` folder (shared, um, km) whose
display headers are imitations -- written for these tests, in the SDK's own style --
that declare dxgk's subset exactly. `sdk_diff/` is a flat folder holding the same
headers with deliberate differences, each marked `DIFF n` in the header text.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SDK_MATCH = HERE / "sdk_match"
SDK_DIFF = HERE / "sdk_diff"
ALL_ABIS = ("x86", "x64", "arm64")
WDDM2_0 = {"DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WDDM2_0"}


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of `path` containing `text` (for expected notes)."""
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(f"{text!r} not in {path}")


def line_matching(path: Path, pattern: str) -> int:
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if re.search(pattern, line):
            return n
    raise AssertionError(f"{pattern!r} not in {path}")
