"""How verify-header reads headers it does not control: MSVC spellings cleaned, top-level
declarations split, a declaration that cannot be parsed skipped (or stood in for) with a
note -- never fatal -- and includes resolved the way a Windows Kits tree needs."""

from __future__ import annotations

import shutil
from pathlib import Path

from sdk_trees import SDK_MATCH, line_matching

from dxgk.verify import (
    Note,
    _ChunkParser,
    _stand_in,
    clean_msvc,
    layout_sdk,
    locate_sdk,
    split_declarations,
)


def _lines(text: str, file: str = "/sdk/x.h") -> list:
    return [((file, n), line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


# ---- cleaning ---------------------------------------------------------------------------------

def test_sal_annotations_with_nested_arguments_are_removed() -> None:
    src = ("typedef struct _S { _Field_size_bytes_part_(Size, (Used + 1) * 2) PVOID p; "
           "_In_range_(>=, sizeof(X)) UINT n; __drv_aliasesMem __out_ecount(4) UINT *q; } S;")
    assert " ".join(clean_msvc(src).split()) == "typedef struct _S { PVOID p; UINT n; UINT *q; } S;"


def test_struct_tags_shaped_like_annotations_are_kept() -> None:
    assert clean_msvc("struct _ODD_TAG_ { int a; };") == "struct _ODD_TAG_ { int a; };"


def test_declspecs_other_than_align_are_removed() -> None:
    src = ('typedef __declspec(deprecated("use B (the new one)")) struct _A '
           '{ __declspec(align(16)) UINT x; } A;')
    out = " ".join(clean_msvc(src).split())
    assert out == "typedef struct _A { _Alignas(16) UINT x; } A;"
    rec = clean_msvc("typedef struct __declspec(align(8)) __declspec(novtable) _T { int a; } T;")
    assert "#pragma dxgk_record_align(8)" in rec and "novtable" not in rec


def test_alignment_expressions_are_folded_or_refused() -> None:
    assert "_Alignas(16)" in clean_msvc("struct A { __declspec(align(2 * (4 << 1))) int x; };")
    assert "_Alignas(8)" in clean_msvc("struct A { __declspec(align(0x8u)) int x; };")
    # not a constant dxgk can fold: the declaration must fail (-> a note), not lose its
    # alignment silently
    out = clean_msvc("struct A { __declspec(align(sizeof(long long))) int x; };")
    assert "__declspec_align_not_a_constant" in out and "sizeof" not in out


def test_pragma_pack_inside_a_macro_becomes_a_pragma_line() -> None:
    out = clean_msvc("__pragma(pack(push, 1)) struct P { char c; int i; }; "
                     "__pragma(warning(suppress: 4324))")
    assert "\n#pragma pack(push, 1)\n" in out and "warning" not in out
    assert "\n#pragma pack(pop)\n" in clean_msvc('_Pragma("pack(pop)")')


def test_undeclared_decorations_are_removed() -> None:
    out = clean_msvc("DECLSPEC_NOINITALL DECLSPEC_GUARD_SUPPRESS(x) UINT f(void);")
    assert " ".join(out.split()) == "UINT f(void);"


# ---- splitting ----------------------------------------------------------------------------------

def test_split_on_top_level_semicolons_and_function_bodies() -> None:
    text = """#pragma pack(push, 4)
typedef struct _A { int a; char s[sizeof(";")]; } A; typedef int B;
static int f(int x) { if (x) { return 1; } return 0; }
typedef struct __declspec(align(16)) { int z; } C;
#pragma pack(pop)
const char *g = "};{";
"""
    chunks = split_declarations(_lines(text))
    assert [c.text for c in chunks] == [
        "#pragma pack(push, 4)",
        'typedef struct _A { int a; char s[sizeof(";")]; } A;',
        "typedef int B;",
        "static int f(int x) { if (x) { return 1; } return 0; }",
        "typedef struct __declspec(align(16)) { int z; } C;",
        "#pragma pack(pop)",
        'const char *g = "};{";',
    ]
    assert [c.origin[1] for c in chunks] == [1, 2, 2, 3, 4, 5, 6]
    assert [c.is_pragma for c in chunks] == [True] + [False] * 4 + [True, False]


def test_pragmas_inside_a_struct_stay_in_it() -> None:
    chunks = split_declarations(_lines("struct S {\n  int a;\n#pragma pack(1)\n  char b;\n};\n"))
    assert len(chunks) == 1 and "#pragma pack(1)" in chunks[0].text


def test_an_unbalanced_declaration_does_not_swallow_the_next_ones() -> None:
    text = "int broken(int a, ;\nstruct S { int x;\ntypedef int A;\ntypedef int B;\n"
    assert [c.text for c in split_declarations(_lines(text))] == [
        "int broken(int a, ;\nstruct S { int x;", "typedef int A;", "typedef int B;"]


def test_stray_directives_are_dropped_with_a_note() -> None:
    notes: list[Note] = []
    chunks = split_declarations(_lines('#include_next <x.h>\nint a;\n'), notes)
    assert [c.text for c in chunks] == ["int a;"]
    assert notes[0].message == "directive skipped: #include_next <x.h>"


# ---- parsing what can be parsed ---------------------------------------------------------------

def _parse(text: str) -> tuple[list, list[Note], _ChunkParser]:
    chunks = split_declarations(_lines(text))
    for c in chunks:
        c.text = clean_msvc(c.text)
    notes: list[Note] = []
    cp = _ChunkParser(chunks, notes, lambda f: Path(f).name)
    return cp.run(), notes, cp


def test_a_bad_declaration_costs_only_itself_and_typedefs_survive_it() -> None:
    items, notes, cp = _parse("""typedef unsigned int UINT;
typedef struct _GOOD1 { UINT a; } GOOD1;
typedef struct _BAD { PKUNKNOWN_THING p; UINT b; } BAD, *PBAD;
int weird(int &r);
@@@ ;
typedef struct _GOOD2 { GOOD1 g; UINT c; } GOOD2;
""")
    from pycparser import c_ast

    names = [e.name for e, _ in items if isinstance(e, c_ast.Typedef)]
    assert names == ["UINT", "GOOD1", "GOOD2"]       # GOOD2 still knows UINT and GOOD1
    texts = [n.text() for n in notes]
    assert texts[0] == ("x.h:3: BAD, PBAD, _BAD: declaration skipped: unknown type name "
                        "PKUNKNOWN_THING")
    assert texts[1] == "x.h:4: weird: declaration skipped: parse error: before: &"
    assert texts[2].startswith("x.h:5: @@@ ;: declaration skipped: parse error:")
    assert cp.unlaid["BAD"].startswith("its declaration at x.h:3 was skipped: unknown type name")


def test_callback_typedefs_with_unknown_parameter_types_are_stood_in_for() -> None:
    items, notes, _ = _parse("""typedef long NTSTATUS;
typedef NTSTATUS (__stdcall *PFN_A)(PDEVICE_OBJECT_UNKNOWN Dev, int x);
typedef NTSTATUS FN_B(PIRP_UNKNOWN Irp);
typedef struct _TABLE { PFN_A a; FN_B *b; } TABLE;
""")
    from pycparser import c_ast

    assert [e.name for e, _ in items if isinstance(e, c_ast.Typedef)] == [
        "NTSTATUS", "PFN_A", "FN_B", "TABLE"]
    assert [n.names for n in notes] == [("PFN_A",), ("FN_B",)]
    assert "stood in for by an opaque function pointer type (same layout)" in notes[0].message
    assert "stood in for by an opaque function type (same layout)" in notes[1].message


def test_stand_in_only_for_function_typedefs() -> None:
    assert _stand_in("typedef VOID (NTAPI *PFOO)(X a);") == ("PFOO", "typedef void *PFOO;")
    assert _stand_in("typedef _Check_return_ NTSTATUS DXGKDDI_X(X a, Y b);") == (
        "DXGKDDI_X", "typedef void DXGKDDI_X(void);")
    assert _stand_in("typedef struct _S { X a; } S;") is None
    assert _stand_in("NTSTATUS DxgkInitialize(X a);") is None


# ---- whole trees ---------------------------------------------------------------------------

def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_missing_includes_and_errors_are_notes_not_failures(tmp_path) -> None:
    _write(tmp_path, {"d3dumddi.h": """#include <winapifamily.h>
#include <does_not_exist.h>
#error this SDK is from the future
typedef struct _D3DDDICB_FREEGPUVIRTUALADDRESS {
    ULONGLONG BaseAddress; ULONGLONG Size;
} D3DDDICB_FREEGPUVIRTUALADDRESS;
"""})
    lay = layout_sdk(locate_sdk(tmp_path), "x64")
    assert lay.records["D3DDDICB_FREEGPUVIRTUALADDRESS"].size == 16
    texts = [n.text() for n in lay.notes]
    assert ("d3dumddi.h:2: #include <does_not_exist.h> not found in the SDK folder nor among "
            "dxgk's stand-ins: skipped") in texts
    assert "d3dumddi.h:3: #error this SDK is from the future" in texts


def test_includes_are_found_whatever_their_case(tmp_path) -> None:
    """A Linux copy of the Include folder: `#include <D3DKMDT.h>` must find d3dkmdt.h."""
    root = tmp_path / "10.0.1.0"
    shutil.copytree(SDK_MATCH, root)
    km = root / "km" / "d3dkmddi.h"
    km.write_text(km.read_text().replace("#include <d3dkmdt.h>", "#include <D3DKMDT.h>"))
    lay = layout_sdk(locate_sdk(root), "x64")
    assert not [n for n in lay.notes if "not found" in n.message]
    assert lay.records["DXGK_PTE"].size == 16


def test_without_d3dkmdt_h_the_shared_header_is_included_first(tmp_path) -> None:
    for name in ("d3dukmdt.h", "d3dkmddi.h"):
        src = next(SDK_MATCH.glob(f"*/{name}"))
        shutil.copy(src, tmp_path / name)
    lay = layout_sdk(locate_sdk(tmp_path), "x86")
    assert lay.records["DXGKARGCB_MAPCONTEXTALLOCATION"].size == 64
    assert lay.notes[0].message.startswith("d3dkmdt.h not found next to the display headers")


def test_notes_of_the_matching_tree(match_report) -> None:
    """The imitation's deliberately unparseable declarations, each with file and line."""
    disp = SDK_MATCH / "km" / "dispmprt.h"
    km = SDK_MATCH / "km" / "d3dkmddi.h"
    iommu = line_matching(km, r"[*]DXGKCB_MAPMDLTOIOMMU[)]")
    devinfo = line_matching(disp, r"^typedef struct _DXGK_DEVICE_INFO")
    if_exists = line_matching(disp, r"^__if_exists")
    timer = line_matching(disp, r"^typedef struct _DXGK_TIMER_IMITATION")
    cxx = line_matching(disp, r"^inline UINT")
    got = {n.text() for n in match_report.notes}
    want = {
        f"km/d3dkmddi.h:{iommu}: DXGKCB_MAPMDLTOIOMMU: could not parse (unknown type name "
        "PIOMMU_DMA_LOGICAL_ADDRESS_TOKEN_IMITATION); "
        "stood in for by an opaque function pointer type (same layout)",
        f"km/dispmprt.h:{devinfo}: DXGK_DEVICE_INFO, PDXGK_DEVICE_INFO, _DXGK_DEVICE_INFO: "
        "declaration skipped: unknown type name DOCKING_STATE",
        f"km/dispmprt.h:{if_exists}: __if_exists(DXGK_PTE) {{ typedef UINT "
        "DXGK_IF_EXISTS_IMITATIO...: MSVC-only block skipped",
        f"km/dispmprt.h:{timer}: DXGK_TIMER_IMITATION, _DXGK_TIMER_IMITATION: declaration "
        "skipped: unknown type name PKTIMER_TABLE_IMITATION",
        (f"km/dispmprt.h:{cxx}: DxgkPteSegmentImitation: declaration skipped: "
         "parse error: before: &"),
    }
    assert want <= got
    stood = [n for n in match_report.notes if n.names == ("DXGKCB_GET_DEVICE_INFORMATION",)]
    assert stood and "unknown type name PDXGK_DEVICE_INFO" in stood[0].message
    # nothing from dxgk's own stand-ins, and no SDK decoy was read
    assert not [n for n in match_report.notes if "stand-in]" in n.where or "#error" in n.message]
