"""dxgk.verify loads its stages on first use: every exported name resolves to the object
of its stage, and importing one stage (as the command line does for --limit's help) does
not load the others."""

from __future__ import annotations

import importlib
import subprocess
import sys

import dxgk.verify as verify


def test_every_exported_name_resolves_to_its_stage():
    for name in verify.__all__:
        obj = getattr(verify, name)
        home = importlib.import_module(f"dxgk.verify.{verify._HOME[name]}")
        assert obj is getattr(home, name), name


def test_the_command_line_does_not_load_every_stage():
    code = ("import sys, dxgk.cli; dxgk.cli.build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('dxgk.verify')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "dxgk.verify.report" not in out and "dxgk.verify.limits" in out, out
