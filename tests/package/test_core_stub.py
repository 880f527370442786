"""dxgk/_core.pyi, the type stub of the cffi extension, is generated from the cdef files
by tools/core_stub.py: it must be fresh, and name what the compiled extension has."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dxgk._core as core

ROOT = Path(__file__).resolve().parents[2]


def test_the_stub_is_fresh():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "core_stub.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_the_stub_names_exactly_what_lib_has():
    text = (ROOT / "dxgk" / "_core.pyi").read_text(encoding="utf-8")
    named = set()
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("def "):
            named.add(line[4:line.index("(")])
        elif line.endswith(": int") and not line.startswith("#"):
            named.add(line.split(":")[0])
    assert named == set(dir(core.lib))
