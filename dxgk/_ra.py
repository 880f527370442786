"""Thin Python wrappers over the C range allocator and handle table in ``dxgk._core``.

For tests and tools only -- not the public DDI API. Each method is one C call; C
status codes become exceptions (see :class:`RaError`), so a test can name the exact
failure it expects. ``core`` lets a caller substitute another build of the same C
sources (see :func:`build_variant`, which the tests use to compile the allocator
with tiny nodes so that a few dozen ranges already make a deep tree).
"""

from __future__ import annotations

import atexit
import bisect
import hashlib
import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "HIGHEST",
    "Busy",
    "HandleTable",
    "InvalidArgument",
    "NoSpace",
    "NotFound",
    "OutOfMemory",
    "RaError",
    "RaStats",
    "Range",
    "RangeAllocator",
    "RangeModel",
    "build_variant",
    "default_core",
]

HIGHEST = 1
_min, _max = min, max       # the methods below take `min`/`max` arguments


def default_core() -> Any:
    """The ``dxgk._core`` extension (imported on first use)."""
    from dxgk import _core  # imported here: `import dxgk._ra` stays cheap

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


class HandleTable:
    """One ``dxgk_handles`` table. Objects are plain integers (addresses)."""

    def __init__(self, *, core: Any = None) -> None:
        core = core if core is not None else default_core()
        self._ffi = core.ffi
        self._lib = core.lib
        t = self._lib.dxgk_handles_create()
        if t == self._ffi.NULL:
            raise MemoryError("dxgk_handles_create")
        self._t = self._ffi.gc(t, self._lib.dxgk_handles_destroy)

    def new(self, type: int, obj: int) -> int:
        """A new handle for obj (a nonzero address), or 0 on failure (as in C)."""
        return int(self._lib.dxgk_handle_new(self._t, type, self._ffi.cast("void *", obj)))

    def get(self, h: int, type: int) -> int | None:
        """The object of a live handle of exactly this type, or None."""
        p = self._lib.dxgk_handle_get(self._t, h, type)
        return None if p == self._ffi.NULL else int(self._ffi.cast("uintptr_t", p))

    def type_of(self, h: int) -> int:
        return int(self._lib.dxgk_handle_type(self._t, h))

    def free(self, h: int, type: int) -> int:
        """DXGK_HANDLE_OK (0), DXGK_HANDLE_EBADH or DXGK_HANDLE_ETYPE."""
        return int(self._lib.dxgk_handle_free(self._t, h, type))

    def handles(self, type: int = 0) -> list[int]:
        out, h = [], 0
        while True:
            h = int(self._lib.dxgk_handle_next(self._t, type, h))
            if h == 0:
                return out
            out.append(h)

    @property
    def id(self) -> int:
        return int(self._lib.dxgk_handles_id(self._t))

    def __len__(self) -> int:
        return int(self._lib.dxgk_handles_count(self._t))

    def validate(self) -> int:
        return int(self._lib.dxgk_handles_validate(self._t))


# -- variant builds (tests) ----------------------------------------------------------

_VARIANT_SOURCES = ("handles", "range_alloc")
_variants: dict[tuple[tuple[str, str], ...], Any] = {}
_variant_dirs: list[str] = []


def core_sources_dir() -> Path:
    """Where the C sources live (present in a source checkout / editable install)."""
    return Path(__file__).resolve().parent / "core"


def build_variant(defines: dict[str, str | int], *, sanitize: bool = False) -> Any:
    """Compiles handles.c and range_alloc.c with extra ``-D`` macros into a private
    cffi module (cached per process) and returns it (``.ffi``, ``.lib``).

    The sources' own knobs: ``RA_LEAF_CAP`` / ``RA_INNER_CAP`` (node capacities,
    >= 4) and ``DXGK_HANDLE_GEN_MAX`` (the last generation a handle slot issues).
    Raises FileNotFoundError when the C sources are not installed.
    """
    from cffi import FFI  # a build-time dependency, needed only here

    key = tuple(sorted((k, str(v)) for k, v in defines.items())) + (("san", str(sanitize)),)
    if key in _variants:
        return _variants[key]
    src = core_sources_dir()
    files = [src / f"{n}.c" for n in _VARIANT_SOURCES]
    for f in files:
        if not f.exists():
            raise FileNotFoundError(f)
    digest = hashlib.sha1(repr(key).encode() + b"".join(f.read_bytes() for f in files))
    name = f"_dxgk_ra_variant_{digest.hexdigest()[:12]}"
    ffi = FFI()
    ffi.cdef("\n".join((src / f"{n}.cdef").read_text() for n in _VARIANT_SOURCES))
    cflags = ["-std=gnu11", "-O1", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    ldflags: list[str] = []
    if sanitize:
        cflags += ["-fsanitize=undefined", "-fno-sanitize-recover=undefined", "-g"]
        ldflags += ["-fsanitize=undefined"]
    ffi.set_source(
        name, "\n".join(f'#include "{n}.h"' for n in _VARIANT_SOURCES),
        sources=[str(f) for f in files], include_dirs=[str(src)],
        define_macros=[(k, str(v)) for k, v in defines.items()],
        extra_compile_args=cflags, extra_link_args=ldflags)
    tmp = tempfile.mkdtemp(prefix="dxgk_ra_variant_")
    _variant_dirs.append(tmp)
    so = ffi.compile(tmpdir=tmp, verbose=False)
    spec = importlib.util.spec_from_file_location(name, so)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {so}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.modules[name] = mod
    _variants[key] = mod
    return mod


@atexit.register
def _remove_variant_dirs() -> None:
    for d in _variant_dirs:
        shutil.rmtree(d, ignore_errors=True)
