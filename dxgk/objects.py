"""The objects inside an adapter: Process, Device, Context (docs/behaviour.md 3, 9).

What it owns: :class:`Process` (a GPU VA space: translation, ranges, VADs), :class:`Device`
(its contexts, its allocations, and the user-mode services of docs/behaviour.md 9, whose
bodies live in :mod:`dxgk.usermode`) and :class:`Context`, with their shared base
:class:`_Object` and :class:`ClosedError`. :mod:`dxgk.model` builds the :class:`Adapter`
on top and re-exports all of these, so users never need this module's name.

Invariant kept: an object here holds its parent (so its adapter never disappears under
it) and answers only from the C core; a closed one raises :class:`ClosedError`. See
:mod:`dxgk.model` for the lifetime rules.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import ddi as _ddi
from . import driver as _drv
from . import explain as _explain
from . import structs
from . import usermode as _um
from ._core import ffi, lib
from .argcheck import described, handle_of, integer, uint
from .ddi import (
    STATUS_INVALID_HANDLE,
    STATUS_INVALID_PARAMETER,
    STATUS_NO_MEMORY,
    STATUS_SUCCESS,
    DdiError,
    DxgkCbReserveGpuVirtualAddressRange,
    _obj_call,
    status_name,
)
from .records import (
    Mapping,
    PageTableStats,
    Reservation,
    Translation,
    Vad,
    WalkLevel,
    page_table_stats_of,
    read_ranges,
    read_vads,
    xlate_dtype,
)

if TYPE_CHECKING:
    import numpy as np

    from .model import Adapter
    from .usermode import Fence, PagingQueue

__all__ = ["ClosedError", "Context", "Device", "Process"]


class ClosedError(ValueError):
    """An Adapter, Process, Device or Context was used after it was closed or destroyed
    (directly, or with its parent)."""


# ---- helpers ------------------------------------------------------------------------------


def _allocation_handle(obj: Any, what: str, *, allow_none: bool = True) -> int:
    """An allocation argument: a handle (int), or None for "no allocation"."""
    return handle_of(obj, what, (), "allocation", allow_none=allow_none)


def _flag(value: Any, what: str) -> int:
    """A yes/no keyword: a bool, or the int 0 or 1."""
    if value is True or value is False:
        return int(value)
    return integer(value, what, 0, 1, allow_bool=True)


def _core_fn(adapter: Adapter, name: str) -> Callable[..., int]:
    """The core function of object operation ``name`` for this adapter: the model's, or
    the one that calls its driver's DDIs too (docs/behaviour.md 10.1)."""
    fn: Callable[..., int] = getattr(lib, _drv.core_name(adapter._with_driver, name))
    return fn


def _record(event: str, *args: Any) -> None:
    """Tells an active trace recorder (``dxgk.record``) about an event that makes no C
    call of its own (an adapter just created)."""
    rec = _ddi._recorder
    if rec is not None:
        rec.event(event, *args)


class _Object(abc.ABC):
    """Shared behaviour of Adapter / Process / Device / Context."""

    _type: int = 0
    _handle: int

    @property
    def handle(self) -> int:
        """The object's HANDLE value (an int, never 0)."""
        return self._handle

    @property
    def closed(self) -> bool:
        """True once the object is destroyed: by ``close()``, its ``with`` block, or with
        its parent (a device with its process, everything with its adapter)."""
        return lib.dxgk_vm_handle_type(self._handle) != self._type

    def _closed_error(self, message: str = "") -> ClosedError:
        return ClosedError(message or
                           f"{self!r} is closed (destroyed directly or with its parent)")

    def _check(self, status: int) -> None:
        """Raises for a failed inspection/creation call made with this object's handle."""
        status &= 0xFFFFFFFF
        if status == STATUS_SUCCESS:
            return
        if status == STATUS_INVALID_HANDLE and self.closed:
            raise self._closed_error()
        if status == STATUS_NO_MEMORY:
            raise MemoryError(f"{status_name(status)} in {self!r}")
        raise DdiError(status, repr(self))

    def _require_open(self) -> None:
        if self.closed:
            raise self._closed_error()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abc.abstractmethod
    def close(self) -> None:
        """Destroy the object in the C core (idempotent; a no-op once its parent is gone)."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Object):
            return type(self) is type(other) and self._handle == other._handle
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._handle))

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<dxgk.{type(self).__name__} {self._handle:#018x}{state}>"


# ---- Process / Device / Context ------------------------------------------------------------


class Process(_Object):
    """A process: one GPU VA space with its page tables (``hDxgkProcess``)."""

    _type = lib.DXGK_VM_T_PROCESS

    def __init__(self, adapter: Adapter, handle: int, *, system: bool = False) -> None:
        self._adapter = adapter
        self._handle = handle
        self._system = system

    @property
    def adapter(self) -> Adapter:
        """The adapter the process belongs to."""
        return self._adapter

    @property
    def is_system(self) -> bool:
        """True for the adapter's system process (the system device's VA space, where
        Zero and NoAccess ranges with no allocation go; docs/behaviour.md 5.2)."""
        return self._system

    def close(self) -> None:
        """Destroys the process with its devices, contexts, allocations, mappings and
        reservations. Idempotent. The system process lives as long as its adapter."""
        if self._system:
            raise ValueError("the system process is destroyed only with its adapter")
        _obj_call("process_destroy", _core_fn(self._adapter, "process_destroy"), self._handle)
        # (a dead handle: nothing to do)

    def create_device(self) -> Device:
        """A new device in this process (its allocations map into this VA space).
        ``MemoryError`` when the core has no memory for it (docs/behaviour.md 8.5)."""
        out = ffi.new("uint64_t *")
        st = _obj_call("device_create", _core_fn(self._adapter, "device_create"), self._handle, out)
        self._check(st)
        return Device(self, int(out[0]))

    def reserve(self, size: int, *, alignment: int = 0, base: int = 0,
                allow_user_mode_mapping: bool = False) -> int:
        """DxgkCbReserveGpuVirtualAddressRange for this process (valid only inside
        ``create_process``'s hook); returns StartVirtualAddress or raises
        :class:`DdiError`."""
        self._require_open()
        args = structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(
            hDxgkProcess=self._handle, SizeInBytes=uint(size, "reserve: size (SizeInBytes)"),
            Alignment=uint(alignment, "reserve: alignment (Alignment)", 32),
            BaseAddress=uint(base, "reserve: base (BaseAddress)"),
            Flags=_flag(allow_user_mode_mapping, "reserve: allow_user_mode_mapping"))
        st = DxgkCbReserveGpuVirtualAddressRange(self._adapter._handle, args)
        if st != STATUS_SUCCESS:
            raise DdiError(st, _explain.reserve_failure(self._adapter, self, st, args))
        return int(args.StartVirtualAddress)

    # -- translation --

    def translate(self, va: int) -> Translation:
        """The page-table walk for ``va`` (docs/behaviour.md 7), level by level. A VA outside the
        address space is simply not mapped (invalid, no levels), as in translate_many."""
        va = uint(va, "translate: va")
        out = ffi.new("dxgk_pt_walk_result *")
        st = lib.dxgk_vm_walk(self._handle, va, out) & 0xFFFFFFFF
        if st == STATUS_INVALID_PARAMETER:     # beyond 2^VirtualAddressBitCount: unmapped
            return Translation(int(va), False, False, 0, 0, False, False, 0, ())
        self._check(st)
        pte_cls = structs.DXGK_PTE
        levels = []
        for i in range(out.depth):
            lv = out.levels[i]
            pte = pte_cls(Flags=int(lv.entry_flags), PageAddress=int(lv.entry_address))
            levels.append(WalkLevel(int(lv.level), int(lv.index), pte, int(lv.table_segment),
                                    int(lv.table_address), int(lv.table_page_size)))
        r = out.result
        return Translation(int(va), bool(r.valid), bool(r.zero), int(r.segment),
                           int(r.address), bool(r.read_only), bool(r.no_execute),
                           int(r.page_size), tuple(levels))

    def translate_many(self, vas: Any) -> np.ndarray:
        """Translates every VA of an integer array in one C call (no GIL held).

        Returns a numpy structured array of the same shape with fields valid, zero,
        read_only, no_execute (bool), segment (u1), page_size (u4), address (u8) -- the
        C record ``dxgk_pt_xlate``, written in place."""
        import numpy as np

        if isinstance(vas, (str, bytes)):
            raise TypeError(f"translate_many takes an array of integer VAs; got "
                            f"{described(vas)}")
        a = np.asarray(vas)
        if a.dtype != np.uint64:
            if a.dtype == object:           # Python ints (or anything): each one checked
                a = np.array([uint(v, f"translate_many: vas[{i}]")
                              for i, v in enumerate(a.reshape(-1))],
                             dtype=np.uint64).reshape(a.shape)
            elif a.dtype.kind not in "iu" and a.size:
                raise TypeError(f"translate_many takes an array of integer VAs; got dtype "
                                f"{a.dtype}")
            elif a.dtype.kind == "i" and a.size and a.min() < 0:
                raise ValueError(f"translate_many: a VA cannot be negative (it is a 64-bit "
                                 f"unsigned value); got {int(a.min())}")
            a = a.astype(np.uint64)
        if not a.flags.c_contiguous:        # (np.ascontiguousarray would make a 0-d array 1-d)
            a = a.copy(order="C")
        out = np.empty(a.shape, dtype=xlate_dtype())
        if a.size:
            self._check(lib.dxgk_vm_translate_many(
                self._handle, ffi.from_buffer("uint64_t[]", a), a.size,
                ffi.from_buffer("dxgk_pt_xlate[]", out, require_writable=True)))
        else:
            self._require_open()
        return out

    # -- inspection --

    def _ranges(self, which: int) -> list[Any]:
        return read_ranges(self._handle, which, self._check)

    def mappings(self) -> list[Mapping]:
        """The mapped ranges (map, zero, noaccess), in address order."""
        return self._ranges(lib.DXGK_VM_WANT_MAPPINGS)

    def reservations(self) -> list[Reservation]:
        """The reserved ranges, in address order."""
        return self._ranges(lib.DXGK_VM_WANT_RESERVATIONS)

    @property
    def kmt_adapter(self) -> int:
        """This process's D3DKMT adapter handle (what D3DKMTOpenAdapterFromLuid would
        return; docs/behaviour.md 9.1): the hAdapter of D3DKMTFreeGpuVirtualAddress and
        of a Reserve without a paging queue."""
        k = int(lib.dxgk_vm_kmt_handle(self._handle))
        if not k:
            self._require_open()
        return k

    def vads(self) -> list[Vad]:
        """The user-mode VADs (docs/behaviour.md 9.2), in address order, each with its
        sub-ranges."""
        return read_vads(self._handle, self._check)

    def page_table_stats(self) -> PageTableStats:
        """The process's page tables now: tables per level (index 0 = leaf), how many
        leaves use the 64 KB format, table bytes, valid leaf entries, mapped 4 KB pages
        and 64 KB -> 4 KB conversions so far (docs/behaviour.md 7), as a
        :class:`PageTableStats`."""
        out = ffi.new("dxgk_pt_stats *")
        self._check(lib.dxgk_vm_pt_stats(self._handle, out))
        return page_table_stats_of(out, len(self._adapter._levels))

    def __repr__(self) -> str:
        kind = "system process" if self._system else "Process"
        state = " closed" if self.closed else ""
        return f"<dxgk.{kind} {self._handle:#018x}{state}>"


class Device(_Object):
    """A device of a process (``hDevice``)."""

    _type = lib.DXGK_VM_T_DEVICE

    def __init__(self, process: Process, handle: int) -> None:
        self._process = process
        self._handle = handle

    @property
    def process(self) -> Process:
        """The process the device belongs to."""
        return self._process

    @property
    def adapter(self) -> Adapter:
        """The adapter of the device's process."""
        return self._process._adapter

    def close(self) -> None:
        """Destroys the device with its contexts and the allocations created on it."""
        _obj_call("device_destroy", _core_fn(self.adapter, "device_destroy"), self._handle)

    def create_context(self) -> Context:
        """A new context on this device. ``MemoryError`` when the core has no memory
        for it."""
        out = ffi.new("uint64_t *")
        st = _obj_call("context_create", _core_fn(self.adapter, "context_create"),
                       self._handle, out)
        self._check(st)
        return Context(self, int(out[0]))

    def create_allocation(self, size: int, **kw: Any) -> int:
        """``Adapter.create_allocation(size, device=self, ...)``."""
        self._require_open()
        return self.adapter.create_allocation(size, self, **kw)

    # -- the user-mode services (docs/behaviour.md 9; bodies in dxgk.usermode) --

    @property
    def kmt_handle(self) -> int:
        """The device's D3DKMT handle (the hDevice of the thunks; the UMD callbacks'
        HANDLE, zero-extended)."""
        return _um.device_kmt(self)

    def allocate(self, size: int, *, segments: Any = None, preferred: Any = (),
                 alignment: int = 0, flags: Any = None) -> int:
        """A user-mode allocation (what pfnAllocateCb / D3DKMTCreateAllocation2 make),
        placed as a context allocation is (docs/behaviour.md 4, 9.1; the keywords as in
        ``Adapter.create_allocation``); returns its D3DKMT handle."""
        args = self.adapter._create_args(size, self, None, "allocate", segments=segments,
                                         preferred=preferred, alignment=alignment,
                                         flags=flags, shared=False, map_va=False,
                                         driver_allocation=0, eviction_segments=0)
        return _um.allocate(self, args)

    def deallocate(self, allocation: int) -> None:
        """Destroys a user-mode allocation: every page mapped to it is unmapped first
        (docs/behaviour.md 9.8)."""
        _um.deallocate(self, allocation)

    def create_fence(self, initial: int = 0) -> Fence:
        """A monitored fence of this device with an initial value (docs/behaviour.md 9.1)."""
        return _um.create_fence(self, initial)

    def create_paging_queue(self, priority: int = 0) -> PagingQueue:
        """D3DKMTCreatePagingQueue for this device (priority -1, 0 or 1)."""
        return _um.create_paging_queue(self, priority)

    def paging_queue(self, handle: int) -> PagingQueue:
        """The :class:`PagingQueue` of a queue of this device made by the thunk or the
        callback (``ValueError`` for any other handle)."""
        return _um.paging_queue(self, handle)

    def callbacks(self) -> Any:
        """A filled ``structs.D3DDDI_DEVICECALLBACKS`` for this device: the six GPU VA
        callbacks set, every other member NULL (docs/behaviour.md 9.9)."""
        return _um.callbacks(self)


class Context(_Object):
    """A context of a device (``hContext``)."""

    _type = lib.DXGK_VM_T_CONTEXT

    def __init__(self, device: Device, handle: int) -> None:
        self._device = device
        self._handle = handle

    @property
    def device(self) -> Device:
        """The device the context belongs to."""
        return self._device

    @property
    def process(self) -> Process:
        """The process of the context's device."""
        return self._device._process

    @property
    def adapter(self) -> Adapter:
        """The adapter of the context's device."""
        return self._device._process._adapter

    @property
    def kmt_handle(self) -> int:
        """The context's D3DKMT handle (hContext of D3DKMTUpdateGpuVirtualAddress)."""
        k = int(lib.dxgk_vm_kmt_handle(self._handle))
        if not k:
            self._require_open()
        return k

    def close(self) -> None:
        """Destroys the context and the allocations created for it."""
        _obj_call("context_destroy", _core_fn(self.adapter, "context_destroy"), self._handle)

    def create_allocation(self, size: int, **kw: Any) -> int:
        """``Adapter.create_allocation(size, device=self.device, context=self, ...)``."""
        self._require_open()
        return self.adapter.create_allocation(size, self._device, self, **kw)
