"""Shared helpers of the behaviour-rule suites (tests/ddi/test_spec_*.py).

Everything here goes through the public API of DESIGN.md ("Public API"): `dxgk.Adapter`,
processes/devices/contexts, the five `DxgkCb*` functions, `dxgk.last_status()`, and the
inspection calls (mappings, reservations, allocation infos, page-table statistics,
segment usage, adapter statistics, the paging log, translation).

The centre piece is `snapshot()`: one value that captures everything observable about an
adapter and some of its processes, so that every failure test can say
`snapshot(before) == snapshot(after)` -- docs/behaviour.md 5.7, "nothing is half done".
"""

from __future__ import annotations

import ctypes
import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

import dxgk
from dxgk import structs

KB = 1 << 10
MB = 1 << 20
GB = 1 << 30
PAGE = 4 * KB
PAGE64K = 64 * KB
LEAF_COVERAGE = 2 * MB                 # VA covered by one leaf table with the defaults
ROOT_ENTRY_1 = 1 << 39                 # VA covered by root entry 1 with the defaults
VA_LIMIT = 1 << 48                     # 2^VirtualAddressBitCount with the defaults
BOGUS_HANDLE = 0x0BAD_F00D_DEAD_BEE8   # never issued: not a live handle of anything

SUCCESS = dxgk.STATUS_SUCCESS
INVALID_HANDLE = dxgk.STATUS_INVALID_HANDLE
INVALID_PARAMETER = dxgk.STATUS_INVALID_PARAMETER
NO_MEMORY = dxgk.STATUS_NO_MEMORY
CONFLICTING = dxgk.STATUS_CONFLICTING_ADDRESSES

# D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE bits
P_WRITE, P_EXECUTE, P_ZERO, P_NOACCESS, P_SYSTEM_USE_ONLY = 1, 2, 4, 8, 16


# ---------------------------------------------------------------------------------------
# Building the argument structs


def create_args(adapter: Any, device: Any = None, *, size: int = 1 * MB, segments: int = 0b11,
                preferred: Sequence[int] = (), alignment: int = 0, context: Any = None,
                shared: bool = False, map_va: bool = False, flags: Mapping[str, int] | None = None,
                h_adapter: int | None = None, h_device: int | None = None,
                h_context: int | None = None) -> Any:
    """A DXGKARGCB_CREATECONTEXTALLOCATION. `preferred` lists segment ids for
    PreferredSegment.SegmentId0..4; raw handles override the objects' handles."""
    pref = {f"SegmentId{i}": sid for i, sid in enumerate(preferred)}
    cflags = {"SharedAcrossContexts": int(shared), "MapGpuVirtualAddress": int(map_va)}
    return structs.DXGKARGCB_CREATECONTEXTALLOCATION(
        ContextAllocationFlags=cflags,
        hAdapter=adapter.handle if h_adapter is None else h_adapter,
        hDevice=(device.handle if device is not None else 0) if h_device is None else h_device,
        hContext=(context.handle if context is not None else 0) if h_context is None else h_context,
        hDriverAllocation=0x5151,
        Size=size,
        Alignment=alignment,
        SupportedSegmentSet=segments,
        EvictionSegmentSet=0,
        PreferredSegment=pref,
        Flags=dict(flags or {}),
    )


def create_allocation(adapter: Any, device: Any = None, **kw: Any) -> int:
    """Creates a context allocation that must succeed; returns hAllocation."""
    args = create_args(adapter, device, **kw)
    st = dxgk.DxgkCbCreateContextAllocation(args)
    assert st == SUCCESS, f"create failed: {st:#x}"
    assert dxgk.last_status() == SUCCESS
    assert args.hAllocation != 0
    return int(args.hAllocation)


def map_args(h: int = 0, pages: int = 16, *, base: int = 0, minimum: int = 0, maximum: int = 0,
             offset: int = 0, protection: int | None = None, write: bool = True,
             execute: bool = False, driver_protection: int = 0) -> Any:
    """A DXGKARGCB_MAPCONTEXTALLOCATION; `protection` (a raw Value) overrides write/execute."""
    a = structs.DXGKARGCB_MAPCONTEXTALLOCATION(
        BaseAddress=base, MinimumAddress=minimum, MaximumAddress=maximum, hAllocation=h,
        OffsetInPages=offset, SizeInPages=pages, DriverProtection=driver_protection)
    a.Protection.Value = (protection if protection is not None
                          else (P_WRITE if write else 0) | (P_EXECUTE if execute else 0))
    return a


def map_va(adapter: Any, h: int = 0, pages: int = 16, **kw: Any) -> int:
    """Maps and requires success; returns the VA."""
    va = dxgk.DxgkCbMapContextAllocation(adapter.handle, map_args(h, pages, **kw))
    st = dxgk.last_status()
    assert va != 0 and st == SUCCESS, f"map failed: va={va:#x} status={st:#x}"
    return int(va)


def reserve_args(process: Any = None, size: int = LEAF_COVERAGE, *, alignment: int = 0,
                 base: int = 0, h_process: int | None = None) -> Any:
    return structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(
        hDxgkProcess=process.handle if h_process is None else h_process,
        SizeInBytes=size, Alignment=alignment, BaseAddress=base)


def update_args(h: int, data: Any = None, size: int | None = None) -> Any:
    """A DXGKARGCB_UPDATECONTEXTALLOCATION; `data` is a ctypes buffer (kept alive by the
    caller) or None (NULL); size defaults to the buffer's size."""
    if data is None:
        ptr, n = 0, 0
    else:
        ptr, n = ctypes.addressof(data), ctypes.sizeof(data)
    return structs.DXGKARGCB_UPDATECONTEXTALLOCATION(
        hAllocation=h, pPrivateDriverData=ptr,
        PrivateDriverDataSize=n if size is None else size)


# ---------------------------------------------------------------------------------------
# Adapters for edge cases


def caps(**overrides: int) -> Any:
    """docs/behaviour.md 3's default DXGK_GPUMMUCAPS with some fields overridden."""
    c = structs.DXGK_GPUMMUCAPS(
        ReadOnlyMemorySupported=1, NoExecuteMemorySupported=1, ZeroInPteSupported=1,
        CacheCoherentMemorySupported=1, LargePageSupported=0, DualPteSupported=0,
        PageTableUpdateMode=0, VirtualAddressBitCount=48,
        LeafPageTableSizeFor64KPagesInBytes=256, PageTableLevelCount=4)
    for k, v in overrides.items():
        setattr(c, k, v)
    return c


def levels(bits: Sequence[int] = (9, 9, 9, 9), segment: int = 1) -> list[Any]:
    """Level descriptions, leaf first."""
    return [structs.DXGK_PAGE_TABLE_LEVEL_DESC(
        PageTableIndexBitCount=b, PageTableSegmentId=segment,
        PagingProcessPageTableSegmentId=segment, PageTableSizeInBytes=4096,
        PageTableAlignmentInBytes=4096) for b in bits]


def segment(size: int, page_size: int = PAGE, kind: str = "local") -> Any:
    """One segment description in the form dxgk.Adapter(segments=[...]) takes."""
    return dxgk.Segment(size=size, page_size=page_size, kind=kind)


def adapter_with(*, segments: Sequence[Any] | None = None, caps_: Any = None,
                 levels_: Sequence[Any] | None = None) -> Any:
    kw: dict[str, Any] = {}
    if segments is not None:
        kw["segments"] = list(segments)
    if caps_ is not None:
        kw["caps"] = caps_
    if levels_ is not None:
        kw["levels"] = list(levels_)
    return dxgk.Adapter(**kw)


# ---------------------------------------------------------------------------------------
# Snapshots


def _plain(x: Any) -> Any:
    """A comparable, printable plain-data copy of an inspection result."""
    if x is None or isinstance(x, (bool, int, float, str, bytes)):
        return x
    if isinstance(x, (np.integer, np.bool_)):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (bytearray, memoryview)):
        return bytes(x)
    if isinstance(x, structs.StructBase):
        return bytes(x)
    if hasattr(x, "_asdict"):
        return {k: _plain(v) for k, v in x._asdict().items()}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: _plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, Mapping):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if hasattr(x, "__dict__"):
        return {k: _plain(v) for k, v in vars(x).items() if not k.startswith("_")}
    if hasattr(x, "__slots__"):
        return {k: _plain(getattr(x, k)) for k in x.__slots__ if not k.startswith("_")}
    return repr(x)


def _allocation_info(adapter: Any, h: int) -> Any:
    try:
        return _plain(adapter.allocation(h))
    except Exception as e:  # a dead handle: the kind of error is part of the state
        return ("dead", type(e).__name__)


def _probe_vas(ranges: Iterable[Any]) -> list[int]:
    vas: list[int] = []
    for r in ranges:
        vas += [r.va, r.va + r.size - PAGE]
    return vas


def snapshot(adapter: Any, processes: Iterable[Any] = (), *, allocations: Iterable[int] = (),
             probes: Iterable[int] = (), log: bool = True) -> dict[str, Any]:
    """Everything observable about `adapter` and `processes` (its system process always
    included): adapter statistics, every segment's usage, the live handle count, the
    paging log; per process its mappings, reservations, page-table statistics and the
    translation (with the full walk) of the first and last page of every range plus
    `probes`; the allocation info of `allocations` and of every allocation mapped.
    ``log=False`` leaves the paging log out: for a state reached again by undoing a
    change (the operations of both are in the log, docs/behaviour.md 10.2)."""
    procs = [adapter.system_process, *processes]
    stats = _plain(adapter.stats())
    nseg = len(adapter.segments)
    snap: dict[str, Any] = {
        "stats": stats,
        "segments": [_plain(adapter.segment(i)) for i in range(1, nseg + 1)],
        "live_handles": dxgk.live_handles(),
        "paging_log": [(r.sequence, r.operation, r.process and r.process.handle, bytes(r.args),
                        [bytes(e) for e in r.entries], r.allocation, r.data)
                       for r in adapter.paging_log] if log else None,
        "processes": [],
    }
    handles = set(allocations)
    extra = list(probes)
    for p in procs:
        maps = list(p.mappings())
        res = list(p.reservations())
        handles |= {m.allocation for m in maps if m.allocation}
        vas = sorted(set(_probe_vas(maps) + _probe_vas(res) + extra))
        snap["processes"].append({
            "handle": p.handle,
            "mappings": _plain(maps),
            "reservations": _plain(res),
            "page_tables": _plain(p.page_table_stats()),
            "translations": _plain(p.translate_many(np.array(vas, dtype=np.uint64))),
            "walks": [_plain(p.translate(va)) for va in vas],
        })
    snap["allocations"] = {h: _allocation_info(adapter, h) for h in sorted(handles)}
    return snap


def uca_records(adapter: Any) -> list[Any]:
    """The UPDATE_CONTEXT_ALLOCATION operations of the adapter's paging log (the log also
    holds the page-table operations of docs/behaviour.md 10.2)."""
    return [r for r in adapter.paging_log if r.operation == "UPDATE_CONTEXT_ALLOCATION"]


def assert_unchanged(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Equality with a readable first difference."""
    if before == after:
        return
    for key in before:
        if before[key] != after.get(key):
            raise AssertionError(f"state changed in {key!r}:\n before={before[key]!r:.3000}\n"
                                 f" after ={after.get(key)!r:.3000}")
    raise AssertionError("state changed")


# ---------------------------------------------------------------------------------------
# Failure checks: return value, last status, nothing changed, invariants hold


def expect_fail(adapter: Any, call: Callable[[], Any], status: int, *,
                processes: Iterable[Any] = (), allocations: Iterable[int] = (),
                probes: Iterable[int] = (), returns: int | None = None) -> None:
    """Runs `call` and checks the failure contract (docs/behaviour.md 5.7): it returns
    `returns` (0 for a map, the status for the NTSTATUS callbacks), dxgk.last_status()
    is `status`, and the snapshot of `adapter` (with `processes`) is unchanged."""
    processes = list(processes)
    allocations = list(allocations)
    probes = list(probes)
    before = snapshot(adapter, processes, allocations=allocations, probes=probes)
    got = call()
    st = dxgk.last_status()
    want = status if returns is None else returns
    assert got == want, f"returned {got:#x}, expected {want:#x}"
    assert st == status, f"last_status {st:#x}, expected {status:#x}"
    assert_unchanged(before, snapshot(adapter, processes, allocations=allocations,
                                      probes=probes))
    adapter.validate()


def expect_map_fail(adapter: Any, args: Any, status: int, *, h_adapter: int | None = None,
                    **kw: Any) -> None:
    """DxgkCbMapContextAllocation fails: returns 0, last_status == status, no change."""
    hA = adapter.handle if h_adapter is None else h_adapter
    expect_fail(adapter, lambda: dxgk.DxgkCbMapContextAllocation(hA, args), status,
                returns=0, **kw)


def expect_create_fail(adapter: Any, args: Any, status: int, **kw: Any) -> None:
    before_h = args.hAllocation
    expect_fail(adapter, lambda: dxgk.DxgkCbCreateContextAllocation(args), status, **kw)
    assert args.hAllocation == before_h, "a failed create wrote hAllocation"


def ok(call_result: int) -> None:
    """An NTSTATUS callback succeeded (and last_status agrees)."""
    assert call_result == SUCCESS, f"{call_result:#x}"
    assert dxgk.last_status() == SUCCESS


def pte_of(t: Any, level: int) -> Any:
    """The entry read at `level` by a translation's walk (levels: (level, index, pte))."""
    for lv, _idx, pte in t.levels:
        if lv == level:
            return pte
    raise AssertionError(f"walk did not reach level {level}: {t.levels!r}")


def index_of(t: Any, level: int) -> int:
    for lv, idx, _pte in t.levels:
        if lv == level:
            return idx
    raise AssertionError(f"walk did not reach level {level}: {t.levels!r}")
