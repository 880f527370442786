"""docs/behaviour.md 9.7: the two execution modes -- deferred paging queues, their fence
values, execution, the page-table reserve, and what immediate writes do to queued work
(9.5.5, 9.8)."""

from __future__ import annotations

import ctypes

import pytest
from kmt_helpers import (
    INVALID_HANDLE,
    INVALID_PARAMETER,
    KB,
    MB,
    NO_MEMORY,
    P64K,
    PAGE,
    PENDING,
    SUCCESS,
    ZERO,
    World,
    expect_fail,
    op_map,
    op_unmap,
)

import dxgk
from dxgk._core import ffi, lib

INVALID = (False, False, 0, 0)
ZERO_PTE = (True, True, 0, 0)


def deferred() -> World:
    return World(paging="deferred")


def submit_map(w: World, pages: int = 16, **kw: object) -> tuple[int, int]:
    """A deferred map: (VirtualAddress, PagingFenceValue)."""
    m = w.map_args(pages=pages, **kw)  # type: ignore[arg-type]
    assert dxgk.D3DKMTMapGpuVirtualAddress(m) == PENDING
    assert dxgk.last_status() == PENDING
    return int(m.VirtualAddress), int(m.PagingFenceValue)


def mapped(w: World, va: int, h: int | None = None, page: int = 0) -> tuple:
    seg = 2 if (h is None or h == w.h4k) else 1
    return (True, False, seg, w.seg_offset(w.h4k if h is None else h) + page * PAGE)


def table_room_world() -> World:
    """Deferred, with a page-table segment of 5 pages: the two roots, and room for the
    three tables one small map far from others needs."""
    lv = [{"PageTableIndexBitCount": 9, "PageTableSegmentId": 3} for _ in range(4)]
    a = dxgk.Adapter(levels=lv, segments=[
        dxgk.Segment(size=64 * MB, page_size=P64K),
        dxgk.Segment(size=64 * MB, page_size=PAGE, kind="aperture"),
        dxgk.Segment(size=5 * PAGE, page_size=PAGE)], paging="deferred")
    return World(a)


# ---- the modes ---------------------------------------------------------------------------


def test_9_7_the_mode_is_chosen_at_creation():
    assert dxgk.Adapter().paging == "immediate"
    assert dxgk.Adapter(paging="deferred").paging == "deferred"
    with pytest.raises(ValueError, match="'immediate' or 'deferred'"):
        dxgk.Adapter(paging="lazy")
    a = dxgk.Adapter()
    a.create_process()
    # the C entry point refuses a change once a process exists, and an unknown mode
    assert lib.dxgk_vm_adapter_set_paging(a.handle, 1) & 0xFFFFFFFF == INVALID_PARAMETER
    assert lib.dxgk_vm_adapter_set_paging(dxgk.Adapter().handle, 7) & 0xFFFFFFFF == \
        INVALID_PARAMETER


def test_9_7_immediate_mode_has_nothing_to_execute():
    w = World()
    va = w.map(pages=4)
    assert w.xlate(va) == mapped(w, va)
    assert (w.q.submitted, w.q.pending, w.q.reserve_bytes) == (0, (0, 0), 0)
    assert w.q.execute() == 0 and w.q.fence_value == 0


# ---- deferred submissions ------------------------------------------------------------------


def test_9_7_deferred_map_returns_pending_with_the_queues_next_fence_value():
    w = deferred()
    q2 = w.d.create_paging_queue()
    assert [submit_map(w, 1)[1] for _ in range(3)] == [1, 2, 3]
    m = w.map_args(pages=1, queue=q2.handle)
    assert dxgk.D3DKMTMapGpuVirtualAddress(m) == PENDING
    assert m.PagingFenceValue == 1          # per queue
    assert (w.q.submitted, q2.submitted) == (3, 1)
    w.a.validate()


def test_9_7_bookkeeping_happens_in_the_call_the_ptes_when_the_queue_runs():
    w = deferred()
    va, fence = submit_map(w, 16)
    assert [v.va for v in w.p.vads()] == [va]           # the VAD is there at once
    assert w.xlate(va) == INVALID                       # the GPU sees nothing yet
    assert w.q.pending == (1, 16 * PAGE) and w.q.reserve_bytes > 0
    w.a.validate()
    assert w.q.execute() == fence
    assert w.xlate(va) == mapped(w, va)
    assert w.xlate(va + 15 * PAGE) == mapped(w, va, page=15)
    assert w.q.pending == (0, 0) and w.q.reserve_bytes == 0
    w.a.validate()


def test_9_7_execute_runs_in_order_up_to_a_fence_value_and_sets_the_fence():
    w = deferred()
    vas = [submit_map(w, 1, offset=i)[0] for i in range(3)]
    assert w.q.execute(2) == 2
    assert [w.xlate(v)[0] for v in vas] == [True, True, False]
    # the value lives at FenceValueCPUVirtualAddress
    assert ctypes.c_uint64.from_address(w.q.fence_address).value == 2
    assert w.q.fence.value == 2
    w.a.validate()
    assert w.q.execute(1) == 2                          # already done: nothing moves
    assert w.q.execute() == 3 and w.xlate(vas[2])[0]
    w.a.validate()


def test_9_7_execute_beyond_the_submissions_is_a_value_error_and_changes_nothing():
    w = deferred()
    submit_map(w, 1)
    before = (w.q.submitted, w.q.pending, w.q.fence_value)
    with pytest.raises(ValueError, match="only 1 fence values"):
        w.q.execute(2)
    assert (w.q.submitted, w.q.pending, w.q.fence_value) == before
    with pytest.raises(ValueError):
        w.q.execute(-1)
    out = ffi.new("uint64_t *")
    assert lib.dxgk_vm_queue_execute(w.q.handle, 5, 0, out) & 0xFFFFFFFF == INVALID_PARAMETER
    assert lib.dxgk_vm_queue_execute(w.d.kmt_handle, 0, 1, out) & 0xFFFFFFFF == INVALID_HANDLE


def test_9_7_a_zero_reserve_through_a_queue_is_queued_through_the_adapter_is_not():
    w = deferred()
    r = w.reserve_args(4 * MB, kind=ZERO, handle=w.q.handle)
    assert dxgk.D3DKMTReserveGpuVirtualAddress(r) == PENDING
    assert r.PagingFenceValue == 1 and w.xlate(r.VirtualAddress) == INVALID
    w.q.execute()
    assert w.xlate(r.VirtualAddress) == ZERO_PTE
    # through the adapter handle: inside the call, in both modes
    r2 = w.reserve_args(4 * MB, kind=ZERO)
    assert dxgk.D3DKMTReserveGpuVirtualAddress(r2) == SUCCESS
    assert r2.PagingFenceValue == 0 and w.xlate(r2.VirtualAddress) == ZERO_PTE
    # NO_ACCESS has no PTE work: success, fence 0, even through a queue
    r3 = w.reserve_args(4 * MB, handle=w.q.handle)
    assert dxgk.D3DKMTReserveGpuVirtualAddress(r3) == SUCCESS and r3.PagingFenceValue == 0
    w.a.validate()


def test_9_7_64kb_pages_execute_as_64kb_entries():
    w = deferred()
    va, _ = submit_map(w, 16, h=w.h64k)
    w.q.execute()
    assert w.p.translate(va).page_size == 64 * KB
    w.a.validate()


def test_9_7_a_later_submission_supersedes_pending_work_on_the_same_pages():
    w = deferred()
    base = w.reserve(4 * MB)
    submit_map(w, 4, base=base, offset=0)                 # fence 1
    submit_map(w, 2, base=base + PAGE, offset=100)        # fence 2 covers pages 1-2
    assert w.q.pending == (3, 4 * PAGE)                   # split around it
    w.a.validate()
    w.q.execute(1)
    # pages 0 and 3 got fence 1's work; pages 1-2 wait for fence 2 ([choice])
    assert w.xlate(base) == mapped(w, base, page=0)
    assert w.xlate(base + 3 * PAGE) == mapped(w, base, page=3)
    assert w.xlate(base + PAGE) == INVALID
    w.q.execute(2)
    assert w.xlate(base + PAGE) == mapped(w, base, page=100)
    w.a.validate()


def test_9_7_work_of_another_queue_is_superseded_too():
    w = deferred()
    q2 = w.d.create_paging_queue()
    base = w.reserve(4 * MB)
    submit_map(w, 2, base=base, offset=0)
    submit_map(w, 2, base=base, offset=7, queue=q2.handle)
    assert w.q.pending == (0, 0) and q2.pending == (1, 2 * PAGE)
    assert w.q.execute() == 1                            # its fence still completes
    assert w.xlate(base) == INVALID
    q2.execute()
    assert w.xlate(base) == mapped(w, base, page=7)
    w.a.validate()


# ---- the reserve: execution cannot fail ------------------------------------------------------


def test_9_7_execution_takes_its_tables_from_the_reserve_and_cannot_fail():
    w = table_room_world()
    va, _ = submit_map(w, 1, base=1 << 40)
    assert w.q.reserve_bytes == 3 * PAGE                 # the three tables below the root
    assert w.a.segment(3).largest_hole == 0              # the segment is full now
    w.a.validate()
    w.q.execute()
    assert w.xlate(va) == mapped(w, va)
    assert w.q.reserve_bytes == 0
    w.a.validate()


def test_9_7_a_submission_that_cannot_take_its_reserve_fails_and_changes_nothing():
    w = table_room_world()
    submit_map(w, 1, base=1 << 40)                       # takes the last three tables
    args = w.map_args(pages=1, base=2 << 40)
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), NO_MEMORY, args=args)
    assert w.q.submitted == 1


def test_9_7_the_reserve_goes_back_when_pending_work_is_dropped():
    w = table_room_world()
    va, _ = submit_map(w, 1, base=1 << 40)
    assert w.free(va, PAGE) == SUCCESS                   # the mapped VAD goes, and its work
    assert w.q.pending == (0, 0) and w.q.reserve_bytes == 0
    assert w.a.segment(3).largest_hole == 3 * PAGE
    w.a.validate()


# ---- immediate writes and queued work --------------------------------------------------------


def test_9_5_6_free_drops_the_queued_work_of_its_range_and_the_fence_still_completes():
    w = deferred()
    base = w.reserve(4 * MB)
    submit_map(w, 8, base=base)
    assert w.free(base + 2 * PAGE, 2 * PAGE) == SUCCESS  # part of the reserved VAD
    assert w.q.pending == (2, 6 * PAGE)
    w.a.validate()
    assert w.q.execute() == 1
    assert w.xlate(base + 2 * PAGE) == INVALID
    assert w.xlate(base + 4 * PAGE) == mapped(w, base, page=4)
    w.a.validate()


def test_9_7_an_update_batch_writes_at_once_over_queued_work():
    w = deferred()
    base = w.reserve(4 * MB)
    submit_map(w, 32, base=base)
    assert w.update([op_map(base + 16 * PAGE, 64 * KB, w.h4k, offset=64 * PAGE),
                     op_unmap(base, 4 * PAGE)]) == SUCCESS
    assert w.xlate(base + 16 * PAGE) == mapped(w, base, page=64)    # the batch, at once
    assert w.xlate(base) == INVALID
    assert w.xlate(base + 4 * PAGE) == INVALID                      # still queued
    assert w.q.pending == (1, 12 * PAGE)
    w.a.validate()
    w.q.execute()
    assert w.xlate(base + 4 * PAGE) == mapped(w, base, page=4)
    assert w.xlate(base + 16 * PAGE) == mapped(w, base, page=64)
    w.a.validate()


def test_9_7_a_batch_waiting_for_the_queues_fence_runs_when_the_queue_executes():
    w = deferred()
    base = w.reserve(4 * MB)
    submit_map(w, 4, base=base)
    assert w.update([op_unmap(base, PAGE)], fence_value=1) == SUCCESS  # waits for fence 1
    assert w.xlate(base) == INVALID and w.q.pending == (1, 4 * PAGE)
    w.q.execute()
    assert w.xlate(base) == INVALID                      # the map ran, then the batch
    assert w.xlate(base + PAGE) == mapped(w, base, page=1)
    assert w.q.fence_value == 2                          # FenceValue + 1
    w.a.validate()


def test_9_8_destroying_an_allocation_drops_its_queued_work():
    w = deferred()
    base = w.reserve(4 * MB)
    submit_map(w, 4, base=base)
    va, _ = submit_map(w, 4)                             # a mapped VAD of its own
    w.d.deallocate(w.h4k)
    assert w.q.pending == (0, 0) and w.q.reserve_bytes == 0
    assert [v.va for v in w.p.vads()] == [base]          # the mapped VAD went (9.8)
    assert w.q.execute() == 2 and w.xlate(base) == INVALID and w.xlate(va) == INVALID
    w.a.validate()


def _zero_vad_with_a_queued_map(w: World, *, queued_vad: bool = False,
                                 at: int = 0) -> tuple[int, int]:
    """A 64 KB ZERO VAD (its Zero PTEs written, or queued when ``queued_vad``) and a queued
    4-page map of h4k ``at`` bytes into it: (the VAD's base, the map's VA)."""
    r = w.reserve_args(P64K, kind=ZERO, handle=w.q.handle if queued_vad else None)
    assert dxgk.D3DKMTReserveGpuVirtualAddress(r) == (PENDING if queued_vad else SUCCESS)
    base = int(r.VirtualAddress)
    va, _ = submit_map(w, 4, base=base + at)
    return base, va


def test_9_8_an_allocation_whose_map_has_not_run_goes_back_to_the_zero_base():
    # The ZERO VAD shows one 64 KB Zero entry; the queued 4 KB map never ran, so going
    # back to Zero cuts that entry (a new leaf). It succeeds and leaves what immediate
    # mode leaves, where the map had converted the leaf.
    w, ref = deferred(), World()
    base, va = _zero_vad_with_a_queued_map(w)
    rbase = ref.reserve(P64K, kind=ZERO)
    ref.map(pages=4, base=rbase)
    w.d.deallocate(w.h4k)
    ref.d.deallocate(ref.h4k)
    assert w.q.pending == (0, 0) and w.q.reserve_bytes == 0     # its queued work dropped
    for off in range(0, P64K, PAGE):
        t, rt = w.p.translate(base + off), ref.p.translate(rbase + off)
        assert (t.valid, t.zero, t.page_size) == (rt.valid, rt.zero, rt.page_size) == \
            (True, True, PAGE)
    assert w.p.page_table_stats() == ref.p.page_table_stats()
    w.a.validate()
    assert w.q.execute() == 1 and w.xlate(va) == ZERO_PTE       # its fence still completes
    w.a.validate()


def test_9_8_an_allocation_in_a_zero_vad_whose_own_work_is_queued_goes_back_to_zero():
    # Neither the VAD's Zero PTEs nor the map ran: the pages the allocation leaves are
    # written Zero at once (their tables made), the rest of the VAD stays queued.
    w = deferred()
    base, va = _zero_vad_with_a_queued_map(w, queued_vad=True, at=8 * PAGE)
    w.d.deallocate(w.h4k)
    assert [w.xlate(va + i * PAGE) for i in range(4)] == [ZERO_PTE] * 4
    assert w.xlate(base) == INVALID and w.q.pending[0] == 2    # the VAD's two other parts
    w.a.validate()
    w.q.execute()
    assert all(w.xlate(base + off) == ZERO_PTE for off in range(0, P64K, PAGE))
    w.a.validate()


def test_9_8_an_allocation_whose_map_has_not_run_cuts_a_64k_entry_back_to_invalid():
    # A NO_ACCESS VAD holding a 64 KB page of h64k that ran; a queued 4 KB map replaces
    # part of it. Destroying h4k invalidates those pages: the 64 KB entry is cut.
    w = deferred()
    base = w.reserve(4 * MB)
    submit_map(w, 16, base=base, h=w.h64k)
    w.q.execute()
    va, _ = submit_map(w, 4, base=base + 4 * PAGE)
    w.d.deallocate(w.h4k)
    assert [w.xlate(va + i * PAGE) for i in range(4)] == [INVALID] * 4
    assert w.xlate(base) == mapped(w, base, w.h64k)
    assert w.xlate(base + 8 * PAGE) == mapped(w, base, w.h64k, page=8)
    assert w.p.translate(base).page_size == PAGE
    w.a.validate()


def test_9_8_the_tables_an_allocation_goes_back_with_come_from_its_dropped_work():
    # The queued map's reserve filled the page-table segment. Destroying the allocation
    # drops that work first, so its reserve pays for the leaf the return to Zero needs.
    lv = [{"PageTableIndexBitCount": 9, "PageTableSegmentId": 3} for _ in range(4)]
    a = dxgk.Adapter(levels=lv, segments=[
        dxgk.Segment(size=64 * MB, page_size=P64K),
        dxgk.Segment(size=64 * MB, page_size=PAGE, kind="aperture"),
        dxgk.Segment(size=8 * PAGE, page_size=PAGE)], paging="deferred")
    w = World(a)
    base, _ = _zero_vad_with_a_queued_map(w)
    r = w.reserve_args(P64K, kind=ZERO, base=1 << 30)    # no room for another leaf's tables
    assert dxgk.D3DKMTReserveGpuVirtualAddress(r) == NO_MEMORY
    w.d.deallocate(w.h4k)
    assert w.xlate(base) == ZERO_PTE and w.q.reserve_bytes == 0
    assert w.p.page_table_stats().conversions == 1
    w.a.validate()


def test_9_7_destroying_a_queue_first_runs_its_work():
    w = deferred()
    va, _ = submit_map(w, 4)
    w.q.close()
    assert w.xlate(va) == mapped(w, va)
    w.a.validate()


def test_9_8_destroying_a_device_runs_its_queues_work_and_validates():
    w = deferred()
    base = w.reserve(4 * MB, kind=ZERO)
    submit_map(w, 4, base=base)                          # goes with the allocation
    r = w.reserve_args(4 * MB, kind=ZERO, handle=w.q.handle)
    assert dxgk.D3DKMTReserveGpuVirtualAddress(r) == PENDING
    w.d.close()
    assert w.xlate(base) == ZERO_PTE                     # the base state of the ZERO VAD
    assert w.xlate(r.VirtualAddress) == ZERO_PTE         # the queue ran before it went
    w.a.validate()
    w.p.close()
    w.a.validate()


def test_9_7_closing_an_adapter_with_queued_work_leaks_nothing():
    before = dxgk.live_handles()
    w = deferred()
    submit_map(w, 4)
    w.reserve(MB)
    w.a.close()
    del w
    import gc
    gc.collect()
    assert dxgk.live_handles() == before
