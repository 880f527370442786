"""The user-mode services' benchmarks (docs/behaviour.md 9), run by :mod:`.harness`.

What it owns: two figures and their report lines.

* **D3DKMT facade** -- the per-call cost of ``D3DKMTMapGpuVirtualAddress`` through the
  Python facade (a ctypes struct), next to the raw cffi call of the same C thunk and a
  no-op cffi call, interleaved in the same run; the map is one the core rejects after its
  handle checks (SizeInPages = 0), so the figure is the facade's own cost (target: facade
  / no-op <= 4).
* **Update tiles** -- Update batches of 1000 64 KB MAP operations into a reservation
  holding 10^3 and 10^5 live tiles, timed inside C (``dxgk/core/bench_kmt.c``): ns per
  operation (target <= 1000) and the 10^5 / 10^3 ratio (target <= 2).

Invariant kept: timed loops run in C or in timeit's own loop; ratios are of figures
measured side by side in one run.
"""

from __future__ import annotations

import ctypes
import timeit
from typing import Any

from .._core import ffi, lib
from .stats import stat

__all__ = ["bench_kmt_facade", "bench_update_tiles", "report_lines"]

_TILE = 1 << 16


def bench_kmt_facade(calls: int, repeats: int) -> dict[str, Any]:
    from .. import structs
    from ..kmt import D3DKMTMapGpuVirtualAddress
    from ..model import Adapter

    with Adapter() as a:
        d = a.create_process().create_device()
        q = d.create_paging_queue()
        h = d.allocate(1 << 20)
        rejected = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q.handle, hAllocation=h,
                                                       SizeInPages=0)
        rejected.Protection.Write = 1
        addr = ctypes.addressof(rejected)
        if D3DKMTMapGpuVirtualAddress(rejected) == 0:
            raise RuntimeError("the rejected map was accepted")
        stmts = {"noop_cffi": "noop(0, addr)", "raw_cffi_map": "raw(addr)",
                 "facade_ctypes": "facade(rejected)"}
        env = {"noop": lib.dxgk_py_noop, "raw": lib.dxgk_py_kmt_map,
               "facade": D3DKMTMapGpuVirtualAddress, "addr": addr, "rejected": rejected}
        for s in stmts.values():                    # warm up
            timeit.timeit(s, number=2000, globals=env)
        times: dict[str, list[float]] = {k: [] for k in stmts}
        for _ in range(repeats):                    # interleaved: same load for each
            for k, s in stmts.items():
                times[k].append(timeit.timeit(s, number=calls, globals=env) / calls * 1e9)
    out: dict[str, Any] = {k: stat(v) for k, v in times.items()}
    out["calls_per_repeat"] = calls
    ratios = [f / z for f, z in zip(times["facade_ctypes"], times["noop_cffi"])]
    out["ratio_vs_noop_runs"] = stat(ratios)
    out["ratio_vs_noop"] = out["ratio_vs_noop_runs"]["median"]
    return out


def _update_case(live: int, batch: int, batches: int, runs: int) -> dict[str, Any]:
    from .. import structs
    from ..kmt import D3DKMTReserveGpuVirtualAddress
    from ..model import Adapter

    alloc_bytes = 64 << 20                          # 1024 tiles of the 64 KB-page segment
    with Adapter() as a:
        p = a.create_process()
        d = p.create_device()
        c = d.create_context()
        q = d.create_paging_queue()
        h = d.allocate(alloc_bytes, segments=0b01)
        span = -(-live * _TILE // (1 << 21)) * (1 << 21)
        r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(Size=span)
        r.hPagingQueue = p.kmt_adapter
        if D3DKMTReserveGpuVirtualAddress(r) != 0:
            raise RuntimeError("the benchmark's reservation failed")
        res = ffi.new("dxgk_bench_kmt_result *")
        rc = lib.dxgk_bench_kmt_update(d.kmt_handle, c.kmt_handle, q.sync_object, h,
                                       alloc_bytes // _TILE, int(r.VirtualAddress), live,
                                       batch, batches, runs, 1, res)
        if rc != 0:
            raise RuntimeError(f"the Update benchmark failed ({rc}, status "
                               f"{int(res.status):#010x})")
        a.validate()
        return {"live_tiles": live, "batch": batch, "ops": int(res.ops),
                "ns_per_op": float(res.ns_per_op), "ns_per_batch": float(res.ns_per_batch)}


def bench_update_tiles(batches: int, runs: int, repeats: int,
                       live: tuple[int, ...] = (1000, 100_000)) -> dict[str, Any]:
    """ns per MAP operation at each live-tile count (median of `repeats` cases, each the
    best of `runs` in C), and the largest count's ratio over the smallest's."""
    rows = []
    for n in live:
        cases = [_update_case(n, 1000, batches, runs) for _ in range(repeats)]
        rows.append({"live_tiles": n, "batch": 1000, "ops": cases[0]["ops"],
                     "ns_per_op": stat([x["ns_per_op"] for x in cases])})
    ratio = rows[-1]["ns_per_op"]["median"] / rows[0]["ns_per_op"]["median"]
    return {"rows": rows, "ratio_large_vs_small": ratio}


def report_lines(facade: dict[str, Any], update: dict[str, Any],
                 fmt: Any) -> list[str]:
    """The report's lines for both figures; `fmt` formats a stat (harness._s)."""
    f = facade
    out = [f"user mode: D3DKMTMapGpuVirtualAddress per call ({f['calls_per_repeat']:,} calls "
           f"per repeat, interleaved), ns",
           f"  no-op cffi call (dxgk_py_noop)             {fmt(f['noop_cffi'])}",
           f"  raw cffi call of the thunk                 {fmt(f['raw_cffi_map'])}",
           f"  facade, ctypes struct                      {fmt(f['facade_ctypes'])}",
           f"  facade / no-op (per repeat) {fmt(f['ratio_vs_noop_runs'], '{:.2f}')} "
           f"(target <= 4)",
           "user mode: Update batches of 1000 64 KB MAP operations (bench_kmt.c, timed in C)"]
    for r in update["rows"]:
        out.append(f"  {r['live_tiles']:>9,} live tiles  {fmt(r['ns_per_op'])} ns/op "
                   f"(target <= 1000)")
    lo, hi = update["rows"][0]["live_tiles"], update["rows"][-1]["live_tiles"]
    out.append(f"  ns/op at {hi:,} over {lo:,} live tiles: "
               f"{update['ratio_large_vs_small']:.2f} (target <= 2)")
    return out
