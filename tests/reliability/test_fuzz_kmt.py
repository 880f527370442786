"""Fuzzing the user-mode GPU VA services in lockstep with refmodel_um (issue 13 item 8,
docs/behaviour.md section 9).

A hypothesis state machine, on an adapter of each execution mode (9.7), mixes kernel-mode
maps (Adapter.create_allocation + map at a BaseAddress: kernel-owned ranges) with the four
thunks, Device.allocate / deallocate, fences, paging-queue execute and queue destroy, all
inside one VA window. After every step it compares with the model: the status and
out-fields of every call, ``Process.vads()`` (VADs, and page by page what their
sub-ranges hold), what the GPU sees on every page of the window (``translate_many``:
only executed work in deferred mode), fence values, ``PagingQueue.submitted``; and
``adapter.validate()`` holds.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import fuzzkit as F
import numpy as np
import refmodel_um as U
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import dxgk
from dxgk import structs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kmt"))
import kmt_helpers as K  # noqa: E402

PAGE, P64K = U.PAGE, U.P64K
WIN = 1 << 32                     # the window every address of the machine falls in
SLOTS = 64                        # 64 KB slots: 4 MB, 1024 pages
WEND = WIN + SLOTS * P64K
APERTURE, LOCAL = 0b10, 0b01


class _KmtMachine(RuleBasedStateMachine):
    MODE = "immediate"

    @initialize()
    def setup(self) -> None:
        self.a = dxgk.Adapter(paging=self.MODE)
        self.p = self.a.create_process()
        self.d = self.p.create_device()
        self.c = self.d.create_context()
        self.q = self.d.create_paging_queue()
        self.f = self.d.create_fence(0)
        self.m = U.UmModel(WIN, WEND, self.MODE)
        self.m.fences[self.f.handle] = 0
        self.kernel_allocs: list[int] = []
        self.dead: list[int] = []
        for seg in (APERTURE, LOCAL):
            self._allocate(4, seg)

    # ---- helpers ----

    def _allocate(self, slots: int, seg: int) -> None:
        h = self.d.allocate(slots * P64K, segments=seg)
        info = self.a.allocation(K.dxgk_alloc_of(h))
        self.m.allocs[h] = U.Alloc(h, slots * P64K, info.segment, info.segment_offset,
                                   seg == LOCAL)

    def _handle(self, data: st.DataObject) -> int:
        live = sorted(self.m.allocs)
        if self.dead and data.draw(st.integers(0, 9)) == 0:
            return data.draw(st.sampled_from(self.dead))
        return data.draw(st.sampled_from(live)) if live else 0

    def _addr(self, data: st.DataObject, align: int = PAGE) -> int:
        return WIN + data.draw(st.integers(0, (WEND - WIN) // align - 1)) * align

    @staticmethod
    def _status(got: int, want: int, what: str) -> None:
        assert got == want, f"{what}: C {dxgk.status_name(got)}, model {dxgk.status_name(want)}"
        assert dxgk.last_status() == got

    # ---- kernel-mode calls ----

    @precondition(lambda self: len(self.kernel_allocs) < 6)
    @rule(data=st.data())
    def kernel_map(self, data: st.DataObject) -> None:
        kh = self.a.create_allocation(P64K, self.d)
        self.kernel_allocs.append(kh)
        base = self._addr(data, P64K)
        info = self.a.allocation(kh)
        want = self.m.kernel_map(base, P64K, (True, False, info.segment, info.segment_offset))
        try:
            self.a.map(kh, base=base)
            got = U.SUCCESS
        except dxgk.DdiError as e:
            got = e.status
        assert got == want, f"kernel map at {base:#x}: {dxgk.status_name(got)}"

    # ---- user-mode calls ----

    @rule(data=st.data(), seg=st.sampled_from([APERTURE, LOCAL]))
    def allocate(self, data: st.DataObject, seg: int) -> None:
        self._allocate(data.draw(st.integers(1, 4)), seg)

    @precondition(lambda self: self.m.allocs)
    @rule(data=st.data())
    def deallocate(self, data: st.DataObject) -> None:
        h = data.draw(st.sampled_from(sorted(self.m.allocs)))
        self.d.deallocate(h)
        self.m.deallocate(h)
        self.dead.append(h)

    @rule(data=st.data(), kind=st.sampled_from([U.NO_ACCESS, U.ZERO]),
          via_queue=st.booleans(), slots=st.integers(1, 8), at_base=st.booleans())
    def reserve(self, data: st.DataObject, kind: int, via_queue: bool, slots: int,
                at_base: bool) -> None:
        base = self._addr(data, P64K) if at_base else 0
        lo, hi = (0, 0) if at_base else (WIN, WEND)
        r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(
            BaseAddress=base, MinimumAddress=lo, MaximumAddress=hi, Size=slots * P64K)
        r.hPagingQueue = self.q.handle if via_queue else self.p.kmt_adapter
        r.ReservationType = kind
        got = dxgk.D3DKMTReserveGpuVirtualAddress(r)
        want, va, fv = self.m.reserve(self.q.handle if via_queue else 0, base, lo, hi,
                                      slots * P64K, kind)
        self._status(got, want, "reserve")
        if want in (U.SUCCESS, U.PENDING):
            assert (r.VirtualAddress, r.PagingFenceValue) == (va, fv)
        else:
            assert (r.VirtualAddress, r.PagingFenceValue) == (0, 0)

    @rule(data=st.data(), special=st.sampled_from([0, 0, 0, U.P_ZERO, U.P_NOACCESS]),
          at_base=st.booleans(), congruent=st.integers(0, 4), dp=st.integers(0, 3))
    def map(self, data: st.DataObject, special: int, at_base: bool, congruent: int,
            dp: int) -> None:
        h = 0 if special else self._handle(data)
        if not special and not h:
            return
        a = self.m.allocs.get(h)
        size_pages = (a.size if a else 4 * P64K) // PAGE
        npages = data.draw(st.integers(1, min(32, size_pages)))
        offset = data.draw(st.integers(0, size_pages - npages)) if h else 0
        base = 0
        if at_base:
            base = self._addr(data)
            if congruent and a is not None and a.big_pages:
                base = base - base % P64K + (a.offset + offset * PAGE) % P64K
        protection = special or data.draw(st.sampled_from([1, 0, 3]))
        lo, hi = (0, 0) if at_base else (WIN, WEND)
        args = structs.D3DDDI_MAPGPUVIRTUALADDRESS(
            hPagingQueue=self.q.handle, BaseAddress=base, MinimumAddress=lo,
            MaximumAddress=hi, hAllocation=h, OffsetInPages=offset, SizeInPages=npages,
            DriverProtection=dp)
        args.Protection.Value = protection
        got = dxgk.D3DKMTMapGpuVirtualAddress(args)
        want, va, fv = self.m.map(self.q.handle, base, lo, hi, h, offset, npages,
                                  protection, dp)
        self._status(got, want, f"map {h:#x} at {base:#x} x{npages}")
        assert (args.VirtualAddress, args.PagingFenceValue) == (va, fv)

    @rule(data=st.data(), whole=st.booleans())
    def free(self, data: st.DataObject, whole: bool) -> None:
        if whole and self.m.vads:
            v = data.draw(st.sampled_from(self.m.vads))
            base, size = v.va, v.size
        else:
            base = self._addr(data)
            size = data.draw(st.integers(0, 40)) * PAGE
        f = structs.D3DKMT_FREEGPUVIRTUALADDRESS(hAdapter=self.p.kmt_adapter,
                                                 BaseAddress=base, Size=size)
        self._status(dxgk.D3DKMTFreeGpuVirtualAddress(f), self.m.free(base, size),
                     f"free {base:#x}+{size:#x}")

    def _op(self, data: st.DataObject) -> tuple[tuple[Any, ...], Any]:
        kind = data.draw(st.sampled_from(["map", "map", "unmap", "copy"]))
        inside = [v for v in self.m.vads if v.kind == "reserved"]
        if inside and data.draw(st.integers(0, 4)):
            v = data.draw(st.sampled_from(inside))
            base = v.va + data.draw(st.integers(0, v.size // PAGE - 1)) * PAGE
            size = data.draw(st.integers(1, max(1, (v.end - base) // PAGE))) * PAGE
        else:
            base, size = self._addr(data), data.draw(st.integers(1, 24)) * PAGE
        if kind == "unmap":
            zero = data.draw(st.booleans())
            return ("unmap", base, size, zero), K.op_unmap(base, size, U.P_ZERO if zero else 0)
        if kind == "copy":
            dest = self._addr(data) if not inside else \
                data.draw(st.sampled_from(inside)).va
            return ("copy", base, size, dest), K.op_copy(base, size, dest)
        h = self._handle(data)
        a = self.m.allocs.get(h)
        asz = data.draw(st.sampled_from([0, 0, PAGE, 2 * PAGE, P64K]))
        limit = (a.size if a else P64K) - (asz or size)
        off = data.draw(st.integers(0, max(0, limit // PAGE))) * PAGE
        if a is not None and a.big_pages and data.draw(st.booleans()):
            off = off - off % P64K + (base - a.offset) % P64K
        return ("map", base, size, h, off, asz), K.op_map(base, size, h, off, asz)

    @rule(data=st.data(), n=st.integers(1, 3), value=st.integers(0, 6), no_wait=st.booleans())
    def update(self, data: st.DataObject, n: int, value: int, no_wait: bool) -> None:
        pairs = [self._op(data) for _ in range(n)]
        u = structs.D3DKMT_UPDATEGPUVIRTUALADDRESS(
            hDevice=self.d.kmt_handle, hContext=self.c.kmt_handle, hFenceObject=self.f.handle,
            NumOperations=n, FenceValue=value)
        u.Flags.DoNotWait = int(no_wait)
        arr = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * n)(*[p[1] for p in pairs])
        got = dxgk.D3DKMTUpdateGpuVirtualAddress(u, arr)
        want = self.m.update([p[0] for p in pairs], self.f.handle, value, no_wait)
        self._status(got, want, f"update {[p[0] for p in pairs]}")

    @rule(step=st.integers(0, 3))
    def signal(self, step: int) -> None:
        v = max(0, self.m.fences[self.f.handle] + step - 1)
        want = self.m.signal(self.f.handle, v)
        try:
            self.f.signal(v)
            got = U.SUCCESS
        except dxgk.DdiError as e:
            got = e.status
        assert got == want

    @precondition(lambda self: self.MODE == "deferred")
    @rule(data=st.data())
    def execute(self, data: st.DataObject) -> None:
        last = self.m.submitted.get(self.q.handle, 0)
        upto = data.draw(st.one_of(st.none(), st.integers(0, last)))
        got = self.q.execute(upto)
        assert got == max(self.q_fence, self.m.execute(self.q.handle, upto))
        self.q_fence = got

    q_fence = 0

    @rule()
    def recreate_queue(self) -> None:
        old = self.q.handle
        self.q.close()
        self.m.destroy_queue(old)
        self.q = self.d.create_paging_queue()
        self.q_fence = 0

    # ---- the comparison after every step ----

    @invariant()
    def same_state(self) -> None:
        if not hasattr(self, "m"):
            return
        self.a.validate()
        vads = self.p.vads()
        assert [(v.va, v.size, v.kind, v.base) for v in vads] == self.m.vad_records()
        for v in vads:
            mv = self.m.one_vad(v.va, v.size)
            assert mv is not None
            got: dict[int, tuple[Any, ...]] = {}
            for r in v.ranges:
                for i, p in enumerate(range(r.va, r.end, PAGE)):
                    if r.kind == "map":
                        got[p] = ("map", r.allocation, r.offset_pages + i, r.protection,
                                  r.driver_protection)
                    else:
                        got[p] = U.ZEROED if r.kind == "zero" else U.INVALID
            for p in range(v.va, v.end, PAGE):
                c = got.get(p, mv.base_content())
                assert c == self.m.content(p), f"page {p:#x}: C {c}, model {self.m.content(p)}"
        vas = np.arange(WIN, WEND, PAGE, dtype=np.uint64)
        t = self.p.translate_many(vas)
        gpu = self.m.gpu_view()
        for i in np.nonzero(t["valid"] | np.isin(vas, np.array(list(gpu), dtype=np.uint64)))[0]:
            va = int(vas[i])
            xl = (bool(t["valid"][i]), bool(t["zero"][i]), int(t["segment"][i]),
                  int(t["address"][i]))
            if not xl[0]:
                xl = U.XL_INVALID
            elif xl[1]:
                xl = U.XL_ZERO
            assert xl == gpu.get(va, U.XL_INVALID), f"GPU sees at {va:#x}: C {xl}"
        assert self.f.value == self.m.fences[self.f.handle]
        assert self.q.submitted == self.m.submitted.get(self.q.handle, 0)

    def teardown(self) -> None:
        if hasattr(self, "a"):
            self.a.validate()
            self.a.close()


class _Immediate(_KmtMachine):
    MODE = "immediate"


class _Deferred(_KmtMachine):
    MODE = "deferred"


_Immediate.TestCase.settings = F.fuzz_settings(examples=8, steps=30)
_Deferred.TestCase.settings = F.fuzz_settings(examples=8, steps=30)
TestKmtFuzzImmediate = _Immediate.TestCase
TestKmtFuzzDeferred = _Deferred.TestCase
