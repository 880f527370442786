"""The Pythonic object layer over the VidMm model: Adapter, Process, Device, Context.

Everything here is built on the DDI facade (:mod:`dxgk.ddi`) and the C core's inspection
calls; nothing re-implements a docs/behaviour.md rule.

Lifetime
--------
An :class:`Adapter` owns everything created in it. It is destroyed (in C, with every
process, device, context, allocation, mapping and reservation in it) by ``close()``, by
leaving its ``with`` block, or when the garbage collector releases the last Python
reference to it -- every Process, Device and Context object holds its adapter, so an
adapter never disappears under one of them.

Processes, devices and contexts are destroyed by their ``close()`` / ``with`` block, or
with their parent -- never by the garbage collector alone. Their handles are plain
integers that DDI structs and C drivers keep using after the Python object is gone
(``create_allocation(a, p.create_device())`` is a normal thing to write), so their
lifetime cannot follow the Python object's. ``close()`` is idempotent, and closing an
object whose parent (or adapter) is already gone is a no-op.

Using a closed object raises :class:`ClosedError`, a ``ValueError`` like the one Python
raises for an operation on a closed file.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping as _Dict
from typing import TYPE_CHECKING, Any

from . import description as _desc
from . import driver as _drv
from . import explain as _explain
from . import paging as _pglog
from . import structs
from ._core import ffi, lib
from .argcheck import described, handle_of, integer, uint
from .ddi import (
    STATUS_INVALID_HANDLE,
    STATUS_INVALID_PARAMETER,
    STATUS_NO_MEMORY,
    STATUS_SUCCESS,
    DdiError,
    DxgkCbCreateContextAllocation,
    DxgkCbDestroyContextAllocation,
    DxgkCbMapContextAllocation,
    DxgkCbUpdateContextAllocation,
    _obj_call,
    last_status,
)
from .objects import (
    ClosedError,
    Context,
    Device,
    Process,
    _allocation_handle,
    _flag,
    _Object,
    _record,
)
from .records import (
    PAGE_SIZE,
    PROTECTION_BITS,
    AdapterStats,
    AllocationInfo,
    Mapping,
    PageTableStats,
    PagingOp,
    PagingRecord,
    Reservation,
    Segment,
    SegmentInfo,
    Translation,
    Vad,
    WalkLevel,
    allocation_info_of,
)
from .usermode import Fence, PagingQueue

if TYPE_CHECKING:
    pass

__all__ = [
    "PAGE_SIZE",
    "Adapter",
    "AdapterStats",
    "AllocationInfo",
    "ClosedError",
    "Context",
    "Device",
    "Fence",
    "Mapping",
    "PageTableStats",
    "PagingOp",
    "PagingQueue",
    "PagingRecord",
    "Process",
    "Reservation",
    "Segment",
    "SegmentInfo",
    "Translation",
    "Vad",
    "WalkLevel",
]

_MSG = 512
_PAGING_MODES = {"immediate": lib.DXGK_VM_PAGING_IMMEDIATE,
                 "deferred": lib.DXGK_VM_PAGING_DEFERRED}


def _destroy_adapter(handle: int) -> None:
    # weakref.finalize callback: must never raise (the adapter may be gone already).
    _obj_call("adapter_destroy", lib.dxgk_vm_adapter_destroy, handle)


def _destroy_driver_adapter(handle: int, attached: _drv.Attached) -> None:
    # The same with a driver: `attached` (its table or callbacks) lives until the driver
    # has heard of every destroy (docs/behaviour.md 10.1). (So an Adapter that its own
    # Python driver refers to lives until close() or the interpreter's exit.)
    _obj_call("adapter_destroy", lib.dxgk_drv_adapter_destroy, handle)
    del attached


def _iterable(value: Any, what: str) -> Iterable[Any]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{what} must be a sequence of segment ids; got {described(value)}")
    seq: Iterable[Any] = value
    return seq


# ---- Adapter -------------------------------------------------------------------------------


class Adapter(_Object):
    """A GPU with its GpuMmu caps, page-table level descriptions and memory segments.

    ``caps``: a ``structs.DXGK_GPUMMUCAPS``, or a dict of its fields overriding the
    defaults of docs/behaviour.md 3.5. ``levels``: a list (leaf first) of
    ``structs.DXGK_PAGE_TABLE_LEVEL_DESC`` or dicts overriding the default level (9 index
    bits, tables of 4096 bytes in segment 1).
    ``segments``: a list of :class:`Segment` (or dicts of its fields); ids are 1, 2, ...
    in order. When ``levels`` is given and ``caps`` does not set them,
    ``PageTableLevelCount`` and ``VirtualAddressBitCount`` follow from the levels.
    A description the model rejects (docs/behaviour.md 3) raises ``ValueError`` with the reason.
    ``paging``: when the user-mode services' page-table work runs (docs/behaviour.md 9.7):
    ``"immediate"`` (the default: inside each call) or ``"deferred"`` (queued on the
    paging queue until :meth:`dxgk.PagingQueue.execute`).
    ``paging_log``: how many operations of the paging stream :attr:`paging_log` keeps
    (docs/behaviour.md 10.2): the newest N, 16384 by default; 0 turns recording off.
    ``driver``: a kernel-mode driver to bring up and call (docs/behaviour.md 10.1): an
    object with methods named like the DDIs (``DxgkDdiCreateProcess``, ...) or a
    ``structs.DRIVER_INITIALIZATION_DATA`` filled by C code; its QueryAdapterInfo answers
    replace the caps, levels and segments given here. A failed bring-up raises
    :class:`DdiError` naming the DDI.
    ``decoder``: the driver's page-table entry decoder (docs/behaviour.md 10.4), which
    :meth:`validate` uses to compare the driver's own tables with the model's: a C
    function ``NTSTATUS (UINT Level, const VOID *pRaw, SIZE_T RawSize, DXGK_PTE *pPte)``
    (a ``ctypes.CDLL`` attribute, or a cffi pointer such as ``ffi.addressof(lib, name)``)
    or a callable ``(level, raw_bytes) -> structs.DXGK_PTE``; a Python driver's
    ``DecodePte`` method is taken when this is not given. Needs CPU_VIRTUAL tables.
    """

    _type = lib.DXGK_VM_T_ADAPTER
    _with_driver = False
    _attached: _drv.Attached | None = None
    _finalizer: weakref.finalize[Any, Any]

    def __init__(self, caps: Any = None, levels: Sequence[Any] | None = None,
                 segments: Sequence[_desc.SegmentSpec] | None = None, *,
                 paging: str = "immediate",
                 paging_log: int = lib.DXGK_PG_DEFAULT_CAPACITY, driver: Any = None,
                 decoder: Any = None) -> None:
        if paging not in _PAGING_MODES:
            raise ValueError(f"Adapter: paging must be 'immediate' or 'deferred'; got "
                             f"{described(paging)}")
        log_cap = _pglog.check_capacity(paging_log)
        if driver is not None:
            self._init_driver(driver, caps, levels, segments, paging, log_cap, decoder)
            return
        if decoder is not None:
            raise ValueError("Adapter: a decoder reads a driver's page tables; it needs "
                             "driver=... (docs/behaviour.md 10.4)")
        c, lv, segs = _desc.description(caps, levels, segments)
        lbuf, sbuf = _desc.c_buffers(lv, segs)
        out_a = ffi.new("uint64_t *")
        out_s = ffi.new("uint64_t *")
        msg = ffi.new("char[]", _MSG)
        st = lib.dxgk_vm_adapter_create(ffi.from_buffer(c), lbuf, sbuf, len(segs), out_a,
                                        out_s, msg, _MSG) & 0xFFFFFFFF
        if st != STATUS_SUCCESS:
            text = ffi.string(msg).decode(errors="replace")
            if st == STATUS_INVALID_PARAMETER:
                raise ValueError(f"invalid adapter description: {text}")
            if st == STATUS_NO_MEMORY:
                raise MemoryError(text or "out of memory creating the adapter")
            raise DdiError(st, text)
        self._handle = int(out_a[0])
        self._system = int(out_s[0])
        if lib.dxgk_vm_adapter_set_paging(self._handle, _PAGING_MODES[paging]) != STATUS_SUCCESS:
            lib.dxgk_vm_adapter_destroy(self._handle)
            raise RuntimeError("Adapter: the core refused the paging mode of a new adapter")
        if not self._set_log_capacity(log_cap):
            lib.dxgk_vm_adapter_destroy(self._handle)
            raise MemoryError("Adapter: no memory for the paging log")
        self._paging = paging
        self._caps = c
        self._levels = tuple(type(x).from_buffer_copy(x) for x in lv)
        self._segments = tuple(segs)
        self._finalizer = weakref.finalize(self, _destroy_adapter, self._handle)
        _record("adapter", self)

    def _set_log_capacity(self, log_cap: int) -> bool:
        """The paging log's capacity (docs/behaviour.md 10.2); False: no memory for it."""
        if log_cap == lib.DXGK_PG_DEFAULT_CAPACITY:
            return True
        return (lib.dxgk_pg_set_capacity(self._handle, log_cap) & 0xFFFFFFFF) == STATUS_SUCCESS

    def _init_driver(self, driver: Any, caps: Any, levels: Sequence[Any] | None,
                     segments: Sequence[_desc.SegmentSpec] | None, paging: str,
                     log_cap: int, decoder: Any) -> None:
        att = _drv.bring_up(driver, caps, levels, segments)
        self._handle, self._system = att.handle, att.system
        self._finalizer = weakref.finalize(self, _destroy_driver_adapter, att.handle, att)
        try:
            att.decoder = _drv.set_decoder(att.handle, decoder, att.python)
        except BaseException:
            self._finalizer()
            raise
        if lib.dxgk_vm_adapter_set_paging(self._handle, _PAGING_MODES[paging]) != STATUS_SUCCESS:
            self._finalizer()
            raise RuntimeError("Adapter: the core refused the paging mode of a new adapter")
        if not self._set_log_capacity(log_cap):
            self._finalizer()
            raise MemoryError("Adapter: no memory for the paging log")
        self._paging = paging
        self._caps = att.caps
        self._levels = tuple(type(x).from_buffer_copy(x) for x in att.levels)
        self._segments = tuple(att.segments)
        self._with_driver = True
        self._attached = att
        _record("adapter", self)

    # -- the driver (docs/behaviour.md 10.1) --

    @property
    def removed(self) -> bool:
        """True once a driver fault has removed the adapter: every later call that would
        change it fails with STATUS_DEVICE_REMOVED; inspection still works."""
        self._require_open()
        return bool(lib.dxgk_drv_removed(self._handle))

    @property
    def driver_faults(self) -> list[_drv.DriverFault]:
        """The driver's faults so far, oldest first (empty without a driver)."""
        self._require_open()
        return _drv.driver_faults(self._handle)

    @property
    def ddi_calls(self) -> list[_drv.DdiCall]:
        """The DDI calls made on the driver (bring-up, objects, root page tables), oldest
        first -- the newest 4096 of them (empty without a driver)."""
        self._require_open()
        return _drv.ddi_calls(self._handle)

    @property
    def paging(self) -> str:
        """``"immediate"`` or ``"deferred"``: when the user-mode services' page-table work
        runs (docs/behaviour.md 9.7)."""
        return self._paging

    @property
    def caps(self) -> Any:
        """A copy of the adapter's ``DXGK_GPUMMUCAPS``."""
        return type(self._caps).from_buffer_copy(self._caps)

    @property
    def levels(self) -> list[Any]:
        """Copies of the ``DXGK_PAGE_TABLE_LEVEL_DESC`` of each level, leaf first."""
        return [type(x).from_buffer_copy(x) for x in self._levels]

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The segment descriptions; segment id = position + 1."""
        return self._segments

    # -- lifetime --

    @property
    def closed(self) -> bool:
        """True once the adapter is destroyed (``close()``, its ``with`` block)."""
        return not self._finalizer.alive

    def close(self) -> None:
        """Destroys the adapter and everything in it. Idempotent."""
        self._finalizer()

    def _require_open(self) -> None:
        if not self._finalizer.alive:
            raise self._closed_error()

    # -- objects --

    @property
    def system_process(self) -> Process:
        """The adapter's system process (the system device, hDevice NULL, lives in it)."""
        self._require_open()
        return Process(self, self._system, system=True)

    def create_process(self, on_create: Callable[[Process], Any] | None = None) -> Process:
        """Creates a process (a GPU VA space). ``on_create(process)`` runs while the process
        is being created -- the stand-in for DxgkDdiCreateProcess and the only time
        ``DxgkCbReserveGpuVirtualAddressRange`` accepts it. No lock is held during the hook.
        A hook fails by raising: the process is then destroyed (its reservations with it)
        and the exception propagates. Its return value is ignored, whatever it is -- so
        ``on_create=lambda p: p.reserve(...)``, which returns a VA, is a normal hook
        (docs/behaviour.md section 6.3)."""
        self._require_open()
        if on_create is not None and not callable(on_create):
            raise TypeError(f"create_process: on_create must be a callable taking the "
                            f"dxgk.Process, or None; got {described(on_create)}")
        if self._with_driver and self.removed:
            raise DdiError(_drv.STATUS_DEVICE_REMOVED, f"create_process on {self!r}: the "
                           f"adapter was removed by a driver fault")
        out = ffi.new("uint64_t *")
        st = _obj_call("process_begin", lib.dxgk_vm_process_begin, self._handle, out)
        self._check(st)
        p = Process(self, int(out[0]))
        end = getattr(lib, _drv.core_name(self._with_driver, "process_end"))
        if self._with_driver:       # DxgkDdiCreateProcess first (docs/behaviour.md 10.1)
            st = lib.dxgk_drv_create_process(p._handle) & 0xFFFFFFFF
            if st != STATUS_SUCCESS:
                _obj_call("process_end", end, p._handle, 0)
                raise DdiError(st, f"create_process on {self!r}: DxgkDdiCreateProcess failed")
        if on_create is not None:
            try:
                on_create(p)            # its return value is ignored (docs/behaviour.md 6.3)
            except BaseException:
                _obj_call("process_end", end, p._handle, 0)
                raise
        st = _obj_call("process_end", end, p._handle, 1) & 0xFFFFFFFF
        if st != STATUS_SUCCESS:
            raise (p._closed_error() if st == STATUS_INVALID_HANDLE
                   else DdiError(st, "finishing process creation"))
        return p

    # -- DDI conveniences (each fills the DDI struct and calls the facade) --

    def create_allocation(self, size: int, device: Any = None, context: Any = None, *,
                          segments: int | Iterable[int] | None = None,
                          preferred: Sequence[int] = (), alignment: int = 0,
                          flags: int | _Dict[str, int] | None = None, shared: bool = False,
                          map_va: bool = False, driver_allocation: int = 0,
                          eviction_segments: int = 0) -> int:
        """DxgkCbCreateContextAllocation; returns hAllocation or raises :class:`DdiError`.

        ``device``/``context``: objects or handles (None = the system device / no context;
        a Context alone implies its device). ``segments``: SupportedSegmentSet as a bit
        mask (int) or an iterable of segment ids (default: every segment). ``preferred``:
        up to five segment ids (PreferredSegment.SegmentId0..4). ``flags``:
        DXGK_ALLOCATIONINFOFLAGS as an int or a dict of its bits (e.g. ``{"Cached": 1}``).
        ``shared``/``map_va``: the SharedAcrossContexts / MapGpuVirtualAddress create flags
        (the VA is ``allocation(h).va``)."""
        args = self._create_args(size, device, context, "create_allocation",
                                 segments=segments, preferred=preferred, alignment=alignment,
                                 flags=flags, shared=shared, map_va=map_va,
                                 driver_allocation=driver_allocation,
                                 eviction_segments=eviction_segments)
        st = DxgkCbCreateContextAllocation(args)
        if st != STATUS_SUCCESS:
            raise DdiError(st, _explain.create_failure(self, st, args))
        return int(args.hAllocation)

    def _create_args(self, size: int, device: Any, context: Any, what: str, *,
                     segments: int | Iterable[int] | None, preferred: Sequence[int],
                     alignment: int, flags: int | _Dict[str, int] | None, shared: bool,
                     map_va: bool, driver_allocation: int,
                     eviction_segments: int) -> Any:
        """A DXGKARGCB_CREATECONTEXTALLOCATION from create_allocation's keywords, every
        value checked (messages start with `what`)."""
        self._require_open()
        if device is None and isinstance(context, Context):
            device = context.device
        hdev = handle_of(device, f"{what}: device", (Device,), "device",
                         hint="a Context goes in context=, its device is implied"
                         if isinstance(device, Context) else "")
        hctx = handle_of(context, f"{what}: context", (Context,), "context")
        size = uint(size, f"{what}: size (Size)")
        alignment = uint(alignment, f"{what}: alignment (Alignment)", 32)
        if segments is None:
            mask = (1 << len(self._segments)) - 1
        elif isinstance(segments, int) and not isinstance(segments, bool):
            mask = uint(segments, f"{what}: segments (SupportedSegmentSet)", 32)
        else:
            mask = 0
            for i, sid in enumerate(_iterable(segments, f"{what}: segments")):
                if not (type(sid) is int and 1 <= sid <= 32):
                    sid = integer(sid, f"{what}: segments[{i}] (a segment id)",
                                  1, 32)
                mask |= 1 << (sid - 1)
        pref = list(_iterable(preferred, f"{what}: preferred")) if preferred else []
        if len(pref) > 5:
            raise ValueError(f"{what}: preferred holds at most five segment ids "
                             f"(PreferredSegment.SegmentId0..4); got {len(pref)}")
        pref = [sid if type(sid) is int and 0 <= sid <= 31 else
                integer(sid, f"{what}: preferred[{i}] "
                        f"(PreferredSegment.SegmentId{i})", 0, 31) for i, sid in enumerate(pref)]
        # every value is checked: set the ctypes fields directly
        args = structs.DXGKARGCB_CREATECONTEXTALLOCATION()
        args.hAdapter, args.hDevice, args.hContext = self._handle, hdev, hctx
        args.hDriverAllocation = uint(driver_allocation, f"{what}: "
                                      "driver_allocation (hDriverAllocation)")
        args.Size, args.Alignment, args.SupportedSegmentSet = size, alignment, mask
        args.EvictionSegmentSet = uint(eviction_segments, f"{what}: "
                                       "eviction_segments (EvictionSegmentSet)", 32)
        cflags = args.ContextAllocationFlags
        cflags.SharedAcrossContexts = _flag(shared, f"{what}: shared")
        cflags.MapGpuVirtualAddress = _flag(map_va, f"{what}: map_va")
        for i, sid in enumerate(pref):
            setattr(args.PreferredSegment, f"SegmentId{i}", sid)
        if isinstance(flags, _Dict):
            _desc.fill(args.Flags, flags, f"{what}: flags")
        elif flags is not None:
            args.Flags.Value = uint(flags, f"{what}: flags "
                                    "(DXGK_ALLOCATIONINFOFLAGS.Value)", 32)
        return args

    def map(self, allocation: int | None, pages: int | None = None, *, offset: int = 0,
            base: int = 0, minimum: int = 0, maximum: int = 0, write: bool = True,
            execute: bool = False, zero: bool = False, no_access: bool = False,
            system_use_only: bool = False, protection: int | None = None,
            driver_protection: int = 0) -> int:
        """DxgkCbMapContextAllocation; returns the VA or raises :class:`DdiError`.

        ``pages`` defaults to the rest of the allocation from ``offset`` (both in 4 KB
        pages). A Zero / NoAccess range (``zero=True`` / ``no_access=True``) has no
        allocation (None) and needs ``pages``. ``protection`` (a raw Value) overrides the
        write/execute/zero/no_access/system_use_only keywords."""
        self._require_open()
        h = _allocation_handle(allocation, "map: allocation")
        offset = uint(offset, "map: offset (OffsetInPages)")
        base = uint(base, "map: base (BaseAddress)")
        minimum = uint(minimum, "map: minimum (MinimumAddress)")
        maximum = uint(maximum, "map: maximum (MaximumAddress)")
        driver_protection = uint(driver_protection, "map: driver_protection (DriverProtection)")
        if protection is None:
            b = PROTECTION_BITS
            protection = ((b["Write"] if _flag(write, "map: write") else 0)
                          | (b["Execute"] if _flag(execute, "map: execute") else 0)
                          | (b["Zero"] if _flag(zero, "map: zero") else 0)
                          | (b["NoAccess"] if _flag(no_access, "map: no_access") else 0)
                          | (b["SystemUseOnly"] if _flag(system_use_only,
                                                         "map: system_use_only") else 0))
        else:
            protection = uint(protection, "map: protection (Protection.Value)")
        derived = pages is None
        if derived:
            if not h:
                raise ValueError("map: a Zero / NoAccess range has no allocation to take its "
                                 "size from; give pages=")
            # the rest of the allocation from offset; none left (or no live allocation):
            # 0 pages, which the DDI refuses and the error explains
            pages = max(_explain.allocation_pages(h) - offset, 0)
        else:
            pages = uint(pages, "map: pages (SizeInPages)")
        # every value is checked above: set the ctypes fields directly
        args = structs.DXGKARGCB_MAPCONTEXTALLOCATION()
        args.BaseAddress, args.MinimumAddress, args.MaximumAddress = base, minimum, maximum
        args.hAllocation, args.OffsetInPages, args.SizeInPages = h, offset, pages
        args.DriverProtection = driver_protection
        args.Protection.Value = protection
        va = DxgkCbMapContextAllocation(self._handle, args)
        if va == 0:
            st = last_status()
            raise DdiError(st, _explain.map_failure(self, st, args, derived))
        return va

    def destroy_allocation(self, allocation: int) -> None:
        """DxgkCbDestroyContextAllocation; raises :class:`DdiError` on failure."""
        self._require_open()
        h = _allocation_handle(allocation, "destroy_allocation: allocation")
        st = DxgkCbDestroyContextAllocation(self._handle, h)
        if st != STATUS_SUCCESS:
            raise DdiError(st, _explain.handle_failure(self, "destroy_allocation", st, h))

    def update_allocation(self, allocation: int, data: Any = None) -> None:
        """DxgkCbUpdateContextAllocation with ``data`` (any bytes-like object, or None) as
        the private driver data; raises :class:`DdiError` on failure."""
        self._require_open()
        h = _allocation_handle(allocation, "update_allocation: allocation")
        keep = None
        ptr = size = 0
        if data is not None:
            try:
                mv = memoryview(data)
            except TypeError:
                raise TypeError(f"update_allocation: data must be a bytes-like object or "
                                f"None; got {described(data)}") from None
            size = mv.nbytes
            if size:
                keep = ffi.from_buffer(mv)
                ptr = int(ffi.cast("uintptr_t", keep))
        args = structs.DXGKARGCB_UPDATECONTEXTALLOCATION(
            hAllocation=h, pPrivateDriverData=ptr,
            PrivateDriverDataSize=uint(size, "update_allocation: len(data)", 32))
        st = DxgkCbUpdateContextAllocation(self._handle, args)
        del keep
        if st != STATUS_SUCCESS:
            raise DdiError(st, _explain.handle_failure(self, "update_allocation", st, h))

    def interface(self) -> Any:
        """A ``structs.DXGKRNL_INTERFACE`` filled as Dxgkrnl hands it to a driver: Size,
        Version, DeviceHandle = this adapter, and the five DxgkCb* GPU-VA callbacks as real
        C function pointers (every other member NULL). Pass its address to C code."""
        self._require_open()
        iface = structs.DXGKRNL_INTERFACE()
        self._check(lib.dxgk_fill_interface(self._handle, ffi.from_buffer(iface)))
        return iface

    # -- inspection --

    def allocation(self, allocation: int) -> AllocationInfo:
        """The context allocation with this handle (:class:`DdiError`
        STATUS_INVALID_HANDLE if it is not a live allocation of this adapter)."""
        self._require_open()
        h = _allocation_handle(allocation, "allocation: allocation", allow_none=False)
        if lib.dxgk_vm_adapter_of(h) != self._handle:
            raise DdiError(STATUS_INVALID_HANDLE,
                           f"{h:#x} is not a live allocation of {self!r}")
        out = ffi.new("dxgk_vm_alloc_info *")
        st = lib.dxgk_vm_allocation_info(h, out) & 0xFFFFFFFF
        if st != STATUS_SUCCESS:
            raise DdiError(st, f"{h:#x} is not a live allocation of {self!r}")
        return allocation_info_of(out[0])

    def segment(self, segment_id: int) -> SegmentInfo:
        """Segment ``segment_id`` (1-based) with its current usage."""
        self._require_open()
        segment_id = integer(segment_id, "segment: segment_id", -(1 << 63), (1 << 63) - 1)
        if not 1 <= segment_id <= len(self._segments):
            raise ValueError(f"no segment {segment_id}: this adapter has segments "
                             f"1..{len(self._segments)}")
        out = ffi.new("dxgk_vm_segment_info *")
        self._check(lib.dxgk_vm_get_segment_info(self._handle, segment_id, out))
        o = out[0]
        return SegmentInfo(int(o.id), _desc.KIND_NAMES.get(o.kind, str(o.kind)), int(o.size),
                           int(o.page_size), int(o.used_bytes), int(o.table_bytes),
                           int(o.largest_hole))

    def stats(self) -> AdapterStats:
        """Counts of everything alive in the adapter now -- processes (the system process
        included), devices, contexts, allocations, mappings, reservations, page-table
        bytes, paging records -- and its shape (segments, levels, VA bits, interface
        version), as an :class:`AdapterStats`."""
        self._require_open()
        out = ffi.new("dxgk_vm_adapter_stats *")
        self._check(lib.dxgk_vm_get_adapter_stats(self._handle, out))
        o = out[0]
        return AdapterStats(int(o.processes), int(o.devices), int(o.contexts),
                            int(o.allocations), int(o.mappings), int(o.reservations),
                            int(o.table_bytes), int(o.paging_records), int(o.segment_count),
                            int(o.level_count), int(o.va_bits), int(o.interface_version))

    def table_memory(self, process: Any, level: int, segment_offset: int) -> memoryview:
        """A copy of the bytes the attached driver wrote into the page table of `level`
        at `segment_offset` of that level's segment (docs/behaviour.md 10.4: CPU_VIRTUAL
        update mode, a driver building paging buffers). `process` names whose table it
        is (checked to be this adapter's). ``ValueError`` when no table there has
        memory."""
        self._require_open()
        if getattr(process, "adapter", None) is not self and process is not self.system_process:
            raise ValueError(f"table_memory: {process!r} is not a process of {self!r}")
        lv = integer(level, "table_memory: level", 0, len(self._levels) - 1)
        off = uint(segment_offset, "table_memory: segment_offset")
        seg = int(self._levels[lv].PageTableSegmentId)
        ptr, size = ffi.new("void **"), ffi.new("uint64_t *")
        if lib.dxgk_pg_table_memory(self._handle, seg, off, ptr, size) & 0xFFFFFFFF:
            raise ValueError(f"table_memory: no table with memory at {seg}:{off:#x} (level "
                             f"{lv}); tables have memory with a driver in CPU_VIRTUAL mode")
        return memoryview(bytes(ffi.buffer(ptr[0], int(size[0]))))

    @property
    def paging_log(self) -> list[PagingOp]:
        """The paging stream's newest operations (docs/behaviour.md 10.2), oldest first:
        :class:`PagingOp` records with copies of each operation's struct, entries and
        private data, and the DMA bytes an attached driver submitted for it (bounded).
        Empty when the adapter was made with ``paging_log=0``."""
        self._require_open()
        return _pglog.read_log(self._handle, self._process_of, self._check)

    def _process_of(self, handle: int) -> Process | None:
        if handle == 0:
            return None
        return Process(self, handle, system=handle == self._system)

    def validate(self) -> None:
        """Checks every invariant of the model in C; ``AssertionError`` with the first
        violation. With a driver's decoder (docs/behaviour.md 10.4), then every entry of
        the driver's own page tables against the model's, naming the first that differs."""
        self._require_open()
        msg = ffi.new("char[]", _MSG)
        dec = self._attached.decoder if self._attached is not None else None
        if dec is not None:
            dec.last_error = None
        st = lib.dxgk_vm_validate(self._handle, msg, _MSG) & 0xFFFFFFFF
        if st == STATUS_INVALID_PARAMETER:
            text = ffi.string(msg).decode(errors="replace")
            if dec is not None and dec.last_error:
                text += f" ({dec.last_error})"
            raise AssertionError(text)
        self._check(st)

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<dxgk.Adapter {self._handle:#018x}{state}>"


