"""The reference model of the range allocator, in pure Python.

What it owns: :class:`RangeModel`, a sorted list of ranges whose every search is a
brute-force walk over all holes -- slow and obviously correct. The stateful and
differential tests hold the C allocator (:class:`dxgk.testing.ra.RangeAllocator`) to
it. Invariant kept: the same methods, results and exceptions as the C wrapper, the C
error precedence included.
"""

from __future__ import annotations

import bisect

from .ra import Busy, InvalidArgument, NoSpace, NotFound, Range

__all__ = ["RangeModel"]

_min, _max = min, max       # the methods below take `min`/`max` arguments


class RangeModel:
    """The obviously correct reference the tests hold the C allocator to: a sorted
    list of ranges, every search a brute-force walk over all holes. Same methods,
    results and exceptions as :class:`RangeAllocator` (the C error precedence
    included: argument errors, then an empty window, then no room)."""

    def __init__(self, lo: int, hi: int) -> None:
        if not 0 <= lo < hi < 2**64:
            raise InvalidArgument(-22, f"RangeModel({lo:#x}, {hi:#x})")
        self.lo, self.hi = lo, hi
        self.starts: list[int] = []
        self.info: dict[int, tuple[int, int]] = {}     # start -> (size, tag)

    def holes(self) -> list[tuple[int, int]]:
        out, end = [], self.lo
        for s in self.starts:
            if s > end:
                out.append((end, s - end))
            end = s + self.info[s][0]
        if self.hi > end:
            out.append((end, self.hi - end))
        return out

    def _search(self, size: int, align: int, phase: int, min: int | None, max: int | None,
                highest: bool) -> int:
        what = f"alloc(size={size:#x}, align={align:#x}, phase={phase:#x})"
        align = align or 1
        if size == 0 or align & (align - 1) or phase >= align:
            raise InvalidArgument(-22, what)
        wmin = self.lo if min is None else _max(min, self.lo)
        wmax = self.hi if max is None else _min(max, self.hi)
        best = None
        for a, n in self.holes():
            a2, b2 = _max(a, wmin), _min(a + n, wmax)
            if b2 - a2 < size:
                continue
            if not highest:
                s = a2 + (phase - a2) % align
                if s + size <= b2:
                    return s
            else:
                t = b2 - size
                s = t - (t - phase) % align
                if s >= a2:
                    best = s
        if best is None:
            raise NoSpace(-28, what)
        return best

    def find_fit(self, size: int, align: int = 1, phase: int = 0, min: int | None = None,
                 max: int | None = None, *, highest: bool = False) -> int:
        return self._search(size, align, phase, min, max, highest)

    def alloc(self, size: int, align: int = 1, phase: int = 0, min: int | None = None,
              max: int | None = None, *, highest: bool = False, tag: int = 0) -> int:
        s = self._search(size, align, phase, min, max, highest)
        self._insert(s, size, tag)
        return s

    def overlaps(self, start: int, size: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        if i > 0:
            p = self.starts[i - 1]
            if p + self.info[p][0] > start:
                return True
        return i < len(self.starts) and self.starts[i] < start + size

    def alloc_fixed(self, start: int, size: int, tag: int = 0) -> None:
        if size == 0 or start < self.lo or start + size > self.hi:
            raise InvalidArgument(-22, f"alloc_fixed({start:#x}, {size:#x})")
        if self.overlaps(start, size):
            raise Busy(-16, f"alloc_fixed({start:#x}, {size:#x})")
        self._insert(start, size, tag)

    def _insert(self, start: int, size: int, tag: int) -> None:
        bisect.insort(self.starts, start)
        self.info[start] = (size, tag)

    def free(self, start: int) -> None:
        if start not in self.info:
            raise NotFound(-2, f"free({start:#x})")
        del self.info[start]
        self.starts.pop(bisect.bisect_left(self.starts, start))

    def set_tag(self, start: int, tag: int) -> None:
        if start not in self.info:
            raise NotFound(-2, f"set_tag({start:#x})")
        self.info[start] = (self.info[start][0], tag)

    def find(self, addr: int) -> Range | None:
        i = bisect.bisect_right(self.starts, addr)
        if i == 0:
            return None
        s = self.starts[i - 1]
        size, tag = self.info[s]
        return Range(s, size, tag) if addr < s + size else None

    def next(self, start_at: int) -> Range | None:
        i = bisect.bisect_left(self.starts, start_at)
        if i == len(self.starts):
            return None
        s = self.starts[i]
        return Range(s, *self.info[s])

    def prev(self, before: int) -> Range | None:
        i = bisect.bisect_left(self.starts, before)
        if i == 0:
            return None
        s = self.starts[i - 1]
        return Range(s, *self.info[s])

    def ranges(self) -> list[Range]:
        return [Range(s, *self.info[s]) for s in self.starts]

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def hole_count(self) -> int:
        return len(self.holes())

    @property
    def free_bytes(self) -> int:
        return self.hi - self.lo - sum(size for size, _ in self.info.values())

    @property
    def largest_hole(self) -> int:
        return _max((n for _, n in self.holes()), default=0)
