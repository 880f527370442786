"""The benchmark harness: ``python -m dxgk bench [--json] [--quick]`` (and
``tools/bench.py``).

What it owns: the benchmark plan, the machine description, every figure's collection
and the report. Invariant kept: timed loops run inside C (the core's benchmark drivers);
Python only sets up, reads the clocks the drivers return, and takes medians -- ratios are
always of figures measured side by side in the same run.

What it measures, each figure the median of repeated runs with their min and max:

* **allocator** -- every workload of the range-allocator benchmark driver
  (``dxgk/core/bench_ra.c``: (a) random free + lowest-fit alloc, (b) free + fixed-address
  alloc, (c) free + alloc in a random 5 % window, (e) the 64 KB phase rule: free + alloc
  64 KB aligned at a random 4 KB phase), ns per operation at 1k, 100k and (full run) 1M
  live ranges; and (d) the aligned workload, every allocation 2^k aligned (k =
  12..40 in a full run, a few in a quick one, next to the same workload unaligned) at
  1k and 100k live ranges, with its two ratios (100k aligned over 100k unaligned, 100k
  over 1k); timed inside C.
* **page tables** -- every workload of the page-table benchmark driver
  (``dxgk/core/bench_pt.c``): map/unmap of 1, 16, 512 pages packed and one-new-leaf-per-
  call, 1 GiB in 4 KB and in 64 KB leaves (with PTE GB/s next to memset of the same
  bytes), and hot/cold translation; timed inside C.
* **facade** -- the per-call cost of ``DxgkCbMapContextAllocation`` through the Python
  facade with a ctypes struct and with a bytearray, next to the raw cffi call of the same
  C function and a no-op cffi call (``dxgk_py_noop``), measured interleaved in the same
  run; the ratio facade ÷ no-op is the figure of merit (target <= 4). The map is one the
  core rejects after its handle checks (SizeInPages = 0), so the C work is minimal and
  the figure is the facade's own cost; a successful 1-page map is shown for scale.
* **user mode** -- ``D3DKMTMapGpuVirtualAddress`` through its facade next to a no-op cffi
  call, and Update batches of 1000 64 KB tile MAP operations at 10^3 and 10^5 live tiles,
  timed in C (:mod:`.usermode`).
* **paging stream** -- a 512-page Update MAP on an adapter recording its paging log and
  on one with ``paging_log=0``, interleaved (:mod:`.paging`; target: ratio <= 1.3).
* **replay** -- calls per second of the C replay engine (``--check`` on) for each
  synthetic trace kind of :mod:`dxgk.bench.workloads`, and the decoder's lines per second.
* **page-table memory** per mapped GiB (bytes of page tables / GiB mapped) for packed
  4 KB and 64 KB mappings, sparse 64 KB mappings (one per leaf table), and the end state
  of the churn trace. These are exact counts, not timings.

The report starts with the machine (CPU model, cores, load) and the versions.
``--quick`` uses smaller sizes and fewer repeats (well under a minute).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Sequence
from typing import Any

from .._core import ffi, lib
from . import paging, usermode
from .stats import stat

__all__ = ["report", "run", "run_command"]

GiB = 1 << 30

RA_WORKLOADS = [(int(lib.DXGK_BENCH_RA_RANDOM), "random", "(a) free random, alloc lowest fit"),
                (int(lib.DXGK_BENCH_RA_FIXED), "fixed", "(b) free random, alloc fixed slot"),
                (int(lib.DXGK_BENCH_RA_WINDOW), "window", "(c) free random, alloc in 5 % window"),
                (int(lib.DXGK_BENCH_RA_PHASE), "phase",
                 "(e) free random, alloc 64 KB aligned at a random 4 KB phase")]

PT_MAP_CASES = [  # (pages, spread, eligible64k, label) -- the page-table issue's cases
    (1, 0, 0, "1 page, packed"),
    (1, 1, 0, "1 page, new leaf"),
    (16, 0, 0, "16 pages, packed"),
    (16, 1, 0, "16 pages, new leaf"),
    (512, 0, 0, "512 pages, packed"),
    (512, 1, 0, "512 pages, new leaf"),
    (262144, 0, 0, "1 GiB (262144 pages)"),
    (262144, 0, 1, "1 GiB, 64 KB leaves"),
]


class _Plan:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.ra_live = (1000, 100_000) if quick else (1000, 100_000, 1_000_000)
        self.ra_pairs = 20_000 if quick else 200_000
        self.ra_runs = 5 if quick else 7
        self.ra_aligned_orders = (0, 12, 20, 30, 40) if quick else (0, *range(12, 41))
        self.ra_aligned_live = (1000, 100_000)
        self.pt_repeats = 3 if quick else 5
        self.pt_min_seconds = 0.02 if quick else 0.2
        self.xl_vas = 100_000 if quick else 1_000_000
        self.xl_chunks = 4096 if quick else 65536
        self.xl_repeats = 3
        self.facade_calls = 20_000 if quick else 100_000
        self.facade_repeats = 7 if quick else 11
        self.trace_calls = 20_000 if quick else 100_000
        self.replay_repeats = 5
        self.decode_repeats = 3
        self.sparse_maps = 4096 if quick else 16384
        self.update_batches = 10 if quick else 50
        self.update_runs = 3 if quick else 5
        self.paging_calls = 500 if quick else 2000
        self.paging_repeats = 5 if quick else 9


# ---- machine ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    mem = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable,
            "memory_bytes": mem, "load_average": load, "os": platform.platform(),
            "arch": platform.machine(), "load_latency_ns": load_latency()}


# working sets of the latency probe: inside any L2, and far beyond any per-core cache
LATENCY_SETS = ((64 << 10, "64 KiB"), (64 << 20, "64 MiB"))


def load_latency(sets: Sequence[tuple[int, str]] = LATENCY_SETS, loads: int = 1_000_000,
                 seed: int = 1) -> dict[str, float]:
    """ns per dependent load from a random cache line of each (bytes, label) working set
    (dxgk_bench_mem_latency): what a cached and a cold tree node cost on this machine,
    the yardstick for the allocator's and the page walk's large-scale figures."""
    out = ffi.new("double *")
    res = {}
    for nbytes, label in sets:
        rc = lib.dxgk_bench_mem_latency(max(nbytes, 4096), loads, seed, out)
        if rc != 0:
            raise RuntimeError(f"memory latency probe failed ({rc})")
        res[label] = round(out[0], 1)
    return res


def versions() -> dict[str, Any]:
    import sysconfig

    import cffi
    import numpy

    from .._version import __version__
    cc = (sysconfig.get_config_var("CC") or "").split()
    return {"dxgk": __version__, "python": platform.python_version(),
            "implementation": platform.python_implementation(), "numpy": numpy.__version__,
            "cffi": cffi.__version__, "cc": cc[0] if cc else None,
            "python_compiler": platform.python_compiler()}


# ---- sections -----------------------------------------------------------------------------------


def bench_allocator(plan: _Plan) -> list[dict[str, Any]]:
    rows = []
    r = ffi.new("dxgk_bench_ra_result *")
    for wl, name, desc in RA_WORKLOADS:
        for live in plan.ra_live:
            rc = lib.dxgk_bench_ra_run(wl, live, plan.ra_pairs, plan.ra_runs, 12345, r)
            if rc != 0:
                raise RuntimeError(f"allocator benchmark {name} at {live} live failed ({rc})")
            runs = int(r.runs)
            rows.append({"workload": name, "description": desc, "live": live,
                         "ns_per_op": stat([r.ns_per_op[i] for i in range(runs)]),
                         "ops_per_run": int(r.ops_per_run), "failures": int(r.failures),
                         "tree_height": int(r.height), "holes": int(r.holes),
                         "pool_bytes": int(r.pool_bytes), "setup_s": r.setup_ns / 1e9,
                         "consistent": int(r.validate) == 0})
    return rows


def bench_allocator_aligned(plan: _Plan) -> dict[str, Any]:
    """Workload (d) per order (0: unaligned) and live count, and per order k the ratios
    ns(k, 100k) / ns(unaligned, 100k) and ns(k, 100k) / ns(k, 1k) (issue 18: <= 2)."""
    rows = []
    r = ffi.new("dxgk_bench_ra_result *")
    for order in plan.ra_aligned_orders:
        for live in plan.ra_aligned_live:
            rc = lib.dxgk_bench_ra_run_aligned(order, live, plan.ra_pairs, plan.ra_runs,
                                               12345, r)
            if rc != 0:
                raise RuntimeError(f"aligned allocator benchmark 2^{order} at {live} live "
                                   f"failed ({rc})")
            runs = int(r.runs)
            rows.append({"order": order, "live": live,
                         "ns_per_op": stat([r.ns_per_op[i] for i in range(runs)]),
                         "pool_bytes": int(r.pool_bytes), "tree_height": int(r.height),
                         "consistent": int(r.validate) == 0})
    ns = {(x["order"], x["live"]): x["ns_per_op"]["median"] for x in rows}
    lo, hi = min(plan.ra_aligned_live), max(plan.ra_aligned_live)
    ratios = [{"order": k, "vs_unaligned": ns[(k, hi)] / ns[(0, hi)],
               "vs_own_small": ns[(k, hi)] / ns[(k, lo)]}
              for k in plan.ra_aligned_orders if k]
    return {"live": [lo, hi], "rows": rows, "ratios": ratios}


def bench_pagetables(plan: _Plan) -> dict[str, Any]:
    rows = []
    r = ffi.new("dxgk_ptbench_map_result *")
    for pages, spread, e64, label in PT_MAP_CASES:
        got: dict[str, list[float]] = {k: [] for k in ("map_ns", "unmap_ns", "map_gbps",
                                                       "memset_gbps", "ratio")}
        for _ in range(plan.pt_repeats):
            rc = lib.dxgk_ptbench_map(pages, spread, e64, plan.pt_min_seconds, r)
            if rc != 0:
                raise RuntimeError(f"page-table benchmark {label!r} failed ({rc})")
            got["map_ns"].append(r.map_ns)
            got["unmap_ns"].append(r.unmap_ns)
            got["map_gbps"].append(r.map_gbps)
            got["memset_gbps"].append(r.memset_gbps)
            got["ratio"].append(r.map_ratio)
        rows.append({"case": label, "pages": pages, "spread": bool(spread),
                     "eligible64k": bool(e64), "pte_bytes": r.pte_bytes,
                     "new_tables_per_call": r.tables_per_call_x1000 / 1000,
                     **{k: stat(v) for k, v in got.items()}})
    x = ffi.new("dxgk_ptbench_xlate_result *")
    xs: dict[str, list[float]] = {k: [] for k in ("hot_batch_ns", "hot_single_ns",
                                                  "cold_batch_ns", "cold_single_ns",
                                                  "walk_cold_ns")}
    for i in range(plan.xl_repeats):
        rc = lib.dxgk_ptbench_translate(plan.xl_vas, plan.xl_chunks, 1, 12345 + i, x)
        if rc != 0:
            raise RuntimeError(f"translate benchmark failed ({rc})")
        for k, values in xs.items():
            values.append(getattr(x, k))
    translate = {"vas": int(x.vas), "hot_pages": int(x.hot_pages),
                 "cold_pages": int(x.cold_pages), "cold_span_bytes": int(x.cold_span),
                 "cold_leaf_tables": int(x.cold_leaf_tables),
                 **{k: stat(v) for k, v in xs.items()}}
    return {"map": rows, "translate": translate}


def bench_facade(plan: _Plan) -> dict[str, Any]:
    import ctypes

    from .. import structs
    from ..ddi import DxgkCbMapContextAllocation, last_status
    from ..model import Adapter

    with Adapter() as a:
        p = a.create_process()
        d = p.create_device()
        h = a.create_allocation(1 << 20, d)
        ah = a.handle
        rejected = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=0)
        ba = bytearray(bytes(rejected))
        addr = ctypes.addressof(rejected)
        if DxgkCbMapContextAllocation(ah, rejected) != 0 or last_status() == 0:
            raise RuntimeError("the rejected map was accepted")
        # statements run in timeit's own loop: nothing but the call is in the figure
        stmts = {"noop_cffi": "noop(ah, addr)", "raw_cffi_map": "raw(ah, addr)",
                 "facade_ctypes": "facade(ah, rejected)", "facade_bytearray": "facade(ah, ba)"}
        env = {"noop": lib.dxgk_py_noop, "raw": lib.dxgk_py_map,
               "facade": DxgkCbMapContextAllocation, "ah": ah, "addr": addr,
               "rejected": rejected, "ba": ba}
        for s in stmts.values():                    # warm up
            timeit.timeit(s, number=2000, globals=env)
        n = plan.facade_calls
        times: dict[str, list[float]] = {k: [] for k in stmts}
        for _ in range(plan.facade_repeats):        # interleaved: same load for each
            for k, s in stmts.items():
                times[k].append(timeit.timeit(s, number=n, globals=env) / n * 1e9)
        # a successful 1-page map (lowest fit), through the facade and raw, for scale
        ok = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=1)
        ok.Protection.Write = 1
        ok_addr = ctypes.addressof(ok)
        m = max(n // 4, 1000)
        ok_times: dict[str, list[float]] = {"facade_ctypes_map_ok": [], "raw_cffi_map_ok": []}
        for _ in range(max(plan.facade_repeats // 2, 3)):
            for k, s in (("facade_ctypes_map_ok", "facade(ah, ok)"),
                         ("raw_cffi_map_ok", "raw(ah, ok_addr)")):
                h2 = a.create_allocation(1 << 20, d)
                ok.hAllocation = h2
                env.update(ok=ok, ok_addr=ok_addr)
                ok_times[k].append(timeit.timeit(s, number=m, globals=env) / m * 1e9)
                a.destroy_allocation(h2)
    out: dict[str, Any] = {k: stat(v) for k, v in {**times, **ok_times}.items()}
    out["calls_per_repeat"] = n
    # ratios per repeat (each pair measured back to back), then their median [min..max]
    for key, num in (("ratio_ctypes_vs_noop", "facade_ctypes"),
                     ("ratio_bytearray_vs_noop", "facade_bytearray"),
                     ("ratio_raw_map_vs_noop", "raw_cffi_map")):
        ratios = [f / z for f, z in zip(times[num], times["noop_cffi"])]
        out[key + "_runs"] = stat(ratios)
        out[key] = out[key + "_runs"]["median"]
    return out


def bench_replay(plan: _Plan, workdir: str) -> list[dict[str, Any]]:
    from .. import trace
    from . import workloads

    rows = []
    for kind, (_, desc) in workloads.KINDS.items():
        path = os.path.join(workdir, f"{kind}.jsonl")
        t0 = time.perf_counter()
        info = workloads.generate(kind, plan.trace_calls, 1, path)
        gen_s = time.perf_counter() - t0
        # the same calls in the object form of format 1, decoded in turn with format 2
        path_v1 = os.path.join(workdir, f"{kind}.v1.jsonl")
        workloads.generate(kind, plan.trace_calls, 1, path_v1, version=1)
        decode_rates, decode_v1 = [], []
        tr = None
        for _ in range(plan.decode_repeats):
            t0 = time.perf_counter()
            tr = trace.decode(path, progress=False)
            decode_rates.append(tr.lines / (time.perf_counter() - t0))
            t0 = time.perf_counter()
            n = trace.decode(path_v1, progress=False).lines
            decode_v1.append(n / (time.perf_counter() - t0))
        assert tr is not None
        rates = []
        end_to_end = []
        ratios = []
        mism = 0
        for _ in range(plan.replay_repeats):
            r = trace.replay(tr, check=True, progress=False)
            rates.append(r.calls_per_second)
            mism = max(mism, r.mismatch_total)
            # the same replay from the file: decoding included, as `replay --check` runs
            t0 = time.perf_counter()
            r2 = trace.replay(path, check=True, progress=False)
            wall = time.perf_counter() - t0
            end_to_end.append(r2.calls / wall)
            ratios.append(wall / r2.seconds)
            mism = max(mism, r2.mismatch_total)
        rows.append({"workload": kind, "description": desc, "calls": tr.calls,
                     "lines": tr.lines, "bytes": os.path.getsize(path),
                     "calls_per_second": stat(rates),
                     "decode_lines_per_second": stat(decode_rates),
                     "decode_v1_lines_per_second": stat(decode_v1),
                     "bytes_v1": os.path.getsize(path_v1),
                     "end_to_end_calls_per_second": stat(end_to_end),
                     "end_to_end_vs_engine": stat(ratios),
                     "generate_calls_per_second": info.calls / gen_s,
                     "mismatches": mism})
    return rows


def bench_pt_memory(plan: _Plan, workdir: str) -> list[dict[str, Any]]:
    from .. import trace
    from ..model import Adapter, Segment

    rows = []

    def row(case: str, process: Any) -> None:
        st = process.page_table_stats()
        mapped = sum(m.size for m in process.mappings() if m.kind != "noaccess")
        rows.append({"case": case, "mapped_bytes": mapped, "table_bytes": st.table_bytes,
                     "tables_per_level": list(st.tables), "leaf64k_tables": st.leaf64k_tables,
                     "table_bytes_per_mapped_gib": st.table_bytes * GiB / mapped
                     if mapped else None})

    segs = [Segment(64 * GiB, 65536, "local"), Segment(64 * GiB, 4096, "aperture")]
    with Adapter(segments=segs) as a:
        # at a 1 GiB-aligned VA, so the figure is tables per GiB and not an edge effect
        p = a.create_process()
        a.map(a.create_allocation(GiB, p.create_device(), segments=[2]), base=1 << 40)
        row("1 GiB packed, 4 KB pages", p)
        p = a.create_process()
        a.map(a.create_allocation(GiB, p.create_device(), segments=[1]), base=1 << 40)
        row("1 GiB packed, 64 KB pages (64 KB leaves)", p)
        p = a.create_process()
        d = p.create_device()
        n = plan.sparse_maps
        for i in range(n):
            h = a.create_allocation(65536, d, segments=[1])
            a.map(h, base=(1 << 40) + i * (2 << 20))
        row(f"{n} x 64 KB, one per 2 MB leaf (sparse)", p)
    churn = os.path.join(workdir, "churn.jsonl")
    if os.path.exists(churn):
        with trace.replay(churn, check=False, keep=True, progress=False) as r:
            st = r.page_table_stats("P1")
            maps = r.mappings("P1")
            mapped = sum(m.size for m in maps if m.kind != "noaccess")
            rows.append({"case": "churn trace, end state (P1)", "mapped_bytes": mapped,
                         "table_bytes": st.table_bytes, "tables_per_level": list(st.tables),
                         "leaf64k_tables": st.leaf64k_tables,
                         "table_bytes_per_mapped_gib": st.table_bytes * GiB / mapped
                         if mapped else None})
    return rows


# ---- the whole run ------------------------------------------------------------------------------


def run(quick: bool = False, *, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Runs every section; returns the JSON-able result."""
    plan = _Plan(quick)
    say = log or (lambda s: None)
    t0 = time.perf_counter()
    res: dict[str, Any] = {"quick": quick, "machine": machine(), "versions": versions()}
    with tempfile.TemporaryDirectory(prefix="dxgk-bench-") as workdir:
        say("allocator workloads ...")
        res["allocator"] = bench_allocator(plan)
        say("allocator, aligned workload ...")
        res["allocator_aligned"] = bench_allocator_aligned(plan)
        say("page-table workloads ...")
        res["page_tables"] = bench_pagetables(plan)
        say("facade per-call cost ...")
        res["facade"] = bench_facade(plan)
        say("user-mode services ...")
        res["usermode_facade"] = usermode.bench_kmt_facade(plan.facade_calls,
                                                           plan.facade_repeats)
        res["usermode_update"] = usermode.bench_update_tiles(plan.update_batches,
                                                             plan.update_runs, 3)
        say("paging stream ...")
        res["paging_record"] = paging.bench_paging_record(plan.paging_calls,
                                                          plan.paging_repeats)
        say("synthetic traces and replay ...")
        res["replay"] = bench_replay(plan, workdir)
        say("page-table memory ...")
        res["pt_memory"] = bench_pt_memory(plan, workdir)
    res["seconds"] = time.perf_counter() - t0
    ra = {(r["workload"], r["live"]): r["ns_per_op"]["median"] for r in res["allocator"]}
    res["summary"] = {
        "facade_ctypes_vs_noop": res["facade"]["ratio_ctypes_vs_noop"],
        "facade_bytearray_vs_noop": res["facade"]["ratio_bytearray_vs_noop"],
        "kmt_map_facade_vs_noop": res["usermode_facade"]["ratio_vs_noop"],
        "update_tile_ns_per_op": {r["live_tiles"]: r["ns_per_op"]["median"]
                                  for r in res["usermode_update"]["rows"]},
        "update_tile_ratio_large_vs_small": res["usermode_update"]["ratio_large_vs_small"],
        "paging_record_vs_off": res["paging_record"]["ratio"],
        "replay_calls_per_second": {r["workload"]: r["calls_per_second"]["median"]
                                    for r in res["replay"]},
        "replay_end_to_end_calls_per_second": {
            r["workload"]: r["end_to_end_calls_per_second"]["median"] for r in res["replay"]},
        "decode_lines_per_second": {r["workload"]: r["decode_lines_per_second"]["median"]
                                    for r in res["replay"]},
        "allocator_ns_per_op": {f"{w}@{live}": v for (w, live), v in ra.items()},
        "allocator_aligned_worst_ratios": {
            "vs_unaligned": max(x["vs_unaligned"] for x in res["allocator_aligned"]["ratios"]),
            "vs_own_small": max(x["vs_own_small"] for x in res["allocator_aligned"]["ratios"])},
        "pt_bytes_per_mapped_gib": {r["case"]: r["table_bytes_per_mapped_gib"]
                                    for r in res["pt_memory"]},
    }
    return res


def _s(st: dict[str, float], fmt: str | None = None) -> str:
    """median [min..max]; by default one decimal below 1000 and none above."""
    if fmt is None:
        fmt = "{:,.1f}" if st["median"] < 1000 else "{:,.0f}"
    return f"{fmt.format(st['median'])} [{fmt.format(st['min'])}..{fmt.format(st['max'])}]"


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return str(n)


def report(res: dict[str, Any]) -> str:
    m, v = res["machine"], res["versions"]
    out = [(f"dxgk benchmark{' (quick)' if res['quick'] else ''} -- "
            f"figures: median [min..max] of repeated runs"),
           (f"machine: {m['cpu']}; {m['cores']} cores ({m['usable_cores']} usable); "
            f"load {m['load_average']}; {m['os']}"),
           (f"versions: dxgk {v['dxgk']}, Python {v['python']} ({v['implementation']}), "
            f"numpy {v['numpy']}, cffi {v['cffi']}, cc {v['cc']}"),
           ("memory: dependent load from a random cache line, ns: "
            + ", ".join(f"{v} in {k}" for k, v in m["load_latency_ns"].items())),
           ""]
    out.append("allocator (bench_ra.c, 1 TiB space, timed in C)      ns/op")
    for r in res["allocator"]:
        out.append(f"  {r['description']:40s} {r['live']:>9,} live  "
                   f"{_s(r['ns_per_op'])}")
    al = res["allocator_aligned"]
    lo, hi = al["live"]
    ns = {(x["order"], x["live"]): x["ns_per_op"] for x in al["rows"]}
    out.append(f"allocator, (d) every alloc 2^k aligned (2^63-byte space), ns/op at {lo:,} "
               f"and {hi:,} live; ratios at {hi:,} over unaligned and over {lo:,} (target <= 2)")
    out.append(f"  {'unaligned':10s} {_s(ns[(0, lo)]):>28s} {_s(ns[(0, hi)]):>28s}")
    for x in al["ratios"]:
        k = x["order"]
        out.append(f"  {'2^' + str(k):10s} {_s(ns[(k, lo)]):>28s} {_s(ns[(k, hi)]):>28s}  "
                   f"{x['vs_unaligned']:.2f} {x['vs_own_small']:.2f}")
    out.append("")
    out.append("page tables (bench_pt.c, default GpuMmu (docs/behaviour.md 3.5), timed in C)")
    out.append(f"  {'map/unmap':24s} {'map ns':>28s} {'unmap ns':>28s} {'PTE/memset':>18s}")
    for r in res["page_tables"]["map"]:
        out.append(f"  {r['case']:24s} {_s(r['map_ns']):>28s} {_s(r['unmap_ns']):>28s} "
                   f"{_s(r['ratio'], '{:.2f}'):>18s}")
    t = res["page_tables"]["translate"]
    out.append(f"  translate {t['vas']:,} random mapped VAs, ns/VA: "
               f"hot batch {_s(t['hot_batch_ns'], '{:.2f}')}, "
               f"hot single {_s(t['hot_single_ns'], '{:.2f}')}")
    out.append(f"    cold ({t['cold_leaf_tables']:,} leaves over 1 TiB): batch "
               f"{_s(t['cold_batch_ns'], '{:.2f}')}, single "
               f"{_s(t['cold_single_ns'], '{:.2f}')}, walk {_s(t['walk_cold_ns'], '{:.2f}')}")
    out.append("")
    f = res["facade"]
    out.append(f"facade per call (DxgkCbMapContextAllocation, {f['calls_per_repeat']:,} calls "
               f"per repeat, interleaved), ns")
    out.append(f"  no-op cffi call (dxgk_py_noop)             {_s(f['noop_cffi'])}")
    out.append(f"  raw cffi call of the map shim              {_s(f['raw_cffi_map'])}")
    out.append(f"  facade, ctypes struct                      {_s(f['facade_ctypes'])}")
    out.append(f"  facade, bytearray                          {_s(f['facade_bytearray'])}")
    out.append(f"  facade / no-op (per repeat): ctypes "
               f"{_s(f['ratio_ctypes_vs_noop_runs'], '{:.2f}')}, bytearray "
               f"{_s(f['ratio_bytearray_vs_noop_runs'], '{:.2f}')} (target <= 4)")
    out.append(f"  for scale, a successful 1-page map: facade {_s(f['facade_ctypes_map_ok'])}, "
               f"raw {_s(f['raw_cffi_map_ok'])}")
    out.append("")
    out += usermode.report_lines(res["usermode_facade"], res["usermode_update"], _s)
    out += paging.report_lines(res["paging_record"], _s)
    out.append("")
    out.append("replay (--check on; traces from gen-trace --seed 1, format 2): the C engine "
               "alone, decoding alone (and the same calls in format 1's object lines), and "
               "from the file (decode + run, as `replay --check`)")
    for r in res["replay"]:
        out.append(f"  {r['workload']:12s} {r['calls']:>8,} calls  engine "
                   f"{_s(r['calls_per_second'], '{:,.0f}')} calls/s   decode "
                   f"{_s(r['decode_lines_per_second'], '{:,.0f}')} lines/s"
                   + (f"  MISMATCHES {r['mismatches']}" if r["mismatches"] else ""))
        out.append(f"  {'':12s} {'':>8}        format 1 decode "
                   f"{_s(r['decode_v1_lines_per_second'], '{:,.0f}')} lines/s; "
                   f"{r['bytes'] / r['lines']:.0f} vs {r['bytes_v1'] / r['lines']:.0f} "
                   f"bytes a line")
        out.append(f"  {'':12s} {'':>8}        end to end "
                   f"{_s(r['end_to_end_calls_per_second'], '{:,.0f}')} calls/s = "
                   f"{_s(r['end_to_end_vs_engine'], '{:.1f}')} x the engine's time")
    out.append("")
    out.append("page-table memory per mapped GiB (exact)")
    for r in res["pt_memory"]:
        per = r["table_bytes_per_mapped_gib"]
        out.append(f"  {r['case']:44s} {_size(per) if per is not None else '-':>12s} "
                   f"(tables {r['tables_per_level']}, {_size(r['table_bytes'])} for "
                   f"{_size(r['mapped_bytes'])})")
    out.append("")
    out.append(f"total {res['seconds']:.1f} s")
    return "\n".join(out)


def run_command(*, quick: bool = False, as_json: bool = False) -> int:
    """``python -m dxgk bench``: the report (or JSON) on stdout, progress on stderr."""
    log = None if as_json else (lambda s: print(s, file=sys.stderr, flush=True))
    res = run(quick, log=log)
    print(json.dumps(res, indent=2) if as_json else report(res))
    return 0
