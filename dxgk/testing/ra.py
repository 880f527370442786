"""Thin Python wrappers over the C range allocator (``dxgk/core/range_alloc.c``).

For tests and tools only -- not the public DDI API. Each method of
:class:`RangeAllocator` is one C call; C status codes become exceptions (see
:class:`RaError`), so a test can name the exact failure it expects. ``core`` lets a
caller substitute another build of the same C sources (:func:`dxgk.testing.variant.
build_variant` compiles the allocator with tiny nodes so that a few dozen ranges
already make a deep tree). Invariant kept: a wrapper adds no state of its own -- what
it reports is what the C allocator holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

__all__ = [
    "HIGHEST",
    "Busy",
    "InvalidArgument",
    "NoSpace",
    "NotFound",
    "OutOfMemory",
    "RaError",
    "RaStats",
    "Range",
    "RangeAllocator",
    "default_core",
]

HIGHEST = 1


def default_core() -> Any:
    """The ``dxgk._core`` extension (imported on first use)."""
    from dxgk import _core  # imported here: `import dxgk.testing.ra` stays cheap

    return _core


class RaError(Exception):
    """A nonzero DXGK_RA_* status; ``code`` is the C value."""

    code = 0

    def __init__(self, code: int, what: str) -> None:
        super().__init__(f"{what}: {_RA_NAMES.get(code, code)}")
        self.code = code


class NoSpace(RaError):
    """DXGK_RA_ENOSPC: no free range satisfies the request."""


class Busy(RaError):
    """DXGK_RA_EBUSY: a fixed range overlaps a live range."""


class NotFound(RaError, KeyError):
    """DXGK_RA_ENOENT: no live range starts (or lies) there."""

    def __str__(self) -> str:  # KeyError would quote the message
        return Exception.__str__(self)


class InvalidArgument(RaError, ValueError):
    """DXGK_RA_EINVAL: size 0, bad align/phase/flags, or outside [lo, hi)."""


class OutOfMemory(RaError, MemoryError):
    """DXGK_RA_ENOMEM: the node pool could not grow; nothing changed."""


_RA_NAMES = {
    -2: "DXGK_RA_ENOENT", -12: "DXGK_RA_ENOMEM", -16: "DXGK_RA_EBUSY",
    -22: "DXGK_RA_EINVAL", -28: "DXGK_RA_ENOSPC",
}
_RA_ERRORS: dict[int, type[RaError]] = {
    -2: NotFound, -12: OutOfMemory, -16: Busy, -22: InvalidArgument, -28: NoSpace,
}


def _check(rc: int, what: str) -> None:
    if rc != 0:
        raise _RA_ERRORS.get(rc, RaError)(rc, what)


class Range(NamedTuple):
    start: int
    size: int
    tag: int


class RaStats(NamedTuple):
    lo: int
    hi: int
    live: int
    holes: int
    free_bytes: int
    largest_hole: int
    height: int
    pool_bytes: int


class RangeAllocator:
    """One ``dxgk_ra`` managing ``[lo, hi)``."""

    def __init__(self, lo: int, hi: int, *, core: Any = None) -> None:
        core = core if core is not None else default_core()
        self._ffi = core.ffi
        self._lib = core.lib
        ra = self._lib.dxgk_ra_create(lo, hi)
        if ra == self._ffi.NULL:
            raise InvalidArgument(-22, f"dxgk_ra_create({lo:#x}, {hi:#x})")
        self._ra = self._ffi.gc(ra, self._lib.dxgk_ra_destroy)
        self._out = self._ffi.new("uint64_t[3]")
        self.lo = lo
        self.hi = hi

    # -- allocation -------------------------------------------------------------
    def alloc(self, size: int, align: int = 1, phase: int = 0, min: int | None = None,
              max: int | None = None, *, highest: bool = False, tag: int = 0) -> int:
        """Lowest (or highest) fitting start; raises NoSpace / InvalidArgument."""
        rc = self._lib.dxgk_ra_alloc(
            self._ra, size, align, phase, self.lo if min is None else min,
            self.hi if max is None else max, HIGHEST if highest else 0, tag, self._out)
        _check(rc, f"alloc(size={size:#x}, align={align:#x}, phase={phase:#x})")
        return int(self._out[0])

    def find_fit(self, size: int, align: int = 1, phase: int = 0, min: int | None = None,
                 max: int | None = None, *, highest: bool = False) -> int:
        """The start alloc() would return, without allocating."""
        rc = self._lib.dxgk_ra_find_fit(
            self._ra, size, align, phase, self.lo if min is None else min,
            self.hi if max is None else max, HIGHEST if highest else 0, self._out)
        _check(rc, f"find_fit(size={size:#x}, align={align:#x}, phase={phase:#x})")
        return int(self._out[0])

    def alloc_fixed(self, start: int, size: int, tag: int = 0) -> None:
        _check(self._lib.dxgk_ra_alloc_fixed(self._ra, start, size, tag),
               f"alloc_fixed({start:#x}, {size:#x})")

    def free(self, start: int) -> None:
        _check(self._lib.dxgk_ra_free(self._ra, start), f"free({start:#x})")

    def set_tag(self, start: int, tag: int) -> None:
        _check(self._lib.dxgk_ra_set_tag(self._ra, start, tag), f"set_tag({start:#x})")

    # -- lookups ----------------------------------------------------------------
    def _range(self, rc: int) -> Range | None:
        if rc != 0:
            return None
        o = self._out
        return Range(int(o[0]), int(o[1]), int(o[2]))

    def find(self, addr: int) -> Range | None:
        """The live range containing addr, or None."""
        o = self._out
        return self._range(self._lib.dxgk_ra_find(self._ra, addr, o, o + 1, o + 2))

    def next(self, start_at: int) -> Range | None:
        """The first live range whose start is >= start_at, or None."""
        o = self._out
        return self._range(self._lib.dxgk_ra_next(self._ra, start_at, o, o + 1, o + 2))

    def prev(self, before: int) -> Range | None:
        """The last live range whose start is < before, or None."""
        o = self._out
        return self._range(self._lib.dxgk_ra_prev(self._ra, before, o, o + 1, o + 2))

    def ranges(self) -> list[Range]:
        """All live ranges in address order (one C call)."""
        n = int(self._lib.dxgk_ra_count(self._ra))
        s, z, t = (self._ffi.new("uint64_t[]", max(n, 1)) for _ in range(3))
        got = int(self._lib.dxgk_ra_dump(self._ra, s, z, t, n))
        if got != n:
            raise RaError(-1, f"dxgk_ra_dump returned {got}, count is {n}")
        return [Range(int(s[i]), int(z[i]), int(t[i])) for i in range(n)]

    def holes(self) -> list[tuple[int, int]]:
        """All holes (start, size) in address order."""
        n = int(self._lib.dxgk_ra_hole_count(self._ra))
        s, z = (self._ffi.new("uint64_t[]", max(n, 1)) for _ in range(2))
        got = int(self._lib.dxgk_ra_dump_holes(self._ra, s, z, n))
        if got != n:
            raise RaError(-1, f"dxgk_ra_dump_holes returned {got}, hole count is {n}")
        return [(int(s[i]), int(z[i])) for i in range(n)]

    def __iter__(self) -> Iterator[Range]:
        """Address-order iteration through next(); tolerant of frees in between."""
        at = self.lo
        while True:
            r = self.next(at)
            if r is None:
                return
            yield r
            at = r.start + 1

    def __len__(self) -> int:
        return int(self._lib.dxgk_ra_count(self._ra))

    @property
    def hole_count(self) -> int:
        return int(self._lib.dxgk_ra_hole_count(self._ra))

    @property
    def free_bytes(self) -> int:
        return int(self._lib.dxgk_ra_free_bytes(self._ra))

    @property
    def largest_hole(self) -> int:
        return int(self._lib.dxgk_ra_largest_hole(self._ra))

    def search_leaves(self) -> int:
        """Leaves visited by this allocator's searches so far (a statistic)."""
        return int(self._lib.dxgk_ra_search_leaves(self._ra))

    def stats(self) -> RaStats:
        st = self._ffi.new("dxgk_ra_stats *")
        self._lib.dxgk_ra_get_stats(self._ra, st)
        return RaStats(st.lo, st.hi, st.live, st.holes, st.free_bytes, st.largest_hole,
                       st.height, st.pool_bytes)

    # -- invariants ---------------------------------------------------------------
    def validate(self) -> int:
        """dxgk_ra_validate: 0, or the DXGK_RA_V_* code of the first broken invariant."""
        return int(self._lib.dxgk_ra_validate(self._ra))

    def check(self) -> None:
        """Raises AssertionError naming the broken invariant, if any."""
        rc = self.validate()
        if rc != 0:
            names = {getattr(self._lib, n): n for n in dir(self._lib)
                     if n.startswith("DXGK_RA_V_")}
            raise AssertionError(f"dxgk_ra_validate: {names.get(rc, rc)}")
