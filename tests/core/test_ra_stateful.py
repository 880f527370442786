"""Stateful property test: the C range allocator against RangeModel, the pure-Python
reference (a sorted list of ranges, brute-force searches). After every step the C
structure must pass dxgk_ra_validate() and agree with the model on every range, hole
and counter. Runs against the shipped build and against 4-entry nodes (deep trees).
Alignments are every power of two to 2^63 (runs of 2^12..2^40-aligned allocations
among them), so fit columns start at any point of a run and must stay exact.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from dxgk.testing.ra import RaError, RangeAllocator, default_core
from dxgk.testing.ra_model import RangeModel
from dxgk.testing.variant import build_variant

K4, K64, M2 = 4096, 65536, 2 << 20
TOP = 2**64 - 1

SPACES = [
    (0, 1 << 32),                                   # a small GPU VA space
    (0x1000, 0x1000 + (1 << 20)),                   # tight: fills up quickly
    (TOP - (1 << 24), TOP),                         # the very top of 64-bit addresses
    (2**63 - (1 << 22), 2**63 + (1 << 22)),         # straddling 2^63
    (3, 1000),                                      # byte granular, odd bounds
    (0, TOP),                                       # everything
]

ALIGNS = st.one_of(
    st.sampled_from([0, 1, 2, 8, K4, K4, K64, K64, M2, 2**32, 2**63]),
    st.integers(0, 63).map(lambda e: 1 << e),
    st.sampled_from([3, 0x3000, 2**63 + 1]),        # not powers of two: rejected
)

SETTINGS = settings(max_examples=120, stateful_step_count=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def outcome(fn):
    """(result, exception type) of fn(), for comparing the C code with the model."""
    try:
        return fn(), None
    except RaError as e:
        return None, type(e)


class RangeAllocatorMachine(RuleBasedStateMachine):
    core_factory = staticmethod(default_core)

    def __init__(self) -> None:
        super().__init__()
        self.ra: RangeAllocator | None = None
        self.m: RangeModel | None = None

    @initialize(space=st.sampled_from(SPACES))
    def create(self, space):
        lo, hi = space
        self.ra = RangeAllocator(lo, hi, core=self.core_factory())
        self.m = RangeModel(lo, hi)

    # -- strategies that depend on the current state --------------------------------
    def address(self, data):
        m = self.m
        points = [m.lo, m.hi, m.lo + 1, m.hi - 1, 0, TOP, 2**63, min(m.hi + 1, TOP)]
        for s in m.starts[-8:] + m.starts[:8]:
            size = m.info[s][0]
            points += [s, s - 1, s + 1, s + size, s + size - 1, min(s + size + 1, TOP)]
        points = [min(max(p, 0), TOP) for p in points]
        return data.draw(st.one_of(st.sampled_from(points), st.integers(m.lo, m.hi - 1),
                                   st.integers(0, TOP)), label="addr")

    def size(self, data):
        span = self.m.hi - self.m.lo
        return data.draw(st.one_of(
            st.integers(1, min(3 * K4, span)),
            st.integers(1, 64).map(lambda k: k * K4),
            st.integers(1, span),
            st.just(0),
            st.sampled_from([span, min(span + 1, TOP), 2**63, TOP]),
        ), label="size")

    def request(self, data):
        align = data.draw(ALIGNS, label="align")
        a = align or 1
        phase = data.draw(st.one_of(st.just(0), st.integers(0, max(a - 1, 0)),
                                    st.integers(0, TOP)), label="phase")
        window = data.draw(st.booleans(), label="windowed")
        lo = self.address(data) if window else None
        hi = self.address(data) if window else None
        highest = data.draw(st.booleans(), label="highest")
        return {"size": self.size(data), "align": align, "phase": phase, "min": lo,
                "max": hi, "highest": highest}

    # -- rules ----------------------------------------------------------------------
    @rule(data=st.data(), tag=st.integers(0, TOP))
    def alloc(self, data, tag):
        q = self.request(data)
        assert outcome(lambda: self.ra.alloc(**q, tag=tag)) == \
            outcome(lambda: self.m.alloc(**q, tag=tag))

    @rule(data=st.data(), n=st.integers(1, 25))
    def alloc_many_small(self, data, n):
        align = data.draw(st.one_of(st.sampled_from([1, K4, K64]),
                                    st.integers(12, 40).map(lambda e: 1 << e)), label="align")
        highest = data.draw(st.booleans(), label="highest")
        for i in range(n):
            q = {"size": (i % 7 + 1) * K4 if self.m.hi - self.m.lo > 1 << 20 else i % 3 + 1,
                 "align": align, "highest": highest, "tag": i}
            assert outcome(lambda q=q: self.ra.alloc(**q)) == \
                outcome(lambda q=q: self.m.alloc(**q))

    @rule(data=st.data(), tag=st.integers(0, 99))
    def alloc_at_window_edges(self, data, tag):
        """Windows whose edges coincide with range boundaries: the search's pruning
        bounds are exactly there."""
        m = self.m
        if not m.starts:
            return
        s = data.draw(st.sampled_from(m.starts), label="start")
        end = s + m.info[s][0]
        size = data.draw(st.sampled_from([1, 2, K4, 2 * K4, m.info[s][0]]), label="size")
        wmin = data.draw(st.sampled_from([s - size, s - size - 1, s, end, end - size, s - 1]))
        wmax = data.draw(st.sampled_from([s, s + 1, end, end + size, wmin + size,
                                          wmin + size + 1]))
        wmin, wmax = (min(max(x, 0), TOP) for x in (wmin, wmax))
        q = {"size": size, "align": data.draw(st.sampled_from([1, 2, K4])), "min": wmin,
             "max": wmax, "highest": data.draw(st.booleans())}
        assert outcome(lambda: self.ra.alloc(**q, tag=tag)) == \
            outcome(lambda: self.m.alloc(**q, tag=tag))

    @rule(data=st.data())
    def find_fit(self, data):
        q = self.request(data)
        assert outcome(lambda: self.ra.find_fit(**q)) == outcome(lambda: self.m.find_fit(**q))

    @rule(data=st.data(), tag=st.integers(0, 2**32))
    def alloc_fixed(self, data, tag):
        holes = self.m.holes()
        if holes and data.draw(st.booleans(), label="in a hole"):
            a, n = data.draw(st.sampled_from(holes), label="hole")
            kind = data.draw(st.sampled_from(["whole", "prefix", "suffix", "middle"]))
            cut = data.draw(st.integers(1, n), label="cut")
            start, size = {"whole": (a, n), "prefix": (a, cut), "suffix": (a + n - cut, cut),
                           "middle": (a + (n - cut) // 2, cut)}[kind]
        else:
            start, size = self.address(data), self.size(data)
        assert outcome(lambda: self.ra.alloc_fixed(start, size, tag)) == \
            outcome(lambda: self.m.alloc_fixed(start, size, tag))

    @rule(data=st.data())
    def free_live(self, data):
        if self.m.starts:
            s = data.draw(st.sampled_from(self.m.starts), label="start")
            self.ra.free(s)
            self.m.free(s)

    @rule(data=st.data())
    def free_any(self, data):
        a = self.address(data)
        assert outcome(lambda: self.ra.free(a)) == outcome(lambda: self.m.free(a))

    @rule(data=st.data())
    def lookups(self, data):
        a = self.address(data)
        assert self.ra.find(a) == self.m.find(a)
        assert self.ra.next(a) == self.m.next(a)
        assert self.ra.prev(a) == self.m.prev(a)

    @rule(data=st.data(), tag=st.integers(0, TOP))
    def set_tag(self, data, tag):
        a = self.address(data)
        assert outcome(lambda: self.ra.set_tag(a, tag)) == \
            outcome(lambda: self.m.set_tag(a, tag))

    def teardown(self):
        if self.ra is not None:
            event(f"final tree height {self.ra.stats().height}")

    # -- after every step -------------------------------------------------------------
    @invariant()
    def agrees_with_the_model(self):
        if self.ra is None:
            return
        self.ra.check()
        m = self.m
        assert len(self.ra) == len(m)
        assert self.ra.ranges() == m.ranges()
        assert self.ra.holes() == m.holes()
        assert (self.ra.hole_count, self.ra.free_bytes, self.ra.largest_hole) == \
            (m.hole_count, m.free_bytes, m.largest_hole)


class TinyNodesMachine(RangeAllocatorMachine):
    core_factory = staticmethod(lambda: build_variant({"RA_LEAF_CAP": 4, "RA_INNER_CAP": 4}))


RangeAllocatorMachine.TestCase.settings = SETTINGS
TinyNodesMachine.TestCase.settings = SETTINGS
TestRangeAllocatorShipped = RangeAllocatorMachine.TestCase
TestRangeAllocatorTinyNodes = TinyNodesMachine.TestCase
