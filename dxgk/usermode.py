"""The object layer of the user-mode GPU VA services (docs/behaviour.md 9): paging
queues, fences, user-mode allocations and the UMD callback table of a device.

What it owns: :class:`PagingQueue` and :class:`Fence`, and the bodies of the user-mode
methods of :class:`dxgk.Device` (``allocate``, ``deallocate``, ``create_fence``,
``create_paging_queue``, ``paging_queue``, ``callbacks``), which :mod:`dxgk.objects`
delegates to so that each room stays one job. Everything here is a D3DKMT handle (a
32-bit int) over the C core's objects; nothing re-implements a rule of the guide.

Invariant: an object here never outlives its C object silently -- using one whose
handle is dead raises :class:`dxgk.ClosedError`; a failed C call raises
:class:`dxgk.DdiError` naming the call and its status, and changed nothing.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any

from . import structs
from ._core import ffi, lib
from .argcheck import integer, uint
from .driver import core_name
from .ddi import (
    STATUS_INVALID_HANDLE,
    STATUS_INVALID_PARAMETER,
    STATUS_NO_MEMORY,
    STATUS_SUCCESS,
    DdiError,
    _obj_call,
)

if TYPE_CHECKING:
    from .objects import Device

__all__ = ["Fence", "PagingQueue"]


class _ClosedProbe:
    """Shared: the D3DKMT handle, and ClosedError once the C object is gone."""

    _kmt: int
    _device: Device
    _vm_type: int = 0

    @property
    def handle(self) -> int:
        """The object's D3DKMT handle (a 32-bit int, never 0)."""
        return self._kmt

    @property
    def device(self) -> Device:
        """The device the object belongs to."""
        return self._device

    @property
    def closed(self) -> bool:
        """True once the object is destroyed (directly or with its device)."""
        t = ffi.new("uint32_t *")
        return lib.dxgk_vm_kmt_object(self._kmt, t) == 0 or t[0] != self._vm_type

    def _fail(self, st: int, what: str) -> None:
        st &= 0xFFFFFFFF
        if st == STATUS_SUCCESS:
            return
        if st == STATUS_INVALID_HANDLE and self.closed:
            raise self._device._closed_error(
                f"{self!r} is closed (destroyed directly or with its device)")
        if st == STATUS_NO_MEMORY:
            raise MemoryError(f"{what}: the core has no memory left")
        raise DdiError(st, f"{what} on {self!r}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _ClosedProbe):
            return type(self) is type(other) and self._kmt == other._kmt
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._kmt))

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<dxgk.{type(self).__name__} {self._kmt:#010x}{state}>"


class Fence(_ClosedProbe):
    """A monitored fence of a device (docs/behaviour.md 9.1): what an Update batch waits
    for (``hFenceObject``); a paging queue's sync object is one too."""

    _vm_type = lib.DXGK_VM_T_FENCE

    def __init__(self, device: Device, kmt: int) -> None:
        self._device = device
        self._kmt = kmt

    @property
    def value(self) -> int:
        """The fence's current value."""
        out = ffi.new("uint64_t *")
        self._fail(lib.dxgk_vm_fence_value(self._kmt, out), "fence value")
        return int(out[0])

    def signal(self, value: int) -> None:
        """Signals the fence to ``value`` (never backwards: a smaller value is a
        ``DdiError`` STATUS_INVALID_PARAMETER) and runs the Update batches it releases,
        in their contexts' submission order (docs/behaviour.md 9.6.8)."""
        v = uint(value, "Fence.signal: value")
        self._fail(_obj_call("fence_signal", lib.dxgk_vm_fence_signal, self._kmt, v),
                   f"signal to {v}")


class PagingQueue(_ClosedProbe):
    """A paging queue of a device (docs/behaviour.md 9.1, 9.7): ``handle`` (hPagingQueue),
    ``sync_object`` (its monitored fence's handle), ``fence_address``
    (FenceValueCPUVirtualAddress: where the fence's current value can be read as a
    64-bit int, valid while the queue lives)."""

    _vm_type = lib.DXGK_VM_T_PAGING_QUEUE

    def __init__(self, device: Device, kmt: int, sync: int, address: int) -> None:
        self._device = device
        self._kmt = kmt
        self._sync = sync
        self._address = address

    @property
    def sync_object(self) -> int:
        """hSyncObject: the D3DKMT handle of the queue's fence."""
        return self._sync

    @property
    def fence(self) -> Fence:
        """The queue's fence as a :class:`Fence`."""
        return Fence(self._device, self._sync)

    @property
    def fence_address(self) -> int:
        """FenceValueCPUVirtualAddress: the address of the 64-bit fence value."""
        return self._address

    @property
    def fence_value(self) -> int:
        """The fence's current value, read where FenceValueCPUVirtualAddress points."""
        if self.closed:
            self._fail(STATUS_INVALID_HANDLE, "fence value")
        return int(ctypes.c_uint64.from_address(self._address).value)

    def execute(self, upto: int | None = None) -> int:
        """Runs the queue's pending paging work up to fence value ``upto`` (all of it when
        None), in submission order, and returns the fence value now (docs/behaviour.md
        9.7). The fence then takes ``upto`` if that is higher, and Update batches waiting
        for it run. ``upto`` above :attr:`submitted` is a ``ValueError``. In immediate
        mode every operation ran inside its call already: nothing is pending."""
        out = ffi.new("uint64_t *")
        if upto is None:
            st = _obj_call("queue_execute", lib.dxgk_vm_queue_execute, self._kmt, 0, 1, out)
        else:
            v = uint(upto, "PagingQueue.execute: upto")
            st = _obj_call("queue_execute", lib.dxgk_vm_queue_execute, self._kmt, v, 0,
                           out) & 0xFFFFFFFF
            if st == STATUS_INVALID_PARAMETER:
                raise ValueError(f"PagingQueue.execute: upto is {v}, but only "
                                 f"{self.submitted} fence values were handed out")
        self._fail(st, "execute")
        return int(out[0])

    def _state(self) -> Any:
        out = ffi.new("dxgk_vm_queue_state *")
        self._fail(lib.dxgk_vm_queue_info(self._kmt, out), "queue state")
        return out

    @property
    def submitted(self) -> int:
        """The last PagingFenceValue the queue handed out (deferred mode; 0 otherwise)."""
        return int(self._state().submitted)

    @property
    def pending(self) -> tuple[int, int]:
        """(page ranges, bytes) of work queued and not yet executed (docs/behaviour.md
        9.7); later submissions over the same pages supersede earlier ones."""
        st = self._state()
        return int(st.pending_ranges), int(st.pending_bytes)

    @property
    def reserve_bytes(self) -> int:
        """Page-table bytes the queue's process holds in reserve so that its pending work
        cannot fail when it runs (docs/behaviour.md 9.7)."""
        return int(self._state().reserve_bytes)

    def close(self) -> None:
        """D3DKMTDestroyPagingQueue: destroys the queue and its fence. Idempotent."""
        if not self.closed:
            self._fail(_obj_call("queue_destroy", lib.dxgk_vm_kmt_destroy_paging_queue,
                                 self._kmt), "destroy")

    def __enter__(self) -> PagingQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- the Device methods (dxgk.objects.Device delegates here) ---------------------------------


def device_kmt(device: Device) -> int:
    """The device's D3DKMT handle (ClosedError once it is gone)."""
    k = int(lib.dxgk_vm_kmt_handle(device.handle))
    if not k:
        device._require_open()
    return k


def allocate(device: Device, args: Any) -> int:
    """A user-mode allocation placed from a filled DXGKARGCB_CREATECONTEXTALLOCATION
    (the placement fields only); its D3DKMT handle."""
    c = ffi.new("dxgk_vm_create_args *")
    c.device = device.handle
    c.size = args.Size
    c.alignment = args.Alignment
    c.supported_segments = args.SupportedSegmentSet
    c.preferred = args.PreferredSegment.Value
    c.flags = args.Flags.Value
    out = ffi.new("uint32_t *")
    fn = getattr(lib, core_name(device.adapter._with_driver, "user_allocate"))
    st = _obj_call("allocate", fn, c, out) & 0xFFFFFFFF
    if st != STATUS_SUCCESS:
        device._require_open()
        raise DdiError(st, f"allocate({int(args.Size)}) on {device!r}: no segment of "
                       f"SupportedSegmentSet {int(args.SupportedSegmentSet):#x} has room"
                       if st == STATUS_NO_MEMORY else f"allocate on {device!r}")
    return int(out[0])


def deallocate(device: Device, allocation: Any) -> None:
    """docs/behaviour.md 9.8: unmaps every page of the allocation, then frees it."""
    h = integer(allocation, "deallocate: allocation (a D3DKMT handle)", 1, 0xFFFFFFFF,
                width="32-bit D3DKMT handle")
    fn = getattr(lib, core_name(device.adapter._with_driver, "user_deallocate"))
    st = _obj_call("deallocate", fn, device_kmt(device), h) & 0xFFFFFFFF
    if st != STATUS_SUCCESS:
        raise DdiError(st, f"deallocate({h:#x}) on {device!r}: "
                       + ("not a live user-mode allocation of this device"
                          if st == STATUS_INVALID_HANDLE
                          else "no room in the page-table segments for the tables its pages "
                               "need to return to their base state (docs/behaviour.md 9.8)"))


def create_fence(device: Device, initial: int) -> Fence:
    v = uint(initial, "create_fence: initial")
    out = ffi.new("uint32_t *")
    st = _obj_call("fence_create", lib.dxgk_vm_fence_create, device_kmt(device), v, out) \
        & 0xFFFFFFFF
    if st != STATUS_SUCCESS:
        raise MemoryError("create_fence: the core has no memory left") \
            if st == STATUS_NO_MEMORY else DdiError(st, f"create_fence on {device!r}")
    return Fence(device, int(out[0]))


def create_paging_queue(device: Device, priority: int) -> PagingQueue:
    args = structs.D3DKMT_CREATEPAGINGQUEUE(hDevice=device_kmt(device))
    args.Priority = integer(priority, "create_paging_queue: priority "
                            "(D3DDDI_PAGINGQUEUE_PRIORITY: -1, 0 or 1)", -1, 1)
    from .kmt import D3DKMTCreatePagingQueue
    st = D3DKMTCreatePagingQueue(args)
    if st != STATUS_SUCCESS:
        raise DdiError(st, f"D3DKMTCreatePagingQueue on {device!r}")
    return PagingQueue(device, int(args.hPagingQueue), int(args.hSyncObject),
                       int(args.FenceValueCPUVirtualAddress))


def paging_queue(device: Device, handle: Any) -> PagingQueue:
    """The PagingQueue object of a queue made by the thunk or the callback."""
    h = integer(handle, "paging_queue: handle (hPagingQueue)", 1, 0xFFFFFFFF,
                width="32-bit D3DKMT handle")
    dev, sync, addr = ffi.new("uint32_t *"), ffi.new("uint32_t *"), ffi.new("uint64_t *")
    st = lib.dxgk_vm_paging_queue_info(h, dev, sync, addr) & 0xFFFFFFFF
    if st != STATUS_SUCCESS or dev[0] != device_kmt(device):
        raise ValueError(f"paging_queue: {h:#x} is not a live paging queue of {device!r}")
    return PagingQueue(device, h, int(sync[0]), int(addr[0]))


def callbacks(device: Device) -> Any:
    """A filled structs.D3DDDI_DEVICECALLBACKS for the device (docs/behaviour.md 9.9)."""
    out = structs.D3DDDI_DEVICECALLBACKS()
    st = lib.dxgk_kmt_fill_callbacks(device_kmt(device),
                                     ffi.cast("void *", ctypes.addressof(out))) & 0xFFFFFFFF
    if st != STATUS_SUCCESS:
        device._require_open()
        raise DdiError(st, f"callbacks of {device!r}")
    return out
