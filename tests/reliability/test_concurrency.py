"""Concurrency (issue 7, item 3): the C core releases the GIL, so eight Python threads
really run DDI calls at the same time.

* 8 threads x OPS operations against ONE adapter: allocations created, mapped (lowest
  fit, windows, fixed bases that may conflict), translated, updated and destroyed;
  Zero/NoAccess ranges in the system process; short-lived processes whose creation hook
  reserves ranges while the other threads run. Then: no VA was ever handed out twice
  (no two mappings of a process that were certainly alive at the same time overlap),
  every mapping translates to its own allocation, validate() holds, and every counter
  (allocations, mappings, reservations, processes, paging records, segment usage, live
  handles) is exactly what the threads' own logs add up to.
* The same with one adapter per thread, plus cross-adapter misuse: each thread keeps
  handing its adapter the allocation handles of the others (which are being destroyed
  and re-created concurrently) -- every such call must fail with INVALID_HANDLE.
* An adapter closed while eight threads use it: every call fails cleanly.
"""

from __future__ import annotations

import gc
import itertools
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import fuzzkit as F
import numpy as np
import pytest
from fuzzkit import MB, P64K, PAGE

import dxgk

THREADS = 8
OPS = 1500 * (10 if F.LONG else 1)      # per thread: 12000 operations per test by default

_clock = itertools.count()              # global event order (next() is atomic under the GIL)


@dataclass
class Live:
    """A mapping a thread made: certainly alive from `born` (its map returned) until `dies`
    (its destroy was called)."""

    process: int
    va: int
    size: int
    allocation: int
    offset: int
    born: int
    dies: int | None = None


@dataclass
class Log:
    allocations: dict[int, list[Live]] = field(default_factory=dict)   # live own allocations
    history: list[Live] = field(default_factory=list)                  # every mapping ever
    zero_noaccess: list[Live] = field(default_factory=list)            # system process, forever
    updates: int = 0
    updated: set[int] = field(default_factory=set)                     # allocations updated
    ops: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    kept_processes: list[Any] = field(default_factory=list)
    kept_reservations: int = 0

    def fail(self, what: str) -> None:
        self.failures[what] = self.failures.get(what, 0) + 1


def run_threads(n: int, body: Callable[[int], None]) -> None:
    """Runs body(i) in n threads started together; re-raises the first exception."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def main(i: int) -> None:
        try:
            barrier.wait()
            body(i)
        except BaseException as e:  # noqa: BLE001 - re-raised in the main thread
            errors.append(e)

    ts = [threading.Thread(target=main, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]


def check_translates_to(p: dxgk.Process, a: dxgk.Adapter, lv: Live) -> None:
    info = a.allocation(lv.allocation)
    vas = np.array([lv.va, lv.va + lv.size - PAGE, lv.va + (lv.size // PAGE // 2) * PAGE],
                   dtype=np.uint64)
    t = p.translate_many(vas)
    for va, rec in zip(vas.tolist(), t):
        want = info.segment_offset + lv.offset * PAGE + (va - lv.va)
        assert rec["valid"] and not rec["zero"], f"VA {va:#x} of a live mapping is not mapped"
        assert int(rec["segment"]) == info.segment and int(rec["address"]) == want, \
            f"VA {va:#x} translates to {int(rec['segment'])}:{int(rec['address']):#x}, " \
            f"expected {info.segment}:{want:#x} (allocation {lv.allocation:#x})"


class Worker:
    """One thread's operation mix against adapter `a` (processes `shared` have a device
    each; `peers` gives other adapters' allocation handles for cross-adapter misuse)."""

    def __init__(self, a: dxgk.Adapter, shared: list[tuple[dxgk.Process, dxgk.Device]],
                 seed: int, log: Log, peers: Callable[[], list[int]] | None = None) -> None:
        self.a, self.shared, self.log, self.peers = a, shared, log, peers
        self.rng = random.Random(seed)

    def run(self, ops: int) -> None:
        r = self.rng
        actions = [(self.create, 4), (self.map, 6), (self.destroy, 2), (self.translate, 2),
                   (self.update, 1), (self.zero_noaccess, 1), (self.process, 1)]
        if self.peers is not None:
            actions.append((self.foreign, 2))
        pool = [f for f, w in actions for _ in range(w)]
        for _ in range(ops):
            r.choice(pool)()
            self.log.ops += 1

    # -- operations --

    def create(self) -> None:
        if len(self.log.allocations) >= 12:
            return self.destroy()
        r = self.rng
        _proc, dev = r.choice(self.shared + [(self.a.system_process, None)])
        size = r.choice([PAGE, 3 * PAGE, P64K, 5 * P64K, 256 * 1024, MB])
        try:
            h = self.a.create_allocation(size, dev, segments=r.choice([1, 2, 3]),
                                         flags={"Cached": 1} if r.random() < 0.3 else None)
        except dxgk.DdiError as e:
            self.log.fail(e.status_name)
            return
        self.log.allocations[h] = []

    def map(self) -> None:
        if not self.log.allocations:
            return self.create()
        r = self.rng
        h = r.choice(list(self.log.allocations))
        info = self.a.allocation(h)
        pages = info.pages
        off = r.randrange(pages)
        n = r.randint(1, pages - off)
        if info.segment == 1 and r.random() < 0.5:          # 64 KB-leaf eligible
            off -= off % 16
            n = max(16, n - n % 16) if pages - off >= 16 else pages - off
        kw: dict[str, Any] = {}
        how = r.random()
        if how < 0.15:
            kw["base"] = (r.randrange(1, 1 << 14) << 16) + (
                (info.segment_offset + off * PAGE) % P64K if info.segment == 1 else 0)
        elif how < 0.3:
            lo = r.randrange(0, 1 << 12) << 16
            kw["minimum"], kw["maximum"] = lo, lo + (r.randrange(1, 64) << 20)
        try:
            va = self.a.map(h, n, offset=off, write=r.random() < 0.7,
                            execute=r.random() < 0.3, **kw)
        except dxgk.DdiError as e:
            assert e.status in (dxgk.STATUS_CONFLICTING_ADDRESSES, dxgk.STATUS_NO_MEMORY), e
            self.log.fail(e.status_name)
            return
        lv = Live(info.process, va, n * PAGE, h, off, next(_clock))
        self.log.allocations[h].append(lv)
        self.log.history.append(lv)
        # nobody else may touch it: it must translate to its own allocation right now
        check_translates_to(self.process_of(info.process), self.a, lv)

    def process_of(self, handle: int) -> dxgk.Process:
        for p, _d in self.shared:
            if p.handle == handle:
                return p
        assert handle == self.a.system_process.handle
        return self.a.system_process

    def destroy(self) -> None:
        if not self.log.allocations:
            return
        h = self.rng.choice(list(self.log.allocations))
        t = next(_clock)
        for lv in self.log.allocations.pop(h):
            lv.dies = t
        self.a.destroy_allocation(h)

    def translate(self) -> None:
        r = self.rng
        p, _d = r.choice(self.shared)
        vas = np.array([r.randrange(0, 1 << 48) & ~0xFFF for _ in range(64)], dtype=np.uint64)
        out = p.translate_many(vas)
        assert out.shape == (64,)
        mine = [lv for lvs in self.log.allocations.values() for lv in lvs]
        if mine:
            lv = r.choice(mine)
            check_translates_to(self.process_of(lv.process), self.a, lv)

    def update(self) -> None:
        if not self.log.allocations:
            return
        h = self.rng.choice(list(self.log.allocations))
        self.a.update_allocation(h, self.rng.randbytes(self.rng.randint(0, 48)))
        self.log.updates += 1
        self.log.updated.add(h)

    def zero_noaccess(self) -> None:
        r = self.rng
        n = r.randint(1, 8)
        zero = r.random() < 0.5
        va = self.a.map(None, n, zero=zero, no_access=not zero)
        self.log.zero_noaccess.append(Live(self.a.system_process.handle, va, n * PAGE, 0, 0,
                                           next(_clock)))

    def process(self) -> None:
        """A process created while everyone else works; its hook reserves ranges."""
        r = self.rng
        got: list[int] = []
        k = r.randint(1, 3)

        def hook(p: dxgk.Process) -> None:
            for _ in range(k):
                got.append(p.reserve(r.randint(1, 4) * (2 * MB), alignment=r.choice([0, 8 * MB])))

        p = self.a.create_process(on_create=hook)
        res = p.reservations()
        assert sorted(x.va for x in res) == sorted(got)
        for x in res:
            assert x.va >= 1 << 39 and x.va % (2 * MB) == 0
        d = p.create_device()
        h = self.a.create_allocation(r.choice([PAGE, P64K]), d)
        va = self.a.map(h)
        assert p.translate(va).valid
        if r.random() < 0.25:
            self.log.kept_processes.append(p)
            self.log.kept_reservations += k
            self.log.allocations[h] = [Live(p.handle, va, self.a.allocation(h).size, h, 0,
                                            next(_clock))]
            self.log.history.append(self.log.allocations[h][0])
            self.shared = self.shared + [(p, d)]
        else:
            p.close()
            assert p.closed and d.closed

    def foreign(self) -> None:
        """Another adapter's allocation handle (its owner may be destroying it right now)
        handed to this adapter: always INVALID_HANDLE, never a mapping."""
        assert self.peers is not None
        hs = self.peers()
        if not hs:
            return
        h = self.rng.choice(hs)
        args = dxgk.structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=1)
        args.Protection.Value = 1
        assert dxgk.DxgkCbMapContextAllocation(self.a.handle, args) == 0
        assert dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE
        assert dxgk.DxgkCbDestroyContextAllocation(self.a.handle, h) == \
            dxgk.STATUS_INVALID_HANDLE
        up = dxgk.structs.DXGKARGCB_UPDATECONTEXTALLOCATION(hAllocation=h)
        assert dxgk.DxgkCbUpdateContextAllocation(self.a.handle, up) == \
            dxgk.STATUS_INVALID_HANDLE


def verify(a: dxgk.Adapter, shared: list[dxgk.Process], logs: list[Log],
           extra_processes: int = 0) -> None:
    """The post-run checks shared by both tests."""
    a.validate()
    kept = [p for lg in logs for p in lg.kept_processes]
    procs = [a.system_process, *shared, *kept]
    # every live mapping, per process, exactly as the threads logged them
    want: dict[int, set[tuple[int, int, int, int]]] = {p.handle: set() for p in procs}
    for lg in logs:
        for lvs in lg.allocations.values():
            for lv in lvs:
                want[lv.process].add((lv.va, lv.size, lv.allocation, lv.offset))
    zn = {(lv.va, lv.size) for lg in logs for lv in lg.zero_noaccess}
    for p in procs:
        maps = p.mappings()
        for x, y in itertools.pairwise(maps):               # address order, no overlap
            assert x.end <= y.va, f"overlapping mappings {x} / {y}"
        got = {(m.va, m.size, m.allocation, m.offset_pages) for m in maps if m.kind == "map"}
        assert got == want[p.handle], f"process {p.handle:#x}: mappings differ from the logs"
        if p.is_system:
            assert {(m.va, m.size) for m in maps if m.kind not in ("map", "system")} == zn
            # docs/behaviour.md 10.2: one system mapping, of all of it, per live allocation
            # updated at least once
            sysmaps = [m for m in maps if m.kind == "system"]
            assert sorted(m.allocation for m in sysmaps) == \
                sorted({h for lg in logs for h in lg.updated if h in lg.allocations})
            for m in sysmaps:
                assert (m.size, m.offset_pages) == (a.allocation(m.allocation).size, 0)
        for lv in (lv for lg in logs for lvs in lg.allocations.values() for lv in lvs
                   if lv.process == p.handle):
            check_translates_to(p, a, lv)
    # no VA handed out twice: mappings of one process that were certainly alive at the
    # same time never overlap
    hist = sorted((lv for lg in logs for lv in lg.history + lg.zero_noaccess),
                  key=lambda lv: (lv.process, lv.va))
    end = 1 << 62
    for i, x in enumerate(hist):
        for y in hist[i + 1:]:
            if y.process != x.process or y.va >= x.va + x.size:
                break
            if max(x.born, y.born) < min(x.dies or end, y.dies or end):
                raise AssertionError(f"VA {y.va:#x} handed out while {x} was alive: {y}")
    s = a.stats()
    assert s.allocations == sum(len(lg.allocations) for lg in logs)
    updated = {h for lg in logs for h in lg.updated if h in lg.allocations}
    assert s.mappings == sum(len(v) for v in want.values()) + len(zn) + len(updated)
    assert s.processes == 1 + len(shared) + len(kept) + extra_processes
    assert s.reservations == sum(lg.kept_reservations for lg in logs)
    assert s.paging_records == sum(lg.updates for lg in logs)
    alloc_bytes = {1: 0, 2: 0}
    for lg in logs:
        for h in lg.allocations:
            info = a.allocation(h)
            alloc_bytes[info.segment] += info.size
    for sid in (1, 2):
        seg = a.segment(sid)
        assert seg.used_bytes == alloc_bytes[sid] + seg.table_bytes
    assert sum(a.segment(i).table_bytes for i in (1, 2)) == s.table_bytes


def teardown_to_zero(a: dxgk.Adapter, shared: list[dxgk.Process], logs: list[Log]) -> None:
    """Destroy everything: usage back to the system process's root table alone."""
    for lg in logs:
        for h in list(lg.allocations):
            a.destroy_allocation(h)
        for p in lg.kept_processes:
            p.close()
    for p in shared:
        p.close()
    s = a.stats()
    assert (s.processes, s.devices, s.contexts, s.allocations, s.reservations) == (1, 0, 0, 0, 0)
    assert s.mappings == sum(len(lg.zero_noaccess) for lg in logs)  # system process's own
    a.validate()


def test_eight_threads_one_adapter():
    gc.collect()                 # garbage adapters of earlier tests: not ours to count
    base = dxgk.live_handles()
    a = dxgk.Adapter()
    shared = [a.create_process() for _ in range(2)]
    pairs = [(p, p.create_device()) for p in shared]
    logs = [Log() for _ in range(THREADS)]
    workers = [Worker(a, pairs, 1000 + i, logs[i]) for i in range(THREADS)]
    run_threads(THREADS, lambda i: workers[i].run(OPS))
    total = sum(lg.ops for lg in logs)
    assert total == THREADS * OPS
    F.EXTRA["concurrency: operations on one adapter"] = \
        F.EXTRA.get("concurrency: operations on one adapter", 0) + total
    verify(a, shared, logs)
    teardown_to_zero(a, shared, logs)
    a.close()
    assert dxgk.live_handles() == base


def test_eight_threads_eight_adapters_with_cross_adapter_handles():
    gc.collect()                 # garbage adapters of earlier tests: not ours to count
    base = dxgk.live_handles()
    adapters = [dxgk.Adapter() for _ in range(THREADS)]
    shared = [[a.create_process()] for a in adapters]
    pairs = [[(p, p.create_device()) for p in s] for s in shared]
    logs = [Log() for _ in range(THREADS)]

    def peers_of(i: int) -> Callable[[], list[int]]:
        def peers() -> list[int]:
            out: list[int] = []
            for j, lg in enumerate(logs):
                if j != i:
                    out += list(lg.allocations)[:4]     # a racy read of a live dict: fine
            return out
        return peers

    workers = [Worker(adapters[i], pairs[i], 2000 + i, logs[i], peers_of(i))
               for i in range(THREADS)]
    run_threads(THREADS, lambda i: workers[i].run(OPS))
    total = sum(lg.ops for lg in logs)
    F.EXTRA["concurrency: operations on eight adapters"] = \
        F.EXTRA.get("concurrency: operations on eight adapters", 0) + total
    for i, a in enumerate(adapters):
        verify(a, shared[i], [logs[i]])
        teardown_to_zero(a, shared[i], [logs[i]])
        a.close()
    assert dxgk.live_handles() == base


def test_adapter_closed_while_eight_threads_use_it():
    """Lifetime under concurrency: the adapter goes away in the middle of the threads'
    work. Every later call fails cleanly (ClosedError, DdiError, a failure status / 0);
    nothing crashes, nothing is left behind."""
    gc.collect()                 # garbage adapters of earlier tests: not ours to count
    base = dxgk.live_handles()
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    h0 = a.create_allocation(MB, d)
    started = threading.Barrier(THREADS + 1)
    outcomes: list[dict[str, int]] = [{} for _ in range(THREADS)]

    def body(i: int) -> None:
        r = random.Random(i)
        started.wait()
        seen = outcomes[i]
        for _ in range(OPS):
            try:
                what = r.randrange(5)
                if what == 0:
                    h = a.create_allocation(PAGE, d)
                    a.map(h)
                elif what == 1:
                    args = dxgk.structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h0,
                                                                       SizeInPages=1)
                    args.Protection.Value = 1
                    va = dxgk.DxgkCbMapContextAllocation(a.handle, args)
                    assert va or dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE
                elif what == 2:
                    p.translate_many(np.arange(0, 64 * PAGE, PAGE, dtype=np.uint64))
                elif what == 3:
                    a.create_process(on_create=lambda q: q.reserve(2 * MB)).close()
                else:
                    p.mappings()
                    a.stats()
                seen["ok"] = seen.get("ok", 0) + 1
            except dxgk.ClosedError:
                seen["closed"] = seen.get("closed", 0) + 1
            except dxgk.DdiError as e:
                assert e.status in (dxgk.STATUS_INVALID_HANDLE, dxgk.STATUS_INVALID_PARAMETER), e
                seen["ddi"] = seen.get("ddi", 0) + 1

    ts = [threading.Thread(target=body, args=(i,)) for i in range(THREADS)]
    for t in ts:
        t.start()
    started.wait()
    threading.Event().wait(0.02)
    a.close()
    for t in ts:
        t.join()
    assert a.closed and p.closed and d.closed
    assert dxgk.live_handles() == base
    assert sum(o.get("closed", 0) + o.get("ddi", 0) for o in outcomes) > 0, \
        "the adapter was closed only after every thread had finished"
    args = dxgk.structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h0, SizeInPages=1)
    assert dxgk.DxgkCbMapContextAllocation(a.handle, args) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE


@pytest.mark.parametrize("seed", [0, 1])
def test_last_status_is_per_thread_under_load(seed):
    """docs/behaviour.md 8: last_status() is the calling thread's: threads that only fail with one
    status never see another thread's."""
    a = dxgk.Adapter()
    h = a.create_allocation(MB, segments=2)
    wanted = [dxgk.STATUS_INVALID_HANDLE, dxgk.STATUS_INVALID_PARAMETER,
              dxgk.STATUS_SUCCESS, dxgk.STATUS_CONFLICTING_ADDRESSES]
    base_va = a.map(h, 1)

    def body(i: int) -> None:
        kind = (i + seed) % 4
        for _ in range(OPS):
            if kind == 0:
                args = dxgk.structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=F.U64 - 7,
                                                                   SizeInPages=1)
            elif kind == 1:
                args = dxgk.structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=0)
            elif kind == 2:
                args = dxgk.structs.DXGKARGCB_UPDATECONTEXTALLOCATION(hAllocation=h)
                assert dxgk.DxgkCbUpdateContextAllocation(a.handle, args) == 0
                assert dxgk.last_status() == wanted[kind]
                continue
            else:
                args = dxgk.structs.DXGKARGCB_MAPCONTEXTALLOCATION(
                    hAllocation=h, SizeInPages=1, BaseAddress=base_va)
            args.Protection.Value = 1
            assert dxgk.DxgkCbMapContextAllocation(a.handle, args) == 0
            assert dxgk.last_status() == wanted[kind]

    run_threads(THREADS, body)
    a.validate()
    assert a.stats().paging_records == 2 * OPS
    a.close()
