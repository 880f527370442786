"""Thin Python access to the C page-table core (``dxgk/core/pagetable.c``) for tests and tools.

Not the public DDI API: :class:`PageTable` drives one GpuMmu page-table tree directly,
with the built-in bounded placement of table memory (all levels share one capacity).
Invariant kept: one method, one C call; a failed call raises and the tree is as before.

``translate_many`` returns a numpy structured array, one record per VA, whose memory the
C core writes directly: the product's record, :func:`dxgk.records.xlate_dtype`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from dxgk._core import ffi, lib
from dxgk.records import xlate_dtype

__all__ = [
    "CAP_CACHE_COHERENT",
    "CAP_DUAL_PTE",
    "CAP_EXPLICIT_INVALIDATION",
    "CAP_LARGE_PAGE",
    "CAP_NO_EXECUTE",
    "CAP_READ_ONLY",
    "CAP_ZERO",
    "DEFAULT_CAPS",
    "XLATE_DTYPE",
    "PageTable",
    "PageTableConfigError",
    "PageTableError",
    "PageTableFullError",
    "Translation",
    "Walk",
    "WalkLevel",
]

CAP_READ_ONLY: int = lib.DXGK_PT_CAP_READ_ONLY
CAP_NO_EXECUTE: int = lib.DXGK_PT_CAP_NO_EXECUTE
CAP_ZERO: int = lib.DXGK_PT_CAP_ZERO
CAP_CACHE_COHERENT: int = lib.DXGK_PT_CAP_CACHE_COHERENT
CAP_EXPLICIT_INVALIDATION: int = lib.DXGK_PT_CAP_EXPLICIT_INVALIDATION
CAP_LARGE_PAGE: int = lib.DXGK_PT_CAP_LARGE_PAGE
CAP_DUAL_PTE: int = lib.DXGK_PT_CAP_DUAL_PTE
#: docs/behaviour.md section 3 default: ReadOnly / NoExecute / ZeroInPte / CacheCoherent supported.
DEFAULT_CAPS: int = CAP_READ_ONLY | CAP_NO_EXECUTE | CAP_ZERO | CAP_CACHE_COHERENT

XLATE_DTYPE = xlate_dtype()  # the product's record (dxgk.records), not a second copy

_KINDS = {"pages": lib.DXGK_PT_KIND_PAGES, "zero": lib.DXGK_PT_KIND_ZERO,
          "noaccess": lib.DXGK_PT_KIND_NOACCESS}
_MSG = 512


class PageTableError(Exception):
    """A page-table call failed; ``status`` is the DXGK_PT_* code."""

    def __init__(self, status: int, message: str = "") -> None:
        self.status = status
        text = ffi.string(lib.dxgk_pt_strerror(status)).decode()
        super().__init__(f"{text}: {message}" if message else text)


class PageTableConfigError(PageTableError, ValueError):
    """The caps / level descriptions were rejected (message says why)."""


class PageTableFullError(PageTableError):
    """The page-table segment has no room for a table the operation needs."""


class PageTableArgumentError(PageTableError, ValueError):
    """Bad range, alignment, kind, flags or segment."""


def _raise(status: int, message: str = "") -> None:
    if status == lib.DXGK_PT_OK:
        return
    if status == lib.DXGK_PT_E_CONFIG:
        raise PageTableConfigError(status, message)
    if status == lib.DXGK_PT_E_NOSPACE:
        raise PageTableFullError(status, message)
    if status == lib.DXGK_PT_E_INVAL:
        raise PageTableArgumentError(status, message)
    if status == lib.DXGK_PT_E_NOMEM:
        raise MemoryError(ffi.string(lib.dxgk_pt_strerror(status)).decode())
    raise PageTableError(status, message)


@dataclass(frozen=True)
class Translation:
    valid: bool
    zero: bool
    read_only: bool
    no_execute: bool
    segment: int
    page_size: int
    address: int


@dataclass(frozen=True)
class WalkLevel:
    level: int
    index: int
    table_segment: int
    table_address: int
    table_page_size: int     # leaf: bytes per entry (4096 / 65536); upper levels: 0
    entry_flags: int         # DXGK_PTE.Flags
    entry_address: int       # DXGK_PTE.PageAddress / PageTableAddress

    @property
    def entry_bytes(self) -> bytes:
        """The 16-byte DXGK_PTE as stored (little-endian)."""
        return self.entry_flags.to_bytes(8, "little") + self.entry_address.to_bytes(8, "little")


@dataclass(frozen=True)
class Walk:
    levels: tuple[WalkLevel, ...]   # root first; stops at the first invalid entry
    result: Translation


def _xlate(x: Any) -> Translation:
    return Translation(bool(x.valid), bool(x.zero), bool(x.read_only), bool(x.no_execute),
                       int(x.segment), int(x.page_size), int(x.address))


def _per_level(value: int | Sequence[int], n: int, name: str) -> list[int]:
    if isinstance(value, int):
        return [value] * n
    values = [int(v) for v in value]
    if len(values) != n:
        raise ValueError(f"{name}: expected {n} values (one per level), got {len(values)}")
    return values


class PageTable:
    """One page-table tree with bounded table memory ([base, base + capacity)).

    ``level_bits`` lists PageTableIndexBitCount from the leaf (level 0) up to the root.
    ``table_size``, ``table_align`` and ``table_segment`` are one value or one per level.
    Not thread-safe: callers serialise map/unmap (the C calls release the GIL).
    """

    def __init__(self, level_bits: Sequence[int] = (9, 9, 9, 9), *, va_bits: int | None = None,
                 table_size: int | Sequence[int] = 4096,
                 table_align: int | Sequence[int] = 4096,
                 table_segment: int | Sequence[int] = 1,
                 leaf64k_size: int = 256, caps: int = DEFAULT_CAPS,
                 capacity: int = 1 << 30, base: int = 0) -> None:
        n = len(level_bits)
        if va_bits is None:
            va_bits = 12 + sum(level_bits)
        caps_buf = ffi.new("char[]", lib.dxgk_pt_caps_size())
        levels_buf = ffi.new("char[]", lib.dxgk_pt_level_desc_size() * max(n, 1))
        lib.dxgk_pt_caps_init(caps_buf, caps, va_bits, leaf64k_size, n)
        sizes = _per_level(table_size, n, "table_size")
        aligns = _per_level(table_align, n, "table_align")
        segs = _per_level(table_segment, n, "table_segment")
        for lvl in range(min(n, 6)):
            lib.dxgk_pt_level_init(levels_buf, lvl, level_bits[lvl], segs[lvl], sizes[lvl],
                                   aligns[lvl])
        self._init(caps_buf, levels_buf, capacity, base)

    @classmethod
    def from_structs(cls, caps: Any, levels: Any, *, capacity: int = 1 << 30,
                     base: int = 0) -> PageTable:
        """Builds from a DXGK_GPUMMUCAPS buffer and a DXGK_PAGE_TABLE_LEVEL_DESC array buffer
        (ctypes instances from ``dxgk.structs``, bytes, bytearray, numpy...)."""
        self = cls.__new__(cls)
        caps_b, levels_b = ffi.from_buffer(caps), ffi.from_buffer(levels)
        if len(caps_b) < lib.dxgk_pt_caps_size():
            raise ValueError(f"caps: expected DXGK_GPUMMUCAPS ({lib.dxgk_pt_caps_size()} bytes)"
                             f", got {len(caps_b)} bytes")
        count = lib.dxgk_pt_caps_level_count(caps_b)
        need = lib.dxgk_pt_level_desc_size() * min(max(count, 0), 6)
        if len(levels_b) < need:
            raise ValueError(f"levels: expected {min(count, 6)} DXGK_PAGE_TABLE_LEVEL_DESC "
                             f"({need} bytes), got {len(levels_b)} bytes")
        self._init(caps_b, levels_b, capacity, base)
        return self

    def _init(self, caps_buf: Any, levels_buf: Any, capacity: int, base: int) -> None:
        self._pt = ffi.NULL
        out = ffi.new("dxgk_pt **")
        msg = ffi.new("char[]", _MSG)
        st = lib.dxgk_pt_create_bounded(caps_buf, levels_buf, base, capacity, out, msg, _MSG)
        _raise(st, ffi.string(msg).decode())
        self._pt = out[0]
        self.capacity = capacity
        self.base = base
        self._target = ffi.new("dxgk_pt_target *")
        self._xl = ffi.new("dxgk_pt_xlate *")
        g = ffi.new("dxgk_pt_geometry *")
        lib.dxgk_pt_get_geometry(self._pt, g)
        n = g.level_count
        self.level_count: int = n
        self.va_bits: int = g.va_bits
        self.level_bits: tuple[int, ...] = tuple(g.index_bits[0:n])
        self.shifts: tuple[int, ...] = tuple(g.shift[0:n])
        self.table_sizes: tuple[int, ...] = tuple(g.table_size[0:n])
        self.table_aligns: tuple[int, ...] = tuple(g.table_align[0:n])
        self.table_segments: tuple[int, ...] = tuple(g.table_segment[0:n])
        self.leaf64k_size: int = g.leaf64k_size
        self.caps: int = g.caps

    @staticmethod
    def config_error(caps: Any, levels: Any) -> str | None:
        """None if the DXGK_GPUMMUCAPS / level-description buffers are accepted, else why not."""
        msg = ffi.new("char[]", _MSG)
        st = lib.dxgk_pt_config_check(ffi.from_buffer(caps), ffi.from_buffer(levels), msg, _MSG)
        return None if st == lib.DXGK_PT_OK else ffi.string(msg).decode()

    # -- lifetime -----------------------------------------------------------------------
    def close(self) -> None:
        if getattr(self, "_pt", ffi.NULL) != ffi.NULL:
            lib.dxgk_pt_destroy(self._pt)
            self._pt = ffi.NULL

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def _live(self) -> Any:
        if self._pt == ffi.NULL:
            raise ValueError("page table is closed")
        return self._pt

    # -- mapping ------------------------------------------------------------------------
    def _fill_target(self, kind: str, segment: int, address: int, read_only: bool,
                     no_execute: bool, cache_coherent: bool, eligible64k: bool) -> Any:
        t = self._target
        try:
            t.kind = _KINDS[kind]
        except KeyError:
            raise ValueError(f"kind must be one of {sorted(_KINDS)}, not {kind!r}") from None
        t.segment = segment
        t.address = address
        t.flags = ((lib.DXGK_PT_READ_ONLY if read_only else 0)
                   | (lib.DXGK_PT_NO_EXECUTE if no_execute else 0)
                   | (lib.DXGK_PT_CACHE_COHERENT if cache_coherent else 0)
                   | (lib.DXGK_PT_ELIGIBLE_64K if eligible64k else 0))
        t.reserved = 0
        return t

    def map(self, va: int, npages: int, *, kind: str = "pages", segment: int = 0,
            address: int = 0, read_only: bool = False, no_execute: bool = False,
            cache_coherent: bool = False, eligible64k: bool = False) -> None:
        """Maps ``npages`` 4 KB pages at ``va``; atomic (raises, tree unchanged, on failure)."""
        t = self._fill_target(kind, segment, address, read_only, no_execute, cache_coherent,
                              eligible64k)
        _raise(lib.dxgk_pt_map(self._live(), va, npages, t))

    def unmap(self, va: int, npages: int) -> None:
        _raise(lib.dxgk_pt_unmap(self._live(), va, npages))

    def estimate(self, va: int, npages: int, *, kind: str | None = "pages", segment: int = 0,
                 address: int = 0, read_only: bool = False, no_execute: bool = False,
                 cache_coherent: bool = False, eligible64k: bool = False) -> dict[str, Any]:
        """Dry run of map (or of unmap with ``kind=None``): the tables it would create."""
        c = ffi.new("dxgk_pt_cost *")
        t = ffi.NULL if kind is None else self._fill_target(
            kind, segment, address, read_only, no_execute, cache_coherent, eligible64k)
        _raise(lib.dxgk_pt_estimate(self._live(), va, npages, t, c))
        return {"tables": list(c.tables[0:self.level_count]),
                "leaf64k_tables": c.leaf64k_tables, "conversions": c.conversions,
                "bytes": c.bytes}

    # -- reading ------------------------------------------------------------------------
    def translate(self, va: int) -> Translation:
        if not 0 <= va < 1 << 64:
            raise ValueError("va must be a 64-bit unsigned integer")
        lib.dxgk_pt_translate(self._live(), va, self._xl)
        return _xlate(self._xl)

    def translate_many(self, vas: Iterable[int] | np.ndarray) -> np.ndarray:
        """One XLATE_DTYPE record per VA (same shape as ``vas``)."""
        a = np.ascontiguousarray(vas, dtype=np.uint64)
        out = np.empty(a.shape, dtype=XLATE_DTYPE)
        if a.size:
            lib.dxgk_pt_translate_many(self._live(), ffi.from_buffer("uint64_t[]", a), a.size,
                                       ffi.from_buffer("dxgk_pt_xlate[]", out,
                                                       require_writable=True))
        return out

    def walk(self, va: int) -> Walk:
        w = ffi.new("dxgk_pt_walk_result *")
        _raise(lib.dxgk_pt_walk(self._live(), va, w))
        levels = tuple(
            WalkLevel(int(x.level), int(x.index), int(x.table_segment), int(x.table_address),
                      int(x.table_page_size), int(x.entry_flags), int(x.entry_address))
            for x in (w.levels[i] for i in range(w.depth)))
        return Walk(levels, _xlate(w.result))

    @property
    def stats(self) -> dict[str, Any]:
        s = ffi.new("dxgk_pt_stats *")
        lib.dxgk_pt_get_stats(self._live(), s)
        return {"tables": list(s.tables[0:self.level_count]),
                "leaf64k_tables": s.leaf64k_tables, "table_bytes": s.table_bytes,
                "valid_leaf_entries": s.valid_leaf_entries, "mapped_pages": s.mapped_pages,
                "conversions": s.conversions}

    def validate(self) -> None:
        """Raises AssertionError naming the first broken invariant."""
        msg = ffi.new("char[]", _MSG)
        if lib.dxgk_pt_validate(self._live(), msg, _MSG) != lib.DXGK_PT_OK:
            raise AssertionError(ffi.string(msg).decode())
