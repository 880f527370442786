"""docs/behaviour.md 9.9: the UMD callback table. A small user-mode-driver-shaped C file,
compiled here through cffi against d3dumddi.h, keeps the D3DDDI_DEVICECALLBACKS it is
handed (as a UMD keeps the runtime's table at CreateDevice) and calls
pfnCreatePagingQueueCb, pfnReserveGpuVirtualAddressCb, pfnMapGpuVirtualAddressCb,
pfnUpdateGpuVirtualAddressCb, pfnFreeGpuVirtualAddressCb and pfnDestroyPagingQueueCb
through it only -- no dxgk symbol is linked. What it sees must be what the model says."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest
from kmt_helpers import MB, P64K, PAGE, ZERO, World

import dxgk
from dxgk.testing import cbuild
from dxgk import structs

HEADERS = Path(__file__).resolve().parents[2] / "headers"

UMD_C = r"""
#include <stdint.h>
#include <string.h>

#include "d3dumddi.h"

/* What a UMD keeps from the runtime: the callback table and its device handle. */
static D3DDDI_DEVICECALLBACKS g_cb;
static HANDLE g_device;

int32_t umd_open(uintptr_t callbacks, uint64_t device)
{
    memcpy(&g_cb, (const void *)callbacks, sizeof g_cb);
    g_device = (HANDLE)(uintptr_t)device;
    if (!g_cb.pfnCreatePagingQueueCb || !g_cb.pfnDestroyPagingQueueCb ||
        !g_cb.pfnReserveGpuVirtualAddressCb || !g_cb.pfnMapGpuVirtualAddressCb ||
        !g_cb.pfnFreeGpuVirtualAddressCb || !g_cb.pfnUpdateGpuVirtualAddressCb)
        return -1;
    return 0;
}

HRESULT umd_create_queue(uint32_t *queue, uint32_t *sync, uint64_t *fence_address)
{
    D3DDDICB_CREATEPAGINGQUEUE c;
    HRESULT hr;
    memset(&c, 0, sizeof c);
    c.Priority = D3DDDI_PAGINGQUEUE_PRIORITY_NORMAL;
    hr = g_cb.pfnCreatePagingQueueCb(g_device, &c);
    *queue = c.hPagingQueue;
    *sync = c.hSyncObject;
    *fence_address = (uint64_t)(uintptr_t)c.FenceValueCPUVirtualAddress;
    return hr;
}

HRESULT umd_destroy_queue(uint32_t queue)
{
    D3DDDI_DESTROYPAGINGQUEUE d;
    d.hPagingQueue = queue;
    return g_cb.pfnDestroyPagingQueueCb(g_device, &d);
}

HRESULT umd_reserve(uint32_t slot, uint64_t base, uint64_t minimum, uint64_t maximum,
                    uint64_t size, uint32_t type, uint64_t *va, uint64_t *fence)
{
    D3DDDI_RESERVEGPUVIRTUALADDRESS r;
    HRESULT hr;
    memset(&r, 0, sizeof r);
    r.hPagingQueue = slot;
    r.BaseAddress = base;
    r.MinimumAddress = minimum;
    r.MaximumAddress = maximum;
    r.Size = size;
    r.ReservationType = (D3DDDIGPUVIRTUALADDRESS_RESERVATION_TYPE)type;
    hr = g_cb.pfnReserveGpuVirtualAddressCb(g_device, &r);
    *va = r.VirtualAddress;
    *fence = r.PagingFenceValue;
    return hr;
}

HRESULT umd_map(uint32_t queue, uint32_t allocation, uint64_t base, uint64_t offset_pages,
                uint64_t pages, uint64_t *va, uint64_t *fence)
{
    D3DDDI_MAPGPUVIRTUALADDRESS m;
    HRESULT hr;
    memset(&m, 0, sizeof m);
    m.hPagingQueue = queue;
    m.BaseAddress = base;
    m.hAllocation = allocation;
    m.OffsetInPages = offset_pages;
    m.SizeInPages = pages;
    m.Protection.Write = 1;
    hr = g_cb.pfnMapGpuVirtualAddressCb(g_device, &m);
    *va = m.VirtualAddress;
    *fence = m.PagingFenceValue;
    return hr;
}

/* A tiled-resource update: tile i of n (64 KB) at base + i * 64 KB takes tile
 * first_tile + i of the allocation; then the last tile is unmapped to Zero. */
HRESULT umd_update_tiles(uint64_t context, uint32_t fence_object, uint64_t base,
                         uint32_t allocation, uint32_t first_tile, uint32_t n,
                         uint64_t fence_value)
{
    D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION ops[64];
    D3DDDICB_UPDATEGPUVIRTUALADDRESS u;
    if (n == 0 || n >= 64)
        return -1;
    memset(ops, 0, sizeof ops);
    for (uint32_t i = 0; i < n; i++) {
        ops[i].OperationType = D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP;
        ops[i].Map.BaseAddress = base + (uint64_t)i * 0x10000u;
        ops[i].Map.SizeInBytes = 0x10000u;
        ops[i].Map.hAllocation = allocation;
        ops[i].Map.AllocationOffsetInBytes = (uint64_t)(first_tile + i) * 0x10000u;
    }
    ops[n].OperationType = D3DDDI_UPDATEGPUVIRTUALADDRESS_UNMAP;
    ops[n].Unmap.BaseAddress = base + (uint64_t)(n - 1) * 0x10000u;
    ops[n].Unmap.SizeInBytes = 0x10000u;
    ops[n].Unmap.Protection.Zero = 1;
    memset(&u, 0, sizeof u);
    u.hContext = (HANDLE)(uintptr_t)context;
    u.hFenceObject = fence_object;
    u.NumOperations = n + 1;
    u.Operations = ops;
    u.FenceValue = fence_value;
    return g_cb.pfnUpdateGpuVirtualAddressCb(g_device, &u);
}

HRESULT umd_free(uint64_t base, uint64_t size)
{
    D3DDDICB_FREEGPUVIRTUALADDRESS f;
    f.BaseAddress = base;
    f.Size = size;
    return g_cb.pfnFreeGpuVirtualAddressCb(g_device, &f);
}

/* The table read by a C caller with a foreign device handle. */
HRESULT umd_map_as(uint64_t device, uint32_t queue, uint32_t allocation, uint64_t *va)
{
    D3DDDI_MAPGPUVIRTUALADDRESS m;
    memset(&m, 0, sizeof m);
    m.hPagingQueue = queue;
    m.hAllocation = allocation;
    m.SizeInPages = 1;
    m.Protection.Write = 1;
    HRESULT hr = g_cb.pfnMapGpuVirtualAddressCb((HANDLE)(uintptr_t)device, &m);
    *va = m.VirtualAddress;
    return hr;
}
"""

UMD_CDEF = """
typedef int32_t HRESULT;
int32_t umd_open(uintptr_t callbacks, uint64_t device);
HRESULT umd_create_queue(uint32_t *queue, uint32_t *sync, uint64_t *fence_address);
HRESULT umd_destroy_queue(uint32_t queue);
HRESULT umd_reserve(uint32_t slot, uint64_t base, uint64_t minimum, uint64_t maximum,
                    uint64_t size, uint32_t type, uint64_t *va, uint64_t *fence);
HRESULT umd_map(uint32_t queue, uint32_t allocation, uint64_t base, uint64_t offset_pages,
                uint64_t pages, uint64_t *va, uint64_t *fence);
HRESULT umd_update_tiles(uint64_t context, uint32_t fence_object, uint64_t base,
                         uint32_t allocation, uint32_t first_tile, uint32_t n,
                         uint64_t fence_value);
HRESULT umd_free(uint64_t base, uint64_t size);
HRESULT umd_map_as(uint64_t device, uint32_t queue, uint32_t allocation, uint64_t *va);
"""

S_OK, E_PENDING = 0, 0x8000000A
E_INVALIDARG, E_OUTOFMEMORY, E_HANDLE = 0x80070057, 0x8007000E, 0x80070006
SET = {"pfnCreatePagingQueueCb", "pfnDestroyPagingQueueCb", "pfnReserveGpuVirtualAddressCb",
       "pfnMapGpuVirtualAddressCb", "pfnFreeGpuVirtualAddressCb",
       "pfnUpdateGpuVirtualAddressCb"}


pytestmark = pytest.mark.skipif(not cbuild.have_compiler(), reason="no C compiler")


@pytest.fixture(scope="module")
def umd(tmp_path_factory):
    return cbuild.build("_dxgk_test_umd", UMD_C, UMD_CDEF,
                        tmp_path_factory.mktemp("umd"), headers=HEADERS)


def hr(x: int) -> int:
    return x & 0xFFFFFFFF


def opened(umd, w: World) -> object:
    table = w.d.callbacks()
    assert umd.lib.umd_open(ctypes.addressof(table), w.d.kmt_handle) == 0
    return table


def test_9_9_the_table_sets_the_six_gpu_va_callbacks_and_nothing_else():
    w = World()
    table = w.d.callbacks()
    assert type(table) is structs.D3DDDI_DEVICECALLBACKS
    names = [f[0] for f in type(table)._fields_]
    assert SET <= set(names)
    for n in names:
        value = ctypes.cast(getattr(table, n), ctypes.c_void_p).value
        assert bool(value) == (n in SET), n


def test_9_9_a_c_umd_runs_the_tiled_resource_round_trip_through_the_table(umd):
    w = World()
    opened(umd, w)
    lib, ffi = umd.lib, umd.ffi
    q, s, addr = ffi.new("uint32_t *"), ffi.new("uint32_t *"), ffi.new("uint64_t *")
    assert hr(lib.umd_create_queue(q, s, addr)) == S_OK
    queue = w.d.paging_queue(q[0])
    assert queue.sync_object == s[0] and queue.fence_address == addr[0]
    va, fence = ffi.new("uint64_t *"), ffi.new("uint64_t *")
    # handle slot 0: the device's process adapter (the runtime's substitution)
    assert hr(lib.umd_reserve(0, 0, 0, 0, 16 * MB, ZERO, va, fence)) == S_OK
    base = va[0]
    assert fence[0] == 0 and w.xlate(base) == (True, True, 0, 0)
    assert [v.va for v in w.p.vads()] == [base]
    # eight tiles of the 64 KB-page allocation, the last one unmapped to Zero again
    assert hr(lib.umd_update_tiles(w.c.kmt_handle, s[0], base, w.h64k, 2, 8, 0)) == S_OK
    off = w.seg_offset(w.h64k)
    for i in range(7):
        assert w.xlate(base + i * P64K) == (True, False, 1, off + (2 + i) * P64K)
    assert w.xlate(base + 7 * P64K) == (True, True, 0, 0)
    assert queue.fence_value == 1                       # FenceValue + 1
    # a map into the reservation through pfnMapGpuVirtualAddressCb
    assert hr(lib.umd_map(q[0], w.h4k, base + 8 * MB, 3, 4, va, fence)) == S_OK
    assert va[0] == base + 8 * MB and fence[0] == 0
    assert w.xlate(base + 8 * MB) == (True, False, 2, w.seg_offset(w.h4k) + 3 * PAGE)
    w.a.validate()
    assert hr(lib.umd_free(base, 16 * MB)) == S_OK
    assert w.p.vads() == [] and w.xlate(base) == (False, False, 0, 0)
    assert hr(lib.umd_destroy_queue(q[0])) == S_OK and queue.closed
    w.a.validate()


def test_9_9_statuses_become_hresults(umd):
    w = World()
    opened(umd, w)
    lib, ffi = umd.lib, umd.ffi
    va, fence = ffi.new("uint64_t *"), ffi.new("uint64_t *")
    # STATUS_INVALID_PARAMETER: a size that is not a multiple of 64 KB
    assert hr(lib.umd_reserve(0, 0, 0, 0, 4096, 0, va, fence)) == E_INVALIDARG
    # STATUS_NO_MEMORY: a window too small
    assert hr(lib.umd_reserve(0, 0, P64K, 2 * P64K, 2 * P64K, 0, va, fence)) == E_OUTOFMEMORY
    # STATUS_INVALID_HANDLE: a queue that does not exist
    assert hr(lib.umd_map(0x7FFFFFC0, w.h4k, 0, 0, 1, va, fence)) == E_HANDLE
    # STATUS_CONFLICTING_ADDRESSES -> HRESULT_FROM_NT
    assert hr(lib.umd_reserve(0, 0, 0, 0, MB, 0, va, fence)) == S_OK
    taken = va[0]
    assert hr(lib.umd_reserve(0, taken, 0, 0, MB, 0, va, fence)) == \
        dxgk.STATUS_CONFLICTING_ADDRESSES | 0x10000000
    assert dxgk.last_status() == dxgk.STATUS_CONFLICTING_ADDRESSES
    w.a.validate()


def test_9_9_deferred_mode_answers_e_pending_with_the_fence_value(umd):
    w = World(paging="deferred")
    opened(umd, w)
    lib, ffi = umd.lib, umd.ffi
    va, fence = ffi.new("uint64_t *"), ffi.new("uint64_t *")
    assert hr(lib.umd_map(w.q.handle, w.h4k, 0, 0, 4, va, fence)) == E_PENDING
    assert fence[0] == 1 and w.xlate(va[0]) == (False, False, 0, 0)
    w.q.execute()
    assert w.xlate(va[0])[0]
    w.a.validate()


def test_9_9_handles_must_belong_to_the_callbacks_device(umd):
    w = World()
    other = w.p.create_device()
    opened(umd, w)
    lib, ffi = umd.lib, umd.ffi
    va = ffi.new("uint64_t *")
    q2 = other.create_paging_queue()
    # the other device's queue through this device's table
    assert hr(lib.umd_map_as(w.d.kmt_handle, q2.handle, w.h4k, va)) == E_HANDLE
    # a device handle that names no device (an allocation's)
    assert hr(lib.umd_map_as(w.h4k, w.q.handle, w.h4k, va)) == E_HANDLE
    # the context of another device in an Update
    c2 = other.create_context()
    assert hr(lib.umd_update_tiles(c2.kmt_handle, w.q.sync_object, 0, w.h64k, 0, 1, 0)) \
        == E_HANDLE
    w.a.validate()
