"""The reader of an adapter's paging log (docs/behaviour.md 10.2).

What it owns: turning the C core's logged operations (paging.c) into
:class:`dxgk.records.PagingOp` records -- the operation's name, a copy of its struct as
the ``dxgk.structs`` class of the host ABI, its DXGK_PTEs and private data -- their
one-line descriptions (:func:`describe`: ``python -m dxgk paging-log``, the demo), and the
check of the ``paging_log=`` keyword of :class:`dxgk.Adapter`.

Invariant kept: a record holds copies only; reading the log changes nothing in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import structs
from ._core import ffi, lib
from .argcheck import described
from .records import PagingOp

__all__ = ["OPERATION_NAMES", "check_capacity", "describe", "log_range", "read_log"]

#: The log's operation codes by name.
OPERATION_NAMES = {
    lib.DXGK_PG_OP_UPDATE_PAGE_TABLE: "UPDATE_PAGE_TABLE",
    lib.DXGK_PG_OP_FLUSH_TLB: "FLUSH_TLB",
    lib.DXGK_PG_OP_UPDATE_CONTEXT_ALLOCATION: "UPDATE_CONTEXT_ALLOCATION",
    lib.DXGK_PG_OP_NOTIFY_RESIDENCY: "NOTIFY_RESIDENCY",
    lib.DXGK_PG_OP_SET_ROOT_PAGE_TABLE: "SET_ROOT_PAGE_TABLE",
}
_STRUCT_NAMES = {
    lib.DXGK_PG_OP_UPDATE_PAGE_TABLE: "DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE",
    lib.DXGK_PG_OP_FLUSH_TLB: "DXGK_BUILDPAGINGBUFFER_FLUSHTLB",
    lib.DXGK_PG_OP_UPDATE_CONTEXT_ALLOCATION: "DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION",
    lib.DXGK_PG_OP_NOTIFY_RESIDENCY: "DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY",
    lib.DXGK_PG_OP_SET_ROOT_PAGE_TABLE: "DXGKARG_SETROOTPAGETABLE",
}
_PTE_SIZE = 16
_MAX_CAPACITY = 1 << 32


def check_capacity(value: Any) -> int:
    """The ``paging_log=`` keyword: an int in 0..2^32 (0 = off), else TypeError/ValueError."""
    if type(value) is not int:
        raise TypeError(f"Adapter: paging_log must be an int (operations kept, 0 = off); "
                        f"got {described(value)}")
    if not 0 <= value <= _MAX_CAPACITY:
        raise ValueError(f"Adapter: paging_log must be in 0..{_MAX_CAPACITY}; got {value}")
    return value


def log_range(adapter: int, check: Callable[[int], None] | None = None) -> tuple[int, int, int]:
    """(capacity, sequence of the oldest operation held, operations held) of the log of
    adapter handle `adapter`; `check` turns a status into an error (default: ValueError)."""
    cap = ffi.new("uint64_t *")
    first = ffi.new("uint64_t *")
    count = ffi.new("uint64_t *")
    st = lib.dxgk_pg_log_range(adapter, cap, first, count) & 0xFFFFFFFF
    if st:
        if check is None:
            raise ValueError(f"no paging log: {adapter:#x} is not a live adapter")
        check(st)
    return int(cap[0]), int(first[0]), int(count[0])


def read_log(adapter: int, process_of: Callable[[int], Any],
             check: Callable[[int], None]) -> list[PagingOp]:
    """The operations the log of adapter handle `adapter` holds, oldest first.
    `process_of(handle)` gives the Process object of a process handle (0: None);
    `check` turns a status into an error."""
    _, first0, count0 = log_range(adapter, check)
    dma = _DmaReader(adapter)
    info = ffi.new("dxgk_pg_info *")
    args = ffi.new("char[]", 256)
    ebuf = ffi.new("char[]", _PTE_SIZE * 64)
    ecap = 64
    pte = structs.DXGK_PTE
    out: list[PagingOp] = []
    for seq in range(first0, first0 + count0):
        check(lib.dxgk_pg_log_get(adapter, seq, info, ffi.NULL, 0, ffi.NULL, 0, ffi.NULL, 0))
        n = int(info.nentries)
        if n > ecap:
            ecap = n
            ebuf = ffi.new("char[]", _PTE_SIZE * n)
        dsize = int(info.data_size)
        dbuf = ffi.new("char[]", max(dsize, 1))
        check(lib.dxgk_pg_log_get(adapter, seq, info, args, 256, ebuf, ecap, dbuf, dsize))
        op = int(info.operation)
        cls = getattr(structs, _STRUCT_NAMES[op])
        raw = ffi.buffer(ebuf, n * _PTE_SIZE)[:]
        entries = tuple(pte.from_buffer_copy(raw, k * _PTE_SIZE) for k in range(n))
        data, passes, size = dma.read(seq)
        out.append(PagingOp(
            int(info.sequence), OPERATION_NAMES[op], process_of(int(info.process)),
            cls.from_buffer_copy(ffi.buffer(args, int(info.args_size))[:]), entries, data,
            int(info.allocation), ffi.buffer(dbuf, dsize)[:], passes, size))
    return out


class _DmaReader:
    """The DMA bytes a driver submitted per operation (driver_dma.c, docs/behaviour.md
    10.2), for read_log: nothing is asked of an adapter without a driver."""

    def __init__(self, adapter: int) -> None:
        self.adapter = adapter
        self.info = ffi.new("dxgk_drv_dma_info *")
        self.driver = lib.dxgk_drv_dma_get(adapter, 0, self.info, ffi.NULL, 0, ffi.NULL,
                                           0) == 0

    def read(self, seq: int) -> tuple[bytes, tuple[int, ...], int | None]:
        """(bytes, pass lengths, bytes submitted -- None when dropped) of operation `seq`."""
        if not self.driver:
            return b"", (), 0
        info = self.info
        while True:
            if lib.dxgk_drv_dma_get(self.adapter, seq, info, ffi.NULL, 0, ffi.NULL, 0):
                return b"", (), 0                           # the adapter has gone
            if info.dropped:
                return b"", (), None
            kept, npass = int(info.kept), int(info.passes)
            if not kept:
                return b"", (), int(info.size)
            buf = ffi.new("char[]", kept)
            lens = ffi.new("uint32_t[]", npass)
            lib.dxgk_drv_dma_get(self.adapter, seq, info, buf, kept, lens, npass)
            # a delivery on another thread may have changed it in between: read again
            if (int(info.kept), int(info.passes), bool(info.dropped)) == (kept, npass, False):
                return ffi.buffer(buf, kept)[:], tuple(int(x) for x in lens), int(info.size)


_UPDATE_FLAGS = ("Repeat", "InitialUpdate", "Use64KBPages")


def _entry(level: int, e: Any) -> str:
    """A DXGK_PTE in a few words."""
    if not e.Valid:
        return "invalid"
    if level:
        size = " 64KB-leaf" if e.PageTablePageSize == 1 else ""
        return f"table {int(e.Segment)}:{int(e.PageTableAddress):#x}{size}"
    if e.Zero:
        return "zero page"
    flags = "".join(f" {n}" for n in ("ReadOnly", "NoExecute", "CacheCoherent") if getattr(e, n))
    return f"page {int(e.Segment)}:{int(e.PageAddress):#x}{flags}"


def describe(op: Any, names: dict[int, str]) -> str:
    """One operation of the paging log in one line (with what a driver submitted for it,
    when it did)."""
    text = _describe(op, names)
    if op.dma_size:
        passes = len(op.dma_passes) if op.dma_passes else 1
        text += f"; dma {op.dma_size} bytes" + (f" in {passes} passes" if passes > 1 else "")
    elif op.dma_size is None:
        text += "; dma not kept"
    return text


def _describe(op: Any, names: dict[int, str]) -> str:
    a = op.args
    if op.operation == "UPDATE_PAGE_TABLE":
        t = a.PageTableAddress.GpuPhysical
        n = int(a.NumPageTableEntries)
        first = int(a.StartIndex)
        flags = ",".join(f for f in _UPDATE_FLAGS if getattr(a.Flags, f))
        text = (f"level {int(a.PageTableLevel)} table {int(t.SegmentId)}:"
                f"{int(t.SegmentOffset):#x} [{first}..{first + n - 1}]"
                + (f" {flags}" if flags else "")
                + (f" va {int(a.FirstPteVirtualAddress):#x}" if not a.Flags.InitialUpdate
                   else ""))
        if op.entries:
            text += f": {_entry(int(a.PageTableLevel), op.entries[0])}"
            if len(op.entries) > 1:
                text += f" .. {_entry(int(a.PageTableLevel), op.entries[-1])}"
        if a.hAllocation:
            text += (f" of {names.get(int(op.allocation), hex(int(a.hAllocation)))}"
                     f" +{int(a.AllocationOffsetInBytes):#x}")
        return text
    if op.operation == "FLUSH_TLB":
        r = a.RootPageTableAddress
        return (f"[{int(a.StartVirtualAddress):#x}, {int(a.EndVirtualAddress):#x}) root "
                f"{int(r.SegmentId)}:{int(r.SegmentOffset):#x}")
    if op.operation == "SET_ROOT_PAGE_TABLE":
        return (f"root {int(a.Address.SegmentId)}:{int(a.Address.SegmentOffset):#x}, "
                f"{int(a.NumEntries)} entries")
    who = names.get(int(op.allocation), hex(int(op.allocation)))
    if op.operation == "UPDATE_CONTEXT_ALLOCATION":
        return (f"{who} at {int(a.ContextAllocation):#x}, {int(a.ContextAllocationSize)} bytes, "
                f"{len(op.data)} bytes of private data")
    return f"{who} resident={int(a.Resident)}"                 # NOTIFY_RESIDENCY
