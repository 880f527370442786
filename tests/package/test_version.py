"""One version, everywhere: the package, the CLI and the installed metadata."""

from __future__ import annotations

import importlib.metadata
import re

import dxgk
from dxgk import cli


def test_version_is_one_string(capsys):
    assert re.fullmatch(r"\d+\.\d+\.\d+", dxgk.__version__)
    try:
        cli.main(["--version"])
    except SystemExit as e:
        assert e.code == 0
    assert capsys.readouterr().out.strip() == f"dxgk {dxgk.__version__}"
    assert importlib.metadata.version("dxgk") == dxgk.__version__
