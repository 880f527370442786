"""dxgk's layout engine against an independent engine: libclang's MSVC record layout.

Issue #2, item 6 (a) and (b): for every ABI, every record of the header subset and of the
torture header (tests/layout/torture.h) must come out of `dxgk.layout.compute_layouts`
exactly as clang lays it out for `-target {i686,x86_64,aarch64}-pc-windows-msvc`: same
set of names, same size and alignment, same flattened field list (names, bit offsets,
bit sizes, bitfields included).  The oracle (clang_oracle.py) shares no code with the
engine; the spot checks below pin the oracle itself to hand-computed MSVC layouts so that
it cannot silently agree with a wrong engine.
"""

from __future__ import annotations

import difflib
import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import clang_oracle as co  # tests/layout/ is on sys.path (conftest.py)
import pytest

if co.ci is None:
    pytest.skip("libclang is not installed (pip install libclang; it is in dxgk's [test] "
                f"extras) - the independent layout oracle needs it: {co.IMPORT_ERROR}",
                allow_module_level=True)

ABIS = co.ABIS
Layouts = dict[str, dict[str, Any]]


# ---- the two engines, each run once per (header set, ABI) ---------------------------

def _sources(kind: str) -> dict[str, Any]:
    if kind == "subset":
        return {"headers": co.subset_header_paths(), "include_dirs": [co.HEADERS_DIR]}
    if kind == "torture":
        return {"headers": [co.TORTURE_HEADER], "include_dirs": [co.HEADERS_DIR]}
    raise ValueError(kind)


@functools.cache
def oracle(kind: str, abi: str) -> Layouts:
    return co.clang_layouts(abi, **_sources(kind))


@functools.cache
def engine(kind: str, abi: str) -> Layouts:
    from dxgk.layout import compute_layouts

    if kind == "subset":
        recs = compute_layouts(abi)  # the engine's own defaults must be the subset
    else:
        recs = compute_layouts(abi, **_sources(kind))
    return {name: rec.to_json() for name, rec in recs.items()}


def _params(kind: str) -> list[Any]:
    """(abi, name) for every record the oracle finds; a failing placeholder otherwise."""
    out = []
    for abi in ABIS:
        try:
            names = list(oracle(kind, abi))
        except (co.OracleError, OSError) as e:  # reported by the test, with the message
            out.append(pytest.param(abi, None, id=f"{abi}-ORACLE-FAILED:{type(e).__name__}"))
            continue
        out += [pytest.param(abi, n, id=f"{abi}-{n}") for n in names]
    return out


# ---- a readable comparison ----------------------------------------------------------

def _fmt_field(f: dict[str, Any]) -> str:
    off, size = f["offset_bits"], f["size_bits"]
    return f"{f['name']} @bit {off} (byte {off // 8}+{off % 8}) size {size} bits"


def mismatch_report(abi: str, name: str, eng: dict[str, Any], ref: dict[str, Any]) -> str:
    """What differs between the engine's and clang's layout of one record, or ''."""
    if eng == ref:
        return ""
    lines = [f"{name} ({abi}): engine != clang"]
    for k in ("size", "align"):
        if eng[k] != ref[k]:
            lines.append(f"  {k}: engine {eng[k]}, clang {ref[k]}")
    ef = {f["name"]: f for f in eng["fields"]}
    rf = {f["name"]: f for f in ref["fields"]}
    for n, f in rf.items():
        if n not in ef:
            lines.append(f"  field {n}: missing from the engine (clang: {_fmt_field(f)})")
        elif ef[n] != f:
            lines.append(f"  field {n}: engine offset_bits={ef[n]['offset_bits']} "
                         f"size_bits={ef[n]['size_bits']}, clang offset_bits="
                         f"{f['offset_bits']} size_bits={f['size_bits']}")
    for n, f in ef.items():
        if n not in rf:
            lines.append(f"  field {n}: only in the engine ({_fmt_field(f)})")
    if [f["name"] for f in eng["fields"]] != [f["name"] for f in ref["fields"]]:
        lines.append("  field order differs")
    lines.append("  full diff (- clang, + engine):")
    lines += ["    " + d.rstrip("\n") for d in difflib.unified_diff(
        co.format_layout(name, ref).splitlines(), co.format_layout(name, eng).splitlines(),
        "clang", "engine", n=2, lineterm="")]
    return "\n".join(lines)


def _key_report(abi: str, eng: Layouts, ref: Layouts) -> str:
    only_e, only_r = sorted(set(eng) - set(ref)), sorted(set(ref) - set(eng))
    if not only_e and not only_r:
        return ""
    return (f"record names differ ({abi}):\n  only in the engine: {only_e}\n"
            f"  only in clang: {only_r}")


# ---- (a) the header subset, (b) the torture header ----------------------------------

@pytest.mark.parametrize("kind", ["subset", "torture"])
@pytest.mark.parametrize("abi", ABIS)
def test_same_record_names_as_clang(kind: str, abi: str) -> None:
    ref = oracle(kind, abi)
    assert ref, f"clang found no records in the {kind} headers"
    msg = _key_report(abi, engine(kind, abi), ref)
    assert not msg, msg


@pytest.mark.parametrize("abi, name", _params("subset"))
def test_subset_record_matches_clang(abi: str, name: str | None) -> None:
    ref = oracle("subset", abi)  # re-raises the oracle's error for a placeholder param
    eng = engine("subset", abi)
    if name not in eng:
        pytest.fail(f"{name} ({abi}): laid out by clang but missing from the engine")
    msg = mismatch_report(abi, name, eng[name], ref[name])
    assert not msg, msg


@pytest.mark.parametrize("abi, name", _params("torture"))
def test_torture_record_matches_clang(abi: str, name: str | None) -> None:
    ref = oracle("torture", abi)
    eng = engine("torture", abi)
    if name not in eng:
        pytest.fail(f"{name} ({abi}): laid out by clang but missing from the engine")
    msg = mismatch_report(abi, name, eng[name], ref[name])
    assert not msg, msg


OLDER_VERSIONS = ("DXGKDDI_INTERFACE_VERSION_WIN7", "DXGKDDI_INTERFACE_VERSION_WIN8",
                  "DXGKDDI_INTERFACE_VERSION_WDDM2_0", "DXGKDDI_INTERFACE_VERSION_WDDM2_6")


@pytest.mark.parametrize("version", OLDER_VERSIONS)
@pytest.mark.parametrize("abi", ABIS)
def test_subset_at_older_interface_versions_matches_clang(abi: str, version: str) -> None:
    """The `#if DXGKDDI_INTERFACE_VERSION` guards: -D reaches both engines alike."""
    from dxgk.layout import compute_layouts

    defines = {"DXGKDDI_INTERFACE_VERSION": version}
    ref = co.clang_layouts(abi, defines=defines, **_sources("subset"))
    eng = {n: r.to_json() for n, r in compute_layouts(abi, defines=defines).items()}
    problems = [_key_report(abi, eng, ref)]
    problems += [mismatch_report(abi, n, eng[n], ref[n]) for n in ref if n in eng]
    msg = "\n".join(p for p in problems if p)
    assert not msg, f"DXGKDDI_INTERFACE_VERSION={version}:\n{msg}"
    # the define took effect: the callback table is shorter than at the newest version
    assert ref["DXGKRNL_INTERFACE"]["size"] < oracle("subset", abi)["DXGKRNL_INTERFACE"]["size"]


def test_engine_default_headers_are_the_subset() -> None:
    """(a) compares `compute_layouts(abi)` with its defaults: they must be the subset."""
    from dxgk import layout

    assert Path(layout.HEADERS_DIR).resolve() == co.HEADERS_DIR
    assert [Path(h).resolve() for h in layout.subset_headers()] == co.subset_header_paths()


def test_mismatch_report_names_the_difference() -> None:
    ref = {"size": 16, "align": 8, "fields": [
        {"name": "a", "offset_bits": 0, "size_bits": 32},
        {"name": "b", "offset_bits": 64, "size_bits": 64}]}
    eng = {"size": 12, "align": 4, "fields": [
        {"name": "a", "offset_bits": 0, "size_bits": 32},
        {"name": "b", "offset_bits": 32, "size_bits": 64}]}
    msg = mismatch_report("x86", "S", eng, ref)
    assert "size: engine 12, clang 16" in msg
    assert "field b: engine offset_bits=32 size_bits=64, clang offset_bits=64" in msg
    assert mismatch_report("x86", "S", ref, ref) == ""


# ---- the oracle itself: hand-computed MSVC layouts ----------------------------------

def _field(layout: dict[str, Any], name: str) -> tuple[int, int]:
    for f in layout["fields"]:
        if f["name"] == name:
            return f["offset_bits"], f["size_bits"]
    raise AssertionError(f"no field {name!r} in {[f['name'] for f in layout['fields']]}")


def test_oracle_mapcontextallocation_x86() -> None:
    """Issue #2's done-when: x86 size 64, hAllocation at byte 24 (32 bits), OffsetInPages at 32."""
    m = oracle("subset", "x86")["DXGKARGCB_MAPCONTEXTALLOCATION"]
    assert (m["size"], m["align"]) == (64, 8)
    assert _field(m, "BaseAddress") == (0, 64)
    assert _field(m, "MaximumAddress") == (16 * 8, 64)
    assert _field(m, "hAllocation") == (24 * 8, 32)
    assert _field(m, "OffsetInPages") == (32 * 8, 64)
    assert _field(m, "SizeInPages") == (40 * 8, 64)
    assert _field(m, "Protection") == (48 * 8, 64)
    assert _field(m, "Protection.Write") == (48 * 8, 1)
    assert _field(m, "Protection.Execute") == (48 * 8 + 1, 1)
    assert _field(m, "DriverProtection") == (56 * 8, 64)


@pytest.mark.parametrize("abi", ["x64", "arm64"])
def test_oracle_mapcontextallocation_64bit(abi: str) -> None:
    m = oracle("subset", abi)["DXGKARGCB_MAPCONTEXTALLOCATION"]
    assert (m["size"], m["align"]) == (64, 8)
    assert _field(m, "hAllocation") == (24 * 8, 64)
    assert _field(m, "OffsetInPages") == (32 * 8, 64)


@pytest.mark.parametrize("abi, hallocation, size", [("x86", 48, 56), ("x64", 72, 88),
                                                    ("arm64", 72, 88)])
def test_oracle_createcontextallocation(abi: str, hallocation: int, size: int) -> None:
    """docs/behaviour.md §2: UINT flags, 4 HANDLEs, SIZE_T, 3 UINTs, 3 UINT unions, HANDLE, UINT."""
    c = oracle("subset", abi)["DXGKARGCB_CREATECONTEXTALLOCATION"]
    ptr = 4 if abi == "x86" else 8
    assert c["size"] == size
    assert _field(c, "hAdapter") == (ptr * 8, ptr * 8)
    assert _field(c, "Size") == (5 * ptr * 8, ptr * 8)
    assert _field(c, "hAllocation") == (hallocation * 8, ptr * 8)


@pytest.mark.parametrize("abi", ABIS)
def test_oracle_pte_and_segment_preference(abi: str) -> None:
    recs = oracle("subset", abi)
    pte = recs["DXGK_PTE"]
    assert (pte["size"], pte["align"]) == (16, 8)
    assert _field(pte, "Valid") == (0, 1)
    assert _field(pte, "Segment") == (5, 5)
    assert _field(pte, "PhysicalAdapterIndex") == (11, 6)
    assert _field(pte, "Reserved") == (20, 44)
    assert _field(pte, "PageAddress") == (64, 64)
    pref = recs["D3DDDI_SEGMENTPREFERENCE"]
    assert pref["size"] == 4
    assert _field(pref, "SegmentId1") == (6, 5)
    assert _field(pref, "Direction4") == (29, 1)
    # an alias typedef is a key of its own, with the same layout
    assert recs["DXGK_SEGMENTPREFERENCE"] == pref


def test_oracle_torture_bitfield_units() -> None:
    """MSVC: a new unit when the declared size changes or the unit is full; signedness
    does not matter; a bitfield never shares a non-bitfield's storage."""
    m = oracle("torture", "x64")["T_BITS_MIXED"]
    assert (m["size"], m["align"]) == (32, 8)
    assert [(f["name"], f["offset_bits"], f["size_bits"]) for f in m["fields"]] == [
        ("a", 0, 3), ("b", 3, 29), ("c", 32, 5), ("d", 64, 7), ("e", 128, 60),
        ("f", 192, 2), ("g", 200, 7), ("h", 224, 4), ("i", 228, 4), ("j", 232, 24)]
    p = oracle("torture", "x86")["T_BITS_AFTER_PLAIN"]
    assert (p["size"], p["align"]) == (16, 4)
    assert _field(p, "x") == (32, 3)
    assert _field(p, "next") == (64, 8)
    assert _field(p, "t") == (112, 3)


def test_oracle_torture_zero_width_bitfields() -> None:
    z = oracle("torture", "x86")["T_BITS_ZERO"]
    assert (z["size"], z["align"]) == (24, 8)  # the UINT64 :0 after a bitfield aligns to 8
    assert [f["name"] for f in z["fields"]] == ["first", "a", "b", "c", "d", "e", "f"]
    assert _field(z, "first") == (0, 8)        # the leading :0 is ignored
    assert _field(z, "b") == (64, 3)
    assert _field(z, "d") == (128, 1)
    assert _field(z, "e") == (136, 1)
    assert _field(z, "f") == (165, 4)          # after the unnamed 5-bit padding field
    t = oracle("torture", "x64")
    # in a union, bitfields and :0 give their storage size but not their alignment
    assert (t["T_UNION_DIRECT_BITS"]["size"], t["T_UNION_DIRECT_BITS"]["align"]) == (8, 1)
    assert (t["T_UNION_ZERO"]["size"], t["T_UNION_ZERO"]["align"]) == (8, 1)
    assert (t["T_ZERO_FIRST"]["size"], t["T_ZERO_FIRST"]["align"]) == (16, 8)
    assert _field(t["T_ZERO_FIRST"], "b") == (64, 1)
    e = t["T_ENUM_BITS"]  # an enum is a 4-byte unit, shared with a UINT
    assert [(f["name"], f["offset_bits"], f["size_bits"]) for f in e["fields"]] == [
        ("a", 0, 8), ("Shade", 32, 2), ("b", 34, 3), ("c", 64, 1)]


def test_oracle_torture_pack_and_align() -> None:
    t = oracle("torture", "x86")
    assert (t["T_PACK1"]["size"], t["T_PACK1"]["align"]) == (15, 1)
    assert _field(t["T_PACK1"], "d") == (11 * 8, 32)
    assert (t["T_PACK2"]["size"], t["T_PACK2"]["align"]) == (16, 2)
    assert (t["T_PACK4"]["size"], t["T_PACK4"]["align"]) == (20, 4)
    assert _field(t["T_PACK1_BITS"], "c") == (5 * 8, 30)
    assert _field(t["T_PACK1_AGAIN"], "c.b") == (9 * 8, 64)
    assert (t["T_AFTER_PACKS"]["size"], t["T_AFTER_PACKS"]["align"]) == (16, 8)
    assert (t["T_ALIGN16"]["size"], t["T_ALIGN16"]["align"]) == (16, 16)
    assert (t["T_ALIGN64"]["size"], t["T_ALIGN64"]["align"]) == (64, 64)
    m = t["T_MEMBER_ALIGN"]
    assert (m["size"], m["align"]) == (128, 64)
    assert _field(m, "x") == (64 * 8, 64)
    assert _field(m, "y") == (80 * 8, 32)
    h = t["T_PACKED_HOLDS_ALIGNED"]  # declspec alignment survives #pragma pack(1)
    assert (h["size"], h["align"]) == (48, 16)
    assert _field(h, "b") == (16 * 8, 128)
    assert _field(h, "d") == (40 * 8, 32)
    assert _field(h, "e") == (44 * 8, 16)
    assert (t["T_PACKED_ALIGNED_TAG"]["size"], t["T_PACKED_ALIGNED_TAG"]["align"]) == (8, 8)
    s = t["T_PACK1_SMALL_ALIGN"]  # declspec(align(2)) on a UINT64 under pack(1): 2
    assert (s["size"], s["align"]) == (96, 16)
    assert _field(s, "x") == (2 * 8, 64)
    assert _field(s, "arr") == (16 * 8, 256)
    assert _field(s, "p") == (49 * 8, 36 * 8)     # packed to byte 49 ...
    assert _field(s, "p.pData") == (53 * 8, 32)  # ... but its inner layout is its own
    assert (t["T_PACK16"]["size"], t["T_PACK16"]["align"]) == (24, 8)


def test_oracle_torture_names_and_keys() -> None:
    t = oracle("torture", "x64")
    n = t["T_NEST"]
    names = [f["name"] for f in n["fields"]]
    # anonymous members vanish, named ones (even of unnamed type) are paths
    assert names[:5] == ["Kind", "Inner", "Inner.Value", "Inner.Lo", "Inner.Mid"]
    assert "Inner.Bits.Write" in names and "Segment.To.y" in names
    assert "Outer.Deep.Split.Last" in names and "Packed" in names
    assert _field(n, "Outer.Deep.Split.Last") == (42 * 8, 5)
    assert t["T_NEST_ALIAS"] == n
    assert [f["name"] for f in t["T_ARRAYS"]["fields"]] == [
        "Points", "Mixed", "Items", "Name", "Handles", "Grid"]  # arrays are one entry
    assert _field(t["T_ARRAYS"], "Grid") == (176 * 8, 6 * 32)
    assert "T_TAG_ONLY" in t                    # a tag nobody typedefs
    assert "T_LATE" in t and "_T_LATE" not in t  # a tag typedef'd later: the typedef only
    assert "PT_LATE" not in t                   # pointer typedefs are not records
    assert "T_FWD" in t and "_T_FWD" not in t    # typedef'd before its definition
    assert t["T_FWD"]["size"] == 16
    assert t["T_TWO"] == t["T_TWO_ALSO"] and "_T_TWO" not in t
    assert t["T_ANON_TD"] == t["T_ANON_TD2"] and t["T_ANON_TD"]["size"] == 16
    assert "LARGE_INTEGER" in t                 # windows_base.h records are processed too
    assert not [k for k in t if not k.isidentifier()]  # no anonymous records as keys


def test_torture_differs_between_abis() -> None:
    """The torture header must exercise ABI differences, not just agree everywhere."""
    x86, x64, arm64 = (oracle("torture", a) for a in ABIS)
    assert x86["T_HANDLE_U64"]["size"] == 24 and x64["T_HANDLE_U64"]["size"] == 32
    assert _field(x86["T_HANDLE_U64"], "Value") == (64, 64)    # MSVC x86: 8-aligned
    assert _field(x64["T_HANDLE_U64"], "Value") == (128, 64)
    assert (x86["T_POINTERS"]["size"], x86["T_POINTERS"]["align"]) == (36, 4)
    assert (x64["T_POINTERS"]["size"], x64["T_POINTERS"]["align"]) == (64, 8)
    differ = sorted(k for k in x64 if x86[k] != x64[k])
    assert {"T_HANDLE_U64", "T_POINTERS", "T_ARRAYS", "T_NEST", "UNICODE_STRING"} <= set(differ)
    assert x64 == arm64  # the two LLP64 ABIs agree on every torture record


@pytest.mark.parametrize("abi, size, by_sizeof", [("x86", 80, 12), ("x64", 88, 16)])
def test_oracle_torture_c_spellings(abi: str, size: int, by_sizeof: int) -> None:
    """`long` is 4 bytes (LLP64); array sizes and widths from constant expressions."""
    m = oracle("torture", abi)["T_MISC"]
    assert m["size"] == size
    assert _field(m, "l") == (32, 32) and _field(m, "ul") == (64, 32)
    assert _field(m, "ByEnum")[1] == 6 * 8
    assert _field(m, "BySizeof")[1] == by_sizeof * 8
    assert _field(m, "ByShift")[1] == 16 * 8
    assert _field(m, "Tail")[1] == 5


def test_torture_pack_changes_layout() -> None:
    t = oracle("torture", "x86")
    sizes = {k: t[k]["size"] for k in ("T_NATURAL", "T_PACK1", "T_PACK2", "T_PACK4")}
    assert sizes == {"T_NATURAL": 24, "T_PACK1": 15, "T_PACK2": 16, "T_PACK4": 20}
    for k in ("T_PACK1", "T_PACK2", "T_PACK4"):
        assert [f["name"] for f in t[k]["fields"]] == [f["name"] for f in t["T_NATURAL"]["fields"]]
        assert t[k]["align"] < t["T_NATURAL"]["align"]


# ---- the oracle's machinery ---------------------------------------------------------

def test_oracle_anonymity_two_ways() -> None:
    """Both anonymity tests run and agree; an unnamed *type* with a member name is listed."""
    import clang.cindex as ci

    assert co._is_anonymous_record_decl_fn() is not None, \
        "libclang lacks clang_Cursor_isAnonymousRecordDecl"
    tu = co.parse("x64", [co.TORTURE_HEADER], [co.HEADERS_DIR])
    seen = {"anonymous": 0, "named-unnamed-type": 0}

    def visit(t: ci.Type) -> None:
        for f in t.get_fields():
            canon = f.type.get_canonical()
            if canon.kind != ci.TypeKind.RECORD:
                continue
            decl = canon.get_declaration()
            by_clang = co._anon_record_decl(decl)
            assert by_clang is not None, "libclang lacks clang_Cursor_isAnonymousRecordDecl"
            anon = co.is_anonymous_member(f)  # raises if the two tests disagree
            assert anon == by_clang
            if anon:
                seen["anonymous"] += 1
            elif decl.is_anonymous():
                seen["named-unnamed-type"] += 1
                assert f.spelling.isidentifier()
            visit(canon)

    for c in tu.cursor.get_children():
        if c.kind in (ci.CursorKind.STRUCT_DECL, ci.CursorKind.UNION_DECL) and c.is_definition():
            visit(c.type)
    assert seen["anonymous"] >= 8 and seen["named-unnamed-type"] >= 5, seen


def test_oracle_fails_loudly_on_parse_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.h"
    bad.write_text('#include "windows_base.h"\ntypedef struct _B { UINT a; NOSUCHTYPE b; } B;\n')
    with pytest.raises(co.OracleError, match="NOSUCHTYPE"):
        co.clang_layouts("x64", headers=[bad], include_dirs=[co.HEADERS_DIR])
    with pytest.raises(co.OracleError, match="does not exist"):
        co.clang_layouts("x64", headers=[tmp_path / "missing.h"])


def test_oracle_defines_and_file_scope(tmp_path: Path) -> None:
    """-D reaches the headers; records of files outside the processed set are not keys."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "outside.h").write_text("typedef struct _OUT { int a; } OUTSIDE_REC;\n")
    h = tmp_path / "d.h"
    h.write_text('#include "windows_base.h"\n#include "other/outside.h"\n'
                 "typedef struct _D { UCHAR a[WIDTH]; } D;\n")
    recs = co.clang_layouts("x86", headers=[h], include_dirs=[co.HEADERS_DIR],
                            defines={"WIDTH": "7"})
    assert recs["D"]["size"] == 7
    assert "OUTSIDE_REC" not in recs and "LUID" in recs


def test_torture_header_compiles_with_gcc() -> None:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler on PATH")
    r = subprocess.run([cc, "-fsyntax-only", "-std=gnu11", "-Wall", "-I", str(co.HEADERS_DIR),
                        "-x", "c", str(co.TORTURE_HEADER)],
                       check=False, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# ---- the user-mode GPU VA declarations (d3dkmthk.h, d3dumddi.h): hand-computed -------

@pytest.mark.parametrize("abi, ptr, size", [("x86", 4, 48), ("x64", 8, 56), ("arm64", 8, 56)])
def test_oracle_kmt_update_differs_from_the_umd_struct(abi: str, ptr: int, size: int) -> None:
    """D3DKMT_UPDATEGPUVIRTUALADDRESS: hDevice first, a D3DKMT context handle, a SIZE_T
    Reserved0; the UMD form starts with a HANDLE and has a UINT Reserved0."""
    recs = oracle("subset", abi)
    k = recs["D3DKMT_UPDATEGPUVIRTUALADDRESS"]
    assert (k["size"], k["align"]) == (size, 8)
    assert [f["name"] for f in k["fields"][:4]] == [
        "hDevice", "hContext", "hFenceObject", "NumOperations"]
    assert _field(k, "hContext") == (32, 32)
    assert _field(k, "Operations") == (16 * 8, ptr * 8)
    assert _field(k, "Reserved0") == ((16 + ptr) * 8, ptr * 8)
    assert _field(k, "Reserved1") == (((16 + 2 * ptr + 7) // 8 * 8) * 8, 64)
    assert _field(k, "Flags.DoNotWait") == ((size - 8) * 8, 1)
    u = recs["D3DDDICB_UPDATEGPUVIRTUALADDRESS"]
    assert u["size"] == size
    assert _field(u, "hContext") == (0, ptr * 8)
    assert _field(u, "Reserved0")[1] == 32


@pytest.mark.parametrize("abi, ptr", [("x86", 4), ("x64", 8), ("arm64", 8)])
def test_oracle_device_callbacks_table(abi: str, ptr: int) -> None:
    """65 pointers in header order; the GPU VA callbacks sit at slots 35, 36 and 40..43."""
    t = oracle("subset", abi)["D3DDDI_DEVICECALLBACKS"]
    assert (t["size"], t["align"]) == (65 * ptr, ptr)
    names = [f["name"] for f in t["fields"]]
    assert names[0] == "pfnAllocateCb" and names[-1] == "pfnSubmitHistorySequenceCb"
    for slot, name in [(21, "pfnSetDisplayPrivateDriverFormatCb"), (28, "pfnLogUMDMarkerCb"),
                       (35, "pfnCreatePagingQueueCb"), (36, "pfnDestroyPagingQueueCb"),
                       (40, "pfnReserveGpuVirtualAddressCb"), (41, "pfnMapGpuVirtualAddressCb"),
                       (42, "pfnFreeGpuVirtualAddressCb"), (43, "pfnUpdateGpuVirtualAddressCb"),
                       (54, "pfnReleaseResourceCb")]:
        assert _field(t, name) == (slot * ptr * 8, ptr * 8), name


@pytest.mark.parametrize("abi", ABIS)
def test_umd_interface_version_guards_match_clang(abi: str) -> None:
    """The `#if D3D_UMD_INTERFACE_VERSION` arms: the callback table shrinks member group by
    member group, and both engines agree at each version."""
    from dxgk.layout import compute_layouts

    ptr = 4 if abi == "x86" else 8
    for version, members in [("D3D_UMD_INTERFACE_VERSION_WIN8", 28),
                             ("D3D_UMD_INTERFACE_VERSION_WDDM2_0", 50),
                             ("D3D_UMD_INTERFACE_VERSION_WDDM2_1_2", 54),
                             ("D3D_UMD_INTERFACE_VERSION_WDDM2_5_2", 64)]:
        defines = {"D3D_UMD_INTERFACE_VERSION": version}
        ref = co.clang_layouts(abi, defines=defines, **_sources("subset"))
        eng = {n: r.to_json() for n, r in compute_layouts(abi, defines=defines).items()}
        msg = "\n".join(p for p in [_key_report(abi, eng, ref)] +
                        [mismatch_report(abi, n, eng[n], ref[n]) for n in ref if n in eng] if p)
        assert not msg, f"D3D_UMD_INTERFACE_VERSION={version}:\n{msg}"
        assert ref["D3DDDI_DEVICECALLBACKS"]["size"] == members * ptr, version
        # the UMD callback arguments exist from the WDDM 2.0 user-mode interface on
        assert ("D3DDDICB_CREATEPAGINGQUEUE" in ref) == (members >= 50)


@pytest.mark.parametrize("abi, ptr, size", [("x86", 4, 56), ("x64", 8, 96), ("arm64", 8, 96)])
def test_oracle_allocationinfo2_priority_arm(abi: str, ptr: int, size: int) -> None:
    """D3DDDI_ALLOCATIONINFO2: from WDDM 2.2 a Priority/Unused union takes the first of six
    reserved pointer-sized words, so the size does not change; before it, Reserved[6]."""
    new = oracle("subset", abi)["D3DDDI_ALLOCATIONINFO2"]
    assert (new["size"], new["align"]) == (size, 8)
    assert _field(new, "hSection") == _field(new, "pSystemMem") == (ptr * 8, ptr * 8)
    gva = (3 * ptr + 12 + 7) // 8 * 8
    assert _field(new, "GpuVirtualAddress") == (gva * 8, 64)
    assert _field(new, "Priority") == ((gva + 8) * 8, 32)
    assert _field(new, "Unused") == ((gva + 8) * 8, ptr * 8)
    assert _field(new, "Reserved") == ((gva + 8 + ptr) * 8, 5 * ptr * 8)
    assert _field(new, "Flags.OverridePriority") == ((3 * ptr + 8) * 8 + 2, 1)
    old = co.clang_layouts(abi, defines={
        "DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WDDM2_0",
        "D3D_UMD_INTERFACE_VERSION": "D3D_UMD_INTERFACE_VERSION_WDDM2_0"},
        **_sources("subset"))["D3DDDI_ALLOCATIONINFO2"]
    assert old["size"] == size
    assert "Priority" not in [f["name"] for f in old["fields"]]
    assert _field(old, "Reserved") == ((gva + 8) * 8, 6 * ptr * 8)
    assert _field(old, "Flags.Reserved") == ((3 * ptr + 8) * 8 + 2, 30)


def test_oracle_create_allocation_flags_arms() -> None:
    """D3DKMT_CREATEALLOCATIONFLAGS: a plain 32-bit struct whose Reserved shrinks with
    every interface version; the newest has NoImplicitSynchronization at bit 22."""
    new = oracle("subset", "x64")["D3DKMT_CREATEALLOCATIONFLAGS"]
    assert (new["size"], new["align"]) == (4, 4)
    assert "Value" not in [f["name"] for f in new["fields"]]
    assert _field(new, "NoImplicitSynchronization") == (22, 1)
    assert _field(new, "Reserved") == (23, 9)
    for version, reserved in [("WIN7", (6, 26)), ("WIN8", (11, 21)), ("WDDM2_0", (16, 16)),
                              ("WDDM2_6", (19, 13)), ("WDDM3_1", (22, 10))]:
        old = co.clang_layouts("x64", defines={
            "DXGKDDI_INTERFACE_VERSION": f"DXGKDDI_INTERFACE_VERSION_{version}"},
            **_sources("subset"))["D3DKMT_CREATEALLOCATIONFLAGS"]
        assert _field(old, "Reserved") == reserved, version


@pytest.mark.parametrize("abi, ptr", [("x86", 4), ("x64", 8), ("arm64", 8)])
def test_oracle_kmt_paging_queue_and_allocation_thunks(abi: str, ptr: int) -> None:
    recs = oracle("subset", abi)
    q = recs["D3DKMT_CREATEPAGINGQUEUE"]
    assert _field(q, "Priority") == (32, 32)
    assert _field(q, "FenceValueCPUVirtualAddress") == (16 * 8, ptr * 8)
    assert q["size"] == (16 + ptr + 4 + ptr - 1) // ptr * ptr
    cb = recs["D3DDDICB_CREATEPAGINGQUEUE"]        # the same without hDevice
    assert _field(cb, "FenceValueCPUVirtualAddress") == ((12 + ptr - 1) // ptr * ptr * 8, ptr * 8)
    f = recs["D3DKMT_FREEGPUVIRTUALADDRESS"]
    assert (f["size"], _field(f, "BaseAddress")) == (24, (64, 64))
    a = recs["D3DKMT_CREATEALLOCATION"]
    assert _field(a, "pPrivateRuntimeData") == ((12 + ptr - 1) // ptr * ptr * 8, ptr * 8)
    assert _field(a, "pStandardAllocation") == _field(a, "pPrivateDriverData")
    assert _field(a, "pAllocationInfo") == _field(a, "pAllocationInfo2")
    assert [f["name"] for f in a["fields"]][-1] == "hPrivateRuntimeResourceHandle"
    d = recs["D3DKMT_DESTROYALLOCATION2"]
    assert _field(d, "phAllocationList") == (64, ptr * 8)
    assert _field(d, "Flags.SystemUseOnly") == ((8 + ptr + 4) * 8 + 31, 1)
    assert recs["D3DDDI_DESTROYPAGINGQUEUE"]["size"] == 4


# ---- the driver's DDI arguments (d3dkmddi.h): hand-computed -------------------------

@pytest.mark.parametrize("abi, ptr", [("x86", 4), ("x64", 8), ("arm64", 8)])
def test_oracle_notify_residency_bits_are_a_union(abi: str, ptr: int) -> None:
    """Resident:1 and Reserved:31 are members of one union: both start at the same bit."""
    n = oracle("subset", abi)["DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY"]
    assert (n["size"], n["align"]) == (32, 8)
    assert _field(n, "PhysicalAddress") == (64, 128)      # 8-aligned after the HANDLE
    assert _field(n, "PhysicalAddress.SegmentOffset") == (128, 64)
    assert _field(n, "Resident") == (192, 1)
    assert _field(n, "Reserved") == (192, 31)
    f = oracle("subset", abi)["DXGK_BUILDPAGINGBUFFER_FLUSHTLB"]
    assert (f["size"], _field(f, "hProcess")) == (40, (128, ptr * 8))
    assert _field(f, "EndVirtualAddress") == (256, 64)
    r = oracle("subset", abi)["DXGKARG_SETROOTPAGETABLE"]
    assert (r["size"], _field(r, "NumEntries")) == (32, (192, 32))


@pytest.mark.parametrize("abi, ptr", [("x86", 4), ("x64", 8), ("arm64", 8)])
def test_oracle_driver_object_arguments(abi: str, ptr: int) -> None:
    recs = oracle("subset", abi)
    d = recs["DXGKARG_CREATEDEVICE"]
    assert _field(d, "Flags") == (ptr * 8, 32) and _field(d, "pInfo") == (ptr * 8, ptr * 8)
    assert _field(d, "Flags.Reserved0") == (ptr * 8 + 31, 1)   # DXGK_DEVICE_RESERVED0
    assert _field(d, "hKmdProcess") == (3 * ptr * 8, ptr * 8)
    p = recs["DXGKARG_CREATEPROCESS"]
    assert _field(p, "Flags.SessionIsolatedContainer") == (2 * ptr * 8 + 4, 1)
    assert _field(p, "pPasid") == ((2 * ptr + 8 + ptr - 1) // ptr * ptr * 8, ptr * 8)
    c = recs["DXGKARG_CREATECONTEXT"]
    ci = c["fields"][[f["name"] for f in c["fields"]].index("ContextInfo")]
    assert ci["size_bits"] == 8 * 32           # 6 UINTs, caps, the companion node id
    assert _field(c, "ContextInfo.Caps.UseIoMmu")[1] == 1
    q = recs["DXGKARG_QUERYADAPTERINFO"]
    assert _field(q, "pInputData") == (ptr * 8, ptr * 8)
    assert _field(q, "hKmdProcessHandle")[1] == ptr * 8
    s = recs["DXGK_SEGMENTDESCRIPTOR4"]
    assert _field(s, "BaseAddress") == (64, 64)                 # LARGE_INTEGER: 8-aligned
    union_at = (32 if abi == "x86" else 40) * 8                 # after three SIZE_Ts
    assert _field(s, "CpuTranslatedAddress") == (union_at, 64)
    assert _field(s, "CpuHostAperture") == (union_at, 128)      # UINT64 + UINT32, padded
    assert s["size"] == (80 if abi == "x86" else 96)
    o = recs["DXGK_QUERYSEGMENTOUT4"]
    assert _field(o, "SegmentDescriptorStride")[1] == ptr * 8


@pytest.mark.parametrize("abi", ABIS)
def test_oracle_driver_arguments_at_older_versions(abi: str) -> None:
    """WDDM 2.0: no QueryAdapterInfo Flags / process handle, no process-name members."""
    v20 = co.clang_layouts(abi, defines={
        "DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WDDM2_0"}, **_sources("subset"))
    ptr = 4 if abi == "x86" else 8
    assert "DXGK_QUERYADAPTERINFOFLAGS" not in v20
    assert [f["name"] for f in v20["DXGKARG_QUERYADAPTERINFO"]["fields"]][-1] == "OutputDataSize"
    assert v20["DXGKARG_QUERYADAPTERINFO"]["size"] == (20 if ptr == 4 else 40)
    assert [f["name"] for f in v20["DXGKARG_CREATEPROCESS"]["fields"]][-1] == "pPasid"
    assert _field(v20["DXGK_SEGMENTFLAGS"], "Reserved") == (21, 11)
    win8 = co.clang_layouts(abi, defines={
        "DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WIN8"}, **_sources("subset"))
    assert "DXGKARG_CREATEPROCESS" not in win8 and "DXGK_SEGMENTDESCRIPTOR4" not in win8
    assert [f["name"] for f in win8["DXGKARG_CREATEDEVICE"]["fields"]][-1] == "pInfo"
    assert _field(win8["DXGK_SEGMENTFLAGS"], "Reserved") == (11, 21)


@pytest.mark.parametrize("abi", ABIS)
def test_oracle_start_info(abi: str) -> None:
    """DXGK_START_INFO: a ULONG, a GUID, and from WIN8 a LUID; 4-aligned everywhere."""
    s = oracle("subset", abi)["DXGK_START_INFO"]
    assert (s["size"], s["align"]) == (28, 4)
    assert _field(s, "AdapterGuid") == (32, 128) and _field(s, "AdapterLuid") == (160, 64)
    win7 = co.clang_layouts(abi, defines={
        "DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WIN7"}, **_sources("subset"))
    assert win7["DXGK_START_INFO"]["size"] == 20


# ---- the paging buffer, allocations and the driver's table (SPEC 10): hand-computed ---

@pytest.mark.parametrize("abi, ptr", [("x86", 4), ("x64", 8), ("arm64", 8)])
def test_oracle_build_paging_buffer(abi: str, ptr: int) -> None:
    """MultipassOffset precedes the union; the Reserved arm fixes the union at 256 bytes,
    8-aligned; hSystemContext, the DMA buffer's GPU VA and write offset follow it."""
    b = oracle("subset", abi)["DXGKARG_BUILDPAGINGBUFFER"]
    assert _field(b, "pDmaBufferPrivateData") == (2 * ptr * 8, ptr * 8)
    assert _field(b, "Operation") == ((28 if ptr == 8 else 16) * 8, 32)
    assert _field(b, "MultipassOffset") == ((32 if ptr == 8 else 20) * 8, 32)
    union_at = 40 if ptr == 8 else 24
    for arm in ("Transfer", "UpdatePageTable", "FlushTlb", "NotifyResidency",
                "UpdateContextAllocation", "NotifyFenceResidency", "NotifyAllocation",
                "Reserved"):
        assert _field(b, arm)[0] == union_at * 8, arm
    assert _field(b, "Reserved") == (union_at * 8, 256 * 8)
    assert _field(b, "UpdatePageTable.FirstPteVirtualAddress")[1] == 64
    assert _field(b, "hSystemContext") == ((union_at + 256) * 8, ptr * 8)
    assert _field(b, "DmaBufferWriteOffset")[0] == (union_at + 256 + 16) * 8
    assert (b["size"], b["align"]) == ((union_at + 256 + 24), 8)
    # Transfer.Source: a UINT then an 8-aligned LARGE_INTEGER / MDL pointer union
    src = _field(b, "Transfer.Source")[0]
    assert _field(b, "Transfer.Source.SegmentAddress") == (src + 64, 64)


@pytest.mark.parametrize("abi", ABIS)
def test_build_paging_buffer_arms_follow_their_guards(abi: str) -> None:
    """NotifyFenceResidency from WDDM 2.9 (the 10.0.26100 kit's guard), InitContextResource
    from WIN8; the union (and so the struct) keeps its size at every version."""
    newest = oracle("subset", abi)["DXGKARG_BUILDPAGINGBUFFER"]
    for version, absent in (("WDDM2_6", "NotifyFenceResidency"), ("WIN7", "InitContextResource"),
                            ("WIN7", "UpdatePageTable")):
        older = co.clang_layouts(abi, defines={
            "DXGKDDI_INTERFACE_VERSION": f"DXGKDDI_INTERFACE_VERSION_{version}"},
            **_sources("subset"))["DXGKARG_BUILDPAGINGBUFFER"]
        assert absent not in [f["name"] for f in older["fields"]], (version, absent)
        assert _field(older, "Reserved") == _field(newest, "Reserved")
    win7 = co.clang_layouts(abi, defines={
        "DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WIN7"}, **_sources("subset"))
    assert [f["name"] for f in win7["DXGKARG_BUILDPAGINGBUFFER"]["fields"]][-1] == "hSystemContext"


@pytest.mark.parametrize("abi, ptr, size", [("x86", 4, 60), ("x64", 8, 88), ("arm64", 8, 88)])
def test_oracle_allocation_info(abi: str, ptr: int, size: int) -> None:
    """Flags2 only on 64-bit targets, in the tail padding: the size does not change."""
    recs = oracle("subset", abi)
    a = recs["DXGK_ALLOCATIONINFO"]
    assert a["size"] == size
    assert _field(a, "MinimumPageSize") == _field(a, "Alignment")[:1] + (16,)
    assert _field(a, "MmuSet") == _field(a, "SupportedReadSegmentSet")
    assert _field(a, "FlagsWddm2.DisableLargePageMapping") == (_field(a, "Flags")[0] + 7, 1)
    names = [f["name"] for f in a["fields"]]
    assert ("Flags2" in names) == (ptr == 8)
    c = recs["DXGKARG_CREATEALLOCATION"]
    assert _field(c, "pAllocationInfo") == ((16 if ptr == 8 else 12) * 8, ptr * 8)
    assert c["size"] == (40 if ptr == 8 else 24)


@pytest.mark.parametrize("version, members", [("WIN7", 61 + 9), ("WDDM2_0", 61 + 9 + 12 + 6 + 15),
                                              ("WDDM3_1", 192 - 21), ("WDDM3_2", 192)])
@pytest.mark.parametrize("abi", ABIS)
def test_driver_initialization_data_grows_by_version(abi: str, version: str, members: int) -> None:
    """A ULONG Version and then one pointer per DDI slot, each block under its guard."""
    ptr = 4 if abi == "x86" else 8
    recs = co.clang_layouts(abi, defines={
        "DXGKDDI_INTERFACE_VERSION": f"DXGKDDI_INTERFACE_VERSION_{version}"}, **_sources("subset"))
    d = recs["DRIVER_INITIALIZATION_DATA"]
    assert d["size"] == ptr + members * ptr
    assert _field(d, "DxgkDdiAddDevice") == (ptr * 8, ptr * 8)
    assert [f["name"] for f in d["fields"]].index("DxgkDdiBuildPagingBuffer") == 28
