"""Long random differential run: the C range allocator against a brute-force model.

Every alloc is answered independently by brute force over *all* holes of the model
(vectorised with numpy): a success must be exactly the model's lowest (or highest)
fit, and a failure is accepted only when the brute force finds no fit at all. Frees,
fixed allocations, bogus frees and lookups are checked as well, and the C structure
is validated every few hundred operations.

A second run ("wide") uses a 64 TiB space and asks every power-of-two alignment from
4 KB to 2^40 (each order's fit column starts on its first request, with the tree
already full, and is kept exact from then on); it runs on the shipped build and on
4-entry nodes.

Default: a time-bounded run (DXGK_RA_DIFF_SECONDS per build, 8 s). With DXGK_LONG=1
each build runs 10^6 operations (one to two minutes each), or longer if
DXGK_RA_DIFF_SECONDS asks for more time.
"""

from __future__ import annotations

import bisect
import os
import random
import time

import numpy as np
import pytest

from dxgk.testing.ra import (
    Busy,
    InvalidArgument,
    NoSpace,
    NotFound,
    RangeAllocator,
    default_core,
)
from dxgk.testing.variant import build_variant

LONG = os.environ.get("DXGK_LONG", "") not in ("", "0")
SECONDS = float(os.environ.get("DXGK_RA_DIFF_SECONDS", "0" if LONG else "8"))
MIN_OPS = 10**6 if LONG else 0
K4, K64, M2 = 4096, 65536, 2 << 20
LO, HI = 1 << 16, (1 << 16) + (1 << 36)           # 64 GiB, all values fit int64
WIDE_HI = (1 << 16) + (1 << 46)                     # 64 TiB: room for 2^40 alignments


class HoleModel:
    """Live ranges (sorted starts + sizes) and holes (two sorted int64 arrays)."""

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi
        self.starts: list[int] = []
        self.size: dict[int, int] = {}
        self.A = np.array([lo], dtype=np.int64)    # hole starts
        self.B = np.array([hi], dtype=np.int64)    # hole ends

    def brute_force(self, size: int, align: int, phase: int, wmin: int, wmax: int,
                    highest: bool) -> int | None:
        """The lowest (highest) start over every hole, or None if nothing fits."""
        a2 = np.maximum(self.A, max(wmin, self.lo))
        b2 = np.minimum(self.B, min(wmax, self.hi))
        ok = b2 - a2 >= size
        if not highest:
            s = a2 + (phase - a2) % align
            ok &= s + size <= b2
            hit = np.flatnonzero(ok)
            return int(s[hit[0]]) if hit.size else None
        t = b2 - size
        s = t - (t - phase) % align
        ok &= s >= a2
        hit = np.flatnonzero(ok)
        return int(s[hit[-1]]) if hit.size else None

    def take(self, s: int, size: int) -> None:
        k = int(np.searchsorted(self.A, s, side="right")) - 1
        a, b = int(self.A[k]), int(self.B[k])
        assert a <= s and s + size <= b, "model: taking a range that is not free"
        na, nb = [], []
        if s > a:
            na.append(a)
            nb.append(s)
        if b > s + size:
            na.append(s + size)
            nb.append(b)
        self.A = np.concatenate([self.A[:k], na, self.A[k + 1:]]).astype(np.int64)
        self.B = np.concatenate([self.B[:k], nb, self.B[k + 1:]]).astype(np.int64)
        bisect.insort(self.starts, s)
        self.size[s] = size

    def is_free(self, s: int, size: int) -> bool:
        k = int(np.searchsorted(self.A, s, side="right")) - 1
        return k >= 0 and s + size <= int(self.B[k])

    def release(self, s: int) -> None:
        size = self.size.pop(s)
        self.starts.pop(bisect.bisect_left(self.starts, s))
        a, b = s, s + size
        k = int(np.searchsorted(self.A, s))          # first hole starting at or after s
        left = k > 0 and int(self.B[k - 1]) == s
        right = k < self.A.size and int(self.A[k]) == b
        if left:
            a = int(self.A[k - 1])
        if right:
            b = int(self.B[k])
        i, j = (k - 1 if left else k), (k + 1 if right else k)
        self.A = np.concatenate([self.A[:i], [a], self.A[j:]]).astype(np.int64)
        self.B = np.concatenate([self.B[:i], [b], self.B[j:]]).astype(np.int64)

    def find(self, addr: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.starts, addr)
        if i and addr < self.starts[i - 1] + self.size[self.starts[i - 1]]:
            return self.starts[i - 1], self.size[self.starts[i - 1]]
        return None


def random_align(rnd: random.Random, wide: bool) -> int:
    r = rnd.random()
    if wide:            # every order 4 KB .. 2^40, often; a few finer ones
        return K4 if r < 0.25 else 1 << rnd.randint(12, 40) if r < 0.9 else 1 << rnd.randint(0, 11)
    return K4 if r < 0.45 else K64 if r < 0.75 else M2 if r < 0.85 else 1 << rnd.randint(0, 24)


def random_request(rnd: random.Random, hi: int = HI, wide: bool = False):
    if rnd.random() < 0.85:
        size = int(K4 * 2 ** (rnd.random() * 10)) // K4 * K4 or K4
    else:
        size = rnd.randint(1, 3 * K64)               # byte granular: odd holes
    align = random_align(rnd, wide)
    r = rnd.random()
    phase = 0 if r < 0.6 else (rnd.randrange(0, align, K4) if align >= K4 and r < 0.9
                               else rnd.randrange(align))
    if rnd.random() < 0.3:
        wmin = rnd.randrange(LO - K64, hi)
        wmax = wmin + int((hi - LO) * rnd.random() ** 3)
    else:
        wmin, wmax = 0, 2**63
    return size, align, phase, wmin, wmax, rnd.random() < 0.25


def run(core, seed: int, seconds: float, min_ops: int, wide: bool = False) -> int:
    rnd = random.Random(seed)
    hi = WIDE_HI if wide else HI
    ra, m = RangeAllocator(LO, hi, core=core), HoleModel(LO, hi)
    target = rnd.choice([300, 1500, 4000])
    ops, fails, t_end = 0, 0, time.monotonic() + seconds
    while ops < min_ops or time.monotonic() < t_end:
        ops += 1
        live = len(m.starts)
        r = rnd.random()
        if r < (0.6 if live < target else 0.4):
            size, align, phase, wmin, wmax, highest = random_request(rnd, hi, wide)
            want = m.brute_force(size, align, phase, wmin, wmax, highest)
            tag = rnd.getrandbits(64)
            try:
                got = ra.alloc(size, align, phase, wmin, wmax, highest=highest, tag=tag)
            except NoSpace:
                got = None
                fails += 1
            assert got == want, (ops, size, align, phase, wmin, wmax, highest, got, want)
            if got is not None:
                m.take(got, size)
        elif r < 0.85:
            if live:
                s = m.starts[rnd.randrange(live)]
                ra.free(s)
                m.release(s)
        elif r < 0.92:
            if rnd.random() < 0.5 and m.A.size:
                k = rnd.randrange(m.A.size)
                a, b = int(m.A[k]), int(m.B[k])
                s = rnd.randrange(a, b)
                size = rnd.randint(1, b - s)
            else:
                s = rnd.randrange(LO, hi)
                size = rnd.randint(1, 1 << rnd.randint(0, 30))
            if s + size > hi:
                with pytest.raises(InvalidArgument):
                    ra.alloc_fixed(s, size)
            elif m.is_free(s, size):
                ra.alloc_fixed(s, size)
                m.take(s, size)
            else:
                with pytest.raises(Busy):
                    ra.alloc_fixed(s, size)
        elif r < 0.95:
            a = rnd.randrange(LO, hi) if rnd.random() < 0.5 or not live else \
                m.starts[rnd.randrange(live)] + rnd.choice([-1, 1, 4096])
            if a not in m.size:
                with pytest.raises(NotFound):
                    ra.free(a)
        elif r < 0.99:
            a = rnd.randrange(LO - 8, hi + 8) if rnd.random() < 0.5 or not live else \
                m.starts[rnd.randrange(live)] + rnd.choice([-1, 0, 1])
            got = ra.find(a)
            assert (got and (got.start, got.size)) == (m.find(a) or None)
            nxt = ra.next(a)
            i = bisect.bisect_left(m.starts, a)
            assert (nxt.start if nxt else None) == (m.starts[i] if i < live else None)
        else:
            size, align, phase, wmin, wmax, highest = random_request(rnd, hi, wide)
            want = m.brute_force(size, align, phase, wmin, wmax, highest)
            try:
                got = ra.find_fit(size, align, phase, wmin, wmax, highest=highest)
            except NoSpace:
                got = None
            assert got == want
        if ops % 512 == 0:
            ra.check()
            assert len(ra) == len(m.starts)
    ra.check()
    assert [r.start for r in ra.ranges()] == m.starts
    assert ra.holes() == [(int(a), int(b - a)) for a, b in zip(m.A, m.B)]
    assert fails > 0 or ops < 20000, "the run never exercised a failing alloc"
    return ops


@pytest.mark.parametrize("build", ["shipped", "tiny-nodes"])
def test_differential_random_run(build):
    if build == "shipped":
        core = default_core()
    else:
        try:
            core = build_variant({"RA_LEAF_CAP": 4, "RA_INNER_CAP": 8})
        except FileNotFoundError as e:
            pytest.skip(f"C sources not available: {e}")
    seed = int(os.environ.get("DXGK_RA_SEED", "20240601"))
    ops = run(core, seed + (build == "tiny-nodes"), SECONDS, MIN_OPS)
    assert ops >= max(MIN_OPS, 1000)


@pytest.mark.parametrize("build", ["shipped", "4-entry-nodes"])
def test_differential_run_over_every_alignment_to_2_40(build):
    if build == "shipped":
        core = default_core()
    else:
        try:
            core = build_variant({"RA_LEAF_CAP": 4, "RA_INNER_CAP": 4})
        except FileNotFoundError as e:
            pytest.skip(f"C sources not available: {e}")
    seed = int(os.environ.get("DXGK_RA_SEED", "20240601")) + 7 + (build != "shipped")
    ops = run(core, seed, SECONDS, MIN_OPS, wide=True)
    assert ops >= max(MIN_OPS, 1000)
