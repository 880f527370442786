"""Fuzzing the DDI surface (issue 7, item 1).

Every one of the five callbacks gets random and mutated struct bytes -- random handles,
live handles of the wrong type, destroyed handles, handles of another adapter, extreme
addresses and sizes (0, 2^63, 2^64-4096, overflowing sums), every Protection bit pattern
-- in every argument form the facade takes (struct, bytearray, memoryview, numpy, bytes,
ctypes pointer) and in the x86 layout. After each call (fuzzkit.Harness):

* ``validate()`` holds for every adapter;
* a failed call changed nothing (full snapshot before == after);
* a successful one did what the pure-Python reference model (refmodel.py) did: same VA
  (docs/behaviour.md 5.5's lowest fit with rule 3's congruence), same PTEs page by page, same
  placement, same counters.

The stateful machines also compare the whole state with the model after every step.
Bounded by default; ``DXGK_FUZZ_LONG=1`` runs twenty times as many examples. The number
of calls made is printed at the end of the session.
"""

from __future__ import annotations

import ctypes
import random

import fuzzkit as F
import pytest
import refmodel as R
from fuzzkit import CREATE, MAP, MB, P64K, PAGE, RESERVE, U64
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import dxgk

# ---------------------------------------------------------------------------------------
# Value strategies


def addresses(m: R.Adapter, ranges: list[R.Range]) -> st.SearchStrategy[int]:
    """Addresses worth trying against adapter model m: the extremes, the edges of the VA
    space and of root entry 1, the edges of every live range, anything."""
    lim = m.cfg.va_limit
    special = [0, PAGE, P64K, P64K - PAGE, 2 * P64K, m.cfg.leaf_coverage, m.cfg.root_entry1,
               lim - PAGE, lim - P64K, lim, lim + PAGE, 1 << 63, U64 - PAGE + 1, U64,
               U64 - P64K + 1, 0x1000 + 0x800, lim // 2]
    edges = []
    for r in ranges[:24]:
        edges += [r.va, r.end, max(r.va - PAGE, 0), r.va + PAGE, max(r.va - P64K, 0),
                  r.end + P64K, r.va + r.size // 2]
    return st.one_of(
        st.sampled_from(special),
        st.sampled_from(edges) if edges else st.sampled_from(special),
        st.integers(0, lim // PAGE).map(lambda x: x * PAGE),
        st.integers(0, 64).map(lambda x: x * P64K),
        st.integers(0, U64),
    )


PAGES = st.one_of(
    st.sampled_from([0, 1, 2, 15, 16, 17, 32, 255, 256, 512, 513, 4096, (1 << 21),
                     (1 << 52) - 1, 1 << 52, (1 << 52) + 1, 1 << 63, U64, U64 - 15]),
    st.integers(1, 48),
    st.integers(0, 1200),
)
OFFSETS = st.one_of(st.sampled_from([0, 0, 1, 15, 16, 17, U64, U64 - 15, 1 << 63, 1 << 52]),
                    st.integers(0, 300))
PROTECTIONS = st.one_of(
    st.integers(0, 31),                                   # every defined bit pattern
    st.sampled_from([1, 2, 3, 16, 17, 19]),               # the usual ones more often
    st.integers(5, 63).map(lambda b: (1 << b) | 1),       # a Reserved bit
    st.integers(0, U64),
)
SIZES = st.one_of(
    st.sampled_from([0, 1, PAGE - 1, PAGE, PAGE + 1, P64K, P64K + 1, MB, 2 * MB + PAGE,
                     4 * MB, 16 * MB, 16 * MB + 1, 1 << 30, 1 << 63, U64 - PAGE + 1, U64,
                     (1 << 32) - 1]),
    st.integers(1, 2 * MB),
)
ALIGNMENTS = st.one_of(st.sampled_from([0, 0, 0, 1, 3, PAGE, P64K, 1 << 20, 1 << 31,
                                        0xFFFFFFFF, 6 * PAGE]),
                       st.integers(0, 0xFFFFFFFF))


# ---------------------------------------------------------------------------------------
# The machine


class DdiFuzz(RuleBasedStateMachine):
    """Adapter A (the fuzz target, built by make_target) and B (foreign: its handles are fed
    to A and A's to it), both followed by the reference model."""

    make_target = staticmethod(F.tight_adapter)

    def __init__(self) -> None:
        super().__init__()
        self.A = self.make_target()
        self.B = F.foreign_adapter()
        self.h = F.Harness([self.A, self.B])
        self.rng = random.Random(0)

    @initialize()
    def populate(self) -> None:
        """A process with a device and a context in each adapter, and one allocation in
        B that A's calls can be handed."""
        for a in (self.A, self.B):
            p = self.h.create_process(a)
            assert p is not None
            d = self.h.create_device(p)
            self.h.create_context(d)
        dB = next(iter(d for d in self.h.devices.values() if d.adapter is self.B))
        raw = F.build(CREATE, False, hAdapter=self.B.handle, hDevice=dB.handle, Size=MB,
                      SupportedSegmentSet=1)
        assert self.h.create(raw)

    # -- handle choices --

    def model(self, a: dxgk.Adapter) -> R.Adapter:
        m = self.h.world.adapter(a.handle)
        assert m is not None
        return m

    def any_handle(self, data: st.DataObject, kind: str, adapter: dxgk.Adapter) -> int:
        """Mostly a live handle of the right kind in `adapter`; else one of the other
        adapter, a live handle of another kind, a destroyed one, 0 or anything."""
        own = self.h.handles_of(kind, adapter.handle)
        other = self.h.handles_of(kind, self.B.handle if adapter is self.A else self.A.handle)
        wrong = [h for k in ("adapter", "process", "device", "context", "allocation")
                 if k != kind for h in self.h.handles_of(k)]
        dead = list(self.h.world.dead)[-32:]
        choices = [("own", 6)] * bool(own) + [("other", 1)] * bool(other) + \
                  [("wrong", 1)] * bool(wrong) + [("dead", 1)] * bool(dead) + \
                  [("zero", 1), ("random", 1)]
        pick = data.draw(st.sampled_from([c for c, w in choices for _ in range(w)]))
        if pick == "own":
            return data.draw(st.sampled_from(own))
        if pick == "other":
            return data.draw(st.sampled_from(other))
        if pick == "wrong":
            return data.draw(st.sampled_from(wrong))
        if pick == "dead":
            return data.draw(st.sampled_from(dead))
        if pick == "zero":
            return 0
        return data.draw(st.integers(0, U64))

    def own_or_any(self, data: st.DataObject, mode: str, kind: str, a: dxgk.Adapter) -> int:
        own = self.h.handles_of(kind, a.handle)
        if mode == "valid" and own:
            return data.draw(st.sampled_from(own))
        return self.any_handle(data, kind, a)

    def adapter_handle(self, data: st.DataObject) -> tuple[int, dxgk.Adapter]:
        """hAdapter: mostly A, sometimes B (then B's model answers), sometimes garbage."""
        pick = data.draw(st.sampled_from(["A"] * 8 + ["B", "junk"]))
        if pick == "A":
            return self.A.handle, self.A
        if pick == "B":
            return self.B.handle, self.B
        junk = data.draw(st.one_of(st.just(0), st.integers(0, U64),
                                   st.sampled_from(self.h.handles_of("process")
                                                   + self.h.handles_of("allocation"))))
        return junk, self.A

    def form(self, data: st.DataObject) -> tuple[bool, str]:
        x86 = data.draw(st.sampled_from([False] * 5 + [True]))
        return x86, data.draw(st.sampled_from(F.FORMS))

    # -- the five callbacks --

    def mode(self, data: st.DataObject) -> str:
        """How hostile this call is: "valid" (a plausible request, to reach the success
        paths and fill the state), "edge" (one field swapped for an edge value) or "wild"
        (anything, then up to three byte-level mutations)."""
        return data.draw(st.sampled_from(["valid"] * 5 + ["edge"] * 3 + ["wild"] * 2))

    @rule(data=st.data())
    def map(self, data: st.DataObject) -> None:
        mode = self.mode(data)
        hA, a = self.adapter_handle(data) if mode == "wild" else (self.A.handle, self.A)
        m = self.model(a)
        own = self.h.handles_of("allocation", a.handle)
        if mode == "wild" or not own or data.draw(st.integers(0, 5)) == 0:
            h = self.any_handle(data, "allocation", a) if mode != "valid" else 0
        else:
            h = data.draw(st.sampled_from(own))
        al = m.lookup(h, R.T_ALLOCATION)
        p = al.process if al else m.system
        x86, form = self.form(data)
        lim = m.cfg.va_limit
        if mode == "wild":
            addr = addresses(m, p.ranges)
            base, minimum, maximum = (data.draw(st.one_of(st.just(0), st.just(0), addr))
                                      for _ in range(3))
            offset, pages = data.draw(OFFSETS), data.draw(PAGES)
            prot = data.draw(PROTECTIONS)
        else:
            if al is not None:
                offset = data.draw(st.integers(0, al.pages - 1))
                pages = data.draw(st.integers(1, min(al.pages - offset, 600)))
                if data.draw(st.booleans()):        # 64 KB multiples: 64 KB-leaf eligible
                    offset -= offset % 16
                    pages = max(16, pages - pages % 16)
                    pages = min(pages, al.pages - offset)
                prot = data.draw(st.integers(0, 31)) & ~(R.P_ZERO | R.P_NOACCESS)
            else:
                offset, pages = 0, data.draw(st.integers(1, 40))
                prot = data.draw(st.integers(0, 31)) & ~(R.P_ZERO | R.P_NOACCESS)
                prot |= data.draw(st.sampled_from([R.P_ZERO, R.P_NOACCESS]))
            phase = 0
            if al is not None and al.segment.page_size == P64K:
                phase = (al.offset + offset * PAGE) % P64K
            how = data.draw(st.sampled_from(["lowest"] * 4 + ["base", "window", "near"]))
            base = minimum = maximum = 0
            if how == "base":
                base = data.draw(st.integers(0, (lim >> 16) - 1)) * P64K + phase or P64K
            elif how == "near" and p.ranges:
                r = data.draw(st.sampled_from(p.ranges))
                base = data.draw(st.sampled_from([r.end, r.va - pages * PAGE, r.va, r.va + PAGE,
                                                  r.end - PAGE]))
                base = max(base, 0)
                if data.draw(st.booleans()):
                    base += (phase - base) % P64K
            elif how == "window":
                minimum = data.draw(st.integers(0, lim // P64K - 1)) * P64K
                maximum = data.draw(st.one_of(
                    st.just(0),
                    st.integers(minimum // PAGE + 1, lim // PAGE).map(lambda x: x * PAGE)))
            if mode == "edge":
                field = data.draw(st.sampled_from(["base", "minimum", "maximum", "offset", "pages",
                                                   "prot", "handle"]))
                v = data.draw(st.sampled_from(F.EXTREMES_64 + [lim, lim - PAGE, lim + PAGE]))
                if field == "base":
                    base = v
                elif field == "minimum":
                    minimum = v
                elif field == "maximum":
                    maximum = v
                elif field == "offset":
                    offset = data.draw(OFFSETS)
                elif field == "pages":
                    pages = data.draw(PAGES)
                elif field == "prot":
                    prot = data.draw(PROTECTIONS)
                else:
                    h = self.any_handle(data, "allocation", a)
        raw = F.build(MAP, x86, BaseAddress=base, MinimumAddress=minimum, MaximumAddress=maximum,
                      hAllocation=h, OffsetInPages=offset, SizeInPages=pages,
                      DriverProtection=data.draw(st.integers(0, U64)))
        raw[48:56] = prot.to_bytes(8, "little")
        if mode == "wild":
            raw = F.mutate(raw, data.draw(F.mutations(len(raw))))
        self.h.map(hA, raw, x86=x86, form=form)

    @rule(data=st.data())
    def create(self, data: st.DataObject) -> None:
        if len(self.h.handles_of("allocation")) >= 24:
            return                                   # keep the state small
        mode = self.mode(data)
        hA, a = self.adapter_handle(data) if mode == "wild" else (self.A.handle, self.A)
        x86, form = self.form(data)
        m = self.model(a)
        nseg = len(m.cfg.segments)
        devs = self.h.handles_of("device", a.handle)
        if mode == "wild" or not devs:
            dev = self.any_handle(data, "device", a) if data.draw(st.booleans()) else 0
        else:
            dev = data.draw(st.sampled_from([0] + devs))
        md = m.lookup(dev, R.T_DEVICE)
        ctx = 0
        if md is not None and md.contexts and data.draw(st.booleans()):
            ctx = data.draw(st.sampled_from([c.handle for c in md.contexts]))
        if mode == "wild":
            if data.draw(st.integers(0, 3)) == 0:
                ctx = self.any_handle(data, "context", a)
            supported = data.draw(st.one_of(st.integers(1, (1 << nseg) - 1),
                                            st.integers(0, 0xFFFFFFFF)))
            pref_ids = data.draw(st.lists(st.integers(0, 31), max_size=5))
            flags = data.draw(st.sampled_from([0, R.AIF_CACHED, R.AIF_FROM_END, 0xFFFFFFFF]))
            cflags = data.draw(st.sampled_from([0, R.CCA_MAPVA, R.CCA_SHARED,
                                                R.CCA_MAPVA | R.CCA_SHARED, 0xFFFFFFFF]))
            size, alignment = data.draw(SIZES), data.draw(ALIGNMENTS)
        else:
            supported = data.draw(st.integers(1, (1 << nseg) - 1))
            pref_ids = data.draw(st.lists(st.integers(0, nseg), max_size=3))
            flags = data.draw(st.sampled_from([0, 0, R.AIF_CACHED, R.AIF_FROM_END]))
            cflags = data.draw(st.sampled_from([0, 0, 0, R.CCA_MAPVA])) | \
                (R.CCA_SHARED if ctx == 0 and data.draw(st.booleans()) else 0)
            size = data.draw(st.one_of(st.integers(1, 64).map(lambda k: k * PAGE),
                                       st.integers(1, 16).map(lambda k: k * P64K),
                                       st.integers(1, MB), st.sampled_from([2 * MB, 4 * MB])))
            alignment = data.draw(st.sampled_from([0, 0, 0, PAGE, P64K, 2 * P64K, MB]))
            if mode == "edge":
                field = data.draw(st.sampled_from(["size", "alignment", "supported", "handle",
                                                   "cflags"]))
                if field == "size":
                    size = data.draw(SIZES)
                elif field == "alignment":
                    alignment = data.draw(ALIGNMENTS)
                elif field == "supported":
                    supported = data.draw(st.sampled_from([0, 1 << nseg, 0xFFFFFFFF, 1 << 31]))
                elif field == "handle":
                    dev = self.any_handle(data, "device", a)
                    ctx = self.any_handle(data, "context", a)
                else:
                    cflags = data.draw(st.sampled_from([R.CCA_SHARED | R.CCA_MAPVA, 0xFFFFFFFF]))
        preferred = sum(sid << (6 * i) for i, sid in enumerate(pref_ids))
        if x86:
            size &= 0xFFFFFFFF
        raw = F.build(CREATE, x86, ContextAllocationFlags=cflags, hAdapter=hA, hDevice=dev,
                      hContext=ctx, hDriverAllocation=data.draw(st.integers(0, 0xFFFFFFFF)),
                      Size=size, Alignment=alignment, SupportedSegmentSet=supported,
                      EvictionSegmentSet=data.draw(st.integers(0, 0xFFFFFFFF)),
                      PreferredSegment=preferred,
                      HintedBank=data.draw(st.integers(0, 0xFFFFFFFF)),
                      Flags=flags, PhysicalAdapterIndex=data.draw(st.integers(0, 3)))
        if mode == "wild":
            raw = F.mutate(raw, data.draw(F.mutations(len(raw))))
        self.h.create(raw, x86=x86, form=form)

    @rule(data=st.data())
    def destroy(self, data: st.DataObject) -> None:
        mode = self.mode(data)
        hA, a = self.adapter_handle(data) if mode == "wild" else (self.A.handle, self.A)
        h = self.own_or_any(data, mode, "allocation", a)
        self.h.destroy(hA, h, x86=data.draw(st.sampled_from([False] * 4 + [True])))

    @rule(data=st.data())
    def update(self, data: st.DataObject) -> None:
        mode = self.mode(data)
        hA, a = self.adapter_handle(data) if mode == "wild" else (self.A.handle, self.A)
        h = self.own_or_any(data, mode, "allocation", a)
        x86 = data.draw(st.sampled_from([False] * 4 + [True]))
        if x86:
            payload, size = None, data.draw(st.sampled_from([0, 0, 1, 64, 0xFFFFFFFF]))
        else:
            payload = data.draw(st.one_of(st.none(), st.binary(min_size=0, max_size=96)))
            n = len(payload) if payload is not None else 0
            size = data.draw(st.one_of(st.just(n), st.integers(0, n))) if payload is not None \
                else data.draw(st.sampled_from([0, 0, 1, 4096, 0xFFFFFFFF]))
        self.h.update(hA, h, payload, size, x86=x86,
                      edits=data.draw(F.mutations(12 if x86 else 24)) if mode == "wild" else (),
                      form=data.draw(st.sampled_from(["struct", "bytearray", "bytes"])))

    @rule(data=st.data())
    def reserve_outside_creation(self, data: st.DataObject) -> None:
        """docs/behaviour.md 6: only while the process is being created; anything else fails."""
        hA, a = self.adapter_handle(data)
        self._reserve(data, hA, a, self.any_handle(data, "process", a))

    def _reserve(self, data: st.DataObject, hA: int, a: dxgk.Adapter, hp: int) -> None:
        m = self.model(a)
        cov, r1, lim = m.cfg.leaf_coverage, m.cfg.root_entry1, m.cfg.va_limit
        mode = self.mode(data)
        x86, form = self.form(data)
        mp = m.lookup(hp, R.T_PROCESS)
        if mode == "wild":
            size = data.draw(st.one_of(st.integers(1, 8).map(lambda k: k * cov),
                                       st.sampled_from([0, cov - PAGE, cov + PAGE, 1 << 63, U64,
                                                        lim, lim - r1, lim - r1 + cov]),
                                       st.integers(0, U64)))
            base = data.draw(st.one_of(st.just(0), addresses(m, mp.ranges if mp else [])))
            alignment = data.draw(ALIGNMENTS)
        else:
            size = data.draw(st.integers(1, 64)) * cov
            alignment = data.draw(st.sampled_from([0, 0, 0, PAGE, 2 * cov, 8 * cov, 1 << 31]))
            base = 0
            if data.draw(st.integers(0, 2)) == 0:
                base = r1 + data.draw(st.integers(0, (lim - r1) // cov - 1)) * cov
            elif mp is not None and mp.ranges and data.draw(st.booleans()):
                r = data.draw(st.sampled_from(mp.ranges))
                base = data.draw(st.sampled_from([r.va, r.end, max(r.va - size, 0),
                                                  r.va + cov]))
            if mode == "edge":
                field = data.draw(st.sampled_from(["size", "base", "alignment"]))
                v = data.draw(st.sampled_from(F.EXTREMES_64 + [lim, r1, r1 - cov, lim - cov]))
                if field == "size":
                    size = v
                elif field == "base":
                    base = v
                else:
                    alignment = data.draw(ALIGNMENTS)
        raw = F.build(RESERVE, x86, hDxgkProcess=hp, SizeInBytes=size, Alignment=alignment,
                      BaseAddress=base,
                      StartVirtualAddress=data.draw(st.sampled_from([0, 0x5A5A5A5A5A5A5A5A])),
                      Flags=data.draw(st.sampled_from([0, 1, 0xFFFFFFFF])))
        if mode == "wild":
            raw = F.mutate(raw, data.draw(F.mutations(len(raw))))
        self.h.reserve(hA, raw, x86=x86, form=form)

    # -- objects --

    @rule(data=st.data())
    @precondition(lambda self: len(self.h.handles_of("process")) < 10)
    def create_process(self, data: st.DataObject) -> None:
        """A process whose creation hook makes fuzzed reservations (and sometimes fails)."""
        a = data.draw(st.sampled_from([self.A, self.A, self.B]))
        n = data.draw(st.integers(0, 3))
        outcome = data.draw(st.sampled_from(["ok"] * 6 + ["status", "raise"]))

        def hook(p: dxgk.Process) -> None:
            for _ in range(n):
                hp = (p.handle if data.draw(st.integers(0, 7))
                      else self.any_handle(data, "process", a))
                hA = a.handle if data.draw(st.integers(0, 9)) else self.adapter_handle(data)[0]
                self._reserve(data, hA, a, hp)
            if outcome == "status":              # the way a hook fails with a status
                raise dxgk.DdiError(dxgk.STATUS_NO_MEMORY, "the driver refuses")
            if outcome == "raise":
                raise F.HookFailed()
            return None

        p = self.h.create_process(a, hook)
        if p is not None and data.draw(st.booleans()):
            self.h.create_device(p)

    @rule(data=st.data())
    def close_something(self, data: st.DataObject) -> None:
        what = data.draw(st.sampled_from(["process", "device", "context"]))
        if what == "process":
            ps = [p for p in self.h.procs.values() if not p.is_system]
            if ps:
                self.h.close_process(data.draw(st.sampled_from(ps)))
        elif what == "device" and self.h.devices:
            self.h.close_device(data.draw(st.sampled_from(list(self.h.devices.values()))))
        elif what == "context" and self.h.contexts:
            self.h.close_context(data.draw(st.sampled_from(list(self.h.contexts.values()))))

    @rule(data=st.data())
    def new_device_or_context(self, data: st.DataObject) -> None:
        if data.draw(st.booleans()) and self.h.devices:
            self.h.create_context(data.draw(st.sampled_from(list(self.h.devices.values()))))
        else:
            self.h.create_device(data.draw(st.sampled_from(list(self.h.procs.values()))))

    @rule(data=st.data())
    def raw_bytes(self, data: st.DataObject) -> None:
        """Entirely random struct bytes (Update excepted: its pointer must stay valid)."""
        which = data.draw(st.sampled_from([MAP, CREATE, RESERVE]))
        x86 = data.draw(st.booleans())
        size = ctypes.sizeof(F.struct_class(which, x86))
        raw = bytearray(data.draw(st.binary(min_size=size, max_size=size)))
        if which == MAP:
            self.h.map(self.A.handle, raw, x86=x86)
        elif which == CREATE:
            self.h.create(raw, x86=x86)
        else:
            self.h.reserve(self.A.handle, raw, x86=x86)

    @invariant()
    def agrees_with_the_model(self) -> None:
        self.h.check_all(self.rng)

    def teardown(self) -> None:
        for a in list(self.h.real.values()):
            self.h.close_adapter(a)
        assert dxgk.live_handles() == self.h.handle_baseline, "handles leaked"


class DefaultAdapterFuzz(DdiFuzz):
    """The same on docs/behaviour.md 3's default adapter (page tables share segment 1 with 64 KB
    allocations, so table placement -- and room -- is not the model's to predict)."""

    make_target = staticmethod(dxgk.Adapter)


TestDdiFuzzTight = DdiFuzz.TestCase
TestDdiFuzzTight.settings = F.fuzz_settings(examples=80, steps=50)
TestDdiFuzzDefault = DefaultAdapterFuzz.TestCase
TestDdiFuzzDefault.settings = F.fuzz_settings(examples=30, steps=50)


# ---------------------------------------------------------------------------------------
# Exhaustive and one-shot fuzzers


@pytest.fixture
def env():
    """The tight adapter with a process, a device, and an allocation in each segment kind
    (64 KB pages, 4 KB pages), under the harness."""
    a = F.tight_adapter()
    h = F.Harness([a])
    p = h.create_process(a)
    d = h.create_device(p)
    allocs = []
    for seg in (1, 2):
        raw = F.build(CREATE, False, hAdapter=a.handle, hDevice=d.handle, Size=MB,
                      SupportedSegmentSet=1 << (seg - 1), Flags=R.AIF_CACHED * (seg == 1))
        allocs.append(h.create(raw))
    yield a, h, allocs
    h.close_adapter(a)
    assert dxgk.live_handles() == h.handle_baseline


@pytest.mark.parametrize("target", ["64k", "4k", "null"])
def test_every_protection_bit_pattern(env, target):
    """All 32 patterns of Write/Execute/Zero/NoAccess/SystemUseOnly, and each Reserved bit
    alone and with the defined ones, against an allocation in each kind of segment and
    against NULL (Zero / NoAccess ranges), at a lowest-fit VA and at a fixed one: every
    answer is the model's, successes translate as the model says, failures change
    nothing."""
    a, h, (h64, h4) = env
    alloc = {"64k": h64, "4k": h4, "null": 0}[target]
    patterns = list(range(32)) + [1 << b for b in range(5, 64)] + \
        [(1 << b) | 0x1F for b in (5, 31, 32, 63)] + [U64]
    for i, prot in enumerate(patterns):
        for base in (0, (1 << 31) + i * 2 * P64K):
            raw = F.build(MAP, False, BaseAddress=base, hAllocation=alloc, SizeInPages=16)
            raw[48:56] = prot.to_bytes(8, "little")
            h.map(a.handle, raw)
    h.check_all()


@pytest.mark.parametrize("struct", [MAP, CREATE, F.UPDATE, RESERVE])
@given(data=st.data())
@F.fuzz_settings(examples=25)
def test_buffers_of_any_length_and_type_are_python_errors_or_ddi_answers(struct, data):
    """Arbitrary Python objects and byte strings of any length: a buffer of the struct's
    size gets the DDI's own answer (random handles: a failure status, nothing changes);
    anything else a TypeError/ValueError naming the struct -- never a crash, never a
    change."""
    a = dxgk.Adapter()
    h = F.Harness([a])
    before = h.snapshot()
    size = ctypes.sizeof(F.struct_class(struct, False))
    n = data.draw(st.one_of(st.integers(0, 2 * size), st.just(size), st.just(size - 1)))
    payload = bytearray(data.draw(st.binary(min_size=n, max_size=n)))
    if struct == F.UPDATE and n == size:
        payload[8:20] = bytes(12)         # pointer NULL and size 0: a random pointer would
                                          # be the caller's bug, not dxgk's
    obj = data.draw(st.sampled_from(["bytearray", "bytes", "memoryview", "list", "int",
                                     "str", "none"]))
    arg = {"bytearray": payload, "bytes": bytes(payload), "memoryview": memoryview(payload),
           "list": list(payload), "int": n, "str": "x" * n, "none": None}[obj]
    call = {
        MAP: lambda: dxgk.DxgkCbMapContextAllocation(a.handle, arg),
        CREATE: lambda: dxgk.DxgkCbCreateContextAllocation(arg),
        F.UPDATE: lambda: dxgk.DxgkCbUpdateContextAllocation(a.handle, arg),
        RESERVE: lambda: dxgk.DxgkCbReserveGpuVirtualAddressRange(a.handle, arg),
    }[struct]
    try:
        r = call()
    except (TypeError, ValueError) as e:
        F.COUNTS[("facade: malformed argument", type(e).__name__)] += 1
        assert struct in str(e)
        h.expect_unchanged(before, "a rejected argument")
    else:
        st_ = dxgk.last_status()
        F.COUNTS[("facade: malformed argument", dxgk.status_name(st_))] += 1
        assert obj == "none" or (n == size and obj in ("bytearray", "bytes", "memoryview"))
        if struct == MAP:
            assert (r == 0) == (st_ != dxgk.STATUS_SUCCESS)
        else:
            assert r == st_
        if st_ != dxgk.STATUS_SUCCESS:
            h.expect_unchanged(before, "a failed call")
    a.validate()
    a.close()


@st.composite
def adapter_descriptions(draw):
    """A valid description (2..6 levels of 1..9 bits, 1..4 segments, tables in one of
    them), then -- half the time -- one field replaced by a value docs/behaviour.md 3 or the model's
    sanity rules reject (or that happens to be fine)."""
    nlev = draw(st.integers(2, 6))
    bits = [draw(st.integers(1, 9)) for _ in range(nlev)]
    nseg = draw(st.integers(1, 4))
    segs = []
    for _ in range(nseg):
        ps = draw(st.sampled_from([PAGE, P64K]))
        segs.append(dxgk.Segment(size=ps * draw(st.integers(1, 64)), page_size=ps,
                                 kind=draw(st.sampled_from(["local", "aperture"]))))
    tseg = draw(st.integers(1, nseg))
    levels = [{"PageTableIndexBitCount": b, "PageTableSegmentId": tseg,
               "PagingProcessPageTableSegmentId": tseg,
               "PageTableSizeInBytes": draw(st.sampled_from([4096, 8192])),
               "PageTableAlignmentInBytes": draw(st.sampled_from([0, 4096, P64K]))}
              for b in bits]
    caps = {"VirtualAddressBitCount": 12 + sum(bits),
            "PageTableLevelCount": nlev,
            "LeafPageTableSizeFor64KPagesInBytes": 256 if bits[0] >= 9 else
            draw(st.sampled_from([0, 4096])) if bits[0] >= 4 else 0,
            "PageTableUpdateMode": draw(st.integers(0, 2)),
            "ZeroInPteSupported": draw(st.integers(0, 1)),
            "ReadOnlyMemorySupported": draw(st.integers(0, 1)),
            "NoExecuteMemorySupported": draw(st.integers(0, 1))}
    if draw(st.booleans()):
        what = draw(st.sampled_from(["bits", "va", "count", "lsize", "align", "tseg", "ptseg",
                                     "l64", "mode", "segsize", "pagesize", "noseg"]))
        i = draw(st.integers(0, nlev - 1))
        if what == "bits":
            levels[i]["PageTableIndexBitCount"] = draw(
                st.sampled_from([0, 10, 24, 25, 64, U64 & 0xFFFFFFFF]))
        elif what == "va":
            caps["VirtualAddressBitCount"] = draw(st.sampled_from([0, 11, 63, 64, 65, 0xFFFFFFFF]))
        elif what == "count":
            caps["PageTableLevelCount"] = draw(st.sampled_from([0, 1, 7, 0xFFFFFFFF]))
        elif what == "lsize":
            levels[i]["PageTableSizeInBytes"] = draw(st.sampled_from([0, 1, 4095, 256, 1 << 31]))
        elif what == "align":
            levels[i]["PageTableAlignmentInBytes"] = draw(st.sampled_from([3, 4097, 1 << 31]))
        elif what == "tseg":
            levels[i]["PageTableSegmentId"] = draw(st.sampled_from([0, nseg + 1, 31, 32]))
        elif what == "ptseg":
            levels[i]["PagingProcessPageTableSegmentId"] = draw(st.sampled_from([0, 31, 32]))
        elif what == "l64":
            caps["LeafPageTableSizeFor64KPagesInBytes"] = draw(st.sampled_from([1, 8, 17, 1 << 31]))
        elif what == "mode":
            caps["PageTableUpdateMode"] = draw(st.sampled_from([3, 0xFFFFFFFF]))
        elif what == "segsize":
            k = draw(st.integers(0, nseg - 1))
            segs[k] = dxgk.Segment(size=draw(st.sampled_from([0, 17, PAGE + 1, 1 << 62,
                                                               (1 << 62) + P64K])),
                                   page_size=segs[k].page_size, kind=segs[k].kind)
        elif what == "pagesize":
            k = draw(st.integers(0, nseg - 1))
            segs[k] = dxgk.Segment(size=segs[k].size, page_size=draw(st.sampled_from([0, 8192, 1])),
                                   kind=segs[k].kind)
        else:
            segs = []
    return caps, levels, segs


@given(desc=adapter_descriptions())
@F.fuzz_settings(examples=60)
def test_any_adapter_description_is_rejected_cleanly_or_works(desc):
    """docs/behaviour.md 3: a description is either rejected with a ValueError naming the reason, or
    gives an adapter that validates, maps a page and gives everything back -- whatever
    the bit counts, sizes, alignments and segment ids (UBSan watches the shifts)."""
    caps, levels, segs = desc
    base = dxgk.live_handles()
    try:
        a = dxgk.Adapter(caps=caps, levels=levels, segments=segs)
    except ValueError as e:
        F.COUNTS[("Adapter(description)", "ValueError")] += 1
        assert str(e)
        assert dxgk.live_handles() == base
        return
    except MemoryError:
        F.COUNTS[("Adapter(description)", "MemoryError")] += 1
        assert dxgk.live_handles() == base
        return
    F.COUNTS[("Adapter(description)", "accepted")] += 1
    h = F.Harness([a])
    p = h.create_process(a)
    if p is not None:
        for seg in range(1, len(segs) + 1):
            raw = F.build(CREATE, False, hAdapter=a.handle, Size=PAGE,
                          SupportedSegmentSet=1 << (seg - 1))
            al = h.create(raw)
            if al:
                h.map(a.handle, F.build(MAP, False, hAllocation=al, SizeInPages=1))
    h.check_all()
    h.close_adapter(a)
    assert dxgk.live_handles() == base
