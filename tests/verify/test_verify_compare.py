"""verify-header's comparison: the matching imitation SDK agrees with dxgk on every struct
and ABI; every deliberate difference of the other imitation SDK is reported, precisely,
and nothing else is."""

from __future__ import annotations

import shutil

import pytest
from sdk_trees import ALL_ABIS, SDK_DIFF, SDK_MATCH, WDDM2_0, line_matching

from dxgk.layout import cached_layouts, compute_layouts
from dxgk.verify import base_type_names, compare_layouts, locate_sdk, verify


def subset_names(defines=None) -> list[str]:
    recs = compute_layouts("x64", defines=defines) if defines else cached_layouts("x64")
    return [n for n in recs if n not in base_type_names()]


# ---- the matching tree ------------------------------------------------------------------

def test_matching_sdk_matches_every_struct_on_every_abi(match_report) -> None:
    assert match_report.summary() == "84 structs × 3 ABIs: all match"
    assert match_report.exit_code == 0
    assert match_report.struct_names == subset_names()
    for abi in ALL_ABIS:
        for name, r in match_report.results[abi].items():
            assert r.status == "match", (abi, name, [d.message for d in r.differences])
            assert _public(r.sdk) == _public(r.dxgk)


def _public(rec: dict) -> tuple:
    return rec["size"], rec["align"], [(f["name"], f["offset_bits"], f["size_bits"])
                                       for f in rec["fields"]]


def test_base_types_come_from_stand_ins_and_are_not_compared(match_report) -> None:
    assert set(base_type_names()) == {"LARGE_INTEGER", "LUID", "GUID", "UNICODE_STRING",
                                      "PHYSICAL_ADDRESS"}
    assert not set(match_report.struct_names) & set(base_type_names())


def test_sdk_origin_is_recorded_per_struct(match_report) -> None:
    r = match_report.results["x64"]["DXGKARGCB_MAPCONTEXTALLOCATION"]
    line = line_matching(SDK_MATCH / "km" / "d3dkmddi.h", r"^typedef struct _DXGKARGCB_MAPCONTEXT")
    assert r.sdk_origin == f"km/d3dkmddi.h:{line}"
    free = match_report.results["x86"]["D3DDDICB_FREEGPUVIRTUALADDRESS"]
    assert free.sdk_origin.startswith("um/d3dumddi.h:")


def test_sdk_static_assertions_hold_under_dxgk_layouts(match_report) -> None:
    # C_ASSERT(sizeof(DXGK_PTE) == 16), two C_ASSERTs on DXGKARGCB_MAPCONTEXTALLOCATION and
    # dispmprt.h's static_assert(FIELD_OFFSET(DXGK_CHILD_CAPABILITIES, HpdAwareness) == 12)
    assert match_report.asserts_checked == {"x86": 4, "x64": 4, "arm64": 4}
    assert match_report.asserts_failed == {"x86": [], "x64": [], "arm64": []}
    assert any("4/4/4; all hold" in line for line in match_report.note_lines())


def test_interface_version_define_reaches_sdk_and_subset_alike() -> None:
    tree = locate_sdk(SDK_MATCH)
    report = verify(tree, ALL_ABIS, WDDM2_0)
    # twelve structs fewer than at the newest version: DXGK_QUERYADAPTERINFOFLAGS and the
    # signal-fence arm are WDDM 2.2+, DXGK_ADL(_FLAGS) and the fence-residency pair 2.9+,
    # DXGK_ALLOCATIONINFOFLAGS2 3.0+, the MMU / residency2 / notify-alloc arms 3.2
    assert report.summary() == "72 structs × 3 ABIs: all match"
    for abi in ALL_ABIS:
        older = report.results[abi]["DXGKRNL_INTERFACE"].sdk["size"]
        newest = verify(tree, [abi]).results[abi]["DXGKRNL_INTERFACE"].sdk["size"]
        assert older < newest   # the -D took effect on the SDK side too
        flags = report.results[abi]["DXGK_UPDATEPAGETABLEFLAGS"].sdk["fields"]
        assert "NativeFence" not in [f["name"] for f in flags]


def test_older_interface_version_compares_fewer_structs() -> None:
    win8 = {"DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WIN8"}
    report = verify(locate_sdk(SDK_MATCH), ["x64"], win8)
    assert report.struct_names == subset_names(win8)
    assert "DXGKARGCB_MAPCONTEXTALLOCATION" not in report.struct_names   # WDDM 2.0+
    assert "DXGKARGCB_CREATECONTEXTALLOCATION" in report.struct_names    # WIN8+
    assert report.summary() == f"{len(report.struct_names)} structs × 1 ABI: all match"


def test_subset_is_laid_out_at_the_sdk_default_interface_version(tmp_path) -> None:
    """An older SDK defaults DXGKDDI_INTERFACE_VERSION to an older WDDM version: dxgk's
    subset is compared at that same version, not at its own newest default."""
    shutil.copytree(SDK_MATCH, tmp_path / "sdk")
    shared = tmp_path / "sdk" / "shared" / "d3dukmdt.h"
    text = shared.read_text()
    old = "#define DXGKDDI_INTERFACE_VERSION           DXGKDDI_INTERFACE_VERSION_WDDM3_2"
    assert old in text
    shared.write_text(text.replace(old, old.replace("WDDM3_2", "WDDM2_9")))
    report = verify(locate_sdk(tmp_path / "sdk"), ["x64"])
    # six structs fewer: DXGK_ALLOCATIONINFOFLAGS2 (3.0+) and five paging arms (3.2)
    assert report.summary() == "78 structs × 1 ABI: all match"
    assert report.versions["DXGKDDI_INTERFACE_VERSION"]["how"] == "sdk"
    assert report.versions["DXGKDDI_INTERFACE_VERSION"]["dxgk"] == 0xE003
    table = report.results["x64"]["DXGKRNL_INTERFACE"]
    newest = cached_layouts("x64")["DXGKRNL_INTERFACE"]["size"]
    assert table.dxgk["size"] == table.sdk["size"] == newest - 8   # no DxgkCbDisconnectDoorbell
    assert ("  DXGKDDI_INTERFACE_VERSION: SDK 0xe003, dxgk 0xe003 (the SDK's default: dxgk's "
            "subset laid out at the same version; dxgk's own default is 0x11007)\n"
            "  D3D_UMD_INTERFACE_VERSION: SDK 0x11000, dxgk 0x11000 (the SDK's default, and "
            "dxgk's)\n") in report.to_text()


# ---- the tree with deliberate differences --------------------------------------------------

KM = SDK_DIFF / "d3dkmddi.h"
CREATE_LINE = line_matching(KM, r"^typedef struct _DXGKARGCB_CREATECONTEXTALLOCATION")
ALL = ALL_ABIS
BITS64 = ("x64", "arm64")

# struct -> [(ABIs, exact list of difference messages)]; every other struct must match.
EXPECTED: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {
    # DIFF 1: two fields swap places
    "D3DDDICB_FREEGPUVIRTUALADDRESS": [(ALL, [
        "field BaseAddress moved: dxgk byte 0, SDK byte 8 (8 bytes)",
        "field Size moved: dxgk byte 8, SDK byte 0 (8 bytes)",
        "declaration order differs: Size out of place"])],
    # DIFF 2: bitfield width change (and, through the embedded Flags, in the paging op)
    "DXGK_UPDATEPAGETABLEFLAGS": [(ALL, [
        "field NativeFence resized: dxgk 1 bit, SDK 2 bits (at bit 4)",
        "field Reserved moved and resized: dxgk bits 5-31 (27 bits), SDK bits 6-31 (26 bits)"])],
    "DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE": [
        (("x86",), ["field Flags.NativeFence resized: dxgk 1 bit, SDK 2 bits (at bit 324)",
                    "field Flags.Reserved moved and resized: dxgk bits 325-351 (27 bits), "
                    "SDK bits 326-351 (26 bits)"]),
        (BITS64, ["field Flags.NativeFence resized: dxgk 1 bit, SDK 2 bits (at bit 420)",
                  "field Flags.Reserved moved and resized: dxgk bits 421-447 (27 bits), "
                  "SDK bits 422-447 (26 bits)"])],
    # DIFF 3: changed type size
    "DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE": [(ALL, [
        "field Alignment resized: dxgk 4 bytes, SDK 8 bytes (at byte 16)"])],
    # DIFF 4: added member (the size changes on x86 only: the 64-bit tail padding absorbs it)
    "DXGKARGCB_UPDATECONTEXTALLOCATION": [
        (("x86",), ["size: dxgk 12 bytes, SDK 16 bytes",
                    "field Flags only in the SDK: byte 12 (4 bytes), UINT"]),
        (BITS64, ["field Flags only in the SDK: byte 20 (4 bytes), UINT"])],
    # DIFF 5: removed member (a nested struct: itself and its two fields)
    "DXGK_GPUMMUCAPS": [(ALL, [
        "size: dxgk 24 bytes, SDK 20 bytes",
        "field LegacyBehaviors missing from the SDK (dxgk: byte 20, 4 bytes, struct)",
        "field LegacyBehaviors.SourcePageTableVaInTransfer missing from the SDK "
        "(dxgk: bit 160, 1 bit, UINT)",
        "field LegacyBehaviors.Reserved missing from the SDK "
        "(dxgk: bits 161-191, 31 bits, UINT)"])],
    # DIFF 6: version-guarded members (WDDM 3.2, the default)
    "DXGK_PAGE_TABLE_LEVEL_DESC": [(ALL, [
        "size: dxgk 20 bytes, SDK 24 bytes",
        "field PageTableFlags only in the SDK: byte 20 (4 bytes), UINT"])],
    "DXGKRNL_INTERFACE": [
        (("x86",), ["size: dxgk 292 bytes, SDK 296 bytes",
                    "field DxgkCbNotifySurpriseRemoval only in the SDK: byte 292 (4 bytes), "
                    "DXGKCB_NOTIFYSURPRISEREMOVAL_IMITATION"]),
        (BITS64, ["size: dxgk 576 bytes, SDK 584 bytes",
                  "field DxgkCbNotifySurpriseRemoval only in the SDK: byte 576 (8 bytes), "
                  "DXGKCB_NOTIFYSURPRISEREMOVAL_IMITATION"])],
    # DIFF 7: bitfield widths change inside one storage unit
    "DXGK_PTE": [(ALL, [
        "field PhysicalAdapterIndex resized: dxgk 6 bits, SDK 5 bits (at bits 11-16)",
        "field PageTablePageSize moved: dxgk bits 17-18, SDK bits 16-17 (2 bits)",
        "field SystemReserved0 moved and resized: dxgk bit 19 (1 bit), SDK bits 18-19 (2 bits)"])],
    # DIFF 8: a missing struct
    "D3DDDI_RESERVEGPUVIRTUALADDRESS": [(ALL, ["not declared in the SDK headers"])],
    # DIFF 9: alignment change through pshpack4.h
    "D3DGPU_PHYSICAL_ADDRESS": [(ALL, ["alignment: dxgk 8, SDK 4"])],
    # DIFF 10: a renamed field
    "DXGK_SEGMENTBANKPREFERENCE": [(ALL, [
        "field Direction3 is named Dir3 in the SDK (at bit 31, 1 bit)"])],
    # DIFF 11: D3DKMT_HANDLE -> HANDLE: the same on x86, wider on 64-bit ABIs
    "D3DDDI_MAPGPUVIRTUALADDRESS": [(BITS64, [
        "field hAllocation resized: dxgk 4 bytes, SDK 8 bytes (at byte 32)"])],
    # DIFF 12: DECLSPEC_ALIGN(16) on a member
    "DXGKARGCB_MAPCONTEXTALLOCATION": [(ALL, [
        "size: dxgk 64 bytes, SDK 80 bytes",
        "alignment: dxgk 8, SDK 16",
        "field DriverProtection moved: dxgk byte 56, SDK byte 64 (8 bytes)"])],
    # DIFF 9 again, through a member: on x86 the packed physical address moves what follows
    "DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY": [(("x86",), [
        "size: dxgk 32 bytes, SDK 24 bytes",
        "alignment: dxgk 8, SDK 4",
        "field PhysicalAddress moved: dxgk byte 8, SDK byte 4 (16 bytes)",
        "field PhysicalAddress.SegmentId moved: dxgk byte 8, SDK byte 4 (4 bytes)",
        "field PhysicalAddress.Padding moved: dxgk byte 12, SDK byte 8 (4 bytes)",
        "field PhysicalAddress.SegmentOffset moved: dxgk byte 16, SDK byte 12 (8 bytes)",
        "field Resident moved: dxgk bit 192, SDK bit 160 (1 bit)",
        "field Reserved moved: dxgk bits 192-222, SDK bits 160-190 (31 bits)"])],
    "DXGKARG_SETROOTPAGETABLE": [(("x86",), [
        "size: dxgk 32 bytes, SDK 24 bytes",
        "alignment: dxgk 8, SDK 4",
        "field Address moved: dxgk byte 8, SDK byte 4 (16 bytes)",
        "field Address.SegmentId moved: dxgk byte 8, SDK byte 4 (4 bytes)",
        "field Address.Padding moved: dxgk byte 12, SDK byte 8 (4 bytes)",
        "field Address.SegmentOffset moved: dxgk byte 16, SDK byte 12 (8 bytes)",
        "field NumEntries moved: dxgk byte 24, SDK byte 20 (4 bytes)"])],
    # DIFF 2, 9 and 10 again, through members of the SPEC 10 structs: the bank preference
    # of DXGK_ALLOCATIONINFO, the packed physical addresses of the x86 fence-residency and
    # residency arms, and the paging-buffer union's UpdatePageTable / NotifyResidency arms
    "DXGK_ALLOCATIONINFO": [
        (("x86",), [
            'field HintedBank.Direction3 is named HintedBank.Dir3 in the SDK (at bit 191, 1 bit)',
        ]),
        (BITS64, [
            'field HintedBank.Direction3 is named HintedBank.Dir3 in the SDK (at bit 287, 1 bit)',
        ]),
    ],
    "DXGK_FENCE_RESIDENCY_INFO": [
        (("x86",), [
            'size: dxgk 48 bytes, SDK 44 bytes',
            'alignment: dxgk 8, SDK 4',
            'field CurrentValuePhysicalAddress moved: dxgk byte 8, SDK byte 4 (16 bytes)',
            'field CurrentValuePhysicalAddress.SegmentId moved: dxgk byte 8, SDK byte 4 (4 bytes)',
            'field CurrentValuePhysicalAddress.Padding moved: dxgk byte 12, SDK byte 8 (4 bytes)',
            'field CurrentValuePhysicalAddress.SegmentOffset moved: dxgk byte 16, SDK byte 12 '
            '(8 bytes)',
            'field MonitoredValuePhysicalAddress moved: dxgk byte 24, SDK byte 20 (16 bytes)',
            'field MonitoredValuePhysicalAddress.SegmentId moved: dxgk byte 24, SDK byte 20 (4 '
            'bytes)',
            'field MonitoredValuePhysicalAddress.Padding moved: dxgk byte 28, SDK byte 24 (4 '
            'bytes)',
            'field MonitoredValuePhysicalAddress.SegmentOffset moved: dxgk byte 32, SDK byte 28 '
            '(8 bytes)',
            'field CurrentValueKernelCpuVa moved: dxgk byte 40, SDK byte 36 (4 bytes)',
            'field MonitoredValueKernelCpuVa moved: dxgk byte 44, SDK byte 40 (4 bytes)',
        ]),
    ],
    "DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY2": [
        (("x86",), [
            'size: dxgk 40 bytes, SDK 36 bytes',
            'alignment: dxgk 8, SDK 4',
        ]),
    ],
    "DXGKARG_BUILDPAGINGBUFFER": [
        (("x86",), [
            'field UpdatePageTable.Flags.NativeFence resized: dxgk 1 bit, SDK 2 bits (at bit 516)',
            'field UpdatePageTable.Flags.Reserved moved and resized: dxgk bits 517-543 (27 '
            'bits), SDK bits 518-543 (26 bits)',
            'field NotifyResidency resized: dxgk 32 bytes, SDK 24 bytes (at byte 24)',
            'field NotifyResidency.PhysicalAddress moved: dxgk byte 32, SDK byte 28 (16 bytes)',
            'field NotifyResidency.PhysicalAddress.SegmentId moved: dxgk byte 32, SDK byte 28 '
            '(4 bytes)',
            'field NotifyResidency.PhysicalAddress.Padding moved: dxgk byte 36, SDK byte 32 (4 '
            'bytes)',
            'field NotifyResidency.PhysicalAddress.SegmentOffset moved: dxgk byte 40, SDK byte '
            '36 (8 bytes)',
            'field NotifyResidency.Resident moved: dxgk bit 384, SDK bit 352 (1 bit)',
            'field NotifyResidency.Reserved moved: dxgk bits 384-414, SDK bits 352-382 (31 bits)',
            'field NotifyResidency2 resized: dxgk 40 bytes, SDK 36 bytes (at byte 24)',
        ]),
        (BITS64, [
            'field UpdatePageTable.Flags.NativeFence resized: dxgk 1 bit, SDK 2 bits (at bit 740)',
            'field UpdatePageTable.Flags.Reserved moved and resized: dxgk bits 741-767 (27 '
            'bits), SDK bits 742-767 (26 bits)',
        ]),
    ],
    # DIFF 13: a subset struct the SDK declares but that cannot be parsed
    "DXGKARGCB_CREATECONTEXTALLOCATION": [(ALL, [
        f"its declaration at d3dkmddi.h:{CREATE_LINE} was skipped: unknown type name "
        "DXGK_CONTEXTALLOCATION_PRIORITY_IMITATION"])],
}


def _expected(name: str, abi: str) -> list[str]:
    for abis, msgs in EXPECTED.get(name, []):
        if abi in abis:
            return msgs
    return []


@pytest.mark.parametrize("abi", ALL_ABIS)
@pytest.mark.parametrize("name", subset_names())
def test_each_difference_is_reported_precisely(diff_report, name: str, abi: str) -> None:
    r = diff_report.results[abi][name]
    assert [d.message for d in r.differences] == _expected(name, abi)
    want = "match" if not _expected(name, abi) else "differs"
    if name in ("D3DDDI_RESERVEGPUVIRTUALADDRESS", "DXGKARGCB_CREATECONTEXTALLOCATION"):
        want = "missing"
    assert r.status == want


def test_diff_summary_and_exit_status(diff_report) -> None:
    differing = {n for n in EXPECTED}
    assert len(differing) >= 10
    bad = sum(1 for n in subset_names() for a in ALL_ABIS if _expected(n, a))
    assert diff_report.summary() == (f"84 structs × 3 ABIs: {bad} of 252 layouts differ "
                                     f"({len(differing)} structs)")
    assert diff_report.exit_code == 1


def test_difference_kinds(diff_report) -> None:
    kinds = {d.kind for a in ALL_ABIS for r in diff_report.results[a].values()
             for d in r.differences}
    assert kinds == {"size", "align", "field_moved", "field_resized", "field_moved_resized",
                     "field_added", "field_removed", "field_renamed", "field_order",
                     "struct_missing"}


def test_sdk_static_assertion_that_fails_is_reported(diff_report) -> None:
    line = line_matching(KM, r"C_ASSERT\(sizeof\(DXGKARGCB_MAPCONTEXTALLOCATION\) == 64\)")
    for abi in ALL_ABIS:
        assert diff_report.asserts_failed[abi] == [
            (f"d3dkmddi.h:{line}", "(sizeof(DXGKARGCB_MAPCONTEXTALLOCATION)) == 64")]


def test_version_guarded_differences_vanish_at_an_older_interface_version() -> None:
    report = verify(locate_sdk(SDK_DIFF), ["x64"], WDDM2_0)
    res = report.results["x64"]
    for name in ("DXGK_PAGE_TABLE_LEVEL_DESC", "DXGKRNL_INTERFACE", "DXGK_UPDATEPAGETABLEFLAGS",
                 "DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE"):
        assert res[name].status == "match", [d.message for d in res[name].differences]
    for name in ("DXGK_PTE", "DXGK_GPUMMUCAPS", "D3DDDICB_FREEGPUVIRTUALADDRESS"):
        assert res[name].status == "differs"
    assert res["D3DDDI_RESERVEGPUVIRTUALADDRESS"].status == "missing"


# ---- compare_layouts on its own ---------------------------------------------------------------

def _f(name, off, size, bitfield=False, type_="UINT"):
    return {"name": name, "offset_bits": off, "size_bits": size, "bitfield": bitfield,
            "type": type_}


def test_compare_identical_layouts_is_empty() -> None:
    rec = {"size": 8, "align": 4, "fields": [_f("a", 0, 32), _f("b", 32, 32)]}
    assert compare_layouts("S", rec, rec) == []


def test_compare_rename_needs_a_unique_candidate() -> None:
    ours = {"size": 8, "align": 4, "fields": [_f("a", 0, 32), _f("b", 32, 32)]}
    theirs = {"size": 8, "align": 4, "fields": [_f("x", 0, 32), _f("b", 32, 32)]}
    assert [d.kind for d in compare_layouts("S", ours, theirs)] == ["field_renamed"]
    # a union: two SDK fields share the old field's place -> no guess, removed + added
    theirs = {"size": 8, "align": 4, "fields": [_f("x", 0, 32), _f("y", 0, 32), _f("b", 32, 32)]}
    assert sorted(d.kind for d in compare_layouts("S", ours, theirs)) == [
        "field_added", "field_added", "field_removed"]


def test_compare_bitfield_becoming_plain_field() -> None:
    ours = {"size": 4, "align": 4, "fields": [_f("a", 0, 32, bitfield=True)]}
    theirs = {"size": 4, "align": 4, "fields": [_f("a", 0, 32)]}
    (d,) = compare_layouts("S", ours, theirs)
    assert d.kind == "field_kind"
    assert d.message == ("field a is a plain field in the SDK: dxgk bits 0-31 (32 bits), "
                         "SDK byte 0 (4 bytes)")


# ---- a member that only names padding (issue 15 item 13) -------------------------------------

def _rec(size: int, align: int, *fields: tuple[str, int, int, str]) -> dict:
    return {"size": size, "align": align,
            "fields": [{"name": n, "offset_bits": o * 8, "size_bits": s * 8, "bitfield": False,
                        "type": t} for n, o, s, t in fields]}


PHYS_DXGK = _rec(16, 8, ("SegmentId", 0, 4, "UINT"), ("Padding", 4, 4, "UINT"),
                 ("SegmentOffset", 8, 8, "UINT64"))
PHYS_OLD_SDK = _rec(16, 8, ("SegmentId", 0, 4, "UINT"), ("SegmentOffset", 8, 8, "UINT64"))


def test_a_dxgk_member_on_sdk_padding_is_a_naming_note() -> None:
    diffs = compare_layouts("P", PHYS_DXGK, PHYS_OLD_SDK)
    assert [(d.kind, d.is_layout, d.field) for d in diffs] == [("padding_named", False,
                                                               "Padding")]
    assert diffs[0].message == ("field Padding (byte 4, 4 bytes, UINT) is implicit padding in "
                                "the SDK: the same bytes, named only in dxgk")


def test_nested_padding_is_judged_inside_its_own_record() -> None:
    # a union whose other member covers the bytes that are padding inside GpuPhysical
    ours = _rec(16, 8, ("CpuVirtual", 0, 8, "PVOID"), ("GpuPhysical", 0, 16, "PHYS"),
                ("GpuPhysical.SegmentId", 0, 4, "UINT"), ("GpuPhysical.Padding", 4, 4, "UINT"),
                ("GpuPhysical.SegmentOffset", 8, 8, "UINT64"))
    theirs = _rec(16, 8, ("CpuVirtual", 0, 8, "PVOID"), ("GpuPhysical", 0, 16, "PHYS"),
                  ("GpuPhysical.SegmentId", 0, 4, "UINT"),
                  ("GpuPhysical.SegmentOffset", 8, 8, "UINT64"))
    assert [d.kind for d in compare_layouts("U", ours, theirs)] == ["padding_named"]
    # a whole struct member on padding: one note, for the member, not one per field
    ours = _rec(16, 8, ("a", 0, 4, "UINT"), ("pad", 4, 4, "struct"), ("pad.x", 4, 2, "USHORT"),
                ("pad.y", 6, 2, "USHORT"), ("b", 8, 8, "UINT64"))
    theirs = _rec(16, 8, ("a", 0, 4, "UINT"), ("b", 8, 8, "UINT64"))
    assert [d.field for d in compare_layouts("S", ours, theirs)] == ["pad"]


@pytest.mark.parametrize("theirs, kinds", [
    # the member overlaps a member of the SDK: a real difference
    (_rec(16, 8, ("SegmentId", 0, 8, "UINT64"), ("SegmentOffset", 8, 8, "UINT64")),
     {"field_resized", "field_removed"}),
    # anything else differs too (here the size): the rule does not apply
    (_rec(24, 8, ("SegmentId", 0, 4, "UINT"), ("SegmentOffset", 8, 8, "UINT64"),
          ("Extra", 16, 8, "UINT64")), {"size", "field_removed", "field_added"}),
    (_rec(16, 16, ("SegmentId", 0, 4, "UINT"), ("SegmentOffset", 8, 8, "UINT64")),
     {"align", "field_removed"}),
    # another member of the same place and extent but another type
    (_rec(16, 8, ("SegmentId", 0, 4, "INT"), ("SegmentOffset", 8, 8, "UINT64")),
     {"field_removed"}),
])
def test_the_padding_rule_needs_everything_else_equal(theirs, kinds) -> None:
    diffs = compare_layouts("P", PHYS_DXGK, theirs)
    assert {d.kind for d in diffs} == kinds and all(d.is_layout for d in diffs)


def test_an_sdk_member_on_dxgk_padding_stays_a_difference() -> None:
    diffs = compare_layouts("P", PHYS_OLD_SDK, PHYS_DXGK)
    assert [(d.kind, d.is_layout) for d in diffs] == [("field_added", True)]


def test_a_kit_without_the_explicit_padding_verifies_with_naming_notes(tmp_path, capsys) -> None:
    """The shape of every kit from 10.0.14393 to 10.0.22000: D3DGPU_PHYSICAL_ADDRESS
    without its explicit Padding member (implicit padding, same bytes)."""
    from dxgk.cli import main

    tree = tmp_path / "sdk"
    shutil.copytree(SDK_MATCH, tree)
    hdr = tree / "shared" / "d3dukmdt.h"
    text = hdr.read_text()
    explicit = ("    UINT    SegmentId;\n    UINT    Padding;\n"
                "    DECLSPEC_ALIGN(8) UINT64  SegmentOffset;\n")
    assert explicit in text
    hdr.write_text(text.replace(explicit, "    UINT    SegmentId;\n    UINT64  SegmentOffset;\n"))
    rc = main(["verify-header", "--sdk-include", str(tree), "-q"])
    out = capsys.readouterr().out
    assert rc == 0, out
    # six GPU-VA structs and three SPEC 10 ones (the fence-residency info, the residency2
    # arm, the paging-buffer union) hold a D3DGPU_PHYSICAL_ADDRESS
    assert out.strip().splitlines()[-1] == ("84 structs × 3 ABIs: all match (naming notes on 9 "
                                            "structs: padding that only dxgk names)")
    assert ("D3DGPU_PHYSICAL_ADDRESS [x86, x64, arm64]: same layout (naming note)\n"
            "    field Padding (byte 4, 4 bytes, UINT) is implicit padding in the SDK: the same "
            "bytes, named only in dxgk\n") in out
    assert ("DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE [x64, arm64]: same layout (naming note)\n"
            "    field PageTableAddress.GpuPhysical.Padding (byte 20, 4 bytes, UINT)") in out
    report = verify(locate_sdk(tree), ["x64"])
    r = report.results["x64"]["D3DGPU_PHYSICAL_ADDRESS"]
    assert r.status == "match" and r.differences == [] and r.to_json()["naming"][0]["kind"] \
        == "padding_named"
