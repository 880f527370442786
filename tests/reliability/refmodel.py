"""A small, obviously correct, pure-Python reference model of VidMm (docs/behaviour.md 3-7).

It is written from the behaviour guide (docs/behaviour.md), not from the C code: lists
instead of trees, linear scans instead of augmented searches, one dict per page-table
level. The reliability suites run it in lockstep with the C core and compare every answer:
the status of every call, the VA a map picks (the lowest fit of docs/behaviour.md 5.5,
with the 64 KB congruence of 5.3), the placement of an allocation, what every page
translates to, and every counter (mappings, reservations, page tables per level, table
bytes, segment usage, paging log).

Handles are issued by the C core; the model learns them when a call it predicted to
succeed does succeed (``Plan.commit``). Every other value is, to the model, what it is to
the behaviour guide: not a live handle of the expected type of this adapter -> INVALID_HANDLE.

Where the behaviour guide leaves a decision open, the model follows the implementation's documented
[choice] (quoted at the place): they are listed in ``CHOICES``.

Two things the behaviour guide does not determine, and the model therefore only bounds:
  * *where* in a segment a page table is placed. In a segment that holds page tables, an
    allocation's offset is not predictable; the model then accepts any offset that is
    aligned, inside the segment and overlaps no allocation it knows (``Placement.exact``
    False), and a failure for lack of room there is accepted as a possibility.
  * whether a page table fits, when its segment also holds allocations. With a segment
    that holds only tables whose size does not exceed their alignment (each table then
    takes exactly one aligned slot) the model counts slots and predicts exhaustion
    exactly; otherwise "no room for tables" is a possibility it accepts (``Plan.may_fail``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

PAGE = 4096
P64K = 65536

SUCCESS = 0x00000000
INVALID_HANDLE = 0xC0000008
INVALID_PARAMETER = 0xC000000D
NO_MEMORY = 0xC0000017
CONFLICTING = 0xC0000018

# D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE
P_WRITE, P_EXECUTE, P_ZERO, P_NOACCESS, P_SYSTEM_USE_ONLY = 1, 2, 4, 8, 16
P_DEFINED = 0x1F
# DXGK_ALLOCATIONINFOFLAGS / DXGK_CREATECONTEXTALLOCATIONFLAGS
AIF_CACHED = 1 << 2
AIF_FROM_END = 1 << 6
CCA_SHARED = 1 << 0
CCA_MAPVA = 1 << 1

T_ADAPTER, T_PROCESS, T_DEVICE, T_CONTEXT, T_ALLOCATION = "adapter", "process", "device", \
    "context", "allocation"

CHOICES = {
    "map.size_beyond_va_space": "SizeInPages larger than the whole VA space is "
                                "INVALID_PARAMETER (the range cannot lie in [0, 2^bits))",
    "map.min_beyond_va_space": "MinimumAddress >= 2^bits is INVALID_PARAMETER",
    "map.empty_window": "a [max(Min, 64 KB), Max) window too small for the size is NO_MEMORY",
    "create.context_of_other_device": "a live hContext of another device is INVALID_PARAMETER",
    "create.alignment_not_pow2": "an Alignment that is not 0 or a power of two is "
                                 "INVALID_PARAMETER",
    "create.no_supported_segment": "a SupportedSegmentSet naming no segment of the adapter "
                                   "is INVALID_PARAMETER",
    "create.preferred_outside_supported": "a preferred segment outside SupportedSegmentSet "
                                          "is skipped",
    "reserve.bad_process": "hDxgkProcess not the process of this adapter being created "
                           "(any value) is INVALID_PARAMETER",
    "reserve.size_beyond_space": "a size larger than [root entry 1, 2^bits) is "
                                 "INVALID_PARAMETER",
    "pt.64k_leaf": "pagetable.c's 64 KB leaf rules: a leaf is created in 64 KB format by an "
                   "eligible map, converted (a new 4 KB table) by the first non-eligible "
                   "one, never back; a freed leaf chooses again",
}


def _pow2_or_zero(x: int) -> bool:
    return x & (x - 1) == 0


def _round_up(x: int, a: int) -> int:
    return -(-x // a) * a


# ---------------------------------------------------------------------------------------
# Configuration (read from a real dxgk.Adapter)


@dataclass(frozen=True)
class SegmentDesc:
    id: int
    size: int
    page_size: int
    kind: str


@dataclass(frozen=True)
class Config:
    va_bits: int
    bits: tuple[int, ...]              # PageTableIndexBitCount, leaf first
    table_size: tuple[int, ...]        # PageTableSizeInBytes per level
    table_align: tuple[int, ...]       # PageTableAlignmentInBytes (0 -> 4096)
    table_segment: tuple[int, ...]     # PageTableSegmentId per level
    leaf64k_size: int                  # LeafPageTableSizeFor64KPagesInBytes (0: no 64 KB leaves)
    zero_ok: bool
    read_only_ok: bool
    no_execute_ok: bool
    cache_coherent_ok: bool
    segments: tuple[SegmentDesc, ...]

    @classmethod
    def of(cls, adapter: Any) -> Config:
        c = adapter.caps
        lv = adapter.levels
        segs = tuple(SegmentDesc(i + 1, s.size, s.page_size, s.kind)
                     for i, s in enumerate(adapter.segments))
        return cls(
            va_bits=int(c.VirtualAddressBitCount),
            bits=tuple(int(x.PageTableIndexBitCount) for x in lv),
            table_size=tuple(int(x.PageTableSizeInBytes) for x in lv),
            table_align=tuple(int(x.PageTableAlignmentInBytes) or 4096 for x in lv),
            table_segment=tuple(int(x.PageTableSegmentId) for x in lv),
            leaf64k_size=int(c.LeafPageTableSizeFor64KPagesInBytes),
            zero_ok=bool(c.ZeroInPteSupported),
            read_only_ok=bool(c.ReadOnlyMemorySupported),
            no_execute_ok=bool(c.NoExecuteMemorySupported),
            cache_coherent_ok=bool(c.CacheCoherentMemorySupported),
            segments=segs)

    @property
    def levels(self) -> int:
        return len(self.bits)

    @property
    def va_limit(self) -> int:
        return 1 << self.va_bits

    def shift(self, level: int) -> int:
        """Lowest VA bit indexing `level` (shift(levels) = va_bits)."""
        return 12 + sum(self.bits[:level])

    @property
    def leaf_coverage(self) -> int:
        return 1 << self.shift(1)

    @property
    def root_entry1(self) -> int:
        return 1 << self.shift(self.levels - 1)

    def table_bytes(self, level: int, fmt64k: bool = False) -> int:
        return self.leaf64k_size if fmt64k else self.table_size[level]

    @property
    def table_segments(self) -> frozenset[int]:
        return frozenset(self.table_segment)


# ---------------------------------------------------------------------------------------
# Objects


@dataclass(eq=False)
class Range:
    va: int
    size: int
    kind: str                          # "map", "zero", "noaccess", "reservation", "system"
    alloc: Allocation | None = None
    offset_pages: int = 0
    protection: int = 0
    driver_protection: int = 0
    flags: int = 0                     # reservations: the Flags word

    @property
    def end(self) -> int:
        return self.va + self.size

    def record(self) -> tuple[Any, ...]:
        """What Process.mappings() / reservations() report, as a tuple."""
        if self.kind == "reservation":
            return (self.va, self.size, self.flags)
        return (self.va, self.size, self.kind, self.alloc.handle if self.alloc else 0,
                self.offset_pages, self.protection, self.driver_protection)


@dataclass(eq=False)
class Leaf:
    fmt64k: bool
    pages: int = 0                     # mapped 4 KB pages (valid entries x 16 in 64 KB format)


class PageTables:
    """The GpuMmu tree of one process, reduced to what is observable: which tables exist
    (leaves with their format and mapped pages; upper tables exist iff a leaf lies below),
    and the counters of dxgk_pt_stats."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.leaves: dict[int, Leaf] = {}           # key: va >> shift(1)
        self.conversions = 0

    # -- structure --

    def _upper_keys(self, leaf_keys: Iterable[int]) -> list[set[int]]:
        """For levels 1..root-1, the set of table keys (va >> shift(level+1)) in use."""
        cfg = self.cfg
        out: list[set[int]] = []
        for level in range(1, cfg.levels - 1):
            d = cfg.shift(level + 1) - cfg.shift(1)
            out.append({k >> d for k in leaf_keys})
        return out

    def stats(self) -> dict[str, Any]:
        cfg = self.cfg
        tables = [0] * cfg.levels
        tables[0] = len(self.leaves)
        for i, keys in enumerate(self._upper_keys(self.leaves), start=1):
            tables[i] = len(keys)
        tables[cfg.levels - 1] = 1
        leaf64 = sum(1 for lf in self.leaves.values() if lf.fmt64k)
        return {
            "tables": tuple(tables),
            "leaf64k_tables": leaf64,
            "table_bytes": self.table_bytes(),
            "valid_leaf_entries": sum(lf.pages // 16 if lf.fmt64k else lf.pages
                                      for lf in self.leaves.values()),
            "mapped_pages": sum(lf.pages for lf in self.leaves.values()),
            "conversions": self.conversions,
        }

    def table_bytes_by_segment(self) -> dict[int, int]:
        cfg = self.cfg
        out: dict[int, int] = {}

        def add(level: int, n: int, fmt64k: bool = False) -> None:
            sid = cfg.table_segment[level]
            out[sid] = out.get(sid, 0) + n * cfg.table_bytes(level, fmt64k)

        n64 = sum(1 for lf in self.leaves.values() if lf.fmt64k)
        add(0, len(self.leaves) - n64)
        add(0, n64, True)
        for i, keys in enumerate(self._upper_keys(self.leaves), start=1):
            add(i, len(keys))
        add(cfg.levels - 1, 1)
        return out

    def table_bytes(self) -> int:
        return sum(self.table_bytes_by_segment().values())

    def table_count_in(self, sid: int) -> int:
        """Live tables placed in segment sid."""
        st = self.stats()["tables"]
        return sum(st[lv] for lv in range(self.cfg.levels) if self.cfg.table_segment[lv] == sid)

    # -- operations --

    @staticmethod
    def eligible(cfg: Config, va: int, npages: int, address: int, in_64k_segment: bool) -> bool:
        """docs/behaviour.md 7 / pagetable.c: 64 KB-eligible when the pages come from a 64 KB-page
        segment and VA, address and size are 64 KB multiples (and the caps allow it)."""
        return (in_64k_segment and cfg.leaf64k_size != 0 and va % P64K == 0
                and npages % 16 == 0 and address % P64K == 0)

    def _portions(self, va: int, npages: int) -> list[tuple[int, int]]:
        """(leaf key, pages) for each leaf table the range touches."""
        cov = self.cfg.leaf_coverage
        out = []
        a, end = va, va + npages * PAGE
        while a < end:
            key = a // cov
            b = min(end, (key + 1) * cov)
            out.append((key, (b - a) // PAGE))
            a = b
        return out

    def map_cost(self, va: int, npages: int, eligible: bool) -> tuple[list[tuple[int, int]], int]:
        """New tables a valid-entry map would take: [(segment, bytes)], and conversions."""
        cfg = self.cfg
        new: list[tuple[int, int]] = []
        conv = 0
        keys = [k for k, _ in self._portions(va, npages)]
        for k in keys:
            lf = self.leaves.get(k)
            if lf is None:
                new.append((cfg.table_segment[0], cfg.table_bytes(0, eligible)))
            elif lf.fmt64k and not eligible:
                new.append((cfg.table_segment[0], cfg.table_bytes(0)))
                conv += 1
        have = self._upper_keys(self.leaves)
        want = self._upper_keys(set(self.leaves) | set(keys))
        for i, (h, w) in enumerate(zip(have, want), start=1):
            new += [(cfg.table_segment[i], cfg.table_bytes(i))] * len(w - h)
        return new, conv

    def map(self, va: int, npages: int, eligible: bool) -> None:
        for k, n in self._portions(va, npages):
            lf = self.leaves.get(k)
            if lf is None:
                lf = self.leaves[k] = Leaf(fmt64k=eligible)
            elif lf.fmt64k and not eligible:
                lf.fmt64k = False
                self.conversions += 1
            lf.pages += n

    def unmap(self, va: int, npages: int) -> None:
        for k, n in self._portions(va, npages):
            lf = self.leaves[k]
            lf.pages -= n
            assert lf.pages >= 0
            if lf.pages == 0:
                del self.leaves[k]

    def page_size(self, va: int) -> int:
        lf = self.leaves.get(va // self.cfg.leaf_coverage)
        return P64K if lf is not None and lf.fmt64k else PAGE


@dataclass(eq=False)
class Process:
    handle: int
    adapter: Adapter
    is_system: bool = False
    creating: bool = False
    ranges: list[Range] = field(default_factory=list)    # sorted by va
    devices: list[Device] = field(default_factory=list)
    tables: PageTables = None  # type: ignore[assignment]

    # -- VA bookkeeping --

    def _starts(self) -> list[int]:
        return [r.va for r in self.ranges]

    def add_range(self, r: Range) -> None:
        i = bisect.bisect_left(self._starts(), r.va)
        self.ranges.insert(i, r)

    def remove_range(self, r: Range) -> None:
        self.ranges.remove(r)

    def overlaps(self, va: int, size: int) -> bool:
        return any(r.va < va + size and va < r.end for r in self.ranges)

    def range_at(self, va: int) -> Range | None:
        for r in self.ranges:
            if r.va <= va < r.end:
                return r
        return None

    def lowest_fit(self, size: int, align: int, phase: int, lo: int, hi: int) -> int | None:
        """The lowest va >= lo, va == phase (mod align), va + size <= hi, with
        [va, va + size) free -- by walking the holes in address order."""
        prev_end = 0
        for r in [*self.ranges, None]:
            hole_end = r.va if r is not None else self.adapter.cfg.va_limit
            start = max(prev_end, lo)
            start += (phase - start) % align
            if start + size <= min(hole_end, hi):
                return start
            if r is not None:
                prev_end = r.end
            if prev_end >= hi:
                break
        return None

    def mappings(self) -> list[Range]:
        return [r for r in self.ranges if r.kind != "reservation"]

    def reservations(self) -> list[Range]:
        return [r for r in self.ranges if r.kind == "reservation"]


@dataclass(eq=False)
class Device:
    handle: int
    process: Process
    contexts: list[Context] = field(default_factory=list)


@dataclass(eq=False)
class Context:
    handle: int
    device: Device


@dataclass(eq=False)
class Allocation:
    handle: int
    adapter: Adapter
    process: Process
    device: Device | None
    context: Context | None
    driver_allocation: int
    segment: SegmentDesc
    offset: int
    size: int
    flags: int
    context_flags: int
    create_va: int = 0
    mappings: list[Range] = field(default_factory=list)
    sys_range: Range | None = None     # docs/behaviour.md 10.2: its system mapping, once updated
    updated: bool = False

    @property
    def pages(self) -> int:
        return self.size // PAGE

    def info(self) -> dict[str, int]:
        """What Adapter.allocation(h) reports."""
        return {
            "handle": self.handle, "process": self.process.handle,
            "device": self.device.handle if self.device else 0,
            "context": self.context.handle if self.context else 0,
            "driver_allocation": self.driver_allocation, "segment": self.segment.id,
            "segment_offset": self.offset, "size": self.size, "va": self.create_va,
            "mapping_count": len(self.mappings), "flags": self.flags,
            "system_va": self.sys_range.va if self.sys_range is not None else
            self.create_va if self.updated and self.process.is_system else 0,
            "context_flags": self.context_flags,
        }


@dataclass
class Placement:
    segment: SegmentDesc
    offset: int | None           # None: not predictable (a segment that holds tables)
    size: int                    # rounded up to the segment's page size
    align: int

    @property
    def exact(self) -> bool:
        return self.offset is not None


@dataclass
class Plan:
    """A predicted outcome. ``status``/``va``: the model's answer. ``may_fail``: statuses
    the real core may answer instead (room the model cannot see). ``commit(**real)``
    applies a success to the model, given what only the real core knows (handles,
    offsets in segments that hold tables)."""

    status: int
    value: int = 0
    may_fail: frozenset[int] = frozenset()
    commit: Callable[..., Any] | None = None
    detail: str = ""
    placements: list[Placement] = field(default_factory=list)   # create: acceptable ones


# ---------------------------------------------------------------------------------------
# Adapter


class Adapter:
    def __init__(self, world: World, handle: int, cfg: Config, system_process: int) -> None:
        self.world = world
        self.handle = handle
        self.cfg = cfg
        self.processes: list[Process] = []
        self.allocations: dict[int, Allocation] = {}
        self.paging_log: list[tuple[int, str, int, bytes]] = []
        # segment id -> [(offset, size)] of allocations, sorted
        self.seg_ranges: dict[int, list[tuple[int, int]]] = {s.id: [] for s in cfg.segments}
        self._register(handle, T_ADAPTER, self)
        world.adapters[handle] = self
        self.system = self._new_process(system_process, is_system=True)

    # -- handles --

    def lookup(self, h: int, kind: str) -> Any:
        """The live object of this adapter named by h, of that kind, else None."""
        obj = self.world.handles.get(h)
        if obj is None or obj[0] != kind or obj[1] is not self:
            return None
        return obj[2]

    def _register(self, h: int, kind: str, obj: Any) -> None:
        assert h and h not in self.world.handles, f"handle {h:#x} issued twice"
        self.world.handles[h] = (kind, self, obj)

    def _unregister(self, h: int) -> None:
        del self.world.handles[h]
        self.world.dead[h] = None

    # -- processes / devices / contexts --

    def _new_process(self, h: int, is_system: bool = False, creating: bool = False) -> Process:
        p = Process(h, self, is_system=is_system, creating=creating)
        p.tables = PageTables(self.cfg)
        self._register(h, T_PROCESS, p)
        self.processes.append(p)
        return p

    def table_room_plan(self, new: list[tuple[int, int]]) -> tuple[bool, bool]:
        """(certainly fits, certainly does not fit) for new tables [(segment, bytes)]."""
        if not new:
            return True, False
        ok, no = True, False
        by_seg: dict[int, list[int]] = {}
        for sid, b in new:
            by_seg.setdefault(sid, []).append(b)
        for sid, sizes in by_seg.items():
            slots = self._table_slots(sid)
            if slots is None:
                ok = False          # shared with allocations: undecidable
                continue
            used = sum(p.tables.table_count_in(sid) for p in self.processes)
            if used + len(sizes) > slots:
                ok, no = False, True
        return ok, no

    def _table_slots(self, sid: int) -> int | None:
        """Tables that fit in segment sid, when that is countable: the segment holds only
        tables (no allocation now) and each table takes exactly one aligned slot."""
        cfg = self.cfg
        if self.seg_ranges.get(sid):
            return None
        levels = [lv for lv in range(cfg.levels) if cfg.table_segment[lv] == sid]
        aligns = {cfg.table_align[lv] for lv in levels}
        if len(aligns) != 1:
            return None
        align = aligns.pop()
        sizes = [cfg.table_size[lv] for lv in levels]
        if 0 in levels and cfg.leaf64k_size:
            sizes.append(cfg.leaf64k_size)
        seg = cfg.segments[sid - 1]
        if max(sizes) > align or seg.size % align:
            return None
        return seg.size // align

    def process_begin(self, h: int) -> Process:
        """A process that is being created (its root table is taken now)."""
        return self._new_process(h, creating=True)

    def process_root_fits(self) -> tuple[bool, bool]:
        cfg = self.cfg
        root = cfg.levels - 1
        return self.table_room_plan([(cfg.table_segment[root], cfg.table_bytes(root))])

    def process_end(self, p: Process, keep: bool) -> None:
        p.creating = False
        if not keep:
            self.process_destroy(p)

    def process_destroy(self, p: Process) -> None:
        for d in list(p.devices):
            self.device_destroy(d)
        for al in [a for a in self.allocations.values() if a.process is p]:
            self._teardown_alloc(al)
        for r in list(p.ranges):
            self._drop_range(p, r)
        self.processes.remove(p)
        self._unregister(p.handle)

    def device_create(self, p: Process, h: int) -> Device:
        d = Device(h, p)
        p.devices.append(d)
        self._register(h, T_DEVICE, d)
        return d

    def device_destroy(self, d: Device) -> None:
        for c in list(d.contexts):
            self.context_destroy(c)
        for al in [a for a in self.allocations.values() if a.device is d]:
            self._teardown_alloc(al)
        d.process.devices.remove(d)
        self._unregister(d.handle)

    def context_create(self, d: Device, h: int) -> Context:
        c = Context(h, d)
        d.contexts.append(c)
        self._register(h, T_CONTEXT, c)
        return c

    def context_destroy(self, c: Context) -> None:
        for al in [a for a in self.allocations.values() if a.context is c]:
            self._teardown_alloc(al)
        c.device.contexts.remove(c)
        self._unregister(c.handle)

    def destroy(self) -> None:
        for p in list(self.processes):
            self.process_destroy(p)
        self._unregister(self.handle)
        self.world.adapters.pop(self.handle, None)

    # -- segments --

    def _seg_fit(self, seg: SegmentDesc, size: int, align: int, highest: bool) -> int | None:
        taken = self.seg_ranges[seg.id]
        cands: list[int] = []
        prev_end = 0
        for off, sz in [*taken, (seg.size, 0)]:
            lo = _round_up(prev_end, align)
            hi = off - size
            if lo <= hi:
                if not highest:
                    return lo
                cands.append(hi - hi % align)
            prev_end = max(prev_end, off + sz)
        return max(cands) if cands else None

    def _seg_take(self, seg: SegmentDesc, off: int, size: int) -> None:
        lst = self.seg_ranges[seg.id]
        assert all(off + size <= o or o + s <= off for o, s in lst), \
            f"segment {seg.id}: [{off:#x}, +{size:#x}) overlaps an allocation"
        bisect.insort(lst, (off, size))

    def _seg_free(self, seg: SegmentDesc, off: int, size: int) -> None:
        self.seg_ranges[seg.id].remove((off, size))

    def segment_usage(self) -> dict[int, dict[str, int]]:
        tables: dict[int, int] = {}
        for p in self.processes:
            for sid, b in p.tables.table_bytes_by_segment().items():
                tables[sid] = tables.get(sid, 0) + b
        out = {}
        for s in self.cfg.segments:
            allocs = sum(sz for _, sz in self.seg_ranges[s.id])
            out[s.id] = {"used_bytes": allocs + tables.get(s.id, 0),
                         "table_bytes": tables.get(s.id, 0)}
        return out

    # -- ranges --

    def _drop_range(self, p: Process, r: Range) -> None:
        if r.kind in ("map", "zero", "system"):
            p.tables.unmap(r.va, r.size // PAGE)
        p.remove_range(r)
        if r.kind == "system":
            assert r.alloc is not None
            r.alloc.sys_range = None
        elif r.alloc is not None:
            r.alloc.mappings.remove(r)

    def _teardown_alloc(self, al: Allocation) -> None:
        for r in list(al.mappings):
            self._drop_range(al.process, r)
        if al.sys_range is not None:
            self._drop_range(self.system, al.sys_range)
        self._seg_free(al.segment, al.offset, al.size)
        del self.allocations[al.handle]
        self._unregister(al.handle)

    # -- docs/behaviour.md 5: DxgkCbMapContextAllocation -------------------------------------------

    def plan_map(self, base: int, minimum: int, maximum: int, h_alloc: int, offset: int,
                 pages: int, prot: int, driver_prot: int) -> Plan:
        al = None
        # 1. handles
        if h_alloc:
            al = self.lookup(h_alloc, T_ALLOCATION)
            if al is None:
                return Plan(INVALID_HANDLE, detail="hAllocation")
        return self._plan_map(al, base, minimum, maximum, offset, pages, prot, driver_prot)

    def _plan_map(self, al: Allocation | None, base: int, minimum: int, maximum: int,
                  offset: int, pages: int, prot: int, driver_prot: int, *,
                  system: bool = False) -> Plan:
        """docs/behaviour.md 5; `system`: al's mapping in the system process instead
        (docs/behaviour.md 10.2), listed there as kind "system" and not among al's own."""
        cfg = self.cfg
        limit = cfg.va_limit
        # 1. parameters (all INVALID_PARAMETER, so their order does not matter)
        zero, noaccess = bool(prot & P_ZERO), bool(prot & P_NOACCESS)
        bad = []
        if pages == 0:
            bad.append("SizeInPages = 0")
        if pages * PAGE > limit:
            bad.append(CHOICES["map.size_beyond_va_space"])
        if al is not None and offset + pages > al.pages:
            bad.append("OffsetInPages + SizeInPages beyond the allocation")
        if (base | minimum | maximum) % PAGE:
            bad.append("an address is not 4 KB aligned")
        if prot & ~P_DEFINED:
            bad.append("Protection.Reserved != 0")
        if zero and noaccess:
            bad.append("Zero and NoAccess")
        if (zero or noaccess) != (al is None):
            bad.append("Zero/NoAccess <=> NULL hAllocation")
        if zero and not cfg.zero_ok:
            bad.append("Zero without ZeroInPteSupported")
        if maximum != 0 and minimum >= maximum:
            bad.append("MinimumAddress >= MaximumAddress")
        if maximum > limit or minimum >= limit:
            bad.append(CHOICES["map.min_beyond_va_space"])
        if base and base + pages * PAGE > limit:
            bad.append("[BaseAddress, +size) leaves the VA space")
        if bad:
            return Plan(INVALID_PARAMETER, detail="; ".join(bad))
        size = pages * PAGE
        # 2. the VA space
        p = al.process if al is not None and not system else self.system
        # 3. 64 KB congruence
        align, phase = PAGE, 0
        if al is not None and al.segment.page_size == P64K:
            align = P64K
            phase = (al.offset + offset * PAGE) % P64K
        if base and base % align != phase:
            return Plan(INVALID_PARAMETER, detail="rule 3")
        # 4 / 5. where
        if base:
            if p.overlaps(base, size):
                return Plan(CONFLICTING, detail="overlap")
            va = base
        else:
            lo = max(minimum, P64K)
            hi = maximum or limit
            found = p.lowest_fit(size, align, phase, lo, hi) if lo < hi else None
            if found is None:
                return Plan(NO_MEMORY, detail="no room in the window")
            va = found
        # 6. the page tables (NoAccess writes no valid entry and needs none)
        kind = "zero" if zero else "noaccess" if noaccess else "system" if system else "map"
        elig = False
        may_fail: frozenset[int] = frozenset()
        if kind != "noaccess":
            address = al.offset + offset * PAGE if al is not None else 0
            elig = kind in ("map", "system") and PageTables.eligible(cfg, va, pages, address,
                                                         al.segment.page_size == P64K)
            new, _conv = p.tables.map_cost(va, pages, elig)
            fits, no_room = self.table_room_plan(new)
            if no_room:
                return Plan(NO_MEMORY, detail="no room for page tables")
            if not fits:
                may_fail = frozenset({NO_MEMORY})

        def commit(**_: Any) -> Range:
            r = Range(va, size, kind, al, offset if al else 0, prot, driver_prot)
            p.add_range(r)
            if kind != "noaccess":
                p.tables.map(va, pages, elig)
            if system:
                assert al is not None
                al.sys_range = r
            elif al is not None:
                al.mappings.append(r)
            return r

        return Plan(SUCCESS, va, may_fail=may_fail, commit=commit)

    # -- docs/behaviour.md 4: DxgkCbCreateContextAllocation ----------------------------------------

    def plan_create(self, h_device: int, h_context: int, driver_allocation: int, size: int,
                    context_flags: int, alignment: int, supported: int, preferred: int,
                    flags: int) -> Plan:
        cfg = self.cfg
        d = c = None
        if h_device:
            d = self.lookup(h_device, T_DEVICE)
            if d is None:
                return Plan(INVALID_HANDLE, detail="hDevice")
        if h_context:
            c = self.lookup(h_context, T_CONTEXT)
            if c is None:
                return Plan(INVALID_HANDLE, detail="hContext")
            if c.device is not d:
                return Plan(INVALID_PARAMETER, detail=CHOICES["create.context_of_other_device"])
            if context_flags & CCA_SHARED:
                return Plan(INVALID_PARAMETER, detail="hContext with SharedAcrossContexts")
        if size == 0:
            return Plan(INVALID_PARAMETER, detail="Size = 0")
        if not _pow2_or_zero(alignment):
            return Plan(INVALID_PARAMETER, detail=CHOICES["create.alignment_not_pow2"])
        order: list[int] = []
        for i in range(5):
            sid = (preferred >> (6 * i)) & 31
            if 1 <= sid <= len(cfg.segments) and supported >> (sid - 1) & 1 and sid not in order:
                order.append(sid)
        for sid in range(1, len(cfg.segments) + 1):
            if supported >> (sid - 1) & 1 and sid not in order:
                order.append(sid)
        if not order:
            return Plan(INVALID_PARAMETER, detail=CHOICES["create.no_supported_segment"])
        p = d.process if d is not None else self.system
        highest = bool(flags & AIF_FROM_END)
        acceptable: list[Placement] = []
        for sid in order:
            seg = cfg.segments[sid - 1]
            if size > seg.size:
                continue
            rsize = _round_up(size, seg.page_size)
            align = max(alignment, seg.page_size)
            off = self._seg_fit(seg, rsize, align, highest)
            if off is None:
                continue                      # certainly no room (tables only take more)
            if sid in cfg.table_segments:
                acceptable.append(Placement(seg, None, rsize, align))
                continue                      # the real core may or may not find room
            acceptable.append(Placement(seg, off, rsize, align))
            break
        if not acceptable:
            return Plan(NO_MEMORY, detail="no room in any supported segment")
        may_fail = frozenset({NO_MEMORY}) if not acceptable[-1].exact else frozenset()
        map_va = bool(context_flags & CCA_MAPVA)

        def make(handle: int, pl: Placement, offset: int) -> Allocation:
            return Allocation(handle, self, p, d, c, driver_allocation, pl.segment, offset,
                              pl.size, flags, context_flags)

        map_plan: Plan | None = None
        last = acceptable[-1]
        if map_va and last.exact and len(acceptable) == 1:
            # docs/behaviour.md 4.5 [choice]: also mapped as Base=Min=Max=0, Write|Execute,
            # all of it; a failing map fails the create (with the map's status) and leaves nothing.
            map_plan = self.plan_create_map(make(0, last, last.offset or 0))
            if map_plan.status != SUCCESS:
                return Plan(map_plan.status, detail=f"MapGpuVirtualAddress: {map_plan.detail}")
            may_fail |= map_plan.may_fail
        elif map_va:
            may_fail |= {NO_MEMORY, INVALID_PARAMETER}   # the map depends on the placement

        def commit(handle: int, segment: int, offset: int, va: int = 0, **_: Any) -> Allocation:
            pl = next((x for x in acceptable if x.segment.id == segment), None)
            assert pl is not None, f"placed in segment {segment}, expected one of " \
                                   f"{[x.segment.id for x in acceptable]}"
            if pl.exact:
                assert offset == pl.offset, \
                    f"segment {segment} offset {offset:#x}, expected {pl.offset:#x}"
            else:
                assert offset % pl.align == 0 and offset + pl.size <= pl.segment.size, offset
            al = make(handle, pl, offset)
            self._seg_take(pl.segment, offset, pl.size)
            self.allocations[handle] = al
            self._register(handle, T_ALLOCATION, al)
            if map_va:
                mp = self.plan_create_map(al)
                assert mp.status == SUCCESS, \
                    f"the create succeeded but its map should fail: {mp.detail}"
                assert va == mp.value, f"MapGpuVirtualAddress VA {va:#x}, expected {mp.value:#x}"
                assert mp.commit is not None
                mp.commit()
                al.create_va = va
            return al

        return Plan(SUCCESS, map_plan.value if map_plan else 0, may_fail=may_fail,
                    commit=commit, placements=acceptable)

    def plan_create_map(self, al: Allocation) -> Plan:
        """docs/behaviour.md 4 [choice]: the MapGpuVirtualAddress flag maps like Base=Min=Max=0,
        Write|Execute, the whole allocation."""
        return self._plan_map(al, 0, 0, 0, 0, al.pages, P_WRITE | P_EXECUTE, 0)

    # -- docs/behaviour.md 6 -----------------------------------------------------------------------

    def plan_destroy(self, h_alloc: int) -> Plan:
        al = self.lookup(h_alloc, T_ALLOCATION)
        if al is None:
            return Plan(INVALID_HANDLE, detail="hAllocation")
        return Plan(SUCCESS, commit=lambda **_: self._teardown_alloc(al))

    def plan_update(self, h_alloc: int, has_data: bool, size: int, data: bytes) -> Plan:
        al = self.lookup(h_alloc, T_ALLOCATION)
        if al is None:
            return Plan(INVALID_HANDLE, detail="hAllocation")
        if has_data != (size != 0):
            return Plan(INVALID_PARAMETER, detail="pPrivateDriverData / size disagree")

        # docs/behaviour.md 10.2 [choice]: the first update maps all of it in the system
        # process, Write | Execute | SystemUseOnly, lowest fit; a system-device allocation
        # mapped at creation is there already
        sys_plan = None
        if al.sys_range is None and not (al.process is self.system and al.create_va):
            sys_plan = self._plan_map(al, 0, 0, 0, 0, al.pages,
                                      P_WRITE | P_EXECUTE | P_SYSTEM_USE_ONLY, 0, system=True)
            if sys_plan.status != SUCCESS:
                return Plan(sys_plan.status, detail=f"the system mapping: {sys_plan.detail}")

        def commit(**_: Any) -> None:
            if sys_plan is not None:
                assert sys_plan.commit is not None
                sys_plan.commit()
            al.updated = True
            self.paging_log.append((len(self.paging_log), "UPDATE_CONTEXT_ALLOCATION",
                                    al.handle, bytes(data[:size])))

        return Plan(SUCCESS, commit=commit,
                    may_fail=sys_plan.may_fail if sys_plan is not None else frozenset())

    def plan_reserve(self, h_process: int, size: int, alignment: int, base: int,
                     flags: int) -> Plan:
        cfg = self.cfg
        p = self.lookup(h_process, T_PROCESS)
        if p is None or not p.creating:
            return Plan(INVALID_PARAMETER, detail=CHOICES["reserve.bad_process"])
        cov, r1, limit = cfg.leaf_coverage, cfg.root_entry1, cfg.va_limit
        if size == 0 or size % cov or not _pow2_or_zero(alignment):
            return Plan(INVALID_PARAMETER, detail="size / alignment")
        if size > limit - r1:
            return Plan(INVALID_PARAMETER, detail=CHOICES["reserve.size_beyond_space"])
        align = max(alignment, cov)
        if base:
            if base % align or base < r1 or base + size > limit:
                return Plan(INVALID_PARAMETER, detail="BaseAddress")
            if p.overlaps(base, size):
                return Plan(CONFLICTING, detail="overlap")
            va = base
        else:
            found = p.lowest_fit(size, align, 0, r1, limit)
            if found is None:
                return Plan(NO_MEMORY, detail="no room")
            va = found

        def commit(**_: Any) -> Range:
            r = Range(va, size, "reservation", flags=flags)
            p.add_range(r)
            return r

        return Plan(SUCCESS, va, commit=commit)

    # -- what the real core must report ------------------------------------------------

    def expect_translation(self, p: Process, va: int) -> dict[str, Any]:
        cfg = self.cfg
        none = {"valid": False, "zero": False, "segment": 0, "address": 0,
                "read_only": False, "no_execute": False, "page_size": 0}
        if va >= cfg.va_limit:
            return none
        r = p.range_at(va)
        if r is None or r.kind in ("noaccess", "reservation"):
            return none
        if r.kind == "zero":
            return {"valid": True, "zero": True, "segment": 0, "address": 0,
                    "read_only": False, "no_execute": False, "page_size": p.tables.page_size(va)}
        al = r.alloc
        assert al is not None
        return {
            "valid": True, "zero": False, "segment": al.segment.id,
            "address": al.offset + r.offset_pages * PAGE + (va - r.va),
            "read_only": cfg.read_only_ok and not r.protection & P_WRITE,
            "no_execute": cfg.no_execute_ok and not r.protection & P_EXECUTE,
            "page_size": p.tables.page_size(va),
        }

    def expect_cache_coherent(self, p: Process, va: int) -> bool:
        r = p.range_at(va)
        return bool(r is not None and r.kind in ("map", "system") and r.alloc is not None
                    and self.cfg.cache_coherent_ok and r.alloc.flags & AIF_CACHED)

    def stats(self) -> dict[str, int]:
        devices = sum(len(p.devices) for p in self.processes)
        return {
            "processes": len(self.processes),
            "devices": devices,
            "contexts": sum(len(d.contexts) for p in self.processes for d in p.devices),
            "allocations": len(self.allocations),
            "mappings": sum(len(p.mappings()) for p in self.processes),
            "reservations": sum(len(p.reservations()) for p in self.processes),
            "table_bytes": sum(p.tables.table_bytes() for p in self.processes),
            "paging_records": len(self.paging_log),
        }


# ---------------------------------------------------------------------------------------
# The world: every adapter the real core has, keyed by handle


class World:
    def __init__(self) -> None:
        self.adapters: dict[int, Adapter] = {}
        self.handles: dict[int, tuple[str, Adapter, Any]] = {}
        self.dead: dict[int, None] = {}     # destroyed handles, in order (a set that
                                            # iterates the same way on every run)

    def add_adapter(self, real: Any) -> Adapter:
        """Starts modelling a freshly created dxgk.Adapter (nothing made in it yet but its
        system process)."""
        return Adapter(self, real.handle, Config.of(real), real.system_process.handle)

    def adapter(self, h: int) -> Adapter | None:
        obj = self.handles.get(h)
        return obj[2] if obj is not None and obj[0] == T_ADAPTER else None

    def kind(self, h: int) -> str | None:
        obj = self.handles.get(h)
        return obj[0] if obj else None
