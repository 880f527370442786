"""`python -m dxgk layout`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dxgk.cli import main


def test_json_schema_matches_design(capsys):
    assert main(["layout", "--abi", "x86", "--json", "DXGKARGCB_MAPCONTEXTALLOCATION"]) == 0
    out = json.loads(capsys.readouterr().out)
    lay = out["DXGKARGCB_MAPCONTEXTALLOCATION"]
    assert set(lay) == {"size", "align", "fields"}
    assert lay["size"] == 64
    fields = {f["name"]: f for f in lay["fields"]}
    assert all(set(f) == {"name", "offset_bits", "size_bits"} for f in lay["fields"])
    assert fields["hAllocation"] == {"name": "hAllocation", "offset_bits": 192, "size_bits": 32}
    assert fields["OffsetInPages"]["offset_bits"] == 256
    assert fields["Protection.Write"] == {"name": "Protection.Write", "offset_bits": 384,
                                          "size_bits": 1}


def test_no_name_prints_every_struct(capsys):
    assert main(["layout", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "DXGKRNL_INTERFACE" in out and "DXGK_PTE" in out


def test_table_shows_holes_and_bit_ranges(capsys):
    assert main(["layout", "--abi", "x86", "DXGKARGCB_MAPCONTEXTALLOCATION"]) == 0
    out = capsys.readouterr().out
    assert "hole: 4 bytes at 28" in out
    assert "size 64" in out
    assert "Write:1" in out


def test_unknown_name_exits_2_with_close_matches():
    r = subprocess.run([sys.executable, "-m", "dxgk", "layout", "DXGKARGCB_MAPCONTEXTALLOC"],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert "DXGKARGCB_MAPCONTEXTALLOCATION" in r.stderr


def test_a_struct_tag_names_its_typedef(capsys):
    assert main(["layout", "--json", "_DXGKARGCB_MAPCONTEXTALLOCATION"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["DXGKARGCB_MAPCONTEXTALLOCATION"]
    assert out["DXGKARGCB_MAPCONTEXTALLOCATION"]["size"] == 64


def test_a_name_in_the_wrong_case_gets_the_right_one(capsys):
    assert main(["layout", "dxgkargcb_mapcontextallocation"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["dxgk layout: no struct or union named 'dxgkargcb_mapcontextallocation' "
                   "(names are case-sensitive: did you mean DXGKARGCB_MAPCONTEXTALLOCATION?)"]
    assert main(["layout", "_dxgkargcb_mapcontextallocation"]) == 2
    assert "did you mean DXGKARGCB_MAPCONTEXTALLOCATION?" in capsys.readouterr().err


def test_close_matches_name_typedefs_once(capsys):
    assert main(["layout", "DXGKARGCB_MAPCONTEXTALLOCATIONN"]) == 2
    err = capsys.readouterr().err
    close = err.split("close matches: ")[1].rstrip(")\n").split(", ")
    assert close[0] == "DXGKARGCB_MAPCONTEXTALLOCATION"
    assert len(close) == len(set(close)) and not any(c.startswith("_") for c in close)


def test_every_command_explains_itself(capsys):
    for command in ("layout", "demo", "bench"):
        with pytest.raises(SystemExit) as e:
            main([command, "--help"])
        assert e.value.code == 0
        text = capsys.readouterr().out
        description = text.split("\n\n")[1]
        assert len(description.split()) >= 20, (command, description)
