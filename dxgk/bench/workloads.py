"""Synthetic DDI workloads, written as traces: ``python -m dxgk gen-trace KIND --calls N
--seed S [-o FILE]`` -- the workloads of the benchmark harness and of the trace tests.

Each workload drives the real model through the facade while :func:`dxgk.record` writes
the trace, so every recorded result is the model's own answer and the file replays with
``--check`` clean. The random stream is ``random.Random(seed)`` and nothing else (no
handle values, clocks or addresses of Python objects) reaches the file: the same kind,
call count and seed always give the same bytes.

Kinds (:data:`KINDS`):

* ``churn`` -- steady churn: create / map / destroy context allocations around a target
  number of live allocations (``live``, default 1024), sizes 4 KB..1 MB log-uniform, in
  the 64 KB and the 4 KB segment, some allocations mapped twice (a partial second view),
  an occasional DxgkCbUpdateContextAllocation.
* ``fixed-range`` -- mixed fixed-address and range-constrained maps: fixed maps
  (BaseAddress) into 2 MB slots of a 64 GB region, ~10 % of them aimed at a taken slot
  (STATUS_CONFLICTING_ADDRESSES) and ~5 % breaking the 64 KB congruence
  (STATUS_INVALID_PARAMETER); lowest-fit maps inside random [Minimum, Maximum) windows.
* ``mixed-pages`` -- 64 KB / 4 KB mixing: 64 KB-eligible maps (64 KB segment, 16-page
  aligned offset and size) and 4 KB maps (4 KB segment, or unaligned views) share one
  256 MB window, so leaf tables start in the 64 KB format and get converted.
* ``processes`` -- process creation with reservations: processes whose creation hook
  reserves 1-4 ranges (some at a fixed BaseAddress, some aligned, a few invalid), a
  device and a few mapped allocations each, at most 8 alive; ~5 % of hooks fail and
  abandon the process.
* ``tiled`` -- a tiled resource through the user-mode services (docs/behaviour.md 9): a
  paging queue, a 64 MB tile pool (a user-mode allocation in the 64 KB segment), a 4 GB
  D3DKMTReserveGpuVirtualAddress, then D3DKMTUpdateGpuVirtualAddress batches of 1-64
  64 KB operations: MAP a pool tile (~60 %), UNMAP to invalid or zero (~25 %), COPY a run
  of 1-4 tiles (~15 %); ~10 % of batches wait for a fence value the workload signals
  next, ~2 % hold a tile past the pool's end (the batch is refused, all or nothing), and
  every 256th batch maps a few pool pages with D3DKMTMapGpuVirtualAddress.
"""

from __future__ import annotations

import ctypes
import math
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Final

from .. import ddi, structs
from ..model import Adapter, Segment
from ..trace import FORMAT_VERSION, record

__all__ = ["KINDS", "GenInfo", "generate"]

KB: Final[int] = 1024
MB: Final[int] = 1024 * KB
GB: Final[int] = 1024 * MB
PAGE: Final[int] = 4096
LEAF: Final[int] = 2 * MB          # VA covered by one leaf table (docs/behaviour.md 3.5)

# Bits of D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE.Value
_WRITE, _EXECUTE, _ZERO, _NOACCESS = 1, 2, 4, 8


@dataclass(frozen=True)
class GenInfo:
    kind: str
    seed: int
    calls: int           # DDI calls written
    events: int          # object events written
    lines: int           # lines written, header included
    path: str | None


class _Driver:
    """A workload's connection to the model: one adapter, reused argument structs."""

    def __init__(self, seed: int, live_limit: int) -> None:
        self.rng = random.Random(seed)
        # Big segments so the workloads are limited by their own targets, not by memory.
        self.adapter = Adapter(segments=[Segment(16 * GB, 65536, "local"),
                                         Segment(16 * GB, 4096, "aperture")])
        self.ha = self.adapter.handle
        self.m = structs.DXGKARGCB_MAPCONTEXTALLOCATION()
        self.c = structs.DXGKARGCB_CREATECONTEXTALLOCATION(hAdapter=self.ha)
        self.u = structs.DXGKARGCB_UPDATECONTEXTALLOCATION()
        self.live_limit = live_limit
        self.data = (ctypes.c_ubyte * 64)(*range(1, 65))    # private driver data

    # -- DDI calls --

    def create(self, device: int, size: int, segments: int, *, context: int = 0,
               map_va: bool = False, flags: int = 0) -> int:
        c = self.c
        c.hDevice = device
        c.hContext = context
        c.hAllocation = 0
        c.Size = size
        c.SupportedSegmentSet = segments
        c.ContextAllocationFlags.Value = 2 if map_va else 0
        c.Flags.Value = flags
        st = ddi.DxgkCbCreateContextAllocation(c)
        return int(c.hAllocation) if st == 0 else 0

    def map(self, h: int, pages: int, *, offset: int = 0, base: int = 0, minimum: int = 0,
            maximum: int = 0, protection: int = _WRITE) -> int:
        m = self.m
        m.hAllocation = h
        m.OffsetInPages = offset
        m.SizeInPages = pages
        m.BaseAddress = base
        m.MinimumAddress = minimum
        m.MaximumAddress = maximum
        m.Protection.Value = protection
        m.DriverProtection = 0
        return ddi.DxgkCbMapContextAllocation(self.ha, m)

    def destroy(self, h: int) -> int:
        return ddi.DxgkCbDestroyContextAllocation(self.ha, h)

    def update(self, h: int) -> int:
        n = self.rng.randrange(0, 65)
        u = self.u
        u.hAllocation = h
        u.pPrivateDriverData = ctypes.addressof(self.data) if n else 0
        u.PrivateDriverDataSize = n
        return ddi.DxgkCbUpdateContextAllocation(self.ha, u)

    # -- random shapes --

    def pages(self, lo: int = 1, hi: int = 256) -> int:
        """Log-uniform page count in [lo, hi]."""
        return max(lo, min(hi, int(math.exp(self.rng.uniform(math.log(lo),
                                                             math.log(hi + 1))))))

    def protection(self) -> int:
        r = self.rng.random()
        return _WRITE if r < 0.7 else _WRITE | _EXECUTE if r < 0.9 else 0


def _pop_random(rng: random.Random, items: list[Any]) -> Any:
    i = rng.randrange(len(items))
    items[i], items[-1] = items[-1], items[i]
    return items.pop()


# ---- the workloads ----------------------------------------------------------------------------


def _churn(g: _Driver, rec: Any, calls: int) -> None:
    rng = g.rng
    p = g.adapter.create_process()
    d = p.create_device()
    ctx = [d.create_context().handle for _ in range(2)]
    dev = d.handle
    live: list[int] = []
    target = g.live_limit
    while rec.calls < calls:
        if len(live) < target and (len(live) < target // 2 or rng.random() < 0.5):
            seg = rng.choice((1, 2, 3))
            pages = g.pages(1, 256)
            shared = rng.random() < 0.7
            h = g.create(dev, pages * PAGE, seg, context=0 if shared else rng.choice(ctx))
            if not h:
                continue
            n = pages
            g.map(h, n, protection=g.protection())
            if n > 1 and rng.random() < 0.2:            # a second, partial view
                off = rng.randrange(n)
                g.map(h, rng.randrange(1, n - off + 1), offset=off, protection=_WRITE)
            if rng.random() < 0.02:
                g.update(h)
            live.append(h)
        elif live:
            g.destroy(_pop_random(rng, live))


def _fixed_range(g: _Driver, rec: Any, calls: int) -> None:
    rng = g.rng
    p = g.adapter.create_process()
    dev = p.create_device().handle
    fixed_base, slots = 1 << 40, (64 * GB) // LEAF       # 32768 slots of 2 MB
    taken: dict[int, int] = {}                           # slot -> allocation
    owned: dict[int, list[int]] = {}                     # allocation -> its slots
    live: list[int] = []
    target = g.live_limit
    while rec.calls < calls:
        if len(live) >= target or (live and rng.random() < 0.3):
            h = _pop_random(rng, live)
            g.destroy(h)
            for s in owned.pop(h, ()):
                taken.pop(s, None)
            continue
        seg = rng.choice((1, 2))
        pages = g.pages(1, 256)                          # at most 1 MB: fits a slot
        h = g.create(dev, pages * PAGE, seg)
        if not h:
            continue
        live.append(h)
        owned[h] = []
        for _ in range(rng.randrange(1, 4)):
            off = rng.randrange(pages)
            n = rng.randrange(1, pages - off + 1)
            if rng.random() < 0.5:                       # fixed address
                if taken and rng.random() < 0.1:
                    slot = rng.choice(list(taken))       # aimed at a taken slot
                else:
                    slot = rng.randrange(slots)
                va = fixed_base + slot * LEAF
                if seg == 1:
                    va += (off * PAGE) % (64 * KB)       # docs/behaviour.md 5.3 congruence
                    if rng.random() < 0.05:
                        va += PAGE                       # broken on purpose
                if g.map(h, n, offset=off, base=va, protection=g.protection()) and \
                        slot not in taken:
                    taken[slot] = h
                    owned[h].append(slot)
            else:                                        # range-constrained
                lo = rng.randrange(64, 1024) * GB
                width = g.pages(4096, 1 << 20) * PAGE    # 16 MB .. 4 GB
                g.map(h, n, offset=off, minimum=lo, maximum=lo + width,
                      protection=g.protection())


def _mixed_pages(g: _Driver, rec: Any, calls: int) -> None:
    rng = g.rng
    p = g.adapter.create_process()
    dev = p.create_device().handle
    lo, hi = 4 * GB, 4 * GB + 256 * MB
    live: list[int] = []
    target = min(g.live_limit, 256)
    while rec.calls < calls:
        if len(live) >= target or (live and rng.random() < 0.35):
            g.destroy(_pop_random(rng, live))
            continue
        big = rng.random() < 0.6
        if big:                                          # 64 KB segment, 64 KB-sized
            pages = 16 * rng.randrange(1, 33)
            h = g.create(dev, pages * PAGE, 1)
        else:
            pages = g.pages(1, 64)
            h = g.create(dev, pages * PAGE, 2)
        if not h:
            continue
        live.append(h)
        if big and rng.random() < 0.75:                  # 64 KB-eligible view
            off = 16 * rng.randrange(pages // 16)
            n = 16 * rng.randrange(1, (pages - off) // 16 + 1)
        else:                                            # a 4 KB view
            off = rng.randrange(pages)
            n = rng.randrange(1, pages - off + 1)
        g.map(h, n, offset=off, minimum=lo, maximum=hi, protection=g.protection())


def _processes(g: _Driver, rec: Any, calls: int) -> None:
    rng = g.rng
    a = g.adapter
    alive: list[Any] = []
    while rec.calls < calls:
        if len(alive) >= 8 or (alive and rng.random() < 0.3):
            alive.pop(0).close()
            continue
        plan = []
        for _ in range(rng.randrange(1, 5)):
            size = rng.randrange(1, 65) * LEAF
            if rng.random() < 0.03:
                size += PAGE                             # not a leaf multiple: rejected
            align = rng.choice((0, 0, LEAF, 64 * MB, GB))
            base = rng.randrange(1, 128) << 40 if rng.random() < 0.3 else 0   # n TiB
            plan.append((size, align, base))
        fail = rng.random() < 0.05

        def hook(proc: Any, plan: list[tuple[int, int, int]] = plan, fail: bool = fail) -> None:
            for size, align, base in plan:
                args = structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(
                    hDxgkProcess=proc.handle, SizeInBytes=size, Alignment=align,
                    BaseAddress=base, Flags=int(rng.random() < 0.5))
                ddi.DxgkCbReserveGpuVirtualAddressRange(a.handle, args)
            if fail:                                     # the driver refuses the process
                raise ddi.DdiError(ddi.STATUS_NO_MEMORY, "refused by the workload's hook")

        try:
            proc = a.create_process(on_create=hook)
        except ddi.DdiError:
            continue
        alive.append(proc)
        dev = proc.create_device().handle
        reservations = proc.reservations()
        for _ in range(rng.randrange(1, 9)):
            pages = g.pages(1, 128)
            h = g.create(dev, pages * PAGE, rng.choice((1, 2, 3)))
            if not h:
                continue
            if reservations and rng.random() < 0.1:      # into a reservation: refused
                r = rng.choice(reservations)
                g.map(h, pages, base=r.va)
            else:
                g.map(h, pages, protection=g.protection())


_TILE: Final[int] = 64 * KB
_OP_MAP, _OP_UNMAP, _OP_COPY = 0, 1, 2     # D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION_TYPE


def _tiled(g: _Driver, rec: Any, calls: int) -> None:
    from .. import kmt                              # (the user-mode thunks)

    rng = g.rng
    proc = g.adapter.create_process()
    dev = proc.create_device()
    ctx = dev.create_context()
    queue = dev.create_paging_queue()
    pool_tiles = 64 * MB // _TILE
    pool = dev.allocate(64 * MB, segments=0b01)     # the 64 KB segment
    span = 4 * GB
    r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(hPagingQueue=queue.handle, Size=span)
    if kmt.D3DKMTReserveGpuVirtualAddress(r) not in (0, kmt.STATUS_PENDING):
        raise RuntimeError("tiled: the 4 GB reservation failed")
    base, tiles = int(r.VirtualAddress), span // _TILE
    fence = dev.create_fence(0)
    ops = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * 64)()
    u = structs.D3DKMT_UPDATEGPUVIRTUALADDRESS(hDevice=dev.kmt_handle, hContext=ctx.kmt_handle,
                                               hFenceObject=fence.handle)
    m = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=queue.handle, hAllocation=pool)
    batches = 0
    while rec.calls < calls:
        n = rng.randrange(1, 65)
        for i in range(n):
            o = ops[i]
            ctypes.memset(ctypes.addressof(o), 0, ctypes.sizeof(o))
            x = rng.random()
            va = base + rng.randrange(tiles) * _TILE
            if x < 0.6:
                o.OperationType = _OP_MAP
                o.Map.BaseAddress, o.Map.SizeInBytes = va, _TILE
                o.Map.hAllocation = pool
                o.Map.AllocationOffsetInBytes = rng.randrange(pool_tiles) * _TILE
                o.Map.AllocationSizeInBytes = _TILE
            elif x < 0.85:
                o.OperationType = _OP_UNMAP
                o.Unmap.BaseAddress, o.Unmap.SizeInBytes = va, _TILE
                o.Unmap.Protection.Value = _ZERO if rng.random() < 0.3 else 0
            else:
                k = rng.randrange(1, 5)
                o.OperationType = _OP_COPY
                o.Copy.SourceAddress = base + rng.randrange(tiles - k) * _TILE
                o.Copy.DestAddress = base + rng.randrange(tiles - k) * _TILE
                o.Copy.SizeInBytes = k * _TILE
        if rng.random() < 0.02:                         # a tile past the pool's end: the
            o = ops[rng.randrange(n)]                   # whole batch is refused
            ctypes.memset(ctypes.addressof(o), 0, ctypes.sizeof(o))
            o.OperationType = _OP_MAP
            o.Map.BaseAddress, o.Map.SizeInBytes = base, _TILE
            o.Map.hAllocation, o.Map.AllocationSizeInBytes = pool, _TILE
            o.Map.AllocationOffsetInBytes = pool_tiles * _TILE
        u.NumOperations = n
        wait = rng.random() < 0.1
        u.FenceValue = fence.value + 1 if wait else 0
        kmt.D3DKMTUpdateGpuVirtualAddress(u, ops)
        if wait:
            fence.signal(fence.value + 1)               # releases the waiting batch
        batches += 1
        if batches % 256 == 0:                          # a plain map of a few pool pages
            m.OffsetInPages = rng.randrange(pool_tiles) * (_TILE // PAGE)
            m.SizeInPages = rng.randrange(1, 17)
            m.Protection.Value = _WRITE
            kmt.D3DKMTMapGpuVirtualAddress(m)


KINDS: Final[dict[str, tuple[Callable[[_Driver, Any, int], None], str]]] = {
    "churn": (_churn, "steady churn: create/map/destroy around a target of live allocations"),
    "fixed-range": (_fixed_range, "mixed fixed-address and range-constrained maps"),
    "mixed-pages": (_mixed_pages, "64 KB / 4 KB page mixing in one VA window"),
    "processes": (_processes, "process creation with reservations"),
    "tiled": (_tiled, "a tiled resource: reserve, then Update batches of 64 KB tiles"),
}


def generate(kind: str, calls: int, seed: int, target: str | os.PathLike[str] | IO[str], *,
             live: int = 1024, version: int = FORMAT_VERSION) -> GenInfo:
    """Writes a synthetic trace of `kind` with (at least) `calls` DDI calls -- the
    workload stops at the first step boundary past it -- to `target`, in trace format
    `version` (2: compact lines; 1: object lines). The trace does not destroy its
    adapter, so a replay ends with the workload's objects alive (for ``plot-vaspace`` and
    inspection)."""
    if kind not in KINDS:
        raise ValueError(f"unknown workload {kind!r}; known: {', '.join(KINDS)}")
    if calls < 1:
        raise ValueError("calls must be at least 1")
    if live < 1:
        raise ValueError("live must be at least 1")
    fn = KINDS[kind][0]
    meta = {"workload": kind, "seed": seed, "calls": calls}
    if kind == "churn":
        meta["live"] = live
    g: _Driver | None = None
    try:
        with record(target, meta=meta, version=version) as rec:
            g = _Driver(seed, live)
            fn(g, rec, calls)
    finally:
        if g is not None:        # after the recording: a replay ends with the objects alive
            g.adapter.close()
    path = os.fspath(target) if isinstance(target, (str, os.PathLike)) else None
    return GenInfo(kind, seed, rec.calls, rec.events, rec.lines, path)


def run_command(kind: str, calls: int, seed: int, output: str | None = None, *,
                live: int = 1024, version: int = FORMAT_VERSION) -> int:
    """``python -m dxgk gen-trace``: the trace to `output` (default: standard output), a
    one-line summary on stderr when writing a file; 2 and one line on stderr for a bad
    argument or an output that cannot be written (a partly written file is removed)."""
    def fail(message: str) -> int:
        print(f"dxgk gen-trace: {message}", file=sys.stderr)
        return 2

    if calls < 1:
        return fail(f"--calls must be at least 1, got {calls}")
    if live < 1:
        return fail(f"--live must be at least 1, got {live}")
    if output is not None and os.path.isdir(output):
        return fail(f"cannot write {output!r}: it is a directory")
    existed = output is not None and os.path.lexists(output)
    try:
        info = generate(kind, calls, seed, output or sys.stdout, live=live, version=version)
    except OSError as e:
        if output is not None and not existed and os.path.lexists(output):
            os.remove(output)
        return fail(f"cannot write {output or 'standard output'!r}: {e.strerror or e}")
    if output:
        print(f"wrote {output}: {info.calls} DDI calls, {info.events} object events, "
              f"{info.lines} lines", file=sys.stderr)
    return 0
