"""Benchmark of the range allocator (dxgk/core/range_alloc.c), issue 3's workloads.

The timed loops run inside C (``dxgk_bench_ra_run`` in dxgk/core/bench_ra.c): Python
only picks the parameters and prints the figures. Workloads, each in a 1 TiB space
with sizes 4 KB..1 MB log-uniform and a quarter of the allocations 64 KB aligned, and a
fixed seed:

  random   free a random live range, allocate the lowest fit
  fixed    free a random live range, allocate at a fixed address taken at random
           from a free list of known-free slots
  window   like random, each allocation confined to a random 5 % [min, max) window

For each workload and number of live ranges the driver fills the allocator, churns it
once (``live`` warm-up pairs), then times ``--runs`` runs of ``--pairs`` free+alloc
pairs; the figure is the median over the runs of ns per operation (a free and an
alloc are two operations). The last column set is the 1M/1k ratio (target: <= 3).

    python tools/bench_alloc.py            # full: 1k..1M live ranges, 5 runs
    python tools/bench_alloc.py --quick    # fewer pairs and runs
    python tools/bench_alloc.py --json     # machine-readable
"""

from __future__ import annotations

import argparse
import json
import sys
import time

WORKLOADS = {"random": 0, "fixed": 1, "window": 2}
SCALES = (1_000, 10_000, 100_000, 1_000_000)


def run_one(core, workload: str, live: int, pairs: int, runs: int, seed: int) -> dict:
    ffi, lib = core.ffi, core.lib
    res = ffi.new("dxgk_bench_ra_result *")
    t0 = time.perf_counter()
    rc = lib.dxgk_bench_ra_run(WORKLOADS[workload], live, pairs, runs, seed, res)
    wall = time.perf_counter() - t0
    if rc != 0:
        raise RuntimeError(f"dxgk_bench_ra_run({workload}, {live}) failed: {rc}")
    if res.validate != 0:
        raise RuntimeError(f"allocator inconsistent after {workload}/{live}: {res.validate}")
    return {
        "workload": workload,
        "live": live,
        "median_ns": round(res.median_ns, 1),
        "runs_ns": [round(res.ns_per_op[i], 1) for i in range(res.runs)],
        "ops_per_run": int(res.ops_per_run),
        "setup_s": round(res.setup_ns / 1e9, 3),
        "wall_s": round(wall, 3),
        "failures": int(res.failures),
        "live_end": int(res.live),
        "holes": int(res.holes),
        "height": int(res.height),
        "pool_bytes": int(res.pool_bytes),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="20k pairs x 3 runs per point")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--workloads", default=",".join(WORKLOADS),
                    help="comma-separated subset of: " + ", ".join(WORKLOADS))
    ap.add_argument("--scales", default=",".join(map(str, SCALES)),
                    help="comma-separated numbers of live ranges")
    ap.add_argument("--pairs", type=int, help="free+alloc pairs per timed run")
    ap.add_argument("--runs", type=int, help="timed runs per point (median reported)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from dxgk import _core as core  # after argument parsing: --help stays cheap

    pairs = args.pairs or (20_000 if args.quick else 200_000)
    runs = args.runs or (3 if args.quick else 5)
    if not 1 <= runs <= core.lib.DXGK_BENCH_RA_MAX_RUNS:
        ap.error(f"--runs must be in 1..{core.lib.DXGK_BENCH_RA_MAX_RUNS}")
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    for w in workloads:
        if w not in WORKLOADS:
            ap.error(f"unknown workload {w!r}")
    scales = [int(s) for s in args.scales.split(",") if s.strip()]

    results = []
    for w in workloads:
        for live in scales:
            r = run_one(core, w, live, pairs, runs, args.seed)
            results.append(r)
            if not args.json:
                print(f"{w:>7} {live:>9,} live: {r['median_ns']:8.1f} ns/op  "
                      f"(runs {', '.join(f'{x:.0f}' for x in r['runs_ns'])}; "
                      f"setup {r['setup_s']:.2f} s, height {r['height']}, "
                      f"{r['pool_bytes'] / 2**20:.1f} MiB"
                      + (f", {r['failures']} window misses" if r["failures"] else "") + ")",
                      flush=True)

    ratios = {}
    lo, hi = min(scales), max(scales)
    for w in workloads:
        by = {r["live"]: r["median_ns"] for r in results if r["workload"] == w}
        if lo != hi:
            ratios[w] = round(by[hi] / by[lo], 2)
    if args.json:
        json.dump({"pairs": pairs, "runs": runs, "seed": args.seed, "results": results,
                   "ratio_scales": [lo, hi], "ratios": ratios}, sys.stdout, indent=1)
        print()
    elif ratios:
        print(f"ns/op at {hi:,} over ns/op at {lo:,} live ranges (target <= 3): "
              + ", ".join(f"{w} {x:.2f}x" for w, x in ratios.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
