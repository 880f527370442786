"""A/B benchmark of the range allocator: the working tree's range_alloc.c against
another revision's (default: main), both linked with the working tree's benchmark
driver (dxgk/core/bench_ra.c, through tools/ab_ra_driver.c) and run alternately in
one session, so that every ratio is of figures measured side by side.

What it owns: two throw-away executables in a temporary directory and the table it
prints. Invariant: both builds use the same compiler, flags, driver and seeds; only
range_alloc.c differs. Each point is run --rounds times per build, the builds taking
turns (ABBA order), and the median of each build's rounds is reported.

Sections:
  workloads  random / fixed / window (issue 3) at --scales live ranges: ns/op of
             both builds, new / base (issue 18: <= 1.1), bytes per live range of both
             (pool bytes / live; issue 18: new <= 1.5x base)
  aligned    the aligned workload (every allocation 2^k aligned, k = --orders) on
             the new build at 1k and 100k live ranges, with ns(k, 100k) / ns(unaligned,
             100k) and ns(k, 100k) / ns(k, 1k) (issue 18: <= 2 both); --aligned-base
             adds the base build at --aligned-base-live ranges (the base is quadratic
             there: keep that small)
  phase      the phase-rule workload (every allocation 64 KB aligned with a random
             phase of 0..15 pages) at --scales: both builds, new / base, and each
             build's phase / random at the same count (random measured alongside)

    python tools/ab_alloc.py                         # everything, base = main
    python tools/ab_alloc.py --base HEAD~3 --rounds 5
    python tools/ab_alloc.py --sections workloads --scales 1000,1000000
    python tools/ab_alloc.py --sections workloads,aligned,phase --rounds 5
    python tools/ab_alloc.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "dxgk" / "core"
CFLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
WORKLOADS = ("random", "fixed", "window")
SCALES = (1_000, 10_000, 100_000, 1_000_000)
ORDERS = tuple(range(12, 41))
ALIGNED_LIVE = (1_000, 100_000)


def build(cc: list[str], range_alloc: Path, out: Path) -> None:
    cmd = [*cc, *CFLAGS, f"-I{CORE}", "-o", str(out), str(ROOT / "tools" / "ab_ra_driver.c"),
           str(CORE / "bench_ra.c"), str(range_alloc)]
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise RuntimeError(f"compiling {range_alloc} failed:\n{p.stderr}")


def point(exe: Path, workload: str, live: int, pairs: int, runs: int, seed: int) -> dict:
    p = subprocess.run([str(exe), workload, str(live), str(pairs), str(runs), str(seed)],
                       capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise RuntimeError(f"{exe.name} {workload} {live}: {p.stderr.strip()}")
    ns, fastest, pool, live_end, height, valid = p.stdout.split()
    if int(valid) != 0 or int(live_end) != live:
        raise RuntimeError(f"{exe.name} {workload} {live}: inconsistent allocator ({valid})")
    return {"ns": float(ns), "fastest": float(fastest), "pool_bytes": int(pool),
            "height": int(height)}


def ab(exes: dict[str, Path], workload: str, live: int, args) -> dict:
    """Both builds at one point, --rounds each, in ABBA order. `ns` is the median of
    the rounds' medians; `fastest` the fastest timed run of any round, the figure
    least disturbed by other processes on a shared machine."""
    got: dict[str, list[dict]] = {name: [] for name in exes}
    names = list(exes)
    for r in range(args.rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            got[name].append(point(exes[name], workload, live, args.pairs, args.runs,
                                   args.seed))
    return {name: {"ns": statistics.median(x["ns"] for x in v),
                   "fastest": min(x["fastest"] for x in v),
                   "ns_rounds": [x["ns"] for x in v],
                   "bytes_per_range": v[0]["pool_bytes"] / live, "height": v[0]["height"]}
            for name, v in got.items()}


def phase_section(exes: dict[str, Path], scales: list[int], args) -> list[dict]:
    """The phase-rule workload against the base, and against random on each build."""
    rows = []
    if not args.json:
        print("phase rule (64 KB aligned, random 4 KB phase): ns/op base, new, new/base; "
              "phase/random of base and new")
    for live in scales:
        ph, rnd = ab(exes, "phase", live, args), ab(exes, "random", live, args)
        row = {"live": live, "base": ph["base"], "new": ph["new"],
               "ratio": ph["new"]["ns"] / ph["base"]["ns"],
               "base_vs_random": ph["base"]["ns"] / rnd["base"]["ns"],
               "new_vs_random": ph["new"]["ns"] / rnd["new"]["ns"]}
        rows.append(row)
        if not args.json:
            print(f"  phase {live:>9,} live: base {ph['base']['ns']:8.1f}, "
                  f"new {ph['new']['ns']:8.1f} ns/op, new/base {row['ratio']:.3f}; "
                  f"vs random: base {row['base_vs_random']:.2f}x, "
                  f"new {row['new_vs_random']:.2f}x", flush=True)
    return rows


def parse_ints(text: str, what: str, ap: argparse.ArgumentParser) -> list[int]:
    try:
        vals = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        ap.error(f"--{what} takes comma-separated integers, got {text!r}")
    if not vals:
        ap.error(f"--{what} is empty")
    return vals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default="main", help="git revision of the base range_alloc.c")
    ap.add_argument("--sections", default="workloads,aligned",
                    help="comma-separated subset of: workloads, aligned, phase")
    ap.add_argument("--scales", default=",".join(map(str, SCALES)),
                    help="live ranges for the workloads section")
    ap.add_argument("--orders", default=",".join(map(str, ORDERS)),
                    help="alignment orders (12..48) for the aligned section")
    ap.add_argument("--aligned-base", action="store_true",
                    help="also run the base build in the aligned section")
    ap.add_argument("--aligned-base-live", type=int, default=10_000)
    ap.add_argument("--pairs", type=int, default=20_000, help="free+alloc pairs per timed run")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per point (median)")
    ap.add_argument("--rounds", type=int, default=3, help="repetitions per build and point")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    for s in sections:
        if s not in ("workloads", "aligned", "phase"):
            ap.error(f"unknown section {s!r}")
    scales = parse_ints(args.scales, "scales", ap)
    orders = parse_ints(args.orders, "orders", ap)
    if any(not 12 <= k <= 48 for k in orders):
        ap.error("--orders must be in 12..48")
    if any(n < 1 for n in scales) or args.aligned_base_live < 1:
        ap.error("live counts must be >= 1")
    if args.pairs < 1 or not 1 <= args.runs <= 32 or args.rounds < 1:
        ap.error("--pairs >= 1, --runs in 1..32, --rounds >= 1")
    cc = shlex.split(os.environ.get("CC", "cc"))

    with tempfile.TemporaryDirectory(prefix="dxgk-ab-") as tmp:
        base_src = Path(tmp) / "range_alloc_base.c"
        p = subprocess.run(["git", "-C", str(ROOT), "show", f"{args.base}:dxgk/core/range_alloc.c"],
                           capture_output=True, text=True, check=False)
        if p.returncode != 0:
            print(f"ab_alloc.py: cannot read range_alloc.c at {args.base!r}: {p.stderr.strip()}",
                  file=sys.stderr)
            return 2
        base_src.write_text(p.stdout)
        exes = {"base": Path(tmp) / "ra_base", "new": Path(tmp) / "ra_new"}
        build(cc, base_src, exes["base"])
        build(cc, CORE / "range_alloc.c", exes["new"])
        out: dict = {"base": args.base, "pairs": args.pairs, "runs": args.runs,
                     "rounds": args.rounds, "seed": args.seed}
        if "workloads" in sections:
            rows = []
            for w in WORKLOADS:
                for live in scales:
                    r = ab(exes, w, live, args)
                    row = {"workload": w, "live": live, **r,
                           "ratio": r["new"]["ns"] / r["base"]["ns"],
                           "ratio_fastest": r["new"]["fastest"] / r["base"]["fastest"],
                           "memory_ratio": (r["new"]["bytes_per_range"]
                                            / r["base"]["bytes_per_range"])}
                    rows.append(row)
                    if not args.json:
                        print(f"{w:>7} {live:>9,} live: base {r['base']['ns']:8.1f} ns/op, "
                              f"new {r['new']['ns']:8.1f} ns/op, new/base {row['ratio']:.3f} "
                              f"(fastest runs {r['base']['fastest']:.1f} / "
                              f"{r['new']['fastest']:.1f}: {row['ratio_fastest']:.3f}); "
                              f"bytes/range base {r['base']['bytes_per_range']:.1f}, "
                              f"new {r['new']['bytes_per_range']:.1f} "
                              f"({row['memory_ratio']:.2f}x)", flush=True)
            out["workloads"] = rows
        if "aligned" in sections:
            new_only = {"new": exes["new"]}
            ns: dict[tuple[int, int], float] = {}
            fast: dict[tuple[int, int], float] = {}
            rows = []
            lo, hi = ALIGNED_LIVE
            if not args.json:
                print(f"aligned, new build, ns/op at {lo:,} and {hi:,} live (median; fastest "
                      f"run), {hi:,} over unaligned and over {lo:,} (median; fastest)")
            for k in [0, *orders]:
                for live in ALIGNED_LIVE:
                    r = ab(new_only, f"aligned:{k}", live, args)["new"]
                    ns[(k, live)], fast[(k, live)] = r["ns"], r["fastest"]
                    rows.append({"order": k, "live": live, **r})
                if not args.json:
                    print(f"  {'2^' + str(k) if k else 'unaligned':9s} "
                          f"{ns[(k, lo)]:7.1f} ({fast[(k, lo)]:6.1f})  "
                          f"{ns[(k, hi)]:7.1f} ({fast[(k, hi)]:6.1f})  "
                          f"{ns[(k, hi)] / ns[(0, hi)]:.2f} ({fast[(k, hi)] / fast[(0, hi)]:.2f})  "
                          f"{ns[(k, hi)] / ns[(k, lo)]:.2f} ({fast[(k, hi)] / fast[(k, lo)]:.2f})",
                          flush=True)
            ratios = [{"order": k, "ns_small": ns[(k, lo)], "ns_large": ns[(k, hi)],
                       "vs_unaligned": ns[(k, hi)] / ns[(0, hi)],
                       "vs_own_small": ns[(k, hi)] / ns[(k, lo)],
                       "fastest_vs_unaligned": fast[(k, hi)] / fast[(0, hi)],
                       "fastest_vs_own_small": fast[(k, hi)] / fast[(k, lo)]} for k in orders]
            out["aligned"] = {"live": [lo, hi], "rows": rows, "ratios": ratios}
            if not args.json:
                print("worst over the orders: "
                      + ", ".join(f"{key} {max(x[key] for x in ratios):.2f}"
                                  for key in ("vs_unaligned", "fastest_vs_unaligned",
                                              "vs_own_small", "fastest_vs_own_small"))
                      + f" (target <= 2; unaligned itself: {hi:,} over {lo:,} = "
                      f"{ns[(0, hi)] / ns[(0, lo)]:.2f} ({fast[(0, hi)] / fast[(0, lo)]:.2f}))")
            if args.aligned_base:
                live = args.aligned_base_live
                base_rows = []
                for k in [0, *orders]:
                    r = ab(exes, f"aligned:{k}", live, args)
                    base_rows.append({"order": k, "live": live, **r,
                                      "ratio": r["new"]["ns"] / r["base"]["ns"]})
                    if not args.json:
                        print(f"  aligned 2^{k:<2} at {live:,}: base {r['base']['ns']:10.1f}, "
                              f"new {r['new']['ns']:8.1f} ns/op", flush=True)
                out["aligned_base"] = base_rows
        if "phase" in sections:
            out["phase"] = phase_section(exes, scales, args)
    if args.json:
        json.dump(out, sys.stdout, indent=1)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
