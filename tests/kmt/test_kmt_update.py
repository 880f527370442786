"""docs/behaviour.md 9.6: D3DKMTUpdateGpuVirtualAddress -- MAP, MAP_PROTECT, UNMAP, COPY,
repeats, all-or-nothing, fences and the batches that wait for them."""

from __future__ import annotations

import ctypes
import random

import numpy as np
import pytest
from kmt_helpers import (
    INVALID_HANDLE,
    INVALID_PARAMETER,
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
    op_copy,
    op_map,
    op_map_protect,
    op_unmap,
)

import dxgk
from dxgk import structs
from dxgk._core import ffi, lib


def waiting(w: World) -> int:
    n = ffi.new("uint64_t *")
    assert lib.dxgk_vm_context_waiting(w.c.kmt_handle, n) == 0
    return int(n[0])


@pytest.fixture
def w():
    w = World()
    w.res = w.reserve(16 * MB)
    w.off = w.seg_offset(w.h4k)
    return w


def test_9_6_4_map_writes_the_allocation_pages_with_write_and_no_execute(w):
    assert w.update([op_map(w.res, 4 * PAGE, w.h4k, 8 * PAGE)]) == SUCCESS
    t = w.p.translate(w.res + 2 * PAGE)
    assert (t.valid, t.address, t.read_only, t.no_execute) == (True, w.off + 10 * PAGE,
                                                                False, True)
    (r,) = w.p.vads()[0].ranges
    assert (r.kind, r.allocation, r.offset_pages, r.protection, r.driver_protection) == \
        ("map", w.h4k, 8, P_WRITE, 0)
    w.a.validate()


def test_9_6_4_map_protect_keeps_its_protection(w):
    assert w.update([op_map_protect(w.res, PAGE, w.h4k, P_EXECUTE, 0x77)]) == SUCCESS
    t = w.p.translate(w.res)
    assert t.read_only and not t.no_execute
    (r,) = w.p.vads()[0].ranges
    assert (r.protection, r.driver_protection) == (P_EXECUTE, 0x77)


@pytest.mark.parametrize("prot", [P_ZERO, P_NOACCESS, P_SYSTEM | P_WRITE, 1 << 9])
def test_9_6_4_map_protect_refuses_zero_noaccess_system_and_reserved_bits(w, prot):
    expect_fail(w, lambda: w.update([op_map_protect(w.res, PAGE, w.h4k, prot)]),
                INVALID_PARAMETER)


def test_9_6_4_repeat_maps_the_slice_again_and_again(w):
    ops = [op_map(w.res, 16 * PAGE, w.h4k, 2 * PAGE, 4 * PAGE)]
    assert w.update(ops) == SUCCESS
    for i in range(16):
        assert w.xlate(w.res + i * PAGE)[3] == w.off + (2 + i % 4) * PAGE
    assert len(w.p.vads()[0].ranges) == 4
    assert w.update([op_map(w.res + MB, 4 * PAGE, w.h4k, 0, 4 * PAGE)]) == SUCCESS  # equal
    w.a.validate()


@pytest.mark.parametrize("op", [
    lambda w: op_map(w.res, 16 * PAGE, w.h4k, 0, 3 * PAGE),        # does not divide
    lambda w: op_map(w.res, 4 * PAGE, w.h4k, MB - 2 * PAGE),       # slice past the end
    lambda w: op_map(w.res, 4 * PAGE, w.h4k, 0, 5 * PAGE),         # slice > size
    lambda w: op_map(w.res, 4 * PAGE, w.h4k, PAGE + 1),
    lambda w: op_map(w.res + 1, 4 * PAGE, w.h4k),
    lambda w: op_map(w.res, 0, w.h4k),
    lambda w: op_map(w.res, PAGE + 1, w.h4k),
    lambda w: op_map(w.res + 16 * MB - PAGE, 2 * PAGE, w.h4k),     # leaves the VAD
    lambda w: op_map(1 << 44, PAGE, w.h4k),                        # not in a VAD
    lambda w: op_unmap(w.res, PAGE, P_ZERO | P_NOACCESS),
    lambda w: op_unmap(w.res, PAGE, 1 << 7),
    lambda w: op_copy(w.res, PAGE, 1 << 44),
    lambda w: op_copy(1 << 44, PAGE, w.res),
    lambda w: op_copy(w.res + 1, PAGE, w.res),
    lambda w: structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION(OperationType=9),
])
def test_9_6_3_invalid_operations(w, op):
    expect_fail(w, lambda: w.update([op(w)]), INVALID_PARAMETER)


def test_9_6_3_a_mapped_vad_is_no_update_target(w):
    mva = w.map(pages=16)
    expect_fail(w, lambda: w.update([op_map(mva, PAGE, w.h4k)]), INVALID_PARAMETER)


def test_9_6_4_64kb_congruence_for_every_repetition(w):
    ok = op_map(w.res, 4 * P64K, w.h64k, 0, P64K)
    assert w.update([ok]) == SUCCESS
    for bad in (op_map(w.res + PAGE, P64K, w.h64k),
                op_map(w.res, 2 * P64K, w.h64k, 0, P64K // 2)):
        expect_fail(w, lambda bad=bad: w.update([bad]), INVALID_PARAMETER)


def test_9_6_4_allocations_of_another_device_or_process(w):
    d2 = w.p.create_device()
    h2 = d2.allocate(MB)
    expect_fail(w, lambda: w.update([op_map(w.res, PAGE, h2)]), INVALID_PARAMETER)
    other = World()
    expect_fail(w, lambda: w.update([op_map(w.res, PAGE, other.h4k)]), INVALID_HANDLE)


def test_9_6_5_unmap_to_zero_or_invalid(w):
    z = w.reserve(MB, kind=ZERO)
    ops = [op_map(w.res, 8 * PAGE, w.h4k), op_map(z, 8 * PAGE, w.h4k),
           op_unmap(w.res, 2 * PAGE), op_unmap(w.res + 2 * PAGE, 2 * PAGE, P_ZERO),
           op_unmap(z, 2 * PAGE), op_unmap(z + 2 * PAGE, 2 * PAGE, P_ZERO)]
    assert w.update(ops) == SUCCESS
    assert w.xlate(w.res)[0] is False
    assert w.xlate(w.res + 2 * PAGE)[:2] == (True, True)
    assert w.xlate(z)[0] is False                         # explicitly invalid in a zero VAD
    assert w.xlate(z + 2 * PAGE)[:2] == (True, True)
    kinds = [(r.va - z, r.kind) for r in next(v for v in w.p.vads() if v.va == z).ranges]
    assert kinds == [(0, "noaccess"), (4 * PAGE, "map")]  # zero in a zero VAD: its base
    w.a.validate()


def test_9_6_5_unmap_to_zero_needs_zero_in_pte_support():
    w = World(dxgk.Adapter(caps={"ZeroInPteSupported": 0}))
    res = w.reserve(MB)
    expect_fail(w, lambda: w.update([op_unmap(res, PAGE, P_ZERO)]), INVALID_PARAMETER)


def test_9_6_6_copy_takes_the_source_translations_as_a_snapshot(w):
    ops = [op_map(w.res, 4 * PAGE, w.h4k, 0), op_map_protect(w.res + 4 * PAGE, 4 * PAGE,
                                                             w.h4k, P_EXECUTE, 5, 40 * PAGE)]
    assert w.update(ops) == SUCCESS
    # overlapping copy: [res, +8 pages) -> [res + 2 pages, ...), as if read first
    assert w.update([op_copy(w.res, 8 * PAGE, w.res + 2 * PAGE)]) == SUCCESS
    want = [0, 1, 0, 1, 2, 3, 40, 41, 42, 43]
    assert [(w.xlate(w.res + i * PAGE)[3] - w.off) // PAGE for i in range(10)] == want
    r = [x for x in w.p.vads()[0].ranges if x.va == w.res + 6 * PAGE][0]
    assert (r.protection, r.driver_protection) == (P_EXECUTE, 5)
    w.a.validate()


def test_9_6_6_copy_between_vads_carries_base_state_gaps(w):
    z = w.reserve(MB, kind=ZERO)
    assert w.update([op_map(w.res + PAGE, PAGE, w.h4k)]) == SUCCESS
    assert w.update([op_copy(w.res, 3 * PAGE, z)]) == SUCCESS
    assert w.xlate(z)[0] is False                     # invalid source page lands invalid
    assert w.xlate(z + PAGE)[3] == w.off
    assert w.xlate(z + 3 * PAGE)[:2] == (True, True)  # untouched
    assert w.update([op_copy(z + 3 * PAGE, PAGE, w.res + 5 * PAGE)]) == SUCCESS
    assert w.xlate(w.res + 5 * PAGE)[:2] == (True, True)
    w.a.validate()


def test_9_6_6_copy_starting_in_a_base_state_gap_carries_the_sub_ranges_after_it(w):
    # the source starts on a page no sub-range maps: the sub-ranges further on in the
    # source are copied all the same (a Zero range and a mapped one here)
    assert w.update([op_map(w.res + PAGE, PAGE, w.h4k, 7 * PAGE),
                     op_unmap(w.res + 2 * PAGE, PAGE, P_ZERO)]) == SUCCESS
    assert w.update([op_copy(w.res, 3 * PAGE, w.res + 8 * PAGE)]) == SUCCESS
    assert w.xlate(w.res + 8 * PAGE)[0] is False
    assert w.xlate(w.res + 9 * PAGE) == (True, False, w.xlate(w.res + PAGE)[2], w.off + 7 * PAGE)
    assert w.xlate(w.res + 10 * PAGE)[:2] == (True, True)
    kinds = [(r.va - w.res, r.kind) for r in w.p.vads()[0].ranges]
    assert kinds == [(PAGE, "map"), (2 * PAGE, "zero"), (9 * PAGE, "map"), (10 * PAGE, "zero")]
    # a copy onto itself that starts in a gap changes nothing
    before = [w.xlate(w.res + i * PAGE) for i in range(4)]
    assert w.update([op_copy(w.res, 4 * PAGE, w.res)]) == SUCCESS
    assert [w.xlate(w.res + i * PAGE) for i in range(4)] == before
    w.a.validate()


def test_9_6_7_later_operations_win(w):
    ops = [op_map(w.res, 4 * PAGE, w.h4k, 0), op_map(w.res + PAGE, PAGE, w.h4k, 99 * PAGE)]
    assert w.update(ops) == SUCCESS
    assert w.xlate(w.res + PAGE)[3] == w.off + 99 * PAGE


def test_9_6_2_all_or_nothing(w):
    ops = [op_map(w.res, 4 * PAGE, w.h4k), op_map(w.res + PAGE, PAGE, w.h4k, 3),
           op_map(w.res, PAGE, w.h4k)]
    expect_fail(w, lambda: w.update(ops), INVALID_PARAMETER)
    ops = [op_map(w.res, 4 * PAGE, w.h4k), op_map(w.res, PAGE, 0x7FFFFFC0),
           op_map(w.res, 3, w.h4k)]
    expect_fail(w, lambda: w.update(ops), INVALID_HANDLE)   # the first invalid decides


@pytest.mark.parametrize("n", [0, 2049])
def test_9_6_1_one_to_2048_operations(w, n):
    arr = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * max(n, 1))()
    args = w.update_args(n)
    expect_fail(w, lambda: dxgk.D3DKMTUpdateGpuVirtualAddress(args, arr), INVALID_PARAMETER)
    ops = [op_map(w.res + i * PAGE, PAGE, w.h4k) for i in range(2048)]
    assert w.update(ops) == SUCCESS


@pytest.mark.parametrize("which", ["device", "context", "fence", "foreign context",
                                   "foreign fence"])
def test_9_6_1_handles(w, which):
    d2 = w.p.create_device()
    c2, f2 = d2.create_context(), d2.create_fence()
    kw = {"device": dict(device=w.c.kmt_handle), "context": dict(context=w.d.kmt_handle),
          "fence": dict(fence=w.q.handle), "foreign context": dict(context=c2.kmt_handle),
          "foreign fence": dict(fence=f2.handle)}[which]
    # handles come before the count
    arr = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * 1)()
    args = w.update_args(0, **kw)
    expect_fail(w, lambda: dxgk.D3DKMTUpdateGpuVirtualAddress(args, arr), INVALID_HANDLE)


def test_9_6_8_a_batch_waits_for_its_fence_and_signals_fence_value_plus_1(w):
    f = w.d.create_fence(0)
    assert w.update([op_map(w.res, PAGE, w.h4k)], fence=f.handle, fence_value=5) == SUCCESS
    assert waiting(w) == 1 and not w.xlate(w.res)[0]
    f.signal(4)
    assert waiting(w) == 1 and not w.xlate(w.res)[0]
    f.signal(5)
    assert waiting(w) == 0 and w.xlate(w.res)[0]
    assert f.value == 6
    w.a.validate()


def test_9_6_8_later_batches_of_the_context_wait_behind(w):
    f, g = w.d.create_fence(0), w.d.create_fence(100)
    assert w.update([op_map(w.res, PAGE, w.h4k, 0)], fence=f.handle, fence_value=1) == SUCCESS
    assert w.update([op_map(w.res, PAGE, w.h4k, PAGE)], fence=g.handle, fence_value=1) \
        == SUCCESS
    assert w.update([op_map(w.res, PAGE, w.h4k, 2 * PAGE)], fence=g.handle,
                    do_not_wait=True) == SUCCESS
    assert waiting(w) == 3 and not w.xlate(w.res)[0]
    # another context's batch is not held up
    c2 = w.d.create_context()
    assert w.update([op_map(w.res + PAGE, PAGE, w.h4k)], context=c2.kmt_handle,
                    fence=g.handle, fence_value=1) == SUCCESS
    assert w.xlate(w.res + PAGE)[0]
    f.signal(1)
    assert waiting(w) == 0
    assert w.xlate(w.res)[3] == w.off + 2 * PAGE          # submission order: the last wins
    assert (f.value, g.value) == (2, 100)                 # never lowered
    w.a.validate()


def test_9_6_8_do_not_wait_runs_at_once(w):
    f = w.d.create_fence(0)
    assert w.update([op_map(w.res, PAGE, w.h4k)], fence=f.handle, fence_value=9,
                    do_not_wait=True) == SUCCESS
    assert w.xlate(w.res)[0] and f.value == 10


def test_9_6_8_a_queue_sync_object_as_fence(w):
    assert w.update([op_map(w.res, PAGE, w.h4k)], fence_value=3) == SUCCESS
    assert waiting(w) == 1
    w.q.fence.signal(3)
    assert w.q.fence_value == 4 == ctypes.c_uint64.from_address(w.q.fence_address).value


def test_9_6_9_a_queued_operation_on_freed_va_is_dropped(w):
    f = w.d.create_fence(0)
    other = w.reserve(MB)
    ops = [op_map(w.res, PAGE, w.h4k), op_map(other, PAGE, w.h4k)]
    assert w.update(ops, fence=f.handle, fence_value=1) == SUCCESS
    assert w.free(w.res, 16 * MB) == SUCCESS
    f.signal(1)
    assert not w.xlate(w.res)[0] and w.xlate(other)[0]
    assert f.value == 2
    w.a.validate()


def test_9_6_9_a_queued_map_of_a_destroyed_allocation_is_dropped(w):
    f = w.d.create_fence(0)
    h = w.d.allocate(MB)
    assert w.update([op_map(w.res, PAGE, h)], fence=f.handle, fence_value=1) == SUCCESS
    w.d.deallocate(h)
    f.signal(1)
    assert not w.xlate(w.res)[0]
    w.a.validate()


def test_9_6_batch_without_room_for_its_worst_case_tables_is_refused_whole():
    lv = [{"PageTableIndexBitCount": 9, "PageTableSegmentId": 3} for _ in range(4)]
    a = dxgk.Adapter(levels=lv, segments=[
        dxgk.Segment(size=64 * MB, page_size=P64K),
        dxgk.Segment(size=64 * MB, page_size=PAGE, kind="aperture"),
        dxgk.Segment(size=12 * PAGE, page_size=PAGE)])
    w = World(a)
    res = w.reserve(1 << 39, base=1 << 39)
    ops = [op_map(res + i * (1 << 30), PAGE, w.h4k) for i in range(4)]   # 4 x 2 tables + 4
    expect_fail(w, lambda: w.update(ops), NO_MEMORY)
    assert w.update(ops[:2]) == SUCCESS
    a.validate()


def test_9_6_operations_buffer_is_checked_against_num_operations(w):
    arr = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * 2)(
        op_map(w.res, PAGE, w.h4k), op_map(w.res + PAGE, PAGE, w.h4k))
    args = w.update_args(3)
    with pytest.raises(ValueError, match="NumOperations is 3"):
        dxgk.D3DKMTUpdateGpuVirtualAddress(args, arr)
    with pytest.raises(ValueError, match="NumOperations is 3"):
        dxgk.D3DKMTUpdateGpuVirtualAddress(args, bytearray(bytes(arr)))
    args.Operations = ctypes.addressof(arr)
    with pytest.raises(TypeError, match="operations="):
        dxgk.D3DKMTUpdateGpuVirtualAddress(args)
    args.Operations = 0
    args.NumOperations = 2
    assert dxgk.D3DKMTUpdateGpuVirtualAddress(args, memoryview(bytes(arr))) == SUCCESS
    assert args.Operations == 0                           # args itself is not changed
    assert w.xlate(w.res + PAGE)[0]
    with pytest.raises(TypeError, match="D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION"):
        dxgk.D3DKMTUpdateGpuVirtualAddress(args, (structs.DXGK_PTE * 8)())
    with pytest.raises(TypeError):
        dxgk.D3DKMTUpdateGpuVirtualAddress(args, 12)
    assert dxgk.D3DKMTUpdateGpuVirtualAddress(None) == INVALID_PARAMETER


def test_9_6_3_an_update_is_the_first_writer_of_a_user_mappable_kernel_reservation():
    # 9.2: a kernel reservation made with AllowUserModeMapping is a reserved VAD from the
    # start; an Update there before any user-mode Map or Reserve of the process records
    # its sub-ranges like any other (and a COPY reads them back)
    a = dxgk.Adapter()
    got = {}
    p = a.create_process(on_create=lambda p: got.update(
        res=p.reserve(2 * MB, base=1 << 40, allow_user_mode_mapping=True)))
    w = World(a)
    w.p, w.d = p, p.create_device()
    w.c, w.q = w.d.create_context(), w.d.create_paging_queue()
    w.h4k = w.d.allocate(MB, segments=0b10)
    res, off = got["res"], w.seg_offset(w.h4k)
    assert w.update([op_map(res, 2 * PAGE, w.h4k, 3 * PAGE)]) == SUCCESS
    (v,) = p.vads()
    assert [(r.va, r.size, r.kind, r.offset_pages) for r in v.ranges] == [(res, 2 * PAGE, "map", 3)]
    assert w.update([op_copy(res, 2 * PAGE, res + 4 * PAGE)]) == SUCCESS
    assert w.xlate(res + 5 * PAGE)[3] == off + 4 * PAGE
    a.validate()


def test_9_6_batches_over_many_sub_ranges_run_as_one_operation_at_a_time():
    """With tens of thousands of sub-ranges the batch runner asks for each operation's
    tree lines a few operations ahead (vidmm_update.c); a batch of 1000 mixed operations
    -- maps over one tile and across several, unmaps, overlapping copies, repeats --
    must leave exactly what the same operations leave one Update call each (a one-
    operation batch issues no lookahead)."""
    tiles = 24000
    worlds = [World(), World()]
    for w in worlds:
        w.res = w.reserve(tiles * PAGE + 16 * MB)
        for b in range(0, tiles, 2048):
            ops = [op_map(w.res + i * PAGE, PAGE, w.h4k, (i * 7) % 256 * PAGE)
                   for i in range(b, min(b + 2048, tiles))]
            assert w.update(ops) == SUCCESS
    rnd = random.Random(11)

    def some_op(w):
        res, h = w.res, w.h4k
        k = rnd.random()
        at = res + rnd.randrange(tiles) * PAGE
        if k < 0.6:
            return op_map(at, PAGE, h, rnd.randrange(256) * PAGE)
        if k < 0.7:
            return op_map(at, 4 * PAGE, h, rnd.randrange(250) * PAGE, 2 * PAGE)
        if k < 0.8:
            return op_map_protect(at, 3 * PAGE, h, P_EXECUTE, 9,
                                  rnd.randrange(250) * PAGE)
        if k < 0.9:
            return op_unmap(at, rnd.randrange(1, 5) * PAGE)
        return op_copy(at, rnd.randrange(1, 6) * PAGE, res + rnd.randrange(tiles) * PAGE)

    state = rnd.getstate()
    for j, w in enumerate(worlds):
        rnd.setstate(state)
        for _ in range(3):
            ops = [some_op(w) for _ in range(1000)]
            if j == 0:
                assert w.update(ops) == SUCCESS
            else:
                for o in ops:
                    assert w.update([o]) == SUCCESS
        w.a.validate()
    got = [[(r.va - w.res, r.size, r.kind, r.allocation == w.h4k, r.offset_pages,
             r.protection, r.driver_protection) for r in w.p.vads()[0].ranges]
           for w in worlds]
    assert len(got[0]) > 20000 and got[0] == got[1]
    xl = [w.p.translate_many(np.arange(w.res, w.res + tiles * PAGE + 8 * PAGE, PAGE,
                                       dtype=np.uint64)) for w in worlds]
    assert (xl[0] == xl[1]).all()
