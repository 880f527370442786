"""The VA axis of ``plot-vaspace``: which holes are cut, where each part of the VA space
is drawn, and round-address ticks. Pure arithmetic, no matplotlib (so it is tested
without a picture).

A process's VA space is 2^48 bytes; its ranges may be kilobytes, clustered in a few
places. Drawn to one linear scale, everything but the largest holes would be a hairline;
drawn with log-scaled widths (an earlier design), 800 small ranges become a barcode whose
ticks fall at irregular addresses. So the axis is *linear in parts*:

* The longest holes are **cut**: taken in decreasing size, a hole is cut while the holes
  not yet cut still outweigh what is occupied (so that afterwards ranges fill at least half
  of the drawn length), up to :data:`MAX_CUTS` cuts. A cut hole is drawn as a fixed-width
  break labelled with its size.
* What lies between two cuts is a **part**, drawn to scale: every part gets the width its
  bytes earn at one common scale, but at least :data:`MIN_PART` of the picture (less when
  there are many parts: together they keep at most half of it), so a lone
  4 KB range next to a 100 MB cluster stays visible (its own scale is then larger -- the
  tick labels give the true addresses).
* **Ticks** sit at round addresses: in each part, the multiples of the power of two that
  gives it about one tick per tenth of the picture it spans (at least its start address
  when no multiple falls inside), and none closer than :data:`MIN_TICK_GAP` to the one
  before.

Invariant kept: x grows with the address (monotonic over the whole axis); every address
maps into [0, 1]; every tick but a part's start is a multiple of a power of two at least
4 KB and is labelled with its true address.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MAX_CUTS", "MIN_PART", "MIN_TICK_GAP", "CUT_WIDTH", "Axis", "Part", "build_axis"]

MAX_CUTS = 12          # cut holes at most (each becomes a labelled break)
CUT_WIDTH = 0.03       # drawn width of a cut hole, as a fraction of the picture
MIN_PART = 0.1         # smallest drawn width of a part (fraction of the picture), shared
                       # out when there are more than 1 / (2 * MIN_PART) parts
MIN_TICK_GAP = 0.06    # ticks at least this far apart (fraction of the picture)
TICKS_PER_PICTURE = 10


@dataclass(frozen=True)
class Part:
    """[lo, hi) drawn linearly on [x0, x1] of the picture (fractions, 0..1)."""

    lo: int
    hi: int
    x0: float
    x1: float

    def x(self, va: int) -> float:
        return self.x0 + (self.x1 - self.x0) * (va - self.lo) / (self.hi - self.lo)


@dataclass(frozen=True)
class Axis:
    parts: tuple[Part, ...]                    # in address order; with the cuts, [0, va_end)
    cuts: tuple[tuple[int, int, float, float], ...]   # (va, size, x0, x1) of each cut hole
    ticks: tuple[tuple[float, int], ...]       # (x, address)

    def x(self, va: int) -> float:
        """Where address `va` is drawn (a cut hole maps onto its break, linearly)."""
        i = bisect_right(self.parts, va, key=lambda p: p.lo) - 1
        if i >= 0 and va <= self.parts[i].hi:
            return self.parts[i].x(va)
        for cva, csize, x0, x1 in self.cuts:
            if cva <= va <= cva + csize:
                return x0 + (x1 - x0) * (va - cva) / csize
        raise ValueError(f"address {va:#x} is outside the axis")


def _holes(ranges: Sequence[tuple[int, int]], va_end: int) -> list[tuple[int, int]]:
    """(va, size) of every hole between the (sorted, possibly overlapping) ranges."""
    out = []
    at = 0
    for va, size in ranges:
        if va > at:
            out.append((at, va - at))
        at = max(at, va + size)
    if va_end > at:
        out.append((at, va_end - at))
    return out


def _cuts(ranges: Sequence[tuple[int, int]], va_end: int) -> list[tuple[int, int]]:
    holes = _holes(ranges, va_end)
    remaining = sum(size for _, size in holes)
    occupied = va_end - remaining
    if occupied <= 0:                 # nothing to show: the whole space, to scale
        return []
    cut = []
    for va, size in sorted(holes, key=lambda h: -h[1])[:MAX_CUTS]:
        if remaining <= occupied:
            break
        cut.append((va, size))
        remaining -= size
    return sorted(cut)


def _ticks(parts: Sequence[Part]) -> list[tuple[float, int]]:
    ticks: list[tuple[float, int]] = []
    for p in parts:
        span = p.hi - p.lo
        want = max(1.0, (p.x1 - p.x0) * TICKS_PER_PICTURE)
        step = 1 << 12
        while span / step > want:
            step <<= 1
        first = -(-p.lo // step) * step
        for va in range(first, p.hi + 1, step) if first <= p.hi else (p.lo,):
            x = p.x(va)
            if ticks and x - ticks[-1][0] < MIN_TICK_GAP:
                continue
            ticks.append((x, va))
    return ticks


def _widths(sizes: Sequence[int], room: float) -> list[float]:
    """Drawn widths: proportional to the sizes, except that no part gets less than the
    least width (those that would are raised to it, the others share what is left)."""
    least = min(MIN_PART, 0.5 * room / len(sizes))
    raised: set[int] = set()
    while True:
        rest = room - least * len(raised)
        total = sum(s for i, s in enumerate(sizes) if i not in raised)
        more = {i for i, s in enumerate(sizes)
                if i not in raised and rest * s / total < least}
        if not more:
            return [least if i in raised else rest * s / total for i, s in enumerate(sizes)]
        raised |= more


def build_axis(ranges: Sequence[tuple[int, int]], va_end: int) -> Axis:
    """The axis for `ranges` ((va, size), sorted by va) in [0, va_end)."""
    if va_end <= 0:
        raise ValueError("va_end must be positive")
    cuts = _cuts(ranges, va_end)
    spans = []
    at = 0
    for va, size in cuts:
        if va > at:
            spans.append((at, va))
        at = va + size
    if va_end > at:
        spans.append((at, va_end))
    room = 1.0 - CUT_WIDTH * len(cuts)
    widths = _widths([hi - lo for lo, hi in spans], room)
    parts: list[Part] = []
    cut_xs: list[tuple[int, int, float, float]] = []
    x = 0.0
    cut_at = {va: size for va, size in cuts}
    pos = 0
    i = 0
    while pos < va_end:
        if pos in cut_at:
            size = cut_at[pos]
            cut_xs.append((pos, size, x, x + CUT_WIDTH))
            x += CUT_WIDTH
            pos += size
            continue
        lo, hi = spans[i]
        parts.append(Part(lo, hi, x, x + widths[i]))
        x += widths[i]
        pos = hi
        i += 1
    return Axis(tuple(parts), tuple(cut_xs), tuple(_ticks(parts)))
