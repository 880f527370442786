"""The D3DKMT GPU-VA thunks, callable from Python with the real structures
(docs/behaviour.md section 9).

What it owns: ``D3DKMTCreatePagingQueue``, ``D3DKMTDestroyPagingQueue``,
``D3DKMTReserveGpuVirtualAddress``, ``D3DKMTMapGpuVirtualAddress``,
``D3DKMTFreeGpuVirtualAddress`` and ``D3DKMTUpdateGpuVirtualAddress`` -- thin facades over
the C thunks of ``dxgk/core/kmt.c``, with the argument conventions of :mod:`dxgk.ddi`: a
``dxgk.structs`` instance (fastest), a ctypes pointer or ``byref``, a buffer of exactly
the struct's size (read-only buffers only for the ``const`` arguments), ``None`` (NULL),
and ``abi="x86"`` for the x86 layout. Each returns the thunk's NTSTATUS as an unsigned
int and leaves it in :func:`dxgk.last_status`; out-fields are written in place, only
when the thunk succeeded (``STATUS_SUCCESS`` or ``STATUS_PENDING``).

Invariant: the C core reads only memory the caller handed over with its size known. The
one pointer inside an argument, ``D3DKMT_UPDATEGPUVIRTUALADDRESS.Operations``, is
therefore given to the facade as the ``operations`` buffer itself, whose size is checked
against ``NumOperations`` before the call (docs/behaviour.md 9.6).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any, Final

from . import ddi as _ddi
from . import structs
from ._core import ffi, lib
from .argcheck import described
from .ddi import STATUS_PENDING, STATUS_SUCCESS
from .marshal import _UINTPTR, Spec
from .structs import StructBase

__all__ = [
    "STATUS_PENDING",
    "D3DKMTCreateAllocation2",
    "D3DKMTCreatePagingQueue",
    "D3DKMTDestroyAllocation2",
    "D3DKMTDestroyPagingQueue",
    "D3DKMTFreeGpuVirtualAddress",
    "D3DKMTMapGpuVirtualAddress",
    "D3DKMTReserveGpuVirtualAddress",
    "D3DKMTUpdateGpuVirtualAddress",
]

MAX_OPERATIONS: Final[int] = 2048
#: docs/behaviour.md 10.5 [choice]: allocations per D3DKMTCreateAllocation2 /
#: D3DKMTDestroyAllocation2 call.
MAX_ALLOCATIONS: Final[int] = int(lib.DXGK_DRV_ALLOC2_MAX)


def _ok(st: int) -> bool:
    return st in (STATUS_SUCCESS, STATUS_PENDING)


_CREATE_QUEUE = Spec("D3DKMTCreatePagingQueue", "D3DKMT_CREATEPAGINGQUEUE",
                     ("hPagingQueue", "hSyncObject", "FenceValueCPUVirtualAddress"))
_DESTROY_QUEUE = Spec("D3DKMTDestroyPagingQueue", "D3DDDI_DESTROYPAGINGQUEUE", ())
_RESERVE = Spec("D3DKMTReserveGpuVirtualAddress", "D3DDDI_RESERVEGPUVIRTUALADDRESS",
                ("VirtualAddress", "PagingFenceValue"))
_MAP = Spec("D3DKMTMapGpuVirtualAddress", "D3DDDI_MAPGPUVIRTUALADDRESS",
            ("VirtualAddress", "PagingFenceValue"))
_FREE = Spec("D3DKMTFreeGpuVirtualAddress", "D3DKMT_FREEGPUVIRTUALADDRESS", ())
_UPDATE = Spec("D3DKMTUpdateGpuVirtualAddress", "D3DKMT_UPDATEGPUVIRTUALADDRESS", ())


def _make(spec: Spec, c_fn: Callable[[int], int]) -> Callable[..., int]:
    """One thunk: the fast path for an exact struct instance, everything else through
    ``Spec.call`` (other argument forms, the x86 layout)."""
    cls = spec.cls
    addressof = ctypes.addressof

    def thunk(args: Any, *, abi: str | None = None) -> int:
        rec = _ddi._recorder
        if rec is not None:                 # a trace is being recorded: it makes the call
            return rec.kmt_call(spec, c_fn, args, abi)
        if abi is None and type(args) is cls:
            return c_fn(addressof(args)) & 0xFFFFFFFF
        return spec.call(lambda p: c_fn(p) & 0xFFFFFFFF, args, abi, _ok)

    thunk.__name__ = thunk.__qualname__ = spec.func
    thunk.__doc__ = (f"``NTSTATUS {spec.func}({spec.name} *pArgs)`` (docs/behaviour.md "
                     f"section 9). ``args``: a dxgk.structs.{spec.name}, a ctypes pointer "
                     f"or byref() to one, a buffer of exactly its size, or None; "
                     f"``abi=\"x86\"`` for the x86 layout. Returns the NTSTATUS (also "
                     f"``dxgk.last_status()``).")
    return thunk


D3DKMTCreatePagingQueue = _make(_CREATE_QUEUE, lib.dxgk_py_kmt_create_paging_queue)
D3DKMTDestroyPagingQueue = _make(_DESTROY_QUEUE, lib.dxgk_py_kmt_destroy_paging_queue)
D3DKMTReserveGpuVirtualAddress = _make(_RESERVE, lib.dxgk_py_kmt_reserve)
D3DKMTMapGpuVirtualAddress = _make(_MAP, lib.dxgk_py_kmt_map)
D3DKMTFreeGpuVirtualAddress = _make(_FREE, lib.dxgk_py_kmt_free)

_OP_CLS: Final[type[StructBase]] = structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION
_OP_SIZE: Final[int] = ctypes.sizeof(_OP_CLS)
_UPDATE_CLS: Final[type[StructBase]] = structs.D3DKMT_UPDATEGPUVIRTUALADDRESS


def _operations_buffer(operations: Any) -> tuple[int, int, Any]:
    """(address, byte size, object keeping the memory alive) of an ``operations``
    argument: a ctypes array (or instance) of D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION,
    or any contiguous buffer (bytearray, numpy array, bytes, cffi buffer)."""
    if isinstance(operations, (ctypes.Array, StructBase)):
        elem = getattr(type(operations), "_type_", type(operations))
        if isinstance(elem, type) and issubclass(elem, StructBase) and \
                elem._dxgk_name_ != "D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION":
            raise TypeError(f"D3DKMTUpdateGpuVirtualAddress: operations must hold "
                            f"D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION records; got "
                            f"{described(operations)}")
        return ctypes.addressof(operations), ctypes.sizeof(operations), operations
    try:
        mv = memoryview(operations)
    except TypeError:
        raise TypeError(f"D3DKMTUpdateGpuVirtualAddress: operations must be an array of "
                        f"D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION ({_OP_SIZE} bytes each) "
                        f"or a buffer of them; got {described(operations)}") from None
    if not mv.c_contiguous:
        raise TypeError("D3DKMTUpdateGpuVirtualAddress: the operations buffer is not "
                        "contiguous")
    buf = ffi.from_buffer(mv)
    return int(ffi.cast(_UINTPTR, buf)), mv.nbytes, (mv, buf)


def D3DKMTUpdateGpuVirtualAddress(args: Any, operations: Any = None, *,
                                  abi: str | None = None) -> int:
    """``NTSTATUS D3DKMTUpdateGpuVirtualAddress(const D3DKMT_UPDATEGPUVIRTUALADDRESS *)``
    (docs/behaviour.md 9.6): a batch of MAP / MAP_PROTECT / UNMAP / COPY operations in
    reserved VADs, fenced on ``hFenceObject`` / ``FenceValue``.

    ``args`` takes the forms of the other thunks. ``operations`` is the array the batch
    reads: a ctypes array of ``dxgk.structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION``
    or any buffer of them; it must hold at least ``NumOperations`` records (a shorter one
    is a ``ValueError``, never a read past its end), and the call passes its address as
    ``Operations`` (``args`` itself is not changed). Without ``operations``,
    ``args.Operations`` must be NULL: an address the facade cannot size is a
    ``TypeError``. Returns the NTSTATUS (also ``dxgk.last_status()``)."""
    addr, keep, is_x86 = _UPDATE.resolve(args, abi)
    rec = _ddi._recorder
    if addr == 0:
        return rec.kmt_update(0) if rec is not None else lib.dxgk_py_kmt_update(0) & 0xFFFFFFFF
    size = _UPDATE.size_for(is_x86)
    src = (ctypes.c_ubyte * size).from_address(addr)
    host = _UPDATE_CLS.from_buffer(_UPDATE.x86.to_host(memoryview(src).cast("B"))) \
        if is_x86 else _UPDATE_CLS.from_buffer_copy(src)
    n = int(host.NumOperations)
    if operations is None:
        if host.Operations:
            raise TypeError("D3DKMTUpdateGpuVirtualAddress: args.Operations is an address "
                            "dxgk cannot size; pass the array itself as operations=")
    else:
        oaddr, nbytes, okeep = _operations_buffer(operations)
        if 1 <= n <= MAX_OPERATIONS and nbytes < n * _OP_SIZE:
            raise ValueError(f"D3DKMTUpdateGpuVirtualAddress: NumOperations is {n}, so "
                             f"operations must hold {n * _OP_SIZE} bytes ({n} records of "
                             f"{_OP_SIZE}); got {nbytes}")
        host.Operations = oaddr
    st = rec.kmt_update(ctypes.addressof(host)) if rec is not None else \
        lib.dxgk_py_kmt_update(ctypes.addressof(host)) & 0xFFFFFFFF
    del keep
    if operations is not None:
        del okeep
    return st


_CREATE_ALLOC2 = Spec("D3DKMTCreateAllocation2", "D3DKMT_CREATEALLOCATION", ())
_DESTROY_ALLOC2 = Spec("D3DKMTDestroyAllocation2", "D3DKMT_DESTROYALLOCATION2", ())


def _make_alloc2(spec: Spec, c_fn: Callable[[int], int], what: str) -> Callable[..., int]:
    """D3DKMTCreateAllocation2 / D3DKMTDestroyAllocation2 (docs/behaviour.md 10.5). Their
    structs point at arrays the thunk follows as a C caller's would, so only the host
    layout is accepted; a trace being recorded does not record them (the driver's answers
    cannot be replayed), and the call goes straight to the C thunk."""

    def thunk(args: Any, *, abi: str | None = None) -> int:
        addr, keep, is_x86 = spec.resolve(args, abi)
        if is_x86:
            raise ValueError(f"{spec.func}: the x86 layout is not accepted -- {spec.name} "
                             f"points at {what}, which dxgk cannot convert; pass a host "
                             f"dxgk.structs.{spec.name}")
        st = c_fn(addr) & 0xFFFFFFFF
        del keep
        return st

    thunk.__name__ = thunk.__qualname__ = spec.func
    return thunk


D3DKMTCreateAllocation2 = _make_alloc2(
    _CREATE_ALLOC2, lib.dxgk_py_kmt_create_allocation2,
    "its D3DDDI_ALLOCATIONINFO2 array and private data")
D3DKMTCreateAllocation2.__doc__ = (
    "``NTSTATUS D3DKMTCreateAllocation2(D3DKMT_CREATEALLOCATION *pArgs)`` (docs/behaviour.md "
    "10.5): one DxgkDdiCreateAllocation of the attached driver for ``NumAllocations`` "
    "(1..MAX_ALLOCATIONS) ``D3DDDI_ALLOCATIONINFO2`` at ``pAllocationInfo2``, each with its "
    "private driver data, placed from the driver's answer; on success each entry's "
    "``hAllocation`` is its D3DKMT handle. All or nothing. Without a driver providing "
    "DxgkDdiCreateAllocation: ``STATUS_NOT_SUPPORTED``. ``args``: a "
    "dxgk.structs.D3DKMT_CREATEALLOCATION, a ctypes pointer or byref() to one, or a buffer "
    "of exactly its size (host layout); the pointers inside are followed as given, so they "
    "must point at live memory of the sizes they claim. Returns the NTSTATUS (also "
    "``dxgk.last_status()``).")
D3DKMTDestroyAllocation2 = _make_alloc2(
    _DESTROY_ALLOC2, lib.dxgk_py_kmt_destroy_allocation2, "its phAllocationList array")
D3DKMTDestroyAllocation2.__doc__ = (
    "``NTSTATUS D3DKMTDestroyAllocation2(const D3DKMT_DESTROYALLOCATION2 *pArgs)`` "
    "(docs/behaviour.md 10.5): every handle of ``phAllocationList`` (``AllocationCount`` "
    "of them) is checked first -- one that is not an allocation of ``hDevice`` destroys "
    "nothing -- then each is unmapped (9.8), destroyed and given to the driver's "
    "DxgkDdiDestroyAllocation. ``args`` as for D3DKMTCreateAllocation2. Returns the "
    "NTSTATUS (also ``dxgk.last_status()``).")
