"""A thin Python wrapper over one C handle table (``dxgk/core/handles.c``), for tests.

Invariant kept: every method is exactly one C call; objects are plain integers
(addresses), so the table's answers are checked as the C core gives them.
"""

from __future__ import annotations

from typing import Any

from .ra import default_core

__all__ = ["HandleTable"]


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
        out: list[int] = []
        h = 0
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
