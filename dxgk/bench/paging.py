"""The paging stream's benchmark (docs/behaviour.md 10.2), run by :mod:`.harness`.

What it owns: one figure and its report lines -- the cost of recording the paging stream.
A 512-page Update MAP (one leaf table's worth of 4 KB pages, into a reserved VAD next to
a page that stays mapped, so the upper tables stay; the UNMAP that follows each one
empties the leaf, so every map makes a new leaf table -- four operations: its
initialisation, the 512-entry run, the level-1 entry, the flush) timed call by call
through the raw cffi thunk, on an adapter recording its paging log (the default) and on
one with ``paging_log=0``, interleaved in the same run. Target: recording / off <= 1.3.

Invariant kept: the two adapters run the same calls in alternation; only the map calls
are timed; the ratio is of figures measured side by side.
"""

from __future__ import annotations

import time
from typing import Any

from .._core import ffi, lib
from .stats import stat

__all__ = ["bench_paging_record", "report_lines"]

_PAGES = 512


class _Case:
    """One adapter with a reserved VAD, an allocation and the two operations."""

    def __init__(self, paging_log: int) -> None:
        from .. import structs
        from ..kmt import D3DKMTReserveGpuVirtualAddress
        from ..model import Adapter

        self.a = Adapter(paging_log=paging_log)
        p = self.a.create_process()
        self.d = p.create_device()
        self.c = self.d.create_context()
        self.q = self.d.create_paging_queue()
        h = self.d.allocate(_PAGES * 4096, segments=0b10)
        r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(Size=4 << 20)
        r.hPagingQueue = p.kmt_adapter
        if D3DKMTReserveGpuVirtualAddress(r) != 0:
            raise RuntimeError("the paging benchmark's reservation failed")
        base = int(r.VirtualAddress) + (2 << 20)                 # one whole leaf table
        keep = ffi.new("dxgk_vm_uop *", {"type": 0, "allocation": h,
                                         "base": int(r.VirtualAddress), "size": 4096})
        if lib.dxgk_vm_kmt_update(self.d.kmt_handle, self.c.kmt_handle, self.q.sync_object,
                                  keep, 1, 0, 0) != 0:
            raise RuntimeError("the paging benchmark's resident page failed")
        self.map_op = ffi.new("dxgk_vm_uop *", {"type": 0, "allocation": h, "base": base,
                                                "size": _PAGES * 4096})
        self.unmap_op = ffi.new("dxgk_vm_uop *", {"type": 1, "base": base,
                                                  "size": _PAGES * 4096})
        self.args = (self.d.kmt_handle, self.c.kmt_handle, self.q.sync_object)

    def run(self, calls: int) -> list[float]:
        """ns of each of `calls` maps (each followed by its unmap, not timed)."""
        upd, (dev, ctx, fence) = lib.dxgk_vm_kmt_update, self.args
        m, u, clock = self.map_op, self.unmap_op, time.perf_counter_ns
        out = []
        for _ in range(calls):
            t0 = clock()
            st = upd(dev, ctx, fence, m, 1, 0, 0)
            t1 = clock()
            if st != 0 or upd(dev, ctx, fence, u, 1, 0, 0) != 0:
                raise RuntimeError(f"the paging benchmark's Update failed ({st:#x})")
            out.append(float(t1 - t0))
        return out

    def close(self) -> None:
        self.a.validate()
        self.a.close()


def bench_paging_record(calls: int, repeats: int) -> dict[str, Any]:
    on, off = _Case(int(lib.DXGK_PG_DEFAULT_CAPACITY)), _Case(0)
    try:
        on.run(200)                                  # warm up; fills part of the log
        off.run(200)
        t_on: list[float] = []
        t_off: list[float] = []
        ratios = []
        for _ in range(repeats):                     # interleaved: same load for each
            a = sorted(on.run(calls))[calls // 2]
            b = sorted(off.run(calls))[calls // 2]
            t_on.append(a)
            t_off.append(b)
            ratios.append(a / b)
        held = len(on.a.paging_log) if calls * repeats < 4000 else None
    finally:
        on.close()
        off.close()
    out: dict[str, Any] = {"pages": _PAGES, "calls_per_repeat": calls,
                           "map_ns_recording": stat(t_on), "map_ns_off": stat(t_off),
                           "ratio_runs": stat(ratios)}
    out["ratio"] = out["ratio_runs"]["median"]
    if held is not None:
        out["log_held"] = held
    return out


def report_lines(res: dict[str, Any], fmt: Any) -> list[str]:
    """The report's lines; `fmt` formats a stat (harness._s)."""
    return [f"paging stream: a {res['pages']}-page Update MAP (new leaf table each time), "
            f"median ns per call of {res['calls_per_repeat']:,}, interleaved",
            f"  recording the paging log (default)         {fmt(res['map_ns_recording'])}",
            f"  paging_log=0                               {fmt(res['map_ns_off'])}",
            f"  recording / off (per repeat) {fmt(res['ratio_runs'], '{:.2f}')} "
            f"(target <= 1.3)"]
