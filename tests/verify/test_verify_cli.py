"""`python -m dxgk verify-header`: exit status, text and JSON output, notes on stderr,
--struct (any struct of the SDK headers, pahole-style), -D, usage errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from sdk_trees import SDK_DIFF, SDK_MATCH, line_matching

from dxgk.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(["verify-header", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


# ---- comparing --------------------------------------------------------------------------

def test_matching_sdk_exits_0_with_all_match(capsys) -> None:
    rc, out, err = run(capsys, "--sdk-include", str(SDK_MATCH))
    assert rc == 0
    lines = out.strip().splitlines()
    assert lines[0] == f"dxgk verify-header: {SDK_MATCH} (shared, um, km)"
    assert lines[1] == ("  headers: shared/d3dukmdt.h, km/d3dkmddi.h, um/d3dumddi.h, "
                        "km/dispmprt.h, shared/d3dkmthk.h")
    assert lines[-1] == "84 structs × 3 ABIs: all match"
    assert "differs" not in out
    assert err.startswith("note: ")


def test_differences_exit_1_with_a_readable_diff_per_struct_and_abi(capsys) -> None:
    rc, out, _ = run(capsys, "--sdk-include", str(SDK_DIFF))
    assert rc == 1
    assert f"dxgk verify-header: {SDK_DIFF} (flat folder)" in out
    assert ("DXGKARGCB_UPDATECONTEXTALLOCATION [x86]: differs\n"
            "    size: dxgk 12 bytes, SDK 16 bytes\n"
            "    field Flags only in the SDK: byte 12 (4 bytes), UINT\n"
            "DXGKARGCB_UPDATECONTEXTALLOCATION [x64, arm64]: differs\n"
            "    field Flags only in the SDK: byte 20 (4 bytes), UINT\n") in out
    assert ("D3DDDI_RESERVEGPUVIRTUALADDRESS [x86, x64, arm64]: missing from the SDK headers\n"
            "    not declared in the SDK headers\n") in out
    assert "matching on every ABI: D3DDDI_SEGMENTPREFERENCE," in out
    assert out.strip().splitlines()[-1].startswith("84 structs × 3 ABIs: ")


def test_single_abi_and_quiet(capsys) -> None:
    rc, out, err = run(capsys, "--sdk-include", str(SDK_DIFF), "--abi", "x86", "-q")
    assert rc == 1
    assert err == ""
    assert "D3DDDI_MAPGPUVIRTUALADDRESS [" not in out   # differs on 64-bit ABIs only
    assert "D3DDDI_MAPGPUVIRTUALADDRESS," in out.splitlines()[-2]   # "matching on every ABI"
    assert out.strip().splitlines()[-1].startswith("84 structs × 1 ABI: ")


def test_json_schema(capsys) -> None:
    rc, out, _ = run(capsys, "--sdk-include", str(SDK_DIFF), "--json", "--abi", "x64")
    assert rc == 1
    doc = json.loads(out)
    assert set(doc) == {"sdk", "include_dirs", "headers", "abis", "defines", "structs",
                        "interface_versions", "not_compared", "results", "static_asserts",
                        "summary", "notes"}
    assert doc["interface_versions"] == {
        "DXGKDDI_INTERFACE_VERSION": {"sdk": 0x11007, "dxgk": 0x11007, "how": "default"},
        "D3D_UMD_INTERFACE_VERSION": {"sdk": 0x11000, "dxgk": 0x11000, "how": "default"}}
    assert doc["abis"] == ["x64"] and doc["defines"] == {}
    assert doc["headers"]["d3dkmddi.h"] == "d3dkmddi.h"
    assert doc["not_compared"] == ["GUID", "LARGE_INTEGER", "LUID", "PHYSICAL_ADDRESS",
                                   "UNICODE_STRING"]
    assert len(doc["structs"]) == 84
    s = doc["summary"]
    assert set(s) == {"structs", "abis", "compared", "differ", "differing_structs", "all_match",
                      "line"}
    assert (s["structs"], s["abis"], s["compared"], s["all_match"]) == (84, 1, 84, False)
    n_structs = len(s["differing_structs"])
    assert s["line"] == (f"84 structs × 1 ABI: {s['differ']} of 84 layouts differ "
                         f"({n_structs} structs)")
    res = doc["results"]["x64"]
    mc = res["DXGKARGCB_MAPCONTEXTALLOCATION"]
    assert set(mc) == {"status", "sdk_origin", "differences", "naming", "dxgk", "sdk"}
    assert mc["naming"] == []
    assert mc["status"] == "differs"
    assert mc["sdk_origin"].startswith("d3dkmddi.h:")
    assert (mc["dxgk"]["size"], mc["sdk"]["size"], mc["sdk"]["align"]) == (64, 80, 16)
    assert all(set(f) == {"name", "offset_bits", "size_bits"} for f in mc["sdk"]["fields"])
    moved = [d for d in mc["differences"] if d["kind"] == "field_moved"]
    assert moved == [{
        "kind": "field_moved", "field": "DriverProtection",
        "message": "field DriverProtection moved: dxgk byte 56, SDK byte 64 (8 bytes)",
        "dxgk": {"offset_bits": 448, "size_bits": 64, "bitfield": False, "type": "UINT64"},
        "sdk": {"offset_bits": 512, "size_bits": 64, "bitfield": False, "type": "UINT64"}}]
    missing = res["D3DDDI_RESERVEGPUVIRTUALADDRESS"]
    assert missing["status"] == "missing" and missing["sdk"] is None
    assert missing["differences"][0]["kind"] == "struct_missing"
    assert res["D3DDDI_SEGMENTPREFERENCE"]["status"] == "match"
    assert res["D3DDDI_SEGMENTPREFERENCE"]["differences"] == []
    sa = doc["static_asserts"]["x64"]
    assert sa["checked"] == 4
    assert sa["failed"][0]["expression"] == "(sizeof(DXGKARGCB_MAPCONTEXTALLOCATION)) == 64"
    note = doc["notes"][0]
    assert set(note) == {"where", "declares", "message", "text"}
    assert note["text"] == f"{note['where']}: {note['message']}"


def test_json_of_a_matching_sdk(capsys) -> None:
    rc, out, _ = run(capsys, "--sdk-include", str(SDK_MATCH), "--json", "-q")
    doc = json.loads(out)
    assert rc == 0 and doc["summary"]["all_match"] is True
    assert doc["summary"]["line"] == "84 structs × 3 ABIs: all match"
    assert {r["status"] for a in doc["abis"] for r in doc["results"][a].values()} == {"match"}


def test_defines_are_applied_to_both_sides(capsys) -> None:
    rc, out, _ = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64", "-q",
                     "-D", "DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM2_0", "--json")
    doc = json.loads(out)
    assert rc == 0
    assert doc["defines"] == {"DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WDDM2_0"}
    # 2 ULONGs + a HANDLE + 37 callbacks (21 always, 9 WIN8, 1 WDDM1_3, 6 WDDM2_0) on x64
    assert doc["results"]["x64"]["DXGKRNL_INTERFACE"]["dxgk"]["size"] == 16 + 37 * 8
    assert doc["results"]["x64"]["DXGKRNL_INTERFACE"]["sdk"]["size"] == 16 + 37 * 8
    rc, out, _ = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64", "-q",
                     "-D", "DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM2_0")
    assert "  defines: DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM2_0" in out
    assert ("  DXGKDDI_INTERFACE_VERSION: SDK 0x5023, dxgk 0x5023 (set by -D "
            "DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM2_0)") in out


def test_a_define_that_does_not_resolve_is_a_usage_error(capsys) -> None:
    """A typo (O for 0) would leave DXGKDDI_INTERFACE_VERSION an unknown identifier, which
    #if reads as 0: a silently smaller subset. One line, exit 2, with the close match."""
    rc, out, err = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64",
                       "-D", "DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM2_O")
    assert rc == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("dxgk verify-header: -D DXGKDDI_INTERFACE_VERSION="
                          "DXGKDDI_INTERFACE_VERSION_WDDM2_O: DXGKDDI_INTERFACE_VERSION_WDDM2_O "
                          "is not a macro of the SDK headers (close matches: "
                          "DXGKDDI_INTERFACE_VERSION_WDDM2_0, ")
    # --struct reads the same -D
    rc, _, err = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64", "--struct",
                     "DXGK_SEGMENTDESCRIPTOR", "-D", "NTDDI_VERSION=NTDDI_WIN10_NOPE")
    assert rc == 2 and "NTDDI_WIN10_NOPE is not a macro of the SDK headers" in err


def test_a_define_the_sdk_does_not_know_names_what_dxgk_reads(capsys, tmp_path) -> None:
    """An older kit that stops at WDDM 3.1: WDDM3_2 is dxgk's, not the SDK's."""
    tree = tmp_path / "sdk"
    shutil.copytree(SDK_MATCH, tree)
    hdr = tree / "shared" / "d3dukmdt.h"
    text = hdr.read_text()
    lines = [ln for ln in text.splitlines(keepends=True)
             if not ln.startswith("#define DXGKDDI_INTERFACE_VERSION_WDDM3_2 ")]
    assert len(lines) == len(text.splitlines()) - 1
    hdr.write_text("".join(lines))
    rc, _, err = run(capsys, "--sdk-include", str(tree), "--abi", "x64",
                     "-D", "DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM3_2")
    assert rc == 2 and err.count("\n") == 1
    assert ("DXGKDDI_INTERFACE_VERSION_WDDM3_2 is not a macro of the SDK headers (close "
            "matches: DXGKDDI_INTERFACE_VERSION_WDDM3_1") in err
    assert ("(dxgk's headers resolve it to 0x11007: -D DXGKDDI_INTERFACE_VERSION=0x11007 sets "
            "that number on both sides)") in err
    # a number is the same on both sides, and the header line says what each side used
    rc, out, _ = run(capsys, "--sdk-include", str(tree), "--abi", "x64", "-q",
                     "-D", "DXGKDDI_INTERFACE_VERSION=0x11007")
    assert ("  DXGKDDI_INTERFACE_VERSION: SDK 0x11007, dxgk 0x11007 (set by -D "
            "DXGKDDI_INTERFACE_VERSION=0x11007)") in out


def test_defines_that_name_no_macro_are_not_resolved(capsys) -> None:
    # empty, a number, an expression of numbers, a type: nothing that must name a macro
    for item in ("_In_=", "DXGK_FLAG=1", "DXGK_EXPR=(0x10 << 2)", "DXGK_TYPE=unsigned int"):
        rc, _, err = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64", "-q",
                         "-D", item)
        assert rc == 0, (item, err)


def test_a_define_dxgk_cannot_resolve_is_a_usage_error(capsys, tmp_path) -> None:
    """A newer kit with a version dxgk's headers do not name."""
    tree = tmp_path / "sdk"
    shutil.copytree(SDK_MATCH, tree)
    hdr = tree / "shared" / "d3dukmdt.h"
    anchor = "#define DXGKDDI_INTERFACE_VERSION_WDDM3_2    0x11007\n"
    text = hdr.read_text()
    assert anchor in text
    hdr.write_text(text.replace(anchor, anchor + "#define DXGKDDI_INTERFACE_VERSION_WDDM9_9 "
                                "0x99001\n"))
    rc, _, err = run(capsys, "--sdk-include", str(tree), "--abi", "x64",
                     "-D", "DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM9_9")
    assert rc == 2 and err.count("\n") == 1
    assert ("DXGKDDI_INTERFACE_VERSION_WDDM9_9 is not a macro of dxgk's headers (close "
            "matches: DXGKDDI_INTERFACE_VERSION_WDDM") in err


# ---- notes ---------------------------------------------------------------------------------

def test_notes_go_to_stderr_with_file_and_line(capsys) -> None:
    _, _, err = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64")
    disp = SDK_MATCH / "km" / "dispmprt.h"
    line = line_matching(disp, r"^inline UINT DxgkPteSegmentImitation")
    assert (f"note: km/dispmprt.h:{line}: DxgkPteSegmentImitation: declaration skipped: "
            "parse error: before: &") in err
    assert ("note: static assertions of the SDK evaluated under dxgk's layouts (x64): 4; "
            "all hold") in err
    # stand-ins always win over the SDK's own copies (those decoys #error)
    assert "#error" not in err and "winapifamily" not in err and "windows.h" not in err


# ---- --struct ----------------------------------------------------------------------------

def test_struct_lays_out_any_sdk_struct_pahole_style(capsys) -> None:
    rc, out, _ = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64", "-q",
                     "--struct", "DXGK_SEGMENTDESCRIPTOR",
                     "--struct", "DXGK_PACKED_HEADER_IMITATION")
    assert rc == 0
    line = line_matching(SDK_MATCH / "km" / "d3dkmddi.h", r"^typedef struct _DXGK_SEGMENTDESCR")
    assert (f"/* km/d3dkmddi.h:{line} */\n"
            "DXGK_SEGMENTDESCRIPTOR  /* x64: size 56, align 8 */ {") in out
    assert "   SIZE_T *                             pBankRangeTable" in out
    assert "PopulatedFromSystemMemory:1" in out
    # pshpack1.h / poppack.h (dxgk's stand-ins) pack it to one byte
    assert "DXGK_PACKED_HEADER_IMITATION  /* x64: size 13, align 1 */" in out
    assert "         5     8            UINT64                               Cookie" in out


def test_struct_on_every_abi_and_json(capsys) -> None:
    rc, out, _ = run(capsys, "--sdk-include", str(SDK_MATCH), "-q", "--json",
                     "--struct", "DXGK_SEGMENTDESCRIPTOR")
    doc = json.loads(out)
    assert rc == 0 and set(doc) == {"abis", "origins", "notes"}
    sizes = {abi: d["DXGK_SEGMENTDESCRIPTOR"]["size"] for abi, d in doc["abis"].items()}
    assert sizes == {"x86": 40, "x64": 56, "arm64": 56}
    lay = doc["abis"]["x86"]["DXGK_SEGMENTDESCRIPTOR"]
    assert set(lay) == {"size", "align", "fields"}
    assert {"name": "pBankRangeTable", "offset_bits": 24 * 8, "size_bits": 32} in lay["fields"]
    assert doc["origins"]["DXGK_SEGMENTDESCRIPTOR"].startswith("km/d3dkmddi.h:")


def test_struct_with_odd_declspec_is_laid_out(capsys) -> None:
    rc, out, _ = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x86", "-q",
                     "--struct", "DXGK_OLD_SEGMENT")
    assert rc == 0 and "DXGK_OLD_SEGMENT  /* x86: size 4, align 4 */" in out


def test_struct_unknown_name_exits_2_with_close_matches(capsys) -> None:
    rc, _, err = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64",
                     "--struct", "DXGK_SEGMENTDESCRIPTR")
    assert rc == 2
    assert "no struct or union named 'DXGK_SEGMENTDESCRIPTR' in the SDK headers" in err
    assert "close matches: DXGK_SEGMENTDESCRIPTOR" in err


def test_struct_that_was_skipped_says_why(capsys) -> None:
    rc, _, err = run(capsys, "--sdk-include", str(SDK_MATCH), "--abi", "x64",
                     "--struct", "DXGK_TIMER_IMITATION")
    assert rc == 2
    assert "DXGK_TIMER_IMITATION: its declaration at km/dispmprt.h:" in err
    assert "unknown type name PKTIMER_TABLE_IMITATION" in err


# ---- where the headers are -------------------------------------------------------------------

def test_usage_errors_exit_2(capsys, tmp_path) -> None:
    rc, _, err = run(capsys, "--sdk-include", str(tmp_path / "nope"))
    assert rc == 2 and "no such directory" in err
    rc, _, err = run(capsys, "--sdk-include", str(tmp_path))
    assert rc == 2 and "none of d3dukmdt.h, d3dkmddi.h, d3dumddi.h, dispmprt.h found" in err
    with pytest.raises(SystemExit) as e:
        main(["verify-header", "--sdk-include", str(SDK_MATCH), "--abi", "ia64"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["verify-header"])
    assert e.value.code == 2


def test_windows_kits_include_folder_takes_the_newest_version(tmp_path) -> None:
    from dxgk.verify import locate_sdk

    inc = tmp_path / "Windows Kits" / "10" / "Include"
    shutil.copytree(SDK_MATCH, inc / "10.0.22621.0")
    shutil.copytree(SDK_MATCH, inc / "10.0.26100.0")
    (inc / "wdf").mkdir()
    tree = locate_sdk(inc)
    assert tree.root == (inc / "10.0.26100.0").resolve()
    assert tree.files["d3dkmddi.h"] == tree.root / "km" / "d3dkmddi.h"
    assert [d.name for d in tree.include_dirs] == ["shared", "um", "km", "10.0.26100.0"]


def test_module_entry_point_exit_status() -> None:
    r = subprocess.run([sys.executable, "-m", "dxgk", "verify-header", "--sdk-include",
                        str(SDK_DIFF), "--abi", "arm64", "-q"], capture_output=True, text=True,
                       check=False)
    assert r.returncode == 1, r.stderr
    assert "DXGK_PTE [arm64]: differs" in r.stdout
