"""docs/behaviour.md 9.4 and 9.5: D3DKMTReserveGpuVirtualAddress, D3DKMTFreeGpuVirtualAddress."""

from __future__ import annotations

import pytest
from kmt_helpers import (
    CONFLICTING,
    INVALID_HANDLE,
    INVALID_PARAMETER,
    KB,
    MB,
    NO_COMMIT,
    NO_MEMORY,
    P64K,
    P_ZERO,
    PAGE,
    SUCCESS,
    ZERO,
    World,
    expect_fail,
)

import dxgk


def test_9_4_1_the_slot_holds_a_queue_or_the_process_adapter():
    w = World()
    a1 = w.reserve(MB, handle=w.q.handle)
    a2 = w.reserve(MB, handle=w.p.kmt_adapter)
    assert (a1, a2) == (64 * KB, 64 * KB + MB)
    for bad in (0, w.d.kmt_handle, w.c.kmt_handle, w.q.sync_object, 0x12345640):
        args = w.reserve_args(MB, handle=bad)
        expect_fail(w, lambda args=args: dxgk.D3DKMTReserveGpuVirtualAddress(args),
                    INVALID_HANDLE, args=args)


@pytest.mark.parametrize("change", [
    dict(size=0), dict(size=P64K + PAGE), dict(base=P64K + PAGE), dict(minimum=PAGE),
    dict(maximum=3 * P64K + PAGE), dict(minimum=4 * MB, maximum=2 * MB),
    dict(maximum=(1 << 48) + P64K), dict(base=(1 << 48) - P64K, size=2 * P64K),
    dict(kind=NO_COMMIT), dict(kind=7),
])
def test_9_4_2_3_parameters(change):
    w = World()
    args = w.reserve_args(**({"size": MB} | change))
    expect_fail(w, lambda: dxgk.D3DKMTReserveGpuVirtualAddress(args), INVALID_PARAMETER,
                args=args)


def test_9_4_3_no_access_pages_are_invalid_and_need_no_tables():
    w = World()
    before = w.p.page_table_stats().table_bytes
    va = w.reserve(64 * MB)
    assert w.p.page_table_stats().table_bytes == before
    assert not w.xlate(va)[0] and not w.xlate(va + 64 * MB - PAGE)[0]
    (v,) = w.p.vads()
    assert (v.kind, v.base, v.ranges) == ("reserved", "invalid", ())


def test_9_4_3_zero_pages_are_valid_zero_entries():
    w = World()
    va = w.reserve(4 * MB, kind=ZERO)
    for x in (va, va + 2 * MB + 5 * PAGE, va + 4 * MB - PAGE):
        assert w.xlate(x)[:2] == (True, True)
    assert w.p.vads()[0].base == "zero"
    assert w.p.page_table_stats().mapped_pages == 4 * MB // PAGE
    w.a.validate()


def test_9_4_3_zero_needs_zero_in_pte_support():
    w = World(dxgk.Adapter(caps={"ZeroInPteSupported": 0}))
    args = w.reserve_args(MB, kind=ZERO)
    expect_fail(w, lambda: dxgk.D3DKMTReserveGpuVirtualAddress(args), INVALID_PARAMETER,
                args=args)


def test_9_4_4_an_explicit_base_must_be_free():
    w = World()
    assert w.reserve(MB, base=1 << 32) == 1 << 32
    kh = w.a.create_allocation(MB, w.d)
    kva = w.a.map(kh)
    uva = w.map(pages=1)
    for base in ((1 << 32) + MB - P64K, kva & ~(P64K - 1), uva & ~(P64K - 1)):
        args = w.reserve_args(MB, base=base)
        expect_fail(w, lambda args=args: dxgk.D3DKMTReserveGpuVirtualAddress(args),
                    CONFLICTING, args=args)


def test_9_4_4_base_0_takes_the_lowest_64kb_aligned_fit_in_the_window():
    w = World()
    w.map(pages=1)                                  # [64 KB, 68 KB): a mapped VAD
    assert w.reserve(P64K) == 2 * P64K
    assert w.reserve(P64K, minimum=1 << 33) == 1 << 33
    args = w.reserve_args(2 * P64K, minimum=1 << 34, maximum=(1 << 34) + P64K)
    expect_fail(w, lambda: dxgk.D3DKMTReserveGpuVirtualAddress(args), NO_MEMORY, args=args)


def test_9_4_5_reserve_works_at_any_time_and_writes_its_outputs():
    w = World()
    args = w.reserve_args(MB)
    assert dxgk.D3DKMTReserveGpuVirtualAddress(args) == SUCCESS
    assert args.VirtualAddress == 64 * KB and args.PagingFenceValue == 0


# ---- Free ----------------------------------------------------------------------------------


@pytest.mark.parametrize("base, size", [(0x100000 + 1, PAGE), (0x100000, PAGE + 1),
                                         (0x100000, 0), ((1 << 48) - PAGE, 2 * PAGE)])
def test_9_5_1_alignment_and_size(base, size):
    w = World()
    expect_fail(w, lambda: w.free(base, size), INVALID_PARAMETER)


def test_9_5_2_a_whole_vad_goes_with_everything_in_it():
    w = World()
    res = w.reserve(4 * MB, kind=ZERO)
    w.map(pages=4, base=res + PAGE)
    mva = w.map(pages=8)
    assert w.free(res, 4 * MB) == SUCCESS
    assert w.free(mva, 8 * PAGE) == SUCCESS
    assert w.p.vads() == []
    assert w.p.page_table_stats().mapped_pages == 0
    assert not w.xlate(res + PAGE)[0]
    assert w.reserve(4 * MB, base=res) == res       # the VA is free again at once
    w.a.validate()


def test_9_5_3_a_part_of_a_reserved_vad_returns_to_its_base_state():
    w = World()
    res = w.reserve(4 * MB, kind=ZERO)
    w.map(pages=64, base=res)
    assert w.free(res + 8 * PAGE, 16 * PAGE) == SUCCESS
    rs = [(r.va - res, r.size // PAGE) for r in w.p.vads()[0].ranges]
    assert rs == [(0, 8), (24 * PAGE, 40)]
    assert w.xlate(res + 8 * PAGE)[:2] == (True, True)          # back to zero
    assert w.free(res, 4 * PAGE) == SUCCESS                      # sharing the start
    assert w.free(res + 4 * MB - P64K, P64K) == SUCCESS          # sharing the end
    w.a.validate()


def test_9_5_4_a_part_of_a_mapped_vad_or_free_va_is_a_parameter_error():
    w = World()
    mva = w.map(pages=16)
    res = w.reserve(MB)
    for base, size in ((mva, PAGE), (mva + PAGE, 15 * PAGE), (1 << 40, PAGE),
                       (res, 2 * MB), (mva, res + MB - mva)):
        expect_fail(w, lambda base=base, size=size: w.free(base, size), INVALID_PARAMETER)


def test_9_5_4_kernel_owned_va_is_conflicting():
    got = {}
    a = dxgk.Adapter()
    w = World(a)
    p = a.create_process(on_create=lambda p: got.update(
        res=p.reserve(2 * MB, base=1 << 40), user=p.reserve(2 * MB, base=1 << 41,
                                                            allow_user_mode_mapping=True)))
    w.p, w.d = p, p.create_device()
    w.c, w.q = w.d.create_context(), w.d.create_paging_queue()
    w.h4k = w.d.allocate(MB, segments=0b10)
    kh = a.create_allocation(MB, w.d)
    kva = a.map(kh)
    for base, size in ((kva, PAGE), (got["res"], 2 * MB), (kva - P64K, 2 * P64K)):
        expect_fail(w, lambda base=base, size=size: w.free(base, size), CONFLICTING)
    # a user-mappable kernel reservation: its pages go back to invalid, it stays
    w.map(pages=4, base=got["user"])
    assert w.free(got["user"], 2 * MB) == SUCCESS
    assert [r.va for r in p.reservations()] == [got["res"], got["user"]]
    assert p.vads()[0].ranges == () and not w.xlate(got["user"])[0]
    a.validate()


def test_9_5_a_bad_adapter_handle():
    w = World()
    res = w.reserve(MB)
    for bad in (0, w.q.handle, w.d.kmt_handle):
        expect_fail(w, lambda bad=bad: w.free(res, MB, adapter=bad), INVALID_HANDLE)


def test_9_5_free_of_a_64kb_zero_page_part_splits_the_entry():
    w = World()
    res = w.reserve(MB, kind=ZERO)
    assert w.free(res + PAGE, PAGE) == SUCCESS               # inside a 64 KB zero entry
    assert w.xlate(res + PAGE)[:2] == (True, True)
    assert w.xlate(res)[:2] == (True, True)
    w.map(0, 1, base=res + 2 * PAGE, protection=P_ZERO)
    w.a.validate()
