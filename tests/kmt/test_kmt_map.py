"""docs/behaviour.md 9.2 and 9.3: VADs and D3DKMTMapGpuVirtualAddress."""

from __future__ import annotations

import pytest
from kmt_helpers import (
    CONFLICTING,
    INVALID_HANDLE,
    INVALID_PARAMETER,
    KB,
    MB,
    NO_MEMORY,
    P64K,
    P_EXECUTE,
    P_NOACCESS,
    P_SYSTEM,
    P_WRITE,
    P_ZERO,
    PAGE,
    SUCCESS,
    ZERO,
    World,
    expect_fail,
)

import dxgk
from dxgk import structs


def test_9_3_2_base_0_takes_the_lowest_free_range_and_makes_a_mapped_vad():
    w = World()
    va = w.map(pages=16)
    assert va == 64 * KB                       # never the first 64 KB (section 5.5)
    (v,) = w.p.vads()
    assert (v.va, v.size, v.kind, v.base) == (va, 64 * KB, "mapped", "invalid")
    (r,) = v.ranges
    assert (r.kind, r.allocation, r.offset_pages, r.protection) == ("map", w.h4k, 0, P_WRITE)
    off = w.seg_offset(w.h4k)
    assert w.xlate(va + 5 * PAGE) == (True, False, 2, off + 5 * PAGE)
    assert w.p.mappings() == []                # kernel listing unchanged
    assert w.map(pages=1) == va + 64 * KB
    w.a.validate()


def test_9_3_2_base_0_never_lands_inside_a_vad_or_a_kernel_range():
    w = World()
    res = w.reserve(16 * MB)
    kh = w.a.create_allocation(MB, w.d)
    kva = w.a.map(kh)
    va = w.map(pages=1)
    for lo, size in ((res, 16 * MB), (kva, MB)):
        assert not lo <= va < lo + size
    w.a.validate()


def test_9_3_2_min_and_max_bound_the_placement():
    w = World()
    va = w.map(pages=4, minimum=1 << 32, maximum=(1 << 32) + 16 * PAGE)
    assert va == 1 << 32
    args = w.map_args(pages=32, minimum=1 << 32, maximum=(1 << 32) + 16 * PAGE)
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), NO_MEMORY, args=args)


def test_9_3_3_base_on_free_va_makes_a_mapped_vad_there():
    w = World()
    va = w.map(pages=2, base=1 << 30)
    assert va == 1 << 30
    assert [(v.va, v.kind) for v in w.p.vads()] == [(1 << 30, "mapped")]


def test_9_3_3_a_map_inside_a_reserved_vad_replaces_those_pages():
    w = World()
    res = w.reserve(4 * MB)
    va = w.map(pages=4, base=res + 8 * PAGE)
    assert va == res + 8 * PAGE
    (v,) = w.p.vads()
    assert v.kind == "reserved" and [(r.va, r.size) for r in v.ranges] == [(va, 4 * PAGE)]
    # a second map over part of the first cuts it
    w.map(w.h4k, 2, base=res + 9 * PAGE, offset=100)
    rs = [(r.va, r.size, r.offset_pages) for r in w.p.vads()[0].ranges]
    assert rs == [(res + 8 * PAGE, PAGE, 0), (res + 9 * PAGE, 2 * PAGE, 100),
                  (res + 11 * PAGE, PAGE, 3)]
    off = w.seg_offset(w.h4k)
    assert w.xlate(res + 11 * PAGE)[3] == off + 3 * PAGE
    assert w.xlate(res + 10 * PAGE)[3] == off + 101 * PAGE
    assert w.xlate(res + 12 * PAGE)[0] is False         # the base state: invalid
    w.a.validate()


def test_9_3_3_a_map_inside_one_sub_range_splits_it():
    w = World()
    res = w.reserve(4 * MB)
    w.map(pages=32, base=res)
    w.map(pages=1, base=res + 10 * PAGE, protection=P_ZERO, h=0)
    kinds = [(r.va - res, r.size // PAGE, r.kind, r.offset_pages)
             for r in w.p.vads()[0].ranges]
    assert kinds == [(0, 10, "map", 0), (10 * PAGE, 1, "zero", 0), (11 * PAGE, 21, "map", 11)]
    assert w.xlate(res + 10 * PAGE)[:2] == (True, True)
    w.a.validate()


def test_9_3_3_zero_and_noaccess_inside_a_reserved_vad():
    w = World()
    res = w.reserve(4 * MB, kind=ZERO)
    assert w.xlate(res)[:2] == (True, True)
    w.map(0, 4, base=res, protection=P_NOACCESS)
    assert w.xlate(res)[0] is False
    assert w.xlate(res + 4 * PAGE)[:2] == (True, True)
    w.a.validate()


def test_9_3_3_zero_or_noaccess_inside_a_mapped_vad_is_refused():
    w = World()
    va = w.map(pages=16)
    for prot in (P_ZERO, P_NOACCESS):
        args = w.map_args(0, 1, base=va + PAGE, protection=prot)
        expect_fail(w, lambda args=args: dxgk.D3DKMTMapGpuVirtualAddress(args),
                    INVALID_PARAMETER, args=args)
    w.map(pages=1, base=va + PAGE, offset=7)             # an allocation map is fine
    assert w.xlate(va + PAGE)[3] == w.seg_offset(w.h4k) + 7 * PAGE


@pytest.mark.parametrize("where", ["partly free", "two vads", "kernel map",
                                   "kernel reservation"])
def test_9_3_3_anything_else_is_conflicting(where):
    holder = {}

    def hook(p):
        holder["res"] = p.reserve(2 * MB, base=1 << 40)
    a = dxgk.Adapter()
    w = World(a)
    p = a.create_process(on_create=hook)
    w.p, w.d = p, p.create_device()
    w.c, w.q = w.d.create_context(), w.d.create_paging_queue()
    w.h4k = w.d.allocate(MB, segments=0b10)
    r1 = w.reserve(MB, base=1 << 32)
    w.reserve(MB, base=(1 << 32) + MB)
    kh = a.create_allocation(MB, w.d)
    kva = a.map(kh)
    base = {"partly free": (1 << 32) - 4 * PAGE, "two vads": r1 + MB - 4 * PAGE,
            "kernel map": kva, "kernel reservation": holder["res"]}[where]
    args = w.map_args(pages=16, base=base)
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), CONFLICTING, args=args)


def test_9_2_kernel_maps_cannot_enter_a_vad():
    w = World()
    res = w.reserve(4 * MB)
    kh = w.a.create_allocation(MB, w.d)
    with pytest.raises(dxgk.DdiError) as e:
        w.a.map(kh, base=res)
    assert e.value.status == CONFLICTING


def test_9_2_a_user_mappable_kernel_reservation_is_a_reserved_vad():
    a = dxgk.Adapter()
    got = {}
    p = a.create_process(on_create=lambda p: got.update(
        res=p.reserve(2 * MB, base=1 << 40, allow_user_mode_mapping=True)))
    w = World(a)
    w.p, w.d = p, p.create_device()
    w.q, w.h4k = w.d.create_paging_queue(), w.d.allocate(MB, segments=0b10)
    va = w.map(pages=4, base=got["res"] + PAGE)
    (v,) = w.p.vads()
    assert (v.va, v.kind, v.kernel, len(v.ranges)) == (got["res"], "reserved", True, 1)
    assert w.p.reservations()[0].va == got["res"]
    assert w.xlate(va)[0]
    a.validate()


def test_9_3_4_the_64kb_congruence_holds_for_every_map():
    w = World()
    phase = w.seg_offset(w.h64k) % P64K
    assert phase == 0
    va = w.map(w.h64k, 16, offset=3)                # physical phase 3 pages
    assert va % P64K == 3 * PAGE
    res = w.reserve(4 * MB)
    args = w.map_args(w.h64k, 16, base=res, offset=3)
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), INVALID_PARAMETER, args=args)
    assert w.map(w.h64k, 16, base=res + 3 * PAGE, offset=3) == res + 3 * PAGE


@pytest.mark.parametrize("change, status", [
    (dict(pages=0), INVALID_PARAMETER),
    (dict(pages=257), INVALID_PARAMETER),                       # past the allocation
    (dict(offset=250), INVALID_PARAMETER),
    (dict(base=0x10001000 + 1), INVALID_PARAMETER),
    (dict(minimum=PAGE + 1), INVALID_PARAMETER),
    (dict(protection=P_WRITE | (1 << 5)), INVALID_PARAMETER),   # a reserved bit
    (dict(protection=P_WRITE | P_SYSTEM), INVALID_PARAMETER),   # SystemUseOnly
    (dict(protection=P_ZERO), INVALID_PARAMETER),               # Zero with an allocation
    (dict(h=0, protection=P_WRITE), INVALID_PARAMETER),         # NULL without Zero/NoAccess
    (dict(h=0, protection=P_ZERO | P_NOACCESS), INVALID_PARAMETER),
    (dict(minimum=2 << 30, maximum=1 << 30), INVALID_PARAMETER),
    (dict(maximum=(1 << 48) + PAGE), INVALID_PARAMETER),
    (dict(base=(1 << 48) - PAGE), INVALID_PARAMETER),            # runs past the VA space
    (dict(queue=0), INVALID_HANDLE),
    (dict(queue=0x40000000), INVALID_HANDLE),
    (dict(h=0x7FFFFFC0), INVALID_HANDLE),
])
def test_9_3_1_validation(change, status):
    w = World()
    args = w.map_args(**change)
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), status, args=args)


def test_9_3_1_another_device_of_the_process_is_a_parameter_error():
    w = World()
    d2 = w.p.create_device()
    h2 = d2.allocate(MB)
    args = w.map_args(h2)
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), INVALID_PARAMETER, args=args)


def test_9_3_1_handles_come_before_parameters():
    w = World()
    args = w.map_args(0x7FFFFFC0, 0, protection=P_ZERO | P_NOACCESS)
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), INVALID_HANDLE, args=args)


def test_9_3_1_zero_needs_zero_in_pte_support():
    caps = structs.DXGK_GPUMMUCAPS()
    a = dxgk.Adapter(caps={"ZeroInPteSupported": 0})
    del caps
    w = World(a)
    args = w.map_args(0, 4, protection=P_ZERO)
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), INVALID_PARAMETER, args=args)


def test_9_3_5_protection_and_driver_protection_are_kept():
    w = World()
    va = w.map(pages=2, protection=P_EXECUTE, driver_protection=0xABCD)
    (r,) = w.p.vads()[0].ranges
    assert (r.protection, r.driver_protection) == (P_EXECUTE, 0xABCD)
    t = w.p.translate(va)
    assert t.read_only and not t.no_execute


def test_9_3_6_a_map_that_finds_no_room_for_page_tables_changes_nothing():
    lv = [{"PageTableIndexBitCount": 9, "PageTableSegmentId": 3} for _ in range(4)]
    a = dxgk.Adapter(levels=lv, segments=[
        dxgk.Segment(size=64 * MB, page_size=P64K),
        dxgk.Segment(size=64 * MB, page_size=PAGE, kind="aperture"),
        dxgk.Segment(size=5 * PAGE, page_size=PAGE)])  # 2 roots + 3 tables
    w = World(a)
    w.map(pages=1)                                      # takes the 3 tables below the root
    args = w.map_args(pages=1, base=1 << 40)           # needs 3 more
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), NO_MEMORY, args=args)
    assert w.p.vads()[0].va == 64 * KB and len(w.p.vads()) == 1


def test_9_3_pending_is_never_returned_in_immediate_mode():
    w = World()
    args = w.map_args(pages=1)
    assert dxgk.D3DKMTMapGpuVirtualAddress(args) == SUCCESS
    assert args.PagingFenceValue == 0
