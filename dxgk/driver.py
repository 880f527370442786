"""Attaching a kernel-mode driver to an adapter (docs/behaviour.md 10.1 and 10.3).

What it owns: turning ``Adapter(driver=...)``'s argument into a byte-exact
``DRIVER_INITIALIZATION_DATA`` -- a C driver's own table, or one whose DDI slots are C
callbacks into a Python object's ``DxgkDdi*`` methods -- the bring-up sequence (AddDevice,
StartDevice, QueryAdapterInfo for the caps, each level and the segments,
GetRootPageTableSize, CreateProcess of the system process), the record types of the DDI
call log and of the driver's faults, and the choice between the model's object
functions and the driver-calling ones (``dxgk/core/driver.c``) for an adapter.

Invariant kept: a Python driver method never lets an exception or a value of the wrong
type escape into C -- it is recorded as a driver fault (the adapter is removed) and the C
caller gets ``STATUS_DEVICE_REMOVED`` (0 for a DDI returning a size or nothing); a failed
bring-up destroys everything it made before raising.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import description as _desc
from . import structs
from ._core import ffi, lib
from .paging import OPERATION_NAMES
from .argcheck import described
from .ddi import (
    STATUS_DEVICE_REMOVED,
    STATUS_INVALID_PARAMETER,
    STATUS_NO_MEMORY,
    STATUS_NOT_SUPPORTED,
    STATUS_SUCCESS,
    DdiError,
    status_name,
)
from .records import Segment

__all__ = [
    "STATUS_DEVICE_REMOVED",
    "STATUS_NOT_SUPPORTED",
    "DdiCall",
    "DriverFault",
]


_MSG = 512
_QAI_GPUMMUCAPS = 13
_QAI_PAGETABLELEVELDESC = 14
_QAI_QUERYSEGMENT4 = 11
_GPU_VIRTUAL = 1

#: DDI id (driver.h's DXGK_DRV_DDI_*) -> name, C callback type, return kind, and the
#: argument kinds of the Python method: "h" an int handle, a struct name (the
#: dxgk.structs instance viewing the memory), "pp" a ctypes pointer to a pointer, "pu" a
#: ctypes pointer to a ULONG.
_DDIS: dict[int, tuple[str, str, str, tuple[str, ...]]] = {
    lib.DXGK_DRV_DDI_ADD_DEVICE: ("DxgkDdiAddDevice", "int32_t(void *, void **)", "status",
                                  ("h", "pp")),
    lib.DXGK_DRV_DDI_START_DEVICE: ("DxgkDdiStartDevice",
                                    "int32_t(void *, void *, void *, uint32_t *, uint32_t *)",
                                    "status",
                                    ("h", "DXGK_START_INFO", "DXGKRNL_INTERFACE", "pu", "pu")),
    lib.DXGK_DRV_DDI_STOP_DEVICE: ("DxgkDdiStopDevice", "int32_t(void *)", "status", ("h",)),
    lib.DXGK_DRV_DDI_REMOVE_DEVICE: ("DxgkDdiRemoveDevice", "int32_t(void *)", "status",
                                     ("h",)),
    lib.DXGK_DRV_DDI_QUERY_ADAPTER_INFO: ("DxgkDdiQueryAdapterInfo", "int32_t(void *, void *)",
                                          "status", ("h", "DXGKARG_QUERYADAPTERINFO")),
    lib.DXGK_DRV_DDI_CREATE_PROCESS: ("DxgkDdiCreateProcess", "int32_t(void *, void *)",
                                      "status", ("h", "DXGKARG_CREATEPROCESS")),
    lib.DXGK_DRV_DDI_DESTROY_PROCESS: ("DxgkDdiDestroyProcess", "int32_t(void *, void *)",
                                       "status", ("h", "h")),
    lib.DXGK_DRV_DDI_CREATE_DEVICE: ("DxgkDdiCreateDevice", "int32_t(void *, void *)",
                                     "status", ("h", "DXGKARG_CREATEDEVICE")),
    lib.DXGK_DRV_DDI_DESTROY_DEVICE: ("DxgkDdiDestroyDevice", "int32_t(void *)", "status",
                                      ("h",)),
    lib.DXGK_DRV_DDI_CREATE_CONTEXT: ("DxgkDdiCreateContext", "int32_t(void *, void *)",
                                      "status", ("h", "DXGKARG_CREATECONTEXT")),
    lib.DXGK_DRV_DDI_DESTROY_CONTEXT: ("DxgkDdiDestroyContext", "int32_t(void *)", "status",
                                       ("h",)),
    lib.DXGK_DRV_DDI_CREATE_ALLOCATION: ("DxgkDdiCreateAllocation", "int32_t(void *, void *)",
                                         "status", ("h", "DXGKARG_CREATEALLOCATION")),
    lib.DXGK_DRV_DDI_DESTROY_ALLOCATION: ("DxgkDdiDestroyAllocation",
                                          "int32_t(void *, void *)", "status",
                                          ("h", "DXGKARG_DESTROYALLOCATION")),
    lib.DXGK_DRV_DDI_SET_ROOT_PAGE_TABLE: ("DxgkDdiSetRootPageTable", "void(void *, void *)",
                                           "void", ("h", "DXGKARG_SETROOTPAGETABLE")),
    lib.DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE: ("DxgkDdiGetRootPageTableSize",
                                                "size_t(void *, void *)", "size",
                                                ("h", "DXGKARG_GETROOTPAGETABLESIZE")),
    lib.DXGK_DRV_DDI_BUILD_PAGING_BUFFER: ("DxgkDdiBuildPagingBuffer",
                                           "int32_t(void *, void *)", "status",
                                           ("h", "DXGKARG_BUILDPAGINGBUFFER")),
}
DDI_NAMES: dict[int, str] = {k: v[0] for k, v in _DDIS.items()}

#: The argument struct a DDI call's log entry holds a copy of (driver.c's log_call).
_CALL_ARGS: dict[int, str] = {
    lib.DXGK_DRV_DDI_START_DEVICE: "DXGK_START_INFO",
    lib.DXGK_DRV_DDI_QUERY_ADAPTER_INFO: "DXGKARG_QUERYADAPTERINFO",
    lib.DXGK_DRV_DDI_CREATE_PROCESS: "DXGKARG_CREATEPROCESS",
    lib.DXGK_DRV_DDI_CREATE_DEVICE: "DXGKARG_CREATEDEVICE",
    lib.DXGK_DRV_DDI_CREATE_CONTEXT: "DXGKARG_CREATECONTEXT",
    lib.DXGK_DRV_DDI_CREATE_ALLOCATION: "DXGK_ALLOCATIONINFO",
    lib.DXGK_DRV_DDI_DESTROY_ALLOCATION: "DXGKARG_DESTROYALLOCATION",
    lib.DXGK_DRV_DDI_SET_ROOT_PAGE_TABLE: "DXGKARG_SETROOTPAGETABLE",
    lib.DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE: "DXGKARG_GETROOTPAGETABLESIZE",
}


@dataclass(frozen=True)
class DdiCall:
    """One DDI call the model made on the driver (``Adapter.ddi_calls``), after it
    returned: ``handles`` = (the handle it was called with -- the model's object or the
    adapter's MiniportDeviceContext --, a second one: the driver's new handle, the query
    type or the asked entry count), ``result`` = the NTSTATUS (unsigned), the SIZE_T, or
    0 for a DDI returning nothing, ``args`` = a copy of its argument struct as the driver
    left it (None for the DDIs taking handles only)."""

    sequence: int
    ddi: str
    handles: tuple[int, int]
    result: int
    args: Any = field(compare=False, default=None)


@dataclass(frozen=True)
class DriverFault:
    """A driver fault (``Adapter.driver_faults``): the DDI, the paging operation (None
    outside DxgkDdiBuildPagingBuffer), the status the driver returned (None when it gave
    none: a Python method raised or returned the wrong type) and what was wrong."""

    sequence: int
    ddi: str
    operation: str | None
    status: int | None
    detail: str = field(compare=False, default="")


# ---- a Python driver as a DRIVER_INITIALIZATION_DATA ---------------------------------------


def _int_of(p: Any) -> int:
    return int(ffi.cast("uintptr_t", p))


class _PyDriver:
    """The C callbacks that call a Python object's DxgkDdi* methods (kept alive here)."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj
        self.adapter = 0
        self.last_error: BaseException | None = None
        self.table = structs.DRIVER_INITIALIZATION_DATA()
        self.table.Version = 0x11007                     # DXGKDDI_INTERFACE_VERSION_WDDM3_2
        self._callbacks: list[Any] = []
        for ddi, (name, ctype, ret, kinds) in _DDIS.items():
            method = getattr(obj, name, None)
            if method is None:
                continue
            if not callable(method):
                raise TypeError(f"driver: {name} must be a method; got {described(method)}")
            cb = ffi.callback(ctype, self._wrap(ddi, name, ret, kinds))
            self._callbacks.append(cb)
            setattr(self.table, name, _int_of(cb))
        if not self._callbacks:
            raise TypeError(f"driver must be an object with DxgkDdi* methods or a "
                            f"structs.DRIVER_INITIALIZATION_DATA; got {described(obj)}, "
                            f"which has no DxgkDdi* method")

    def _wrap(self, ddi: int, name: str, ret: str,
              kinds: tuple[str, ...]) -> Callable[..., Any]:
        failed = {"status": STATUS_DEVICE_REMOVED - (1 << 32), "size": 0, "void": None}[ret]

        def call(*cargs: Any) -> Any:
            try:
                args = [_py_arg(k, a) for k, a in zip(kinds, cargs, strict=True)]
                # looked up at each call: the object's method as it is now (one set to
                # None or deleted since the attach is a fault, its slot being filled)
                r = getattr(self.obj, name)(*args)
                return _c_result(ret, r)
            except BaseException as e:   # a fault, never a traceback through C
                self.last_error = e
                lib.dxgk_drv_fault(self.adapter, ddi, 0, 0, 0,
                                   f"{name} {_what(e)}".encode(errors="replace")[:199])
                return failed
        return call


def _py_arg(kind: str, value: Any) -> Any:
    if kind == "h":
        return _int_of(value)
    if kind == "pp":
        return ctypes.cast(_int_of(value), ctypes.POINTER(ctypes.c_void_p))
    if kind == "pu":
        return ctypes.cast(_int_of(value), ctypes.POINTER(ctypes.c_uint32))
    return getattr(structs, kind).from_address(_int_of(value))


class _BadResult(Exception):
    pass


def _c_result(ret: str, r: Any) -> Any:
    if ret == "void":
        if r is not None:
            raise _BadResult(f"returned {described(r)}; this DDI returns nothing (None)")
        return None
    if type(r) is not int:
        raise _BadResult(f"returned {described(r)}; expected an int "
                         f"({'an NTSTATUS' if ret == 'status' else 'a SIZE_T'})")
    if ret == "size":
        if not 0 <= r < 1 << 64:
            raise _BadResult(f"returned {r}, which is not a SIZE_T")
        return r
    if not -(1 << 31) <= r < 1 << 32:
        raise _BadResult(f"returned {r}, which is not an NTSTATUS (32 bits)")
    return r - (1 << 32) if r >= 1 << 31 else r


def _what(e: BaseException) -> str:
    if isinstance(e, _BadResult):
        return str(e)
    return f"raised {type(e).__name__}: {e}"


def _table(driver: Any) -> tuple[Any, int, _PyDriver | None]:
    """(buffer, its size, the Python driver or None) for ``Adapter(driver=...)``."""
    if (isinstance(driver, ctypes.Structure | ctypes.Union)
            and type(driver).__name__ != "DRIVER_INITIALIZATION_DATA"):
        raise TypeError(f"driver must be a structs.DRIVER_INITIALIZATION_DATA or an object "
                        f"with DxgkDdi* methods; got {described(driver)}")
    if isinstance(driver, ctypes.Structure | ctypes.Union | ctypes.Array | bytes | bytearray
                  | memoryview):
        if isinstance(driver, bytes):
            driver = bytearray(driver)
        return driver, memoryview(driver).nbytes, None
    py = _PyDriver(driver)
    return py.table, ctypes.sizeof(py.table), py


# ---- bring-up -----------------------------------------------------------------------------


@dataclass
class Attached:
    """What an Adapter keeps of its driver: the adapter's and system process's handles,
    the description the bring-up settled, and everything that must outlive the C calls
    (the caller's table or the Python driver's callbacks)."""

    handle: int
    system: int
    caps: Any
    levels: list[Any]
    segments: list[Segment]
    keep: Any
    python: _PyDriver | None
    decoder: Decoder | None = None


def _fail(h: int, py: _PyDriver | None, ddi: str, st: int, what: str = "") -> DdiError:
    st &= 0xFFFFFFFF
    faults = driver_faults(h)
    why = f"{ddi}{what} failed with {status_name(st)}"
    if st == STATUS_DEVICE_REMOVED and faults:
        why = f"{ddi}{what}: driver fault: {faults[-1].detail}"
    err = DdiError(st, why + " (adapter creation, docs/behaviour.md 10.1)")
    if py is not None and py.last_error is not None:
        err.__cause__ = py.last_error
    return err


def _query(h: int, py: _PyDriver | None, qtype: int, name: str, inp: Any,
           out: Any) -> bool:
    """One DxgkDdiQueryAdapterInfo: True if answered, False for STATUS_NOT_SUPPORTED."""
    ibuf = ffi.from_buffer(inp) if inp is not None else ffi.NULL
    isize = ctypes.sizeof(inp) if inp is not None else 0
    st = lib.dxgk_drv_query_adapter_info(h, qtype, ibuf, isize, ffi.from_buffer(out),
                                         ctypes.sizeof(out)) & 0xFFFFFFFF
    if st == STATUS_NOT_SUPPORTED:
        return False
    if st != STATUS_SUCCESS:
        raise _fail(h, py, "DxgkDdiQueryAdapterInfo", st, f"({name})")
    return True


def _segments(h: int, py: _PyDriver | None) -> list[Segment] | None:
    """DXGKQAITYPE_QUERYSEGMENT4, asked twice as Dxgkrnl does: first for the count (no
    descriptor buffer), then with a buffer of that many descriptors."""
    out = structs.DXGK_QUERYSEGMENTOUT4()
    if not _query(h, py, _QAI_QUERYSEGMENT4, "DXGKQAITYPE_QUERYSEGMENT4", None, out):
        return None
    n = int(out.NbSegment)
    if not 1 <= n <= 31:
        raise ValueError(f"invalid adapter description: DxgkDdiQueryAdapterInfo"
                         f"(DXGKQAITYPE_QUERYSEGMENT4) gave NbSegment {n}; an adapter has "
                         f"1..31 segments")
    descs = (structs.DXGK_SEGMENTDESCRIPTOR4 * n)()
    out = structs.DXGK_QUERYSEGMENTOUT4(NbSegment=n, pSegmentDescriptor=ctypes.addressof(descs),
                                        SegmentDescriptorStride=ctypes.sizeof(descs[0]))
    _query(h, py, _QAI_QUERYSEGMENT4, "DXGKQAITYPE_QUERYSEGMENT4", None, out)
    return [Segment(int(d.Size), 65536 if d.Flags.Use64KBPages else 4096,
                    "aperture" if d.Flags.Aperture else "local") for d in descs]


def bring_up(driver: Any, caps: Any, levels: Sequence[Any] | None,
             segments: Sequence[Any] | None) -> Attached:
    """Attaches ``driver`` to a new adapter and brings it up (docs/behaviour.md 10.1)."""
    c, lv, segs = _desc.description(caps, levels, segments)    # the defaults
    buf, size, py = _table(driver)
    out = ffi.new("uint64_t *")
    msg = ffi.new("char[]", _MSG)
    st = lib.dxgk_drv_attach(ffi.from_buffer(buf), size, out, msg, _MSG) & 0xFFFFFFFF
    if st == STATUS_INVALID_PARAMETER:
        raise ValueError(f"driver: {ffi.string(msg).decode(errors='replace')}")
    if st != STATUS_SUCCESS:
        raise MemoryError("out of memory attaching the driver")
    h = int(out[0])
    if py is not None:
        py.adapter = h
    try:
        for name, fn in (("DxgkDdiAddDevice", lib.dxgk_drv_add_device),
                         ("DxgkDdiStartDevice", lib.dxgk_drv_start_device)):
            st = fn(h) & 0xFFFFFFFF
            if st != STATUS_SUCCESS:
                raise _fail(h, py, name, st)
        if lib.dxgk_drv_provides(h, lib.DXGK_DRV_DDI_QUERY_ADAPTER_INFO):
            got = structs.DXGK_GPUMMUCAPS()
            if _query(h, py, _QAI_GPUMMUCAPS, "DXGKQAITYPE_GPUMMUCAPS", None, got):
                c = got
            n = int(c.PageTableLevelCount)
            if not 2 <= n <= 6:
                raise ValueError(f"invalid adapter description: PageTableLevelCount {n} "
                                 f"is outside 2..6")
            default = structs.DXGK_PAGE_TABLE_LEVEL_DESC.from_buffer_copy(lv[0])
            asked = []
            for i in range(n):
                d = structs.DXGK_PAGE_TABLE_LEVEL_DESC()
                if not _query(h, py, _QAI_PAGETABLELEVELDESC,
                              f"DXGKQAITYPE_PAGETABLELEVELDESC, level {i}", ctypes.c_uint32(i), d):
                    d = lv[i] if i < len(lv) else default
                asked.append(d)
            lv = asked
            segs = _segments(h, py) or segs
        if int(c.PageTableUpdateMode) == _GPU_VIRTUAL:
            raise ValueError("Adapter: PageTableUpdateMode DXGK_PAGETABLEUPDATE_GPU_VIRTUAL is "
                             "not modelled (the model writes no page-table DMA of its own); "
                             "use CPU_VIRTUAL or GPU_PHYSICAL (docs/behaviour.md 10.1)")
        if (int(c.PageTableLevelCount) == 2 and len(lv) >= 2
                and lib.dxgk_drv_provides(h, lib.DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE)):
            lv = [structs.DXGK_PAGE_TABLE_LEVEL_DESC.from_buffer_copy(x) for x in lv]
            entries = ffi.new("uint32_t *", 1 << int(lv[1].PageTableIndexBitCount))
            nbytes = ffi.new("uint64_t *")
            st = lib.dxgk_drv_root_size(h, entries, nbytes) & 0xFFFFFFFF
            if st != STATUS_SUCCESS:
                raise _fail(h, py, "DxgkDdiGetRootPageTableSize", st)
            if not 0 < int(nbytes[0]) < 1 << 32:
                raise ValueError(f"invalid adapter description: DxgkDdiGetRootPageTableSize "
                                 f"returned {int(nbytes[0])} bytes for the root table")
            lv[1].PageTableSizeInBytes = int(nbytes[0])
        lbuf, sbuf = _desc.c_buffers(lv, segs)
        sysp = ffi.new("uint64_t *")
        st = lib.dxgk_vm_adapter_describe(h, ffi.from_buffer(c), lbuf, sbuf, len(segs), sysp,
                                          msg, _MSG) & 0xFFFFFFFF
        if st == STATUS_INVALID_PARAMETER:
            raise ValueError(f"invalid adapter description: "
                             f"{ffi.string(msg).decode(errors='replace')} (with the driver's "
                             f"answers, docs/behaviour.md 10.1)")
        if st == STATUS_NO_MEMORY:
            raise MemoryError(ffi.string(msg).decode(errors="replace"))
        if st != STATUS_SUCCESS:
            raise DdiError(st, "describing the adapter")
        st = lib.dxgk_drv_system_process(h) & 0xFFFFFFFF
        if st != STATUS_SUCCESS:
            raise _fail(h, py, "DxgkDdiCreateProcess", st, " (the system process)")
    except BaseException:
        lib.dxgk_drv_adapter_destroy(h)
        raise
    return Attached(h, int(sysp[0]), c, list(lv), list(segs), buf, py)


# ---- the driver's decoder (docs/behaviour.md 10.4) ---------------------------------------


_CFUNC: type = ctypes.CFUNCTYPE(None).__mro__[1]          # ctypes._CFuncPtr


class Decoder:
    """An adapter's decoder as the core calls it: a C function's address, or a C callback
    into a Python callable ``(level, raw_bytes) -> structs.DXGK_PTE``; ``last_error``
    keeps why the Python one last refused an entry (for ``validate()``'s message)."""

    def __init__(self, decoder: Any, name: str) -> None:
        self.name = name
        self.last_error: str | None = None
        self.python: Callable[[int, bytes], Any] | None = None
        if isinstance(decoder, _CFUNC):                # a ctypes.CDLL function
            fp: Any = decoder
            addr = ctypes.cast(fp, ctypes.c_void_p).value or 0
            self.fn = ffi.cast("dxgk_drv_decode_pte_fn", addr)
        elif isinstance(decoder, ffi.CData):   # any cffi function pointer (any FFI)
            self.fn = ffi.cast("dxgk_drv_decode_pte_fn", ffi.cast("uintptr_t", decoder))
        elif callable(decoder):
            self.python = decoder
            self.fn = ffi.callback("dxgk_drv_decode_pte_fn", self._call)
        else:
            raise TypeError(f"decoder must be a C function (ctypes or cffi) or a callable "
                            f"(level, raw_bytes) -> structs.DXGK_PTE; got {described(decoder)}")
        if self.python is None and not int(ffi.cast("uintptr_t", self.fn)):
            raise ValueError("decoder: a NULL function pointer")

    def _call(self, level: int, raw: Any, size: int, out: Any) -> int:
        assert self.python is not None
        try:
            r = self.python(int(level), bytes(ffi.buffer(raw, size)))
            if type(r).__name__ != "DXGK_PTE" or ctypes.sizeof(r) != 16:
                raise _BadResult(f"returned {described(r)}; expected a structs.DXGK_PTE")
            ffi.memmove(ffi.cast("char *", out), bytes(r), 16)
            return STATUS_SUCCESS
        except BaseException as e:   # reported by validate(), never a traceback through C
            self.last_error = f"{self.name} {_what(e)}"
            return STATUS_INVALID_PARAMETER - (1 << 32)


def set_decoder(h: int, decoder: Any, py: _PyDriver | None) -> Decoder | None:
    """The adapter's decoder: `decoder` if given, else a Python driver's ``DecodePte``
    method (docs/behaviour.md 10.4); ``ValueError`` when its tables have no memory."""
    if decoder is None and py is not None and getattr(py.obj, "DecodePte", None) is not None:
        method = py.obj.DecodePte
        if not callable(method):
            raise TypeError(f"driver: DecodePte must be a method; got {described(method)}")
        dec = Decoder(method, "DecodePte")
    elif decoder is None:
        return None
    else:
        dec = Decoder(decoder, "decoder")
    st = lib.dxgk_drv_set_decoder(h, dec.fn) & 0xFFFFFFFF
    if st == STATUS_NOT_SUPPORTED:
        raise ValueError(f"{dec.name}: the driver's page tables have no memory to decode -- "
                         f"that needs PageTableUpdateMode CPU_VIRTUAL and a driver providing "
                         f"DxgkDdiBuildPagingBuffer (docs/behaviour.md 10.4)")
    if st != STATUS_SUCCESS:
        raise DdiError(st, "setting the driver's decoder")
    return dec


# ---- what an adapter with a driver shows -------------------------------------------------


def driver_faults(h: int) -> list[DriverFault]:
    """The adapter's driver faults, oldest first."""
    rec = ffi.new("dxgk_drv_fault_info *")
    out: list[DriverFault] = []
    while lib.dxgk_drv_fault_get(h, len(out), rec) & 0xFFFFFFFF == STATUS_SUCCESS:
        out.append(DriverFault(int(rec.sequence), DDI_NAMES.get(rec.ddi, str(rec.ddi)),
                               OPERATION_NAMES.get(int(rec.operation)) if rec.operation else None,
                               int(rec.status) & 0xFFFFFFFF if rec.has_status else None,
                               ffi.string(rec.detail).decode(errors="replace")))
    return out


def ddi_calls(h: int) -> list[DdiCall]:
    """The DDI calls kept in the adapter's log (the newest 4096), oldest first."""
    rec = ffi.new("dxgk_drv_call *")
    out: list[DdiCall] = []
    while lib.dxgk_drv_call_get(h, len(out), rec) & 0xFFFFFFFF == STATUS_SUCCESS:
        args = None
        name = _CALL_ARGS.get(rec.ddi)
        if name is not None:
            cls = getattr(structs, name)
            if ctypes.sizeof(cls) <= rec.args_size:
                args = cls.from_buffer_copy(ffi.buffer(rec.args, ctypes.sizeof(cls)))
        out.append(DdiCall(int(rec.sequence), DDI_NAMES.get(rec.ddi, str(rec.ddi)),
                           (int(rec.handle0), int(rec.handle1)), int(rec.result), args))
    return out


def core_name(with_driver: bool, name: str) -> str:
    """The core function an adapter's object operation ``name`` (``"device_create"``,
    ``"process_end"``, ...) goes through: the model's own (``dxgk_vm_*``) without a driver,
    driver.c's (``dxgk_drv_*``, which call the driver's DDIs around it) with one. Callers
    look it up on their ``lib`` at each call."""
    return ("dxgk_drv_" if with_driver else "dxgk_vm_") + name
