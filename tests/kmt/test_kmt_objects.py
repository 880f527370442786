"""docs/behaviour.md 9.1: D3DKMT handles, user-mode allocations, paging queues, fences."""

from __future__ import annotations

import ctypes

import pytest
from kmt_helpers import (
    APERTURE,
    INVALID_HANDLE,
    INVALID_PARAMETER,
    LOCAL,
    MB,
    SUCCESS,
    World,
    dxgk_alloc_of,
    expect_fail,
)

import dxgk
from dxgk import structs


def test_9_1_handles_are_32_bit_never_0_and_unique_across_the_model():
    w1, w2 = World(), World()
    hs = [w.p.kmt_adapter for w in (w1, w2)] + [w.d.kmt_handle for w in (w1, w2)] + \
         [w.c.kmt_handle for w in (w1, w2)] + [w.q.handle for w in (w1, w2)] + \
         [w.q.sync_object for w in (w1, w2)] + [w.h4k for w in (w1, w2)]
    assert all(0 < h <= 0xFFFFFFFF for h in hs)
    assert len(set(hs)) == len(hs)


def test_9_1_handles_are_never_reused():
    w = World()
    seen = set()
    for _ in range(50):
        h = w.d.allocate(64 * 1024)
        assert h not in seen
        seen.add(h)
        w.d.deallocate(h)
    q = w.d.create_paging_queue()
    assert q.handle not in seen
    q.close()
    args = w.map_args(h)          # the last allocation, destroyed
    expect_fail(w, lambda: dxgk.D3DKMTMapGpuVirtualAddress(args), INVALID_HANDLE, args=args)


def test_9_1_a_handle_of_another_process_is_invalid():
    w, other = World(), World(dxgk.Adapter())
    p2 = w.a.create_process()
    d2 = p2.create_device()
    foreign = d2.allocate(MB)
    for h in (foreign, other.h4k):
        args = w.map_args(h)
        expect_fail(w, lambda args=args: dxgk.D3DKMTMapGpuVirtualAddress(args),
                    INVALID_HANDLE, args=args)
    # another process's adapter handle frees nothing here
    base = w.reserve()
    expect_fail(w, lambda: w.free(base, 16 * MB, adapter=p2.kmt_adapter), INVALID_PARAMETER)


def test_9_1_a_handle_of_the_wrong_type_is_invalid():
    w = World()
    for wrong in (w.d.kmt_handle, w.c.kmt_handle, w.q.sync_object, w.p.kmt_adapter):
        args = w.map_args(queue=wrong)
        expect_fail(w, lambda args=args: dxgk.D3DKMTMapGpuVirtualAddress(args),
                    INVALID_HANDLE, args=args)
    expect_fail(w, lambda: w.free(0x10000, 0x10000, adapter=w.d.kmt_handle), INVALID_HANDLE)


def test_9_1_each_process_has_its_own_adapter_handle():
    w = World()
    p2 = w.a.create_process()
    assert w.p.kmt_adapter != p2.kmt_adapter
    assert w.a.system_process.kmt_adapter not in (w.p.kmt_adapter, p2.kmt_adapter)


def test_9_1_user_mode_allocations_are_placed_like_context_allocations():
    w = World()
    info4 = w.a.allocation(dxgk_alloc_of(w.h4k))
    info64 = w.a.allocation(dxgk_alloc_of(w.h64k))
    assert (info4.segment, info64.segment) == (2, 1)
    assert info64.segment_offset % (64 * 1024) == 0
    h = w.d.allocate(5000, segments=APERTURE)           # rounded up to the page size
    assert w.a.allocation(dxgk_alloc_of(h)).size == 8192
    h = w.d.allocate(100, segments=LOCAL | APERTURE, preferred=[2])
    assert w.a.allocation(dxgk_alloc_of(h)).segment == 2
    h = w.d.allocate(MB, segments=APERTURE, alignment=1 << 21)
    assert w.a.allocation(dxgk_alloc_of(h)).segment_offset % (1 << 21) == 0
    with pytest.raises(dxgk.DdiError) as e:
        w.d.allocate(2 << 30, segments=APERTURE)
    assert e.value.status == dxgk.STATUS_NO_MEMORY
    w.a.validate()


def test_9_1_a_paging_queue_has_a_monitored_fence_mirrored_in_memory():
    w = World()
    args = structs.D3DKMT_CREATEPAGINGQUEUE(hDevice=w.d.kmt_handle)
    assert dxgk.D3DKMTCreatePagingQueue(args) == SUCCESS
    q = w.d.paging_queue(args.hPagingQueue)
    assert q.sync_object == args.hSyncObject
    assert q.fence_address == args.FenceValueCPUVirtualAddress != 0
    assert q.fence_value == 0 == q.fence.value
    q.fence.signal(41)
    assert ctypes.c_uint64.from_address(q.fence_address).value == 41 == q.fence_value


@pytest.mark.parametrize("field, value", [("Priority", 2), ("Priority", -2),
                                          ("PhysicalAdapterIndex", 1)])
def test_9_1_a_paging_queue_needs_a_known_priority_and_gpu_0(field, value):
    w = World()
    args = structs.D3DKMT_CREATEPAGINGQUEUE(hDevice=w.d.kmt_handle)
    setattr(args, field, value)
    expect_fail(w, lambda: dxgk.D3DKMTCreatePagingQueue(args), INVALID_PARAMETER, args=args)


def test_9_1_a_paging_queue_of_a_dead_device_is_an_invalid_handle():
    w = World()
    d2 = w.p.create_device()
    k = d2.kmt_handle
    d2.close()
    args = structs.D3DKMT_CREATEPAGINGQUEUE(hDevice=k)
    expect_fail(w, lambda: dxgk.D3DKMTCreatePagingQueue(args), INVALID_HANDLE, args=args)


def test_9_1_destroying_a_queue_destroys_its_fence():
    w = World()
    sync = w.q.sync_object
    assert dxgk.D3DKMTDestroyPagingQueue(structs.D3DDDI_DESTROYPAGINGQUEUE(
        hPagingQueue=w.q.handle)) == SUCCESS
    assert w.q.closed and w.q.fence.closed
    base = w.reserve()
    from kmt_helpers import op_map
    st = w.update([op_map(base, 64 * 1024, w.h4k)], fence=sync)
    assert st == INVALID_HANDLE
    with pytest.raises(dxgk.ClosedError):
        w.q.fence.signal(1)
    assert dxgk.D3DKMTDestroyPagingQueue(structs.D3DDDI_DESTROYPAGINGQUEUE(
        hPagingQueue=w.q.handle)) == INVALID_HANDLE


def test_9_1_a_fence_never_goes_backwards():
    w = World()
    f = w.d.create_fence(10)
    assert f.value == 10
    f.signal(10)
    f.signal(12)
    with pytest.raises(dxgk.DdiError) as e:
        f.signal(11)
    assert e.value.status == INVALID_PARAMETER and f.value == 12


def test_9_1_objects_go_with_their_device():
    w = World()
    f = w.d.create_fence()
    live = dxgk.live_handles()
    w.d.close()
    assert w.q.closed and f.closed
    assert dxgk.live_handles() < live
    with pytest.raises(dxgk.ClosedError):
        w.d.create_fence()
    w.a.validate()
