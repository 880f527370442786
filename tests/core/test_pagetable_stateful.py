"""Hypothesis stateful tests: the C page tables against a pure-Python dict model.

The model is VA page -> target plus, per leaf range, its format (64 KB or 4 KB) under
the rules documented in pagetable.c. From it the test derives every translation, the
minimum number of tables per level the live mappings need, table memory, entry counts,
and -- because every configuration here gives all tables one 4096-byte slot (size and
alignment 4096; a 64 KB leaf is smaller but aligned to 4096) -- exactly when the
bounded table memory is too small for an operation, which must then fail and change
nothing.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from dxgk.testing.pt import (
    CAP_NO_EXECUTE,
    CAP_READ_ONLY,
    CAP_ZERO,
    DEFAULT_CAPS,
    PageTable,
    PageTableArgumentError,
    PageTableFullError,
)

KB4, KB64 = 4096, 65536
SLOT = 4096


class Model:
    """VA space as a dict of 4 KB pages plus leaf formats."""

    def __init__(self, bits: tuple[int, ...], leaf64k: int, caps: int) -> None:
        self.bits = bits
        self.shift = [12 + sum(bits[:i]) for i in range(len(bits) + 1)]
        self.leaf64k = leaf64k
        self.caps = caps
        self.pages: dict[int, tuple[bool, int, int, bool, bool]] = {}  # zero, seg, addr, ro, nx
        self.fmt64: dict[int, bool] = {}   # leaf key (va >> shift[1]) -> 64 KB format
        self.conversions = 0

    # -- derived ----------------------------------------------------------------------
    def leaf_key(self, va: int) -> int:
        return va >> self.shift[1]

    def tables(self) -> list[int]:
        n = len(self.bits)
        counts = [len(self.fmt64)]
        for lvl in range(1, n - 1):
            counts.append(len({p << 12 >> self.shift[lvl + 1] for p in self.pages}))
        counts.append(1)
        return counts

    def table_bytes(self) -> int:
        t = self.tables()
        n64 = sum(self.fmt64.values())
        return sum(t) * 4096 - n64 * (4096 - self.leaf64k)

    def valid_leaf_entries(self) -> int:
        per: dict[int, int] = {}
        for p in self.pages:
            k = self.leaf_key(p << 12)
            per[k] = per.get(k, 0) + 1
        return sum(c // 16 if self.fmt64[k] else c for k, c in per.items())

    def translate(self, va: int) -> tuple:
        t = self.pages.get(va >> 12)
        if t is None:
            return (False, False, False, False, 0, 0, 0)
        zero, seg, addr, ro, nx = t
        psz = KB64 if self.fmt64[self.leaf_key(va)] else KB4
        return (True, zero, ro, nx, 0 if zero else seg, psz, 0 if zero else addr + (va & 0xFFF))

    # -- operations: return tables the operation must newly allocate -------------------
    def plan_map(self, va: int, n: int, e64: bool) -> tuple[int, dict[int, bool], int]:
        end = va + n * KB4
        new_fmt, conv = {}, 0
        for key in range(self.leaf_key(va), self.leaf_key(end - 1) + 1):
            if key not in self.fmt64:
                new_fmt[key] = e64
            elif self.fmt64[key] and not e64:
                new_fmt[key] = False
                conv += 1
        before = sum(self.tables())
        after_pages = set(self.pages) | set(range(va >> 12, end >> 12))
        after = len(set(self.fmt64) | set(new_fmt)) + 1 + sum(
            len({p << 12 >> self.shift[lvl + 1] for p in after_pages})
            for lvl in range(1, len(self.bits) - 1))
        return after - before + conv, new_fmt, conv

    def apply_map(self, va, n, zero, seg, addr, ro, nx, new_fmt, conv) -> None:
        self.fmt64.update(new_fmt)
        self.conversions += conv
        for i in range(n):
            self.pages[(va >> 12) + i] = (zero, 0 if zero else seg, 0 if zero else addr + i * KB4,
                                          ro, nx)

    def plan_unmap(self, va: int, n: int) -> set[int]:
        end = va + n * KB4
        conv = set()
        for edge in ([va] if va % KB64 else []) + ([end] if end % KB64 else []):
            key = self.leaf_key(edge)
            if self.fmt64.get(key) and ((edge & ~0xFFFF) >> 12) in self.pages:
                conv.add(key)
        return conv

    def apply_unmap(self, va: int, n: int, conv: set[int]) -> None:
        for key in conv:
            self.fmt64[key] = False
        self.conversions += len(conv)
        for p in range(va >> 12, (va >> 12) + n):
            self.pages.pop(p, None)
        live = {self.leaf_key(p << 12) for p in self.pages}
        for key in list(self.fmt64):
            if key not in live:
                del self.fmt64[key]


def machine_for(bits: tuple[int, ...], windows: list[int], *, caps: int = DEFAULT_CAPS,
                leaf64k: int = 256):
    """A state machine over VA windows starting at `windows` (64 KB-aligned bases)."""
    window_pages = 1 << (bits[0] + 1)  # two leaf tables' worth of pages per window

    class PageTableMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.pt: PageTable | None = None

        @initialize(slots=st.sampled_from([8, 12, 24, 400]))
        def create(self, slots: int) -> None:
            self.slots = slots
            self.pt = PageTable(bits, table_size=4096, table_align=4096, leaf64k_size=leaf64k,
                                caps=caps, capacity=slots * SLOT)
            self.model = Model(bits, leaf64k, caps)

        def teardown(self) -> None:
            if self.pt is not None:
                self.pt.close()

        def free_slots(self) -> int:
            return self.slots - sum(self.model.tables())

        def clamp(self, va: int, n: int) -> int:
            return max(0, min(n, ((1 << self.pt.va_bits) - va) // KB4))

        def do_map(self, va, n, kind, seg, addr, ro, nx, elig) -> None:
            m = self.model
            n = self.clamp(va, n)
            if elig and n % 16:
                n -= n % 16
            if n == 0:
                return
            if kind == "zero" and not caps & CAP_ZERO:
                with pytest.raises(PageTableArgumentError):
                    self.pt.map(va, n, kind="zero")
                return
            ro, nx = ro and bool(caps & CAP_READ_ONLY), nx and bool(caps & CAP_NO_EXECUTE)
            if kind == "noaccess":
                self.do_unmap(va, n, via_noaccess=True)
                return
            zero = kind == "zero"
            e64 = (elig and leaf64k != 0 and va % KB64 == 0 and n % 16 == 0
                   and (zero or addr % KB64 == 0))
            need, new_fmt, conv = m.plan_map(va, n, e64)
            est = self.pt.estimate(va, n, kind=kind, segment=0 if zero else seg,
                                   address=0 if zero else addr, eligible64k=elig)
            assert sum(est["tables"]) + est["leaf64k_tables"] == need
            assert est["conversions"] == conv
            try:
                self.pt.map(va, n, kind=kind, segment=0 if zero else seg,
                            address=0 if zero else addr, read_only=ro, no_execute=nx,
                            eligible64k=elig)
            except PageTableFullError:
                assert need > self.free_slots(), (need, self.free_slots())
                event("map: segment full")
                return
            assert need <= self.free_slots(), (need, self.free_slots())
            m.apply_map(va, n, zero, seg, addr, ro, nx, new_fmt, conv)
            event(f"map: e64={e64} conversions={min(conv, 2)}")

        def do_unmap(self, va, n, via_noaccess=False) -> None:
            n = self.clamp(va, n)
            if n == 0:
                return
            conv = self.model.plan_unmap(va, n)
            est = self.pt.estimate(va, n, kind="noaccess" if via_noaccess else None)
            assert est["conversions"] == len(conv) == est["tables"][0]
            try:
                if via_noaccess:
                    self.pt.map(va, n, kind="noaccess")
                else:
                    self.pt.unmap(va, n)
            except PageTableFullError:
                assert len(conv) > self.free_slots()
                event("unmap: segment full")
                return
            assert len(conv) <= self.free_slots()
            self.model.apply_unmap(va, n, conv)
            event(f"unmap: conversions={len(conv)}")

        @rule(w=st.sampled_from(windows), page=st.integers(0, window_pages - 1),
              n=st.integers(1, 600), kind=st.sampled_from(["pages", "pages", "zero",
                                                          "noaccess"]),
              seg=st.integers(0, 31), addr_page=st.integers(0, 1 << 20),
              ro=st.booleans(), nx=st.booleans(), elig=st.booleans())
        def map_any(self, w, page, n, kind, seg, addr_page, ro, nx, elig):
            self.do_map(w + page * KB4, n, kind, seg, addr_page * KB4, ro, nx, elig)

        @rule(w=st.sampled_from(windows), group=st.integers(0, window_pages // 16 - 1),
              groups=st.integers(1, 40), zero=st.booleans(), seg=st.integers(0, 31),
              addr_group=st.integers(0, 1 << 16), ro=st.booleans(), nx=st.booleans())
        def map_eligible(self, w, group, groups, zero, seg, addr_group, ro, nx):
            self.do_map(w + group * KB64, groups * 16, "zero" if zero else "pages", seg,
                        addr_group * KB64, ro, nx, True)

        @rule(w=st.sampled_from(windows), page=st.integers(0, window_pages - 1),
              n=st.integers(1, 700))
        def unmap_any(self, w, page, n):
            self.do_unmap(w + page * KB4, n)

        @precondition(lambda self: self.pt is not None and self.model.pages)
        @rule(data=st.data())
        def unmap_around_live_page(self, data):
            pages = sorted(self.model.pages)
            p = pages[data.draw(st.integers(0, len(pages) - 1))]
            lo = data.draw(st.integers(0, 20))
            n = data.draw(st.integers(1, 40))
            self.do_unmap(max(0, p - lo) * KB4, n)

        @precondition(lambda self: self.pt is not None and self.model.pages)
        @rule(data=st.data(), kind=st.sampled_from(["pages", "zero"]), seg=st.integers(0, 31),
              addr_page=st.integers(0, 1 << 20))
        def map_near_live_page(self, data, kind, seg, addr_page):
            """Small non-eligible maps next to live ones: overwrites and conversions."""
            pages = sorted(self.model.pages)
            p = pages[data.draw(st.integers(0, len(pages) - 1))]
            va = max(0, p + data.draw(st.integers(-8, 24))) * KB4
            n = data.draw(st.integers(1, 20))
            self.do_map(va, n, kind, seg, addr_page * KB4, False, False, False)

        @precondition(lambda self: self.pt is not None and self.model.pages)
        @rule()
        def unmap_everything(self):
            for w in windows:
                self.do_unmap(w, window_pages + 700)
            if not self.model.pages:
                assert self.pt.stats["tables"] == [0] * (len(bits) - 1) + [1]

        @invariant()
        def agrees_with_model(self):
            if self.pt is None:
                return
            pt, m = self.pt, self.model
            pt.validate()
            s = pt.stats
            assert s["tables"] == m.tables()
            assert s["leaf64k_tables"] == sum(m.fmt64.values())
            assert s["table_bytes"] == m.table_bytes()
            assert s["mapped_pages"] == len(m.pages)
            assert s["valid_leaf_entries"] == m.valid_leaf_entries()
            assert s["conversions"] == m.conversions
            live = sorted(m.pages)
            sample = live if len(live) <= 300 else [live[i] for i in
                                                    np.linspace(0, len(live) - 1, 300,
                                                                dtype=int)]
            vas = [p * KB4 + (p * 2654435761 & 0xFFF) for p in sample]
            vas += [w + i * KB4 * 37 for w in windows for i in range(window_pages // 37 + 2)]
            vas = [va for va in vas if va < 1 << pt.va_bits]
            got = pt.translate_many(vas)
            for va, rec in zip(vas, got, strict=True):
                want = m.translate(va)
                have = (bool(rec["valid"]), bool(rec["zero"]), bool(rec["read_only"]),
                        bool(rec["no_execute"]), int(rec["segment"]), int(rec["page_size"]),
                        int(rec["address"]))
                assert have == want, (hex(va), have, want)

    return PageTableMachine


_SETTINGS = settings(max_examples=80, stateful_step_count=25, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])

# Default GpuMmu (4 x 9 bits, 48-bit VA): windows at the bottom, across a leaf-table
# boundary, across level-1 / level-2 table boundaries, and at the top of the VA space.
Default4 = machine_for((9, 9, 9, 9), [0, (1 << 30) - (1 << 21), (1 << 39) - (1 << 21),
                                      (1 << 48) - (1 << 22)])
# 2 levels: 64-entry leaves (4 x 64 KB), 32-entry root; 23-bit VA.
TwoLevel = machine_for((6, 5), [0, (1 << 23) - (1 << 19)])
# 6 levels with tiny tables: crossings at every level happen within small ranges.
SixLevel = machine_for((5, 2, 2, 2, 2, 3), [0, (1 << 21) - (1 << 18), (1 << 28) - (1 << 18)])
# Caps without ReadOnly / NoExecute / Zero and without 64 KB leaves.
NoCaps = machine_for((7, 8, 9), [0, (1 << 27) - (1 << 20)], caps=0, leaf64k=0)

TestDefault4 = _SETTINGS(Default4).TestCase
TestTwoLevel = _SETTINGS(TwoLevel).TestCase
TestSixLevel = _SETTINGS(SixLevel).TestCase
TestNoCaps = _SETTINGS(NoCaps).TestCase
