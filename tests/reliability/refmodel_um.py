"""A small, obviously correct reference model of the user-mode GPU VA services
(docs/behaviour.md section 9), written from the behaviour guide, page by page.

It owns one process's user-mode view of a VA window: the VADs (reserved / mapped, base
state invalid or zero, made by a user Reserve or Map), the kernel-owned ranges that
intersect the window (kernel maps: untouchable from user mode), what the bookkeeping says
every page holds (``book``: a page's normalized content), what the GPU sees (``gpu``:
the translations that were written), the deferred work not yet run (``pending``: page ->
(queue, fence value, content), 9.7), the user-mode allocations, fences, and the Update
batches waiting on the one context (9.6.8).

Invariant kept by every method: a page's ``pending`` content equals its ``book`` content
(the newest submission owns its pages; an immediate write drops pending work first), and
in immediate mode ``gpu`` is ``book`` translated.

Contents are normalized so the model does not depend on how sub-ranges are split or
merged: ("map", allocation, page, protection, driver_protection), ("zero",) or
("invalid",) -- a NoAccess range and an invalid base look the same; a Zero range and a
zero base too. What the model only bounds, as refmodel does: where an allocation is
placed in its segment (section 4, not this model's job: learnt from the C core as the
handles are), and page-table room (the adapters used have room enough; a NO_MEMORY the
model did not predict is a mismatch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PAGE, P64K = 4096, 65536
SUCCESS, PENDING = 0x0, 0x103
INVALID_HANDLE, INVALID_PARAMETER = 0xC0000008, 0xC000000D
NO_MEMORY, CONFLICTING = 0xC0000017, 0xC0000018
P_WRITE, P_ZERO, P_NOACCESS = 1, 4, 8
OP_MAP, OP_UNMAP, OP_COPY = 0, 1, 2
NO_ACCESS, ZERO = 0, 1

INVALID: tuple[Any, ...] = ("invalid",)
ZEROED: tuple[Any, ...] = ("zero",)
XL_INVALID = (False, False, 0, 0)
XL_ZERO = (True, True, 0, 0)


@dataclass
class Vad:
    va: int
    size: int
    kind: str                    # "reserved" | "mapped"
    base: str                    # "invalid" | "zero"

    @property
    def end(self) -> int:
        return self.va + self.size

    def base_content(self) -> tuple[Any, ...]:
        return ZEROED if self.base == "zero" else INVALID


@dataclass
class Alloc:
    handle: int
    size: int
    segment: int
    offset: int                  # segment offset (learnt from the C core)
    big_pages: bool              # lives in a 64 KB-page segment (5.3 congruence)


@dataclass
class Batch:
    ops: list[tuple[Any, ...]]
    fence: int
    value: int
    no_wait: bool


@dataclass
class UmModel:
    """One process's user-mode VA window [lo, hi), on an adapter of ``mode``."""

    lo: int
    hi: int
    mode: str                                    # "immediate" | "deferred"
    vads: list[Vad] = field(default_factory=list)
    kernel: list[tuple[int, int]] = field(default_factory=list)
    book: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    gpu: dict[int, tuple[bool, bool, int, int]] = field(default_factory=dict)
    pending: dict[int, tuple[int, int, tuple[Any, ...]]] = field(default_factory=dict)
    allocs: dict[int, Alloc] = field(default_factory=dict)
    fences: dict[int, int] = field(default_factory=dict)
    submitted: dict[int, int] = field(default_factory=dict)   # queue -> last fence value
    waiting: list[Batch] = field(default_factory=list)

    # ---- lookups ----

    def vad_at(self, va: int) -> Vad | None:
        return next((v for v in self.vads if v.va <= va < v.end), None)

    def one_vad(self, va: int, size: int) -> Vad | None:
        """The VAD holding all of [va, va + size), if one does."""
        v = self.vad_at(va)
        return v if v is not None and va + size <= v.end else None

    def touches_vad(self, va: int, size: int) -> bool:
        return any(v.va < va + size and va < v.end for v in self.vads)

    def touches_kernel(self, va: int, size: int) -> bool:
        return any(k < va + size and va < k + n for k, n in self.kernel)

    def content(self, page: int) -> tuple[Any, ...]:
        if page in self.book:
            return self.book[page]
        v = self.vad_at(page)
        return v.base_content() if v is not None else INVALID

    def xlate(self, c: tuple[Any, ...]) -> tuple[bool, bool, int, int]:
        if c[0] == "map":
            a = self.allocs.get(c[1])
            if a is None:       # cannot happen: deallocate unmaps first (9.8)
                raise AssertionError(f"a page maps a destroyed allocation: {c}")
            return (True, False, a.segment, a.offset + c[2] * PAGE)
        if c[0] == "kernel":
            return c[1]
        return XL_ZERO if c[0] == "zero" else XL_INVALID

    def congruent(self, a: Alloc | None, va: int, offset_bytes: int) -> bool:
        """5.3: a 64 KB-page allocation keeps va = physical address mod 64 KB."""
        return a is None or not a.big_pages or \
            va % P64K == (a.offset + offset_bytes) % P64K

    # ---- writing pages ----

    def _write_now(self, pages: range, contents: list[tuple[Any, ...]]) -> None:
        """An immediate write (9.7 'in both modes'): the pages' queued work is dropped."""
        for p, c in zip(pages, contents, strict=True):
            self._set_book(p, c)
            self.pending.pop(p, None)
            self._set_gpu(p, self.xlate(c))

    def _write(self, queue: int, fv: int, pages: range, c: tuple[Any, ...] | list[Any]) -> None:
        """A Map's or queue Reserve's write: inside the call, or queued (deferred)."""
        cs = c if isinstance(c, list) else [c] * len(pages)
        if self.mode == "immediate":
            self._write_now(pages, cs)
            return
        for p, ci in zip(pages, cs, strict=True):
            self._set_book(p, ci)
            self.pending[p] = (queue, fv, ci)      # the newest submission owns the page

    def _set_book(self, p: int, c: tuple[Any, ...]) -> None:
        v = self.vad_at(p)
        if v is None or c == v.base_content():
            self.book.pop(p, None)
        else:
            self.book[p] = c

    def _set_gpu(self, p: int, xl: tuple[bool, bool, int, int]) -> None:
        if xl == XL_INVALID:
            self.gpu.pop(p, None)
        else:
            self.gpu[p] = xl

    @staticmethod
    def pages(va: int, size: int) -> range:
        return range(va, va + size, PAGE)

    def _next_fv(self, queue: int) -> int:
        self.submitted[queue] = self.submitted.get(queue, 0) + 1
        return self.submitted[queue]

    # ---- 9.3 Map ----

    def map(self, queue: int, base: int, minimum: int, maximum: int, h: int, offset: int,
            npages: int, protection: int, dp: int) -> tuple[int, int, int]:
        """(status, VirtualAddress, PagingFenceValue). The caller keeps SizeInPages > 0,
        the protection defined, and the pages inside the allocation (section 5.1's other
        checks are the hostile fuzzer's)."""
        special = bool(protection & (P_ZERO | P_NOACCESS))
        a = None
        if h:
            a = self.allocs.get(h)
            if a is None:
                return INVALID_HANDLE, 0, 0
        size = npages * PAGE
        if base:
            if not self.congruent(a, base, offset * PAGE):
                return INVALID_PARAMETER, 0, 0
            v = self.one_vad(base, size)
            if self.touches_kernel(base, size):
                return CONFLICTING, 0, 0
            if v is None:
                if self.touches_vad(base, size):
                    return CONFLICTING, 0, 0
                self._new_vad(Vad(base, size, "mapped", "invalid"))
            elif v.kind == "mapped" and special:
                return INVALID_PARAMETER, 0, 0
            va = base
        else:
            found = self._lowest(size, a, offset * PAGE, max(minimum, P64K), maximum)
            if found is None:
                return NO_MEMORY, 0, 0
            va = found
            self._new_vad(Vad(va, size, "mapped", "invalid"))
        if protection & P_ZERO:
            cs: list[Any] = [ZEROED] * npages
        elif protection & P_NOACCESS:
            cs = [INVALID] * npages
        else:
            cs = [("map", h, offset + i, protection, dp) for i in range(npages)]
        fv = self._next_fv(queue) if self.mode == "deferred" else 0
        self._write(queue, fv, self.pages(va, size), cs)
        return (PENDING if fv else SUCCESS), va, fv

    def _lowest(self, size: int, a: Alloc | None, off: int, lo: int, hi: int) -> int | None:
        va = -(-lo // PAGE) * PAGE
        while va + size <= hi:
            if self.congruent(a, va, off) and not self.touches_vad(va, size) \
                    and not self.touches_kernel(va, size):
                return va
            va += PAGE
        return None

    def _new_vad(self, v: Vad) -> None:
        self.vads.append(v)
        self.vads.sort(key=lambda x: x.va)

    # ---- 9.4 Reserve ----

    def reserve(self, queue: int, base: int, minimum: int, maximum: int, size: int,
                kind: int) -> tuple[int, int, int]:
        """(status, VirtualAddress, PagingFenceValue); ``queue`` 0 = the adapter handle.
        The caller keeps the values 64 KB multiples and the kind NO_ACCESS or ZERO."""
        if base:
            if self.touches_vad(base, size) or self.touches_kernel(base, size):
                return CONFLICTING, 0, 0
            va = base
        else:
            va = max(minimum, P64K)
            while va + size <= maximum and (self.touches_vad(va, size)
                                            or self.touches_kernel(va, size)):
                va += P64K
            if va + size > maximum:
                return NO_MEMORY, 0, 0
        v = Vad(va, size, "reserved", "zero" if kind == ZERO else "invalid")
        self._new_vad(v)
        if kind != ZERO:
            return SUCCESS, va, 0
        if queue and self.mode == "deferred":
            fv = self._next_fv(queue)
            self._write(queue, fv, self.pages(va, size), ZEROED)
            return PENDING, va, fv
        self._write_now(self.pages(va, size), [ZEROED] * (size // PAGE))
        return SUCCESS, va, 0

    # ---- 9.5 Free ----

    def free(self, base: int, size: int) -> int:
        if base % PAGE or size % PAGE or size == 0:
            return INVALID_PARAMETER
        if self.touches_kernel(base, size):
            return CONFLICTING
        v = self.one_vad(base, size)
        if v is not None and (v.va, v.size) == (base, size):
            self._release(v)
            return SUCCESS
        if v is not None and v.kind == "reserved":
            self._write_now(self.pages(base, size), [v.base_content()] * (size // PAGE))
            return SUCCESS
        return INVALID_PARAMETER

    def _release(self, v: Vad) -> None:
        self.vads.remove(v)
        self._write_now(self.pages(v.va, v.size), [INVALID] * (v.size // PAGE))

    # ---- 9.6 Update ----

    def update(self, ops: list[tuple[Any, ...]], fence: int, value: int, no_wait: bool) -> int:
        """ops: ("map", base, size, h, offset, alloc_size) | ("unmap", base, size, zero)
        | ("copy", source, size, dest); addresses and sizes 4 KB multiples, sizes > 0."""
        if fence not in self.fences:
            return INVALID_HANDLE
        for op in ops:                            # all or nothing, first failure decides
            st = self._check_op(op)
            if st != SUCCESS:
                return st
        b = Batch(list(ops), fence, value, no_wait)
        self.waiting.append(b)
        self._release_batches()
        return SUCCESS

    def _check_op(self, op: tuple[Any, ...]) -> int:
        if op[0] == "map":
            _, base, size, h, off, asz = op
            a = self.allocs.get(h)
            if a is None:
                return INVALID_HANDLE
            if self.one_vad(base, size) is None or self.one_vad(base, size).kind != "reserved":
                return INVALID_PARAMETER
            slice_size = asz or size
            if size % slice_size or off + slice_size > a.size:
                return INVALID_PARAMETER
            for rep in range(0, size, slice_size):
                if not self.congruent(a, base + rep, off):
                    return INVALID_PARAMETER
            return SUCCESS
        if op[0] == "unmap":
            v = self.one_vad(op[1], op[2])
            return SUCCESS if v is not None and v.kind == "reserved" else INVALID_PARAMETER
        _, src, size, dst = op
        for va in (src, dst):
            v = self.one_vad(va, size)
            if v is None or v.kind != "reserved":
                return INVALID_PARAMETER
        return SUCCESS

    def _runnable(self, b: Batch) -> bool:
        return b.no_wait or self.fences.get(b.fence, -1) >= b.value

    def _release_batches(self) -> None:
        """Runs the context's batches in submission order while the head may run."""
        while self.waiting and self.waiting[0].fence not in self.fences:
            self.waiting.pop(0)                    # 9.8: a destroyed fence drops them
        while self.waiting and self._runnable(self.waiting[0]):
            b = self.waiting.pop(0)
            for op in b.ops:
                if self._check_op(op) == SUCCESS:   # 9.6.9: freed ranges are dropped
                    self._run_op(op)
            self.fences[b.fence] = max(self.fences[b.fence], b.value + 1)

    def _run_op(self, op: tuple[Any, ...]) -> None:
        if op[0] == "map":
            _, base, size, h, off, asz = op
            slice_size = asz or size
            cs = [("map", h, (off + i % slice_size) // PAGE, P_WRITE, 0)
                  for i in range(0, size, PAGE)]
            self._write_now(self.pages(base, size), cs)
        elif op[0] == "unmap":
            _, base, size, zero = op
            self._write_now(self.pages(base, size), [ZEROED if zero else INVALID] * (size // PAGE))
        else:
            _, src, size, dst = op
            cs = [self.content(p) for p in self.pages(src, size)]   # read all first (9.6.6)
            self._write_now(self.pages(dst, size), cs)

    def signal(self, fence: int, value: int) -> int:
        if value < self.fences[fence]:
            return INVALID_PARAMETER
        self.fences[fence] = value
        self._release_batches()
        return SUCCESS

    # ---- 9.7 execute, queue destroy ----

    def execute(self, queue: int, upto: int | None) -> int:
        last = self.submitted.get(queue, 0)
        upto = last if upto is None else upto
        for p, (q, fv, c) in list(self.pending.items()):
            if q == queue and fv <= upto:
                self._set_gpu(p, self.xlate(c))
                del self.pending[p]
        return upto

    def destroy_queue(self, queue: int) -> None:
        self.execute(queue, None)
        self.submitted.pop(queue, None)

    # ---- 9.8 deallocate; kernel maps ----

    def deallocate(self, h: int) -> None:
        touched = set()
        for p, c in list(self.book.items()):
            if c[0] == "map" and c[1] == h:
                v = self.vad_at(p)
                assert v is not None
                touched.add(v.va)
                self._write_now(range(p, p + 1), [v.base_content()])
        del self.allocs[h]
        for v in [v for v in self.vads if v.va in touched and v.kind == "mapped"]:
            if not any(self.content(p)[0] == "map" for p in self.pages(v.va, v.size)):
                self._release(v)

    def kernel_map(self, base: int, size: int, xl0: tuple[bool, bool, int, int]) -> int:
        """A kernel map with this BaseAddress (section 5.4, 9.2): the pages translate to
        xl0 onwards."""
        if self.touches_vad(base, size) or self.touches_kernel(base, size):
            return CONFLICTING
        self.kernel.append((base, size))
        for i, p in enumerate(self.pages(base, size)):
            self.pending.pop(p, None)
            self._set_gpu(p, (xl0[0], xl0[1], xl0[2], xl0[3] + i * PAGE))
        return SUCCESS

    # ---- the views compared with the C core ----

    def vad_records(self) -> list[tuple[int, int, str, str]]:
        return [(v.va, v.size, v.kind, v.base) for v in self.vads]

    def gpu_view(self) -> dict[int, tuple[bool, bool, int, int]]:
        return dict(self.gpu)
