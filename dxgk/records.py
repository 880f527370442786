"""The records the object layer answers with: plain, frozen values, no C state.

What it owns: the value types of dxgk's inspection API -- :class:`Segment` (what
``Adapter(segments=...)`` takes), :class:`SegmentInfo`, :class:`AdapterStats`,
:class:`AllocationInfo`, :class:`Mapping`, :class:`Reservation`, :class:`Translation` /
:class:`WalkLevel`, :class:`PageTableStats`, :class:`PagingOp`, :class:`Vad` -- the
numpy record of a batch translation (:func:`xlate_dtype`), and :func:`read_ranges` /
:func:`read_vads`, the one reader of a process's ranges and of its VADs (used by the
object layer and by trace replay alike).

Invariant kept: a record is a snapshot; holding one keeps nothing alive in the C core,
and its fields are exactly what the C core reported (header bit names come from the
layout engine, :func:`dxgk.layout.flag_masks`, never restated). The conversions from
the C core's info structs to records live here too, once, for the object layer and
trace replay alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

from ._core import ffi, lib
from .layout import flag_masks

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "PAGE_SIZE",
    "PROTECTION_BITS",
    "AdapterStats",
    "AllocationInfo",
    "Mapping",
    "PageTableStats",
    "PagingOp",
    "PagingRecord",
    "Reservation",
    "Segment",
    "SegmentInfo",
    "Translation",
    "Vad",
    "WalkLevel",
    "allocation_info_of",
    "page_table_stats_of",
    "read_ranges",
    "read_vads",
    "xlate_dtype",
]

PAGE_SIZE = 4096
#: D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE's bits by name ("Write", "Execute", "Zero",
#: "NoAccess", "SystemUseOnly", ...), from the layout engine; read once at import.
PROTECTION_BITS = flag_masks()["D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE"]
_P_WRITE = PROTECTION_BITS["Write"]
_P_EXECUTE = PROTECTION_BITS["Execute"]
_P_SYSTEM_USE_ONLY = PROTECTION_BITS["SystemUseOnly"]
_RANGE_KINDS = {lib.DXGK_VM_RANGE_MAP: "map", lib.DXGK_VM_RANGE_ZERO: "zero",
                lib.DXGK_VM_RANGE_NOACCESS: "noaccess",
                lib.DXGK_VM_RANGE_RESERVATION: "reservation"}


class _HexRepr:
    """Reprs that print addresses, handles and flag words in hex (as a debugger and the
    README do) and sizes and counts in decimal; the fields shown in hex are named by each
    record's ``_HEX``."""

    _HEX: ClassVar[frozenset[str]] = frozenset()

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):  # type: ignore[arg-type]
            if not f.repr:
                continue
            v = getattr(self, f.name)
            text = f"{v:#x}" if f.name in self._HEX and type(v) is int else repr(v)
            parts.append(f"{f.name}={text}")
        return f"{type(self).__name__}({', '.join(parts)})"


@dataclass(frozen=True)
class Segment:
    """A memory segment's description, as ``Adapter(segments=[...])`` takes it.
    Segment ids are the 1-based positions in that list."""

    size: int
    page_size: int = 65536
    kind: str = "local"          # "local" or "aperture"


@dataclass(frozen=True)
class SegmentInfo:
    """A segment's description and current usage (``Adapter.segment(id)``)."""

    id: int
    kind: str
    size: int
    page_size: int
    used_bytes: int              # allocations + page tables
    table_bytes: int             # of which page tables
    largest_hole: int

    @property
    def free_bytes(self) -> int:
        """Bytes of the segment neither allocations nor page tables use."""
        return self.size - self.used_bytes


@dataclass(frozen=True)
class AdapterStats:
    """What is alive in an adapter, and its shape (``Adapter.stats()``)."""

    processes: int               # including the system process
    devices: int
    contexts: int
    allocations: int
    mappings: int                # map + zero + noaccess ranges of every process
    reservations: int
    table_bytes: int             # page-table memory of every process
    paging_records: int
    segment_count: int
    level_count: int
    va_bits: int
    interface_version: int


@dataclass(frozen=True, repr=False)
class AllocationInfo(_HexRepr):
    """A context allocation (``Adapter.allocation(h)``)."""

    _HEX: ClassVar[frozenset[str]] = frozenset((
        "handle", "process", "device", "context", "driver_allocation", "segment_offset",
        "va", "flags", "context_flags", "system_va"))

    handle: int
    process: int                 # the process whose VA space it is mapped in
    device: int                  # 0: the system device
    context: int                 # 0: none (or shared across contexts)
    driver_allocation: int       # hDriverAllocation as given
    segment: int
    segment_offset: int          # bytes
    size: int                    # bytes, rounded up to the segment's page size
    va: int                      # VA made by the MapGpuVirtualAddress create flag, else 0
    mapping_count: int
    flags: int                   # DXGK_ALLOCATIONINFOFLAGS.Value
    context_flags: int           # DXGK_CREATECONTEXTALLOCATIONFLAGS.Value
    system_va: int = 0           # its VA in the system process once updated, else 0: the
                                 # ContextAllocation of its updates (docs/behaviour.md 10.2)

    @property
    def pages(self) -> int:
        """Size in 4 KB pages (the unit of OffsetInPages / SizeInPages)."""
        return self.size // PAGE_SIZE


@dataclass(frozen=True, repr=False)
class Mapping(_HexRepr):
    """A mapped VA range: ``kind`` "map" (pages of ``allocation`` from ``offset_pages``),
    "zero" or "noaccess" (no allocation), or "system" (in the system process: the model's
    own mapping of a context allocation -- of any process -- made by its first
    DxgkCbUpdateContextAllocation and kept until it is destroyed, docs/behaviour.md 10.2;
    a "map" in every other respect)."""

    _HEX: ClassVar[frozenset[str]] = frozenset(
        ("va", "allocation", "protection", "driver_protection"))

    va: int
    size: int                    # bytes
    kind: str
    allocation: int
    offset_pages: int
    protection: int              # D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE.Value
    driver_protection: int

    @property
    def end(self) -> int:
        """The first VA after the range (exclusive)."""
        return self.va + self.size

    @property
    def write(self) -> bool:
        """``Protection.Write``: the GPU may write (else the PTEs are ReadOnly)."""
        return bool(self.protection & _P_WRITE)

    @property
    def execute(self) -> bool:
        """``Protection.Execute``: the GPU may execute (else the PTEs are NoExecute)."""
        return bool(self.protection & _P_EXECUTE)

    @property
    def system_use_only(self) -> bool:
        """``Protection.SystemUseOnly``, as the driver gave it (kept, not enforced)."""
        return bool(self.protection & _P_SYSTEM_USE_ONLY)


@dataclass(frozen=True, repr=False)
class Reservation(_HexRepr):
    """A VA range reserved by DxgkCbReserveGpuVirtualAddressRange."""

    _HEX: ClassVar[frozenset[str]] = frozenset(("va", "flags"))

    va: int
    size: int                    # bytes
    flags: int                   # the Flags word (bit 0: AllowUserModeMapping)
    kind: str = "reservation"

    @property
    def end(self) -> int:
        """The first VA after the range (exclusive)."""
        return self.va + self.size

    @property
    def allow_user_mode_mapping(self) -> bool:
        """Flags bit 0 (``AllowUserModeMapping``), as the driver gave it."""
        return bool(self.flags & 1)


@dataclass(frozen=True, repr=False)
class Vad(_HexRepr):
    """A user-mode VAD (docs/behaviour.md 9.2): ``kind`` "reserved" (made by
    D3DKMTReserveGpuVirtualAddress, or a kernel reservation that allows user-mode
    mapping) or "mapped" (made by D3DKMTMapGpuVirtualAddress on free VA); ``base`` what
    its pages hold where no range maps them ("invalid" or "zero"); ``ranges`` its
    sub-ranges as :class:`Mapping` records in address order (a user-mode allocation by
    its D3DKMT handle)."""

    _HEX: ClassVar[frozenset[str]] = frozenset(("va",))

    va: int
    size: int                    # bytes
    kind: str
    base: str
    ranges: tuple[Mapping, ...] = field(default=())
    kernel: bool = False         # a kernel reservation made with AllowUserModeMapping

    @property
    def end(self) -> int:
        """The first VA after the VAD (exclusive)."""
        return self.va + self.size


@dataclass(frozen=True, repr=False)
class WalkLevel(_HexRepr):
    """One level of a page-table walk. Unpacks as ``(level, index, pte)``."""

    _HEX: ClassVar[frozenset[str]] = frozenset(("index", "table_address"))

    level: int                   # 0 = leaf
    index: int                   # entry index in this level's table
    pte: Any                     # the entry read: a dxgk.structs.DXGK_PTE
    table_segment: int           # where this level's table lives
    table_address: int          # its offset in that segment
    table_page_size: int         # leaf: bytes per entry (4096 / 65536); upper levels: 0

    def __iter__(self) -> Iterator[Any]:
        return iter((self.level, self.index, self.pte))

    def __len__(self) -> int:
        return 3

    def __getitem__(self, i: int) -> Any:
        return (self.level, self.index, self.pte)[i]


@dataclass(frozen=True, repr=False)
class Translation(_HexRepr):
    """What the GPU would see at ``va`` (docs/behaviour.md 7.6): the walk, root first,
    ending at the leaf or at the first invalid entry."""

    _HEX: ClassVar[frozenset[str]] = frozenset(("va", "address"))

    va: int
    valid: bool
    zero: bool
    segment: int
    address: int                 # the byte's address in the segment (0 if invalid or zero)
    read_only: bool
    no_execute: bool
    page_size: int               # 4096 or 65536 (0 if invalid)
    levels: tuple[WalkLevel, ...] = field(default=())


@dataclass(frozen=True)
class PageTableStats:
    """A process's page tables (``Process.page_table_stats()``, docs/behaviour.md 7)."""

    tables: tuple[int, ...]      # tables per level (index = level, 0 = leaf)
    leaf64k_tables: int
    table_bytes: int
    valid_leaf_entries: int
    mapped_pages: int
    conversions: int             # 64 KB leaf tables converted to 4 KB entries


@dataclass(frozen=True, repr=False, eq=False)
class PagingOp(_HexRepr):
    """One operation of the adapter's paging stream (docs/behaviour.md 10.2), oldest
    first in ``Adapter.paging_log``.

    ``operation``: "UPDATE_PAGE_TABLE", "FLUSH_TLB", "UPDATE_CONTEXT_ALLOCATION",
    "NOTIFY_RESIDENCY" or "SET_ROOT_PAGE_TABLE"; ``args``: a copy of the operation's
    struct as its ``dxgk.structs`` class (DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE, ...;
    its pointer members are 0 in the copy); ``entries``: the DXGK_PTEs given (one with
    Repeat); ``dma``: the DMA bytes a driver submitted for it, its passes concatenated
    in order (empty without a driver); ``process``: the :class:`dxgk.Process` (None for an
    operation of no process). ``allocation`` (the model handle of the allocation an
    UPDATE_CONTEXT_ALLOCATION or NOTIFY_RESIDENCY concerns, else 0) and ``data`` (a copy of
    UPDATE_CONTEXT_ALLOCATION's private driver data) complete it. ``dma_passes``: the
    length of each non-empty pass in ``dma`` (they sum to ``len(dma)``); ``dma_size``: the
    bytes submitted, more than ``len(dma)`` when the per-operation bound cut them, None
    when the bound on all operations dropped them (docs/behaviour.md 10.2)."""

    _HEX: ClassVar[frozenset[str]] = frozenset(("allocation",))

    sequence: int
    operation: str
    process: Any
    args: Any
    entries: tuple[Any, ...]
    dma: bytes
    allocation: int = 0
    data: bytes = b""
    dma_passes: tuple[int, ...] = ()
    dma_size: int | None = 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PagingOp):
            return NotImplemented
        return (self.sequence, self.operation, self.process, bytes(self.args),
                tuple(bytes(e) for e in self.entries), self.dma, self.allocation,
                self.data, self.dma_passes, self.dma_size) == (
                    other.sequence, other.operation, other.process, bytes(other.args),
                    tuple(bytes(e) for e in other.entries), other.dma, other.allocation,
                    other.data, other.dma_passes, other.dma_size)

    __hash__ = None  # type: ignore[assignment]


#: The name the log's records had while they were only UPDATE_CONTEXT_ALLOCATION.
PagingRecord = PagingOp


def read_ranges(process: int, which: int, check: Callable[[int], None]) -> list[Any]:
    """Mappings and/or reservations (``lib.DXGK_VM_WANT_*`` mask) of a process handle, in
    address order, as Mapping / Reservation records; `check` turns a status into an error."""
    cap = 64
    total = ffi.new("uint64_t *")
    while True:
        buf = ffi.new("dxgk_vm_range_info[]", cap)
        check(lib.dxgk_vm_process_ranges(process, which, buf, cap, total))
        if total[0] <= cap:
            break
        cap = int(total[0]) + 16          # ranges were added between the two calls
    out: list[Any] = []
    for i in range(int(total[0])):
        r = buf[i]
        if r.kind == lib.DXGK_VM_RANGE_RESERVATION:
            out.append(Reservation(int(r.va), int(r.size), int(r.flags)))
        else:
            kind = ("system" if r.kind == lib.DXGK_VM_RANGE_MAP and
                    r.flags & lib.DXGK_VM_RANGE_F_SYSTEM else _RANGE_KINDS[r.kind])
            out.append(Mapping(int(r.va), int(r.size), kind,
                               int(r.allocation), int(r.offset_pages), int(r.protection),
                               int(r.driver_protection)))
    return out


def _read_all(fill: Callable[[Any, int, Any], int], ctype: str,
              check: Callable[[int], None]) -> tuple[Any, int]:
    """Calls ``fill(buffer, cap, total)`` until the buffer holds every record."""
    cap = 64
    total = ffi.new("uint64_t *")
    while True:
        buf = ffi.new(f"{ctype}[]", cap)
        check(fill(buf, cap, total))
        if total[0] <= cap:
            return buf, int(total[0])
        cap = int(total[0]) + 16


def read_vads(process: int, check: Callable[[int], None]) -> list[Vad]:
    """The VADs of a process handle, in address order, each with its sub-ranges."""
    vbuf, n = _read_all(lambda b, c, t: lib.dxgk_vm_process_vads(process, b, c, t),
                        "dxgk_vm_vad_info", check)
    out: list[Vad] = []
    for i in range(n):
        v = vbuf[i]
        va = int(v.va)

        def fill(b: Any, c: int, t: Any, va: int = va) -> int:
            return int(lib.dxgk_vm_vad_ranges(process, va, b, c, t))
        rbuf, m = _read_all(fill, "dxgk_vm_range_info", check)
        ranges = []
        for j in range(m):
            r = rbuf[j]
            alloc = int(r.allocation)
            ranges.append(Mapping(int(r.va), int(r.size), _RANGE_KINDS[r.kind],
                                  int(lib.dxgk_vm_kmt_handle(alloc)) if alloc else 0,
                                  int(r.offset_pages), int(r.protection),
                                  int(r.driver_protection)))
        mapped = v.kind == lib.DXGK_VM_RANGE_VAD_MAPPED
        out.append(Vad(va, int(v.size), "mapped" if mapped else "reserved",
                       "zero" if v.base == lib.DXGK_VM_BASE_ZERO else "invalid",
                       tuple(ranges), v.kind == lib.DXGK_VM_RANGE_RESERVATION))
    return out


def allocation_info_of(o: Any) -> AllocationInfo:
    """The record of a filled ``dxgk_vm_alloc_info``."""
    return AllocationInfo(int(o.handle), int(o.process), int(o.device), int(o.context),
                          int(o.driver_allocation), int(o.segment), int(o.segment_offset),
                          int(o.size), int(o.va), int(o.mapping_count), int(o.flags),
                          int(o.context_flags), int(o.system_va))


def page_table_stats_of(o: Any, levels: int) -> PageTableStats:
    """The record of a filled ``dxgk_pt_stats`` of a tree with `levels` levels."""
    return PageTableStats(tuple(int(o.tables[i]) for i in range(levels)),
                          int(o.leaf64k_tables), int(o.table_bytes),
                          int(o.valid_leaf_entries), int(o.mapped_pages), int(o.conversions))


@functools.cache
def xlate_dtype() -> np.dtype:
    """The numpy record of one batch translation: the C record ``dxgk_pt_xlate``
    (24 bytes), which the C core writes in place::

        offset  field       dtype
        0       valid       bool
        1       zero        bool
        2       read_only   bool
        3       no_execute  bool
        4       segment     u1
        8       page_size   u4    (4096 or 65536; 0 when not valid)
        16      address     u8    (the VA's byte in the segment; 0 when not valid or Zero)

    (A function, so that ``import dxgk`` does not import numpy.)"""
    import numpy as np

    dt = np.dtype({
        "names": ["valid", "zero", "read_only", "no_execute", "segment", "page_size",
                  "address"],
        "formats": ["?", "?", "?", "?", "u1", "<u4", "<u8"],
        "offsets": [0, 1, 2, 3, 4, 8, 16],
        "itemsize": 24,
    })
    if dt.itemsize != ffi.sizeof("dxgk_pt_xlate"):
        raise ImportError("dxgk_pt_xlate does not match its numpy record")
    return dt
