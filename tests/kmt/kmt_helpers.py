"""Shared helpers of the user-mode suites (tests/kmt): docs/behaviour.md section 9.

A `World` is one adapter with a process, a device, a context, a paging queue and two
user-mode allocations (1 MB in the 4 KB-page aperture, 1 MB in the 64 KB-page local
segment), plus builders for the thunks' argument structs. `snapshot()` extends the kernel
suites' snapshot (tests/ddi/spec_helpers.py) with what section 9 adds -- VADs with their
sub-ranges, fence values, waiting batches -- so every failure test can check that
nothing changed.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import numpy as np

import dxgk
from dxgk import structs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ddi"))
import spec_helpers as H  # noqa: E402

KB, MB, GB, PAGE, P64K = H.KB, H.MB, H.GB, H.PAGE, H.PAGE64K
SUCCESS, INVALID_HANDLE, INVALID_PARAMETER = H.SUCCESS, H.INVALID_HANDLE, H.INVALID_PARAMETER
NO_MEMORY, CONFLICTING = H.NO_MEMORY, H.CONFLICTING
PENDING = dxgk.STATUS_PENDING
P_WRITE, P_EXECUTE, P_ZERO, P_NOACCESS, P_SYSTEM = 1, 2, 4, 8, 16
OP_MAP, OP_UNMAP, OP_COPY, OP_MAP_PROTECT = 0, 1, 2, 3
NO_ACCESS, ZERO, NO_COMMIT = 0, 1, 2
APERTURE, LOCAL = 0b10, 0b01


class World:
    """An adapter with one process, device, context, queue and two allocations."""

    def __init__(self, adapter: Any = None, *, paging: str = "immediate") -> None:
        self.a = adapter if adapter is not None else dxgk.Adapter(paging=paging)
        self.p = self.a.create_process()
        self.d = self.p.create_device()
        self.c = self.d.create_context()
        self.q = self.d.create_paging_queue()
        self.h4k = self.d.allocate(1 * MB, segments=APERTURE)     # 4 KB pages
        self.h64k = self.d.allocate(1 * MB, segments=LOCAL)       # 64 KB pages

    # -- argument builders --

    def reserve_args(self, size: int = 16 * MB, *, base: int = 0, minimum: int = 0,
                     maximum: int = 0, kind: int = NO_ACCESS, handle: int | None = None,
                     driver_protection: int = 0) -> Any:
        r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(
            BaseAddress=base, MinimumAddress=minimum, MaximumAddress=maximum, Size=size,
            DriverProtection=driver_protection)
        r.hPagingQueue = self.p.kmt_adapter if handle is None else handle
        r.ReservationType = kind
        return r

    def reserve(self, size: int = 16 * MB, **kw: Any) -> int:
        r = self.reserve_args(size, **kw)
        st = dxgk.D3DKMTReserveGpuVirtualAddress(r)
        assert st == SUCCESS, f"reserve: {dxgk.status_name(st)}"
        return int(r.VirtualAddress)

    def map_args(self, h: int | None = None, pages: int = 16, *, base: int = 0,
                 minimum: int = 0, maximum: int = 0, offset: int = 0,
                 protection: int = P_WRITE, driver_protection: int = 0,
                 queue: int | None = None) -> Any:
        m = structs.D3DDDI_MAPGPUVIRTUALADDRESS(
            hPagingQueue=self.q.handle if queue is None else queue,
            BaseAddress=base, MinimumAddress=minimum, MaximumAddress=maximum,
            hAllocation=self.h4k if h is None else h, OffsetInPages=offset,
            SizeInPages=pages, DriverProtection=driver_protection)
        m.Protection.Value = protection
        return m

    def map(self, h: int | None = None, pages: int = 16, **kw: Any) -> int:
        m = self.map_args(h, pages, **kw)
        st = dxgk.D3DKMTMapGpuVirtualAddress(m)
        want = PENDING if self.a.paging == "deferred" else SUCCESS
        assert st == want, f"map: {dxgk.status_name(st)}"
        return int(m.VirtualAddress)

    def free(self, base: int, size: int, *, adapter: int | None = None) -> int:
        f = structs.D3DKMT_FREEGPUVIRTUALADDRESS(
            hAdapter=self.p.kmt_adapter if adapter is None else adapter, BaseAddress=base,
            Size=size)
        return dxgk.D3DKMTFreeGpuVirtualAddress(f)

    def update_args(self, n: int, *, fence: int | None = None, fence_value: int = 0,
                    do_not_wait: bool = False, device: int | None = None,
                    context: int | None = None) -> Any:
        u = structs.D3DKMT_UPDATEGPUVIRTUALADDRESS(
            hDevice=self.d.kmt_handle if device is None else device,
            hContext=self.c.kmt_handle if context is None else context,
            hFenceObject=self.q.sync_object if fence is None else fence,
            NumOperations=n, FenceValue=fence_value)
        u.Flags.DoNotWait = int(do_not_wait)
        return u

    def update(self, ops: list[Any], **kw: Any) -> int:
        arr = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * max(1, len(ops)))(*ops)
        return dxgk.D3DKMTUpdateGpuVirtualAddress(self.update_args(len(ops), **kw), arr)

    # -- what the GPU sees --

    def xlate(self, va: int) -> tuple[bool, bool, int, int]:
        """(valid, zero, segment, address) at va."""
        t = self.p.translate(va)
        return (t.valid, t.zero, t.segment, t.address)

    def seg_offset(self, h: int) -> int:
        """The segment offset of a user-mode allocation (read through a page it maps:
        allocate places it, the model reports translations)."""
        return self.a.allocation(dxgk_alloc_of(h)).segment_offset


def dxgk_alloc_of(kmt: int) -> int:
    """The 64-bit handle behind a user-mode allocation's D3DKMT handle."""
    from dxgk._core import ffi, lib
    t = ffi.new("uint32_t *")
    h = int(lib.dxgk_vm_kmt_object(kmt, t))
    assert h and t[0] == lib.DXGK_VM_T_ALLOCATION
    return h


def op_map(base: int, size: int, h: int, offset: int = 0, alloc_size: int = 0) -> Any:
    o = structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION(OperationType=OP_MAP)
    o.Map.BaseAddress, o.Map.SizeInBytes, o.Map.hAllocation = base, size, h
    o.Map.AllocationOffsetInBytes, o.Map.AllocationSizeInBytes = offset, alloc_size
    return o


def op_map_protect(base: int, size: int, h: int, protection: int, driver_protection: int = 0,
                   offset: int = 0, alloc_size: int = 0) -> Any:
    o = structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION(OperationType=OP_MAP_PROTECT)
    mp = o.MapProtect
    mp.BaseAddress, mp.SizeInBytes, mp.hAllocation = base, size, h
    mp.AllocationOffsetInBytes, mp.AllocationSizeInBytes = offset, alloc_size
    mp.Protection.Value, mp.DriverProtection = protection, driver_protection
    return o


def op_unmap(base: int, size: int, protection: int = 0) -> Any:
    o = structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION(OperationType=OP_UNMAP)
    o.Unmap.BaseAddress, o.Unmap.SizeInBytes = base, size
    o.Unmap.Protection.Value = protection
    return o


def op_copy(source: int, size: int, dest: int) -> Any:
    o = structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION(OperationType=OP_COPY)
    o.Copy.SourceAddress, o.Copy.SizeInBytes, o.Copy.DestAddress = source, size, dest
    return o


# ---- snapshots ----------------------------------------------------------------------------


def snapshot(w: World, *, probes: tuple[int, ...] = (), fences: tuple[Any, ...] = ()) -> Any:
    """The kernel snapshot of w's adapter and process, plus the VADs (with sub-ranges), a
    translation of the first and last page of every VAD and sub-range and of `probes`,
    the queue's fence value and that of `fences`, and the context's waiting batches."""
    from dxgk._core import ffi, lib
    vads = w.p.vads()
    vas = list(probes)
    for v in vads:
        vas += [v.va, v.va + v.size - PAGE]
        for r in v.ranges:
            vas += [r.va, r.va + r.size - PAGE]
    waiting = ffi.new("uint64_t *")
    lib.dxgk_vm_context_waiting(w.c.kmt_handle, waiting)
    return {
        "kernel": H.snapshot(w.a, [w.p], probes=tuple(vas)),
        "vads": H._plain(vads),
        "xlate": H._plain(w.p.translate_many(np.array(sorted(set(vas)), dtype=np.uint64))),
        "queue_fence": w.q.fence_value,
        "queue": (w.q.submitted, w.q.pending, w.q.reserve_bytes) if not w.q.closed else None,
        "fences": [f.value for f in fences],
        "waiting": int(waiting[0]),
    }


def expect_fail(w: World, call: Any, status: int, *, probes: tuple[int, ...] = (),
                fences: tuple[Any, ...] = (), args: Any = None) -> None:
    """`call()` returns `status`, last_status() agrees, nothing observable changed (the
    argument struct's bytes included, out-fields too), validate() holds. (Earlier tests'
    adapters are collected first: the live-handle count is global.)"""
    gc.collect()
    before = snapshot(w, probes=probes, fences=fences)
    raw = bytes(args) if args is not None else None
    got = call()
    assert got == status, f"returned {dxgk.status_name(got)}, expected {dxgk.status_name(status)}"
    assert dxgk.last_status() == status
    if raw is not None:
        assert bytes(args) == raw, "a failed call wrote into its argument"
    H.assert_unchanged(before, snapshot(w, probes=probes, fences=fences))
    w.a.validate()
