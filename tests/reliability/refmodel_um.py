"""A small, obviously correct reference model of the user-mode GPU VA services
(docs/behaviour.md section 9), written from the behaviour guide page by page, with the
check order of the C core (docs/behaviour.md 8.4: the first failing check decides).

What it models, per process (``Space``): the VADs (9.2: reserved / mapped, base state
invalid or zero, user-mappable kernel reservations among them), the kernel-owned ranges
(kernel maps and kernel reservations, as refmodel.py's ``Range`` records -- the kernel
side of the same VA space), what the bookkeeping says every page holds (``book``), what
the GPU sees (``gpu``: the translations written so far) and the deferred work not yet run
(``pending``: page -> (queue, fence value, content), 9.7). Across processes
(``UmModel``): the D3DKMT objects and their owners (9.1), user-mode and kernel
allocations, fences, paging queues (their fence values, 9.7) and the Update batches
waiting on each context (9.6.8).

Invariants every method keeps: a page's ``pending`` content equals its ``book`` content
(the newest submission owns its pages, 9.7; an immediate write drops queued work first),
and in immediate mode ``gpu`` is ``book`` translated.

Contents are normalized so the model does not depend on how sub-ranges are split:
("map", allocation, page, protection, driver_protection), ("zero",) or ("invalid",) -- a
NoAccess range and an invalid base look the same, a Zero range and a zero base too.
What the model learns from the C core rather than predicts: handle values and where an
allocation is placed in its segment (section 4: refmodel.py's job). Page-table room is
not modelled: the adapters used have 1 GB for tables, so NO_MEMORY never comes from room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import refmodel as R

PAGE, P64K = R.PAGE, R.P64K
SUCCESS, PENDING = 0x0, 0x103
INVALID_HANDLE, INVALID_PARAMETER = R.INVALID_HANDLE, R.INVALID_PARAMETER
NO_MEMORY, CONFLICTING = R.NO_MEMORY, R.CONFLICTING
P_WRITE, P_EXECUTE, P_ZERO, P_NOACCESS, P_SYSTEM = 1, 2, 4, 8, 16
P_DEFINED = R.P_DEFINED
OP_MAP, OP_UNMAP, OP_COPY, OP_MAP_PROTECT = 0, 1, 2, 3
NO_ACCESS, ZERO = 0, 1
MAX_OPS = 2048
ALLOW_USER = 1                    # DXGK_RESERVEGPUVIRTUALADDRESSRANGE_FLAGS.AllowUserModeMapping

Content = tuple[Any, ...]
Xlate = tuple[bool, bool, int, int, bool, bool]   # valid, zero, segment, address, ro, nx
INVALID: Content = ("invalid",)
ZEROED: Content = ("zero",)
XL_INVALID: Xlate = (False, False, 0, 0, False, False)
XL_ZERO: Xlate = (True, True, 0, 0, False, False)


def hresult(st: int) -> int:
    """docs/behaviour.md 9.9: the callbacks' HRESULT for an NTSTATUS."""
    return {SUCCESS: 0, PENDING: 0x8000000A, INVALID_PARAMETER: 0x80070057,
            NO_MEMORY: 0x8007000E, INVALID_HANDLE: 0x80070006}.get(st, st | 0x10000000)


@dataclass
class Vad:
    va: int
    size: int
    kind: str                    # "reserved" | "mapped"
    base: str                    # "invalid" | "zero"
    kernel: bool = False         # a kernel reservation made with AllowUserModeMapping

    @property
    def end(self) -> int:
        return self.va + self.size

    def base_content(self) -> Content:
        return ZEROED if self.base == "zero" else INVALID


@dataclass
class Alloc:
    handle: int
    device: int                  # its device's D3DKMT handle
    process: int                 # its process's adapter handle (the Space key)
    size: int
    segment: int
    offset: int                  # segment offset (learnt from the C core)
    big_pages: bool              # lives in a 64 KB-page segment (5.3 congruence)
    kernel: bool = False         # a context allocation (DxgkCbCreateContextAllocation)

    @property
    def pages(self) -> int:
        return self.size // PAGE


@dataclass
class Obj:
    kind: str                    # "adapter" | "device" | "context" | "queue" | "fence"
    device: int                  # owning device (0 for an adapter handle)
    process: int                 # owning process's adapter handle


@dataclass
class Batch:
    ops: list[dict[str, int]]
    device: int
    fence: int
    value: int
    no_wait: bool


def _pages(va: int, size: int) -> range:
    return range(va, va + size, PAGE)


@dataclass
class Space:
    """One process's VA: VADs, kernel-owned ranges, page contents, queued work."""

    limit: int
    mode: str
    vads: list[Vad] = field(default_factory=list)
    kernel: list[R.Range] = field(default_factory=list)      # maps and reservations
    book: dict[int, Content] = field(default_factory=dict)
    gpu: dict[int, Xlate] = field(default_factory=dict)
    pending: dict[int, tuple[int, int, Content]] = field(default_factory=dict)
    kmap_alloc: dict[int, int] = field(default_factory=dict)  # kernel map VA -> allocation

    def vad_at(self, va: int) -> Vad | None:
        return next((v for v in self.vads if v.va <= va < v.end), None)

    def one_vad(self, va: int, size: int) -> Vad | None:
        v = self.vad_at(va)
        return v if v is not None and va + size <= v.end else None

    def reserved(self, va: int, size: int) -> Vad | None:
        v = self.one_vad(va, size)
        return v if v is not None and v.kind == "reserved" else None

    def touches_kernel(self, va: int, size: int) -> bool:
        """Kernel-owned: kernel maps, kernel reservations without AllowUserModeMapping."""
        return any(k.va < va + size and va < k.end and not k.flags & ALLOW_USER
                   for k in self.kernel)

    def taken(self, va: int, size: int) -> bool:
        return any(v.va < va + size and va < v.end for v in self.vads) or \
            any(k.va < va + size and va < k.end for k in self.kernel)

    def lowest(self, size: int, align: int, phase: int, lo: int, hi: int) -> int | None:
        """5.5's lowest fit: va >= lo, va = phase mod align, va + size <= hi, free."""
        starts = sorted({lo} | {v.end for v in self.vads} | {k.end for k in self.kernel})
        for s in starts:
            va = max(s, lo)
            va += (phase - va) % align
            if va + size <= hi and not self.taken(va, size):
                return va
        return None

    def content(self, page: int) -> Content:
        if page in self.book:
            return self.book[page]
        v = self.vad_at(page)
        return v.base_content() if v is not None else INVALID

    def set_book(self, p: int, c: Content) -> None:
        v = self.vad_at(p)
        if v is None or c == v.base_content():
            self.book.pop(p, None)
        else:
            self.book[p] = c

    def set_gpu(self, p: int, xl: Xlate) -> None:
        if xl == XL_INVALID:
            self.gpu.pop(p, None)
        else:
            self.gpu[p] = xl

    def add_vad(self, v: Vad) -> None:
        self.vads.append(v)
        self.vads.sort(key=lambda x: x.va)


class UmModel:
    """The D3DKMT objects of one adapter and the VA spaces of its processes."""

    def __init__(self, limit: int, mode: str, zero_ok: bool = True) -> None:
        self.limit, self.mode, self.zero_ok = limit, mode, zero_ok
        self.spaces: dict[int, Space] = {}
        self.objs: dict[int, Obj] = {}
        self.allocs: dict[int, Alloc] = {}
        self.fences: dict[int, int] = {}
        self.submitted: dict[int, int] = {}          # queue -> last fence value handed out
        self.sync: dict[int, int] = {}               # queue -> its sync object (a fence)
        self.contexts: dict[int, list[int]] = {}     # device -> its contexts, in order
        self.waiting: dict[int, list[Batch]] = {}    # context -> its waiting batches

    # ---- objects (learnt from the C core as they are made) ----

    def add_process(self, adapter_h: int) -> Space:
        self.objs[adapter_h] = Obj("adapter", 0, adapter_h)
        self.spaces[adapter_h] = Space(self.limit, self.mode)
        return self.spaces[adapter_h]

    def add_device(self, dev: int, process: int) -> None:
        self.objs[dev] = Obj("device", dev, process)
        self.contexts[dev] = []

    def add_context(self, ctx: int, dev: int) -> None:
        self.objs[ctx] = Obj("context", dev, self.objs[dev].process)
        self.contexts[dev].append(ctx)
        self.waiting[ctx] = []

    def add_fence(self, f: int, dev: int, value: int) -> None:
        self.objs[f] = Obj("fence", dev, self.objs[dev].process)
        self.fences[f] = value

    def add_queue(self, q: int, sync: int, dev: int) -> None:
        self.objs[q] = Obj("queue", dev, self.objs[dev].process)
        self.add_fence(sync, dev, 0)
        self.submitted[q], self.sync[q] = 0, sync

    def add_alloc(self, a: Alloc) -> None:
        self.allocs[a.handle] = a

    def obj(self, h: int, kind: str) -> Obj | None:
        o = self.objs.get(h)
        return o if o is not None and o.kind == kind else None

    def space_of(self, h: int) -> Space:
        return self.spaces[self.objs[h].process]

    def xlate(self, c: Content) -> Xlate:
        if c[0] == "map":
            a = self.allocs[c[1]]       # deallocate unmaps first (9.8): always live
            prot = c[3]
            return (True, False, a.segment, a.offset + c[2] * PAGE, not prot & P_WRITE,
                    not prot & P_EXECUTE)
        return XL_ZERO if c[0] == "zero" else XL_INVALID

    # ---- writing pages ----

    def _write_now(self, sp: Space, pages: range, cs: list[Content]) -> None:
        """An immediate write (9.7 'in both modes'): the pages' queued work is dropped."""
        for p, c in zip(pages, cs, strict=True):
            sp.set_book(p, c)
            sp.pending.pop(p, None)
            sp.set_gpu(p, self.xlate(c))

    def _submit(self, sp: Space, queue: int, pages: range, cs: list[Content]) -> int:
        """A Map's or a queue ZERO Reserve's write: at once, or queued (deferred, 9.7).
        The fence value (0 in immediate mode)."""
        if self.mode == "immediate":
            self._write_now(sp, pages, cs)
            return 0
        self.submitted[queue] += 1
        fv = self.submitted[queue]
        for p, c in zip(pages, cs, strict=True):
            sp.set_book(p, c)
            sp.pending[p] = (queue, fv, c)        # the newest submission owns the page
        return fv

    # ---- 9.3 Map ----

    def map(self, queue: int, base: int, minimum: int, maximum: int, h: int, offset: int,
            npages: int, prot: int, dp: int, dry: bool = False) -> tuple[int, int, int]:
        """(status, VirtualAddress, PagingFenceValue); ``dry``: the status only, nothing
        changes (every check comes before the first change)."""
        q = self.obj(queue, "queue")
        if q is None:
            return INVALID_HANDLE, 0, 0
        sp, limit = self.spaces[q.process], self.limit
        a = None
        if h:
            a = self.allocs.get(h)
            if a is None or a.kernel or a.process != q.process:
                return INVALID_HANDLE, 0, 0
            if a.device != q.device:
                return INVALID_PARAMETER, 0, 0
        zero, noacc = bool(prot & P_ZERO), bool(prot & P_NOACCESS)
        size = npages * PAGE
        bad = (npages == 0 or npages > limit // PAGE
               or (a is not None and (offset > a.pages or npages > a.pages - offset))
               or (base | minimum | maximum) % PAGE
               or prot & ~P_DEFINED or prot & P_SYSTEM or (zero and noacc)
               or (zero or noacc) != (a is None) or (zero and not self.zero_ok)
               or (maximum and minimum >= maximum) or maximum > limit or minimum >= limit
               or (base and (base >= limit or size > limit - base)))
        if bad:
            return INVALID_PARAMETER, 0, 0
        align, phase = PAGE, 0
        if a is not None and a.big_pages:
            align, phase = P64K, (a.offset + offset * PAGE) % P64K
        if base and base % align != phase:
            return INVALID_PARAMETER, 0, 0
        if base:
            v = sp.one_vad(base, size)
            if v is not None:
                if v.kind == "mapped" and (zero or noacc):
                    return INVALID_PARAMETER, 0, 0
            elif sp.touches_kernel(base, size) or sp.taken(base, size):
                return CONFLICTING, 0, 0
            va = base
        else:
            v = None
            found = sp.lowest(size, align, phase, max(minimum, P64K), maximum or limit)
            if found is None:
                return NO_MEMORY, 0, 0
            va = found
        if dry:
            return (PENDING if self.mode == "deferred" else SUCCESS), va, 0
        if v is None:
            sp.add_vad(Vad(va, size, "mapped", "invalid"))
        if zero:
            cs: list[Content] = [ZEROED] * npages
        elif noacc:
            cs = [INVALID] * npages
        else:
            cs = [("map", h, offset + i, prot, dp) for i in range(npages)]
        fv = self._submit(sp, queue, _pages(va, size), cs)
        return (PENDING if self.mode == "deferred" else SUCCESS), va, fv

    # ---- 9.4 Reserve ----

    def reserve(self, slot: int, base: int, minimum: int, maximum: int, size: int,
                kind: int, dry: bool = False) -> tuple[int, int, int]:
        """(status, VirtualAddress, PagingFenceValue); ``dry`` as for map."""
        o = self.objs.get(slot)
        if o is None or o.kind not in ("queue", "adapter"):
            return INVALID_HANDLE, 0, 0
        sp, limit = self.spaces[o.process], self.limit
        if ((base | minimum | maximum | size) % P64K or size == 0
                or (maximum and minimum >= maximum) or maximum > limit or minimum >= limit
                or size > limit or (base and (base >= limit or size > limit - base))):
            return INVALID_PARAMETER, 0, 0
        if kind != NO_ACCESS and not (kind == ZERO and self.zero_ok):
            return INVALID_PARAMETER, 0, 0
        if base:
            if sp.taken(base, size):
                return CONFLICTING, 0, 0
            va = base
        else:
            found = sp.lowest(size, P64K, 0, max(minimum, P64K), maximum or limit)
            if found is None:
                return NO_MEMORY, 0, 0
            va = found
        if dry:
            return SUCCESS, va, 0
        sp.add_vad(Vad(va, size, "reserved", "zero" if kind == ZERO else "invalid"))
        if kind != ZERO:
            return SUCCESS, va, 0
        if o.kind == "queue" and self.mode == "deferred":
            fv = self._submit(sp, slot, _pages(va, size), [ZEROED] * (size // PAGE))
            return PENDING, va, fv
        self._write_now(sp, _pages(va, size), [ZEROED] * (size // PAGE))
        return SUCCESS, va, 0

    # ---- 9.5 Free ----

    def free(self, adapter_h: int, base: int, size: int) -> int:
        if self.obj(adapter_h, "adapter") is None:
            return INVALID_HANDLE
        sp, limit = self.spaces[adapter_h], self.limit
        if (base | size) % PAGE or size == 0 or base >= limit or size > limit - base:
            return INVALID_PARAMETER
        if sp.touches_kernel(base, size):
            return CONFLICTING
        v = sp.vad_at(base)
        if v is None:
            return INVALID_PARAMETER
        if (v.va, v.size) == (base, size) and not v.kernel:
            self._release(sp, v)
            return SUCCESS
        if v.kind != "reserved" or base + size > v.end:
            return INVALID_PARAMETER
        self._write_now(sp, _pages(base, size), [v.base_content()] * (size // PAGE))
        return SUCCESS

    def _release(self, sp: Space, v: Vad) -> None:
        sp.vads.remove(v)
        self._write_now(sp, _pages(v.va, v.size), [INVALID] * (v.size // PAGE))

    # ---- 9.6 Update ----

    def update(self, device: int, context: int, fence: int, ops: list[dict[str, int]] | None,
               n: int, value: int, no_wait: bool) -> int:
        """ops: the decoded operations (type, base, size, allocation, offset, alloc_size,
        protection, driver_protection, source), None for a NULL array."""
        d = self.obj(device, "device")
        if d is None:
            return INVALID_HANDLE
        c, f = self.obj(context, "context"), self.obj(fence, "fence")
        if c is None or c.device != device or f is None or f.device != device:
            return INVALID_HANDLE
        if n == 0 or n > MAX_OPS or ops is None:
            return INVALID_PARAMETER
        sp = self.spaces[d.process]
        for op in ops[:n]:                        # all or nothing, first failure decides
            st = self._check_op(sp, device, op)
            if st != SUCCESS:
                return st
        b = Batch([dict(o) for o in ops[:n]], device, fence, value, no_wait)
        if self.waiting[context] or (not no_wait and self.fences[fence] < value):
            self.waiting[context].append(b)
            return SUCCESS
        self._run_batch(b)
        self._run_waiting(device)
        return SUCCESS

    def _check_op(self, sp: Space, device: int, op: dict[str, int]) -> int:
        t, base, size, limit = op["type"], op["base"], op["size"], self.limit
        if t > OP_MAP_PROTECT:
            return INVALID_PARAMETER
        if size == 0 or (base | size) % PAGE or base >= limit or size > limit - base:
            return INVALID_PARAMETER
        if sp.reserved(base, size) is None:
            return INVALID_PARAMETER
        if t in (OP_MAP, OP_MAP_PROTECT):
            a = self.allocs.get(op["allocation"])
            if a is None or a.kernel or self.objs[device].process != a.process:
                return INVALID_HANDLE
            if a.device != device:
                return INVALID_PARAMETER
            if t == OP_MAP_PROTECT and op["protection"] & (P_ZERO | P_NOACCESS | P_SYSTEM
                                                           | ~P_DEFINED):
                return INVALID_PARAMETER
            off = op["offset"]
            sl = op["alloc_size"] or size
            if (off | sl) % PAGE or size % sl or off > a.size or sl > a.size - off:
                return INVALID_PARAMETER
            if a.big_pages and (base % P64K != (a.offset + off) % P64K
                                or (size // sl > 1 and sl % P64K)):
                return INVALID_PARAMETER
            return SUCCESS
        if t == OP_UNMAP:
            pr = op["protection"]
            if pr & ~P_DEFINED or (pr & P_ZERO and pr & P_NOACCESS) or \
                    (pr & P_ZERO and not self.zero_ok):
                return INVALID_PARAMETER
            return SUCCESS
        src = op["source"]
        if src % PAGE or src >= limit or size > limit - src:
            return INVALID_PARAMETER
        return SUCCESS if sp.reserved(src, size) is not None else INVALID_PARAMETER

    def _run_batch(self, b: Batch) -> None:
        sp = self.spaces[self.objs[b.device].process]
        for op in b.ops:
            if self._check_op(sp, b.device, op) != SUCCESS:   # 9.6.9: dropped
                continue
            t, base, size = op["type"], op["base"], op["size"]
            if t in (OP_MAP, OP_MAP_PROTECT):
                sl = op["alloc_size"] or size
                prot, dp = (P_WRITE, 0) if t == OP_MAP else (op["protection"],
                                                             op["driver_protection"])
                cs = [("map", op["allocation"], (op["offset"] + i % sl) // PAGE, prot, dp)
                      for i in range(0, size, PAGE)]
            elif t == OP_UNMAP:
                cs = [ZEROED if op["protection"] & P_ZERO else INVALID] * (size // PAGE)
            else:
                cs = [sp.content(p) for p in _pages(op["source"], size)]  # read first
            self._write_now(sp, _pages(base, size), cs)
        self.fences[b.fence] = max(self.fences[b.fence], b.value + 1)

    def _run_waiting(self, device: int) -> None:
        """Each context of the device in order runs its head batches while they may run,
        until nothing moves (a batch's completion may release another context's)."""
        progress = True
        while progress:
            progress = False
            for ctx in self.contexts.get(device, []):
                w = self.waiting[ctx]
                while w and (w[0].no_wait or self.fences[w[0].fence] >= w[0].value):
                    self._run_batch(w.pop(0))
                    progress = True

    def signal(self, fence: int, value: int) -> int:
        if fence not in self.fences:
            return INVALID_HANDLE
        if value < self.fences[fence]:
            return INVALID_PARAMETER
        self.fences[fence] = value
        self._run_waiting(self.objs[fence].device)
        return SUCCESS

    # ---- 9.7 execute, queue destroy ----

    def execute(self, queue: int, upto: int | None) -> int:
        """PagingQueue.execute: runs the queue's work up to ``upto``; the fence value."""
        last = self.submitted[queue]
        upto = last if upto is None else upto
        if upto > last:
            return INVALID_PARAMETER
        sp = self.space_of(queue)
        for p, (q, fv, c) in list(sp.pending.items()):
            if q == queue and fv <= upto:
                sp.set_gpu(p, self.xlate(c))
                del sp.pending[p]
        f = self.sync[queue]
        if upto > self.fences[f]:
            self.fences[f] = upto
            self._run_waiting(self.objs[queue].device)
        return self.fences[f]

    def destroy_queue(self, queue: int) -> int:
        if self.obj(queue, "queue") is None:
            return INVALID_HANDLE
        if self.submitted[queue] > self.fences[self.sync[queue]] or \
                any(q == queue for q, _, _ in self.space_of(queue).pending.values()):
            self.execute(queue, None)
        self._destroy_fence(self.sync.pop(queue))
        del self.objs[queue], self.submitted[queue]
        return SUCCESS

    def _destroy_fence(self, f: int) -> None:
        """9.8: the batches waiting for it are dropped (no batch behind them runs now)."""
        dev = self.objs[f].device
        for ctx in self.contexts[dev]:
            self.waiting[ctx] = [b for b in self.waiting[ctx] if b.fence != f]
        del self.fences[f], self.objs[f]

    def create_queue_status(self, device: int, priority: int, physical: int) -> int:
        if self.obj(device, "device") is None:
            return INVALID_HANDLE
        return INVALID_PARAMETER if physical != 0 or not -1 <= priority <= 1 else SUCCESS

    # ---- 9.8 deallocate ----

    def deallocate(self, device: int, h: int) -> int:
        a = self.allocs.get(h)
        if a is None or a.kernel or a.device != device:
            return INVALID_HANDLE
        sp = self.spaces[a.process]
        touched: set[int] = set()
        for p, c in list(sp.book.items()):
            if c[0] == "map" and c[1] == h:
                v = sp.vad_at(p)
                assert v is not None
                touched.add(v.va)
                self._write_now(sp, range(p, p + 1), [v.base_content()])
        del self.allocs[h]
        for v in [v for v in sp.vads if v.va in touched and v.kind == "mapped"]:
            if not any(sp.content(p)[0] == "map" for p in _pages(v.va, v.size)):
                self._release(sp, v)
        return SUCCESS

    def destroy_device(self, dev: int) -> None:
        """9.8 (and 3.2): the device's contexts with their waiting batches, then its
        allocations (user-mode ones as by deallocate, context allocations as by
        DxgkCbDestroyContextAllocation), then its paging queues (each runs its work
        first, 9.7), then its fences."""
        for ctx in self.contexts.pop(dev):
            del self.waiting[ctx], self.objs[ctx]
        self.contexts[dev] = []
        for h in [h for h, a in self.allocs.items() if a.device == dev]:
            if self.allocs[h].kernel:
                self.kernel_destroy(h)
            else:
                self.deallocate(dev, h)
        for q in [q for q, o in self.objs.items() if o.kind == "queue" and o.device == dev]:
            self.destroy_queue(q)
        for f in [f for f, o in self.objs.items() if o.kind == "fence" and o.device == dev]:
            self._destroy_fence(f)
        del self.contexts[dev], self.objs[dev]

    # ---- the kernel side (sections 5, 6.1, 6.3) ----

    def kernel_reserve(self, adapter_h: int, va: int, size: int, flags: int) -> None:
        """A reservation made in the process-creation hook (6.3), at a known VA."""
        sp = self.spaces[adapter_h]
        sp.kernel.append(R.Range(va, size, "reservation", flags=flags))
        if flags & ALLOW_USER:
            sp.add_vad(Vad(va, size, "reserved", "invalid", kernel=True))

    def kernel_map(self, h: int, base: int, minimum: int, maximum: int, offset: int,
                   npages: int) -> tuple[int, int]:
        """DxgkCbMapContextAllocation of a context allocation, Write, well-formed
        arguments (tests/reliability/test_fuzz_ddi.py fuzzes the rest): (status, va).
        A BaseAddress over any VAD or kernel range conflicts; a chosen VA is the lowest
        fit outside all of them (9.2)."""
        a = self.allocs[h]
        sp, size = self.spaces[a.process], npages * PAGE
        align, phase = PAGE, 0
        if a.big_pages:
            align, phase = P64K, (a.offset + offset * PAGE) % P64K
        if base:
            if base % align != phase:
                return INVALID_PARAMETER, 0
            if sp.taken(base, size):
                return CONFLICTING, 0
            va = base
        else:
            found = sp.lowest(size, align, phase, max(minimum, P64K), maximum or self.limit)
            if found is None:
                return NO_MEMORY, 0
            va = found
        sp.kernel.append(R.Range(va, size, "map", offset_pages=offset, protection=P_WRITE))
        sp.kmap_alloc[va] = h
        for i, p in enumerate(_pages(va, size)):
            sp.set_gpu(p, (True, False, a.segment, a.offset + (offset + i) * PAGE, False, True))
        return SUCCESS, va

    def kernel_destroy(self, h: int) -> None:
        """DxgkCbDestroyContextAllocation (6.1): its mappings go, their pages invalid."""
        a = self.allocs.pop(h)
        sp = self.spaces[a.process]
        for r in [r for r in sp.kernel if r.kind == "map" and sp.kmap_alloc[r.va] == h]:
            sp.kernel.remove(r)
            del sp.kmap_alloc[r.va]
            for p in _pages(r.va, r.size):
                sp.gpu.pop(p, None)

    # ---- views compared with the C core ----

    def vad_records(self, adapter_h: int) -> list[tuple[int, int, str, str, bool]]:
        return [(v.va, v.size, v.kind, v.base, v.kernel) for v in self.spaces[adapter_h].vads]

    def non_base_pages(self, adapter_h: int) -> dict[int, Content]:
        """Every VAD page whose content is not its VAD's base state."""
        return dict(self.spaces[adapter_h].book)

    def waiting_count(self, context: int) -> int:
        return len(self.waiting[context])
