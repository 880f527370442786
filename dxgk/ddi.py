"""The DxgkCb* GPU-VA callback family, callable from Python with the real structures.

Each function takes its argument the way the C callback does -- a pointer to the
Windows struct -- and hands the C core (``dxgk/core/ddi.c``) a pointer into the
caller's own memory: no copy, no per-field Python work. ``args`` may be

* a ``dxgk.structs`` instance of exactly the struct's class (the fastest path: one type
  check, ``ctypes.addressof`` and one cffi call),
* a ctypes pointer to one (``ctypes.pointer(s)``) or ``ctypes.byref(s)``,
* any buffer of exactly the struct's size: ``bytearray``, ``memoryview``, a numpy array,
  ``array.array``, ``mmap``, a cffi buffer or cdata (``ffi.new("uint8_t[64]")``); a
  read-only buffer such as ``bytes`` only for the callbacks whose argument is ``const``
  (Map, Update) -- Create and Reserve write their out-fields back in place,
* ``None``: a NULL pointer, answered by the DDI itself (``STATUS_INVALID_PARAMETER``).

A buffer of the wrong type is a ``TypeError``, of the wrong size a ``ValueError``; both
name the struct and its size. Wrong *contents* get the DDI's own answer: 0 or an
NTSTATUS, and :func:`last_status` says why.

NTSTATUS values are returned as unsigned 32-bit ints (``0xC000000D``), equal to the
``STATUS_*`` constants here.

x86 layout (a 32-bit driver's view)
-----------------------------------
``abi="x86"``, or an instance of a ``dxgk.structs.x86`` class (detected), says the bytes
are in the x86 layout. The facade converts them into a host-layout copy field by field
from the layout engine's field tables (``dxgk.layout.cached_layouts``), calls, and writes
the out-fields back into the caller's x86 buffer. Pointer-sized members zero-extend.

dxgk's handles are 64-bit values (a generation lives in bits 40..63), so none of them
fits an x86 HANDLE. The facade therefore keeps a *32-bit alias* per handle, like a
32-bit kernel would hand out: :func:`x86_handle` gives the alias of a handle (the same
one for the handle's whole life), :func:`host_handle` the handle behind an alias. In x86
buffers the dxgk handle members (hAdapter, hDevice, hContext, hAllocation,
hDxgkProcess) are read through the aliases, an out-handle (Create's hAllocation) is
written back as an alias, and the ``hAdapter``/``hAllocation`` int arguments of an
``abi="x86"`` call may be aliases too. A 32-bit value that is no alias zero-extends (and
so is an invalid handle to the core: the DDI's answer, not a Python error).
``hDriverAllocation`` is the driver's own value and is never translated. A 32-bit
``pPrivateDriverData`` (Update) zero-extends too: it must address memory of this process
below 4 GiB (e.g. an ``mmap`` with ``MAP_32BIT``); otherwise use the host layout.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from ._core import ffi, lib
from ._ddi_docs import DDI_DOCS
from .argcheck import described
from .marshal import (
    _UINTPTR,
    _alias_to_handle,
    _as_u64,
    host_handle,
    x86_handle,
)
from .marshal import Spec as _Spec

if TYPE_CHECKING:
    from .trace.recorder import Recorder

__all__ = [
    "STATUS_CONFLICTING_ADDRESSES",
    "STATUS_INVALID_HANDLE",
    "STATUS_INVALID_PARAMETER",
    "STATUS_NO_MEMORY",
    "STATUS_SUCCESS",
    "DdiError",
    "DxgkCbCreateContextAllocation",
    "DxgkCbDestroyContextAllocation",
    "DxgkCbMapContextAllocation",
    "DxgkCbReserveGpuVirtualAddressRange",
    "DxgkCbUpdateContextAllocation",
    "host_handle",
    "last_status",
    "live_handles",
    "status_name",
    "x86_handle",
]

# ---- status codes (docs/behaviour.md section 8) -----------------------------------------

STATUS_SUCCESS: Final[int] = 0x00000000
STATUS_INVALID_HANDLE: Final[int] = 0xC0000008
STATUS_INVALID_PARAMETER: Final[int] = 0xC000000D
STATUS_NO_MEMORY: Final[int] = 0xC0000017
STATUS_CONFLICTING_ADDRESSES: Final[int] = 0xC0000018

#: The user-mode services' "queued, not yet done" (docs/behaviour.md 9.7).
STATUS_PENDING: Final[int] = 0x00000103
#: Every call on an adapter whose driver has faulted (docs/behaviour.md 10.1).
STATUS_DEVICE_REMOVED: Final[int] = 0xC00002B6
#: A driver's QueryAdapterInfo answer that keeps the model's value (docs/behaviour.md 10.1).
STATUS_NOT_SUPPORTED: Final[int] = 0xC00000BB

_STATUS_NAMES: Final[dict[int, str]] = {
    STATUS_SUCCESS: "STATUS_SUCCESS",
    STATUS_INVALID_HANDLE: "STATUS_INVALID_HANDLE",
    STATUS_INVALID_PARAMETER: "STATUS_INVALID_PARAMETER",
    STATUS_NO_MEMORY: "STATUS_NO_MEMORY",
    STATUS_CONFLICTING_ADDRESSES: "STATUS_CONFLICTING_ADDRESSES",
    STATUS_PENDING: "STATUS_PENDING",
    STATUS_DEVICE_REMOVED: "STATUS_DEVICE_REMOVED",
    STATUS_NOT_SUPPORTED: "STATUS_NOT_SUPPORTED",
}


def status_name(code: int) -> str:
    """``"STATUS_CONFLICTING_ADDRESSES"`` for 0xC0000018 (signed or unsigned form);
    ``"NTSTATUS 0x........"`` for a code dxgk does not name."""
    code = int(code) & 0xFFFFFFFF
    return _STATUS_NAMES.get(code, f"NTSTATUS {code:#010x}")


def last_status() -> int:
    """The NTSTATUS of the calling thread's last DDI call (``STATUS_SUCCESS`` before any):
    why DxgkCbMapContextAllocation returned 0, which Windows never says."""
    return lib.dxgk_last_status() & 0xFFFFFFFF


def live_handles() -> int:
    """The number of live handles (adapters, processes, devices, contexts, allocations)
    of every adapter in this process: an int, for leak checks (equal before and after)."""
    return int(lib.dxgk_vm_live_handles())


class DdiError(RuntimeError):
    """A DDI call made on the caller's behalf (by the object layer) failed.

    ``status`` is the NTSTATUS (unsigned), ``status_name`` its name."""

    def __init__(self, status: int, message: str = "") -> None:
        self.status = int(status) & 0xFFFFFFFF
        self.status_name = status_name(self.status)
        super().__init__(f"{self.status_name}: {message}" if message else self.status_name)


_MAP = _Spec("DxgkCbMapContextAllocation", "DXGKARGCB_MAPCONTEXTALLOCATION", ())
_CREATE = _Spec("DxgkCbCreateContextAllocation", "DXGKARGCB_CREATECONTEXTALLOCATION",
                ("hAllocation",))
_UPDATE = _Spec("DxgkCbUpdateContextAllocation", "DXGKARGCB_UPDATECONTEXTALLOCATION", ())
_RESERVE = _Spec("DxgkCbReserveGpuVirtualAddressRange",
                 "DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE", ("StartVirtualAddress",))


_OBJECT_KINDS: Final[dict[int, str]] = {
    lib.DXGK_VM_T_PROCESS: "process", lib.DXGK_VM_T_DEVICE: "device",
    lib.DXGK_VM_T_CONTEXT: "context", lib.DXGK_VM_T_ALLOCATION: "allocation"}


def _handle_arg(h: Any, abi: str | None, what: str) -> int:
    """A callback's handle argument: an int, or (for hAdapter) a dxgk.Adapter. An object
    layer object of another kind -- a Context given as hAdapter, a Device as hAllocation
    -- is a TypeError; a handle *value* of the wrong kind is the DDI's to answer."""
    if not isinstance(h, int) and hasattr(h, "handle"):
        kind = _OBJECT_KINDS.get(lib.dxgk_vm_handle_type(_as_u64(h, what)))
        if what != "hAdapter" or kind is not None:
            expected = "an int handle or a dxgk.Adapter" if what == "hAdapter" \
                else "an int handle"
            raise TypeError(f"{what} must be {expected}; got {described(h)}")
    v = _as_u64(h, what)
    if abi == "x86" and v <= 0xFFFFFFFF:
        v = _alias_to_handle.get(v, v)
    return v


def _status_ok(st: int) -> bool:
    return st == STATUS_SUCCESS


# The active trace recorder (dxgk.trace.Recorder) or None. While one is set, each callback
# hands its whole call to it (it makes the same C call and writes the trace line); the cost
# when not recording is this one global read per call.
_recorder: Recorder | None = None


def _obj_call(event: str, fn: Callable[..., int], *args: Any) -> int:
    """Makes one object-layer C call, ``fn(*args)``; while a trace is being recorded the
    recorder makes it and writes its ``event`` line under one lock, so that the line
    lands where the core executed the call (another thread's call cannot come between)."""
    rec = _recorder
    if rec is None:
        return fn(*args)
    return rec.object_call(event, fn, *args)


# ---- the five callbacks ---------------------------------------------------------------------
#
# Each is made by a factory so that the hot path reads closure cells plus the one
# `_recorder` global: recorder check, type check, addressof, one cffi call. Everything else -- other
# argument forms, the x86 layout, an Adapter object as hAdapter -- goes to _Spec.call.


def _make_map() -> Callable[..., int]:
    cls = _MAP.cls
    size = _MAP.size
    addressof = ctypes.addressof
    from_buffer = ffi.from_buffer
    cast = ffi.cast
    uintptr = _UINTPTR
    c_map = lib.dxgk_py_map
    spec = _MAP

    def DxgkCbMapContextAllocation(hAdapter: Any, args: Any, *, abi: str | None = None) -> int:
        # help text: DDI_DOCS (dxgk/_ddi_docs.py)
        if _recorder is not None:
            return _recorder.map(hAdapter, args, abi)
        if abi is None:
            t = type(args)
            if t is cls:
                try:
                    return c_map(hAdapter, addressof(args))
                except (TypeError, OverflowError):   # an Adapter object, or out of range
                    return c_map(_handle_arg(hAdapter, None, "hAdapter"), addressof(args))
            if t is bytearray and len(args) == size:
                buf = from_buffer(args)
                try:
                    return c_map(hAdapter, cast(uintptr, buf))
                except (TypeError, OverflowError):
                    return c_map(_handle_arg(hAdapter, None, "hAdapter"), cast(uintptr, buf))
        h = _handle_arg(hAdapter, abi, "hAdapter")
        return spec.call(lambda p: c_map(h, p), args, abi, _status_ok)

    return DxgkCbMapContextAllocation


def _make_create() -> Callable[..., int]:
    cls = _CREATE.cls
    size = _CREATE.size
    addressof = ctypes.addressof
    from_buffer = ffi.from_buffer
    cast = ffi.cast
    uintptr = _UINTPTR
    c_create = lib.dxgk_py_create
    spec = _CREATE

    def DxgkCbCreateContextAllocation(args: Any, *, abi: str | None = None) -> int:
        # help text: DDI_DOCS (dxgk/_ddi_docs.py)
        if _recorder is not None:
            return _recorder.create(args, abi)
        if abi is None:
            t = type(args)
            if t is cls:
                return c_create(addressof(args)) & 0xFFFFFFFF
            if t is bytearray and len(args) == size:
                buf = from_buffer(args)
                return c_create(cast(uintptr, buf)) & 0xFFFFFFFF
        return spec.call(lambda p: c_create(p) & 0xFFFFFFFF, args, abi, _status_ok)

    return DxgkCbCreateContextAllocation


def _make_update() -> Callable[..., int]:
    cls = _UPDATE.cls
    addressof = ctypes.addressof
    c_update = lib.dxgk_py_update
    spec = _UPDATE

    def DxgkCbUpdateContextAllocation(hAdapter: Any, args: Any, *,
                                      abi: str | None = None) -> int:
        # help text: DDI_DOCS (dxgk/_ddi_docs.py)
        if _recorder is not None:
            return _recorder.update(hAdapter, args, abi)
        if abi is None and type(args) is cls:
            try:
                return c_update(hAdapter, addressof(args)) & 0xFFFFFFFF
            except (TypeError, OverflowError):      # an Adapter object, or out of range
                return c_update(_handle_arg(hAdapter, None, "hAdapter"),
                            addressof(args)) & 0xFFFFFFFF
        h = _handle_arg(hAdapter, abi, "hAdapter")
        return spec.call(lambda p: c_update(h, p) & 0xFFFFFFFF, args, abi, _status_ok)

    return DxgkCbUpdateContextAllocation


def _make_reserve() -> Callable[..., int]:
    cls = _RESERVE.cls
    addressof = ctypes.addressof
    c_reserve = lib.dxgk_py_reserve
    spec = _RESERVE

    def DxgkCbReserveGpuVirtualAddressRange(hAdapter: Any, args: Any, *,
                                            abi: str | None = None) -> int:
        # help text: DDI_DOCS (dxgk/_ddi_docs.py)
        if _recorder is not None:
            return _recorder.reserve(hAdapter, args, abi)
        if abi is None and type(args) is cls:
            try:
                return c_reserve(hAdapter, addressof(args)) & 0xFFFFFFFF
            except (TypeError, OverflowError):      # an Adapter object, or out of range
                return c_reserve(_handle_arg(hAdapter, None, "hAdapter"),
                            addressof(args)) & 0xFFFFFFFF
        h = _handle_arg(hAdapter, abi, "hAdapter")
        return spec.call(lambda p: c_reserve(h, p) & 0xFFFFFFFF, args, abi, _status_ok)

    return DxgkCbReserveGpuVirtualAddressRange


DxgkCbMapContextAllocation = _make_map()
DxgkCbCreateContextAllocation = _make_create()
DxgkCbUpdateContextAllocation = _make_update()
DxgkCbReserveGpuVirtualAddressRange = _make_reserve()


def DxgkCbDestroyContextAllocation(hAdapter: Any, hAllocation: Any, *,
                                   abi: str | None = None) -> int:
    # help text: DDI_DOCS (dxgk/_ddi_docs.py)
    if _recorder is not None:
        return _recorder.destroy(hAdapter, hAllocation, abi)
    return lib.dxgk_py_destroy(_handle_arg(hAdapter, abi, "hAdapter"),
                               _handle_arg(hAllocation, abi, "hAllocation")) & 0xFFFFFFFF


for _ddi in (DxgkCbMapContextAllocation, DxgkCbCreateContextAllocation,
             DxgkCbUpdateContextAllocation, DxgkCbReserveGpuVirtualAddressRange,
             DxgkCbDestroyContextAllocation):
    _ddi.__doc__ = DDI_DOCS[_ddi.__name__]
del _ddi
